"""Time from `waishi demo` on an empty data dir to its first page (target: under 30 s).

    python -m bench.demo_startup [--runs 3] [--port 8799] [--budget-s 30]

Each run starts the real command in a fresh temporary data dir, polls the login page until it
answers 200, records the time, then stops the demo. Exits 1 if any run is over the budget.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def first_page_seconds(port: int, timeout: float) -> float:
    with tempfile.TemporaryDirectory(prefix="waishi-demo-bench-") as data_dir:
        env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
        env["WAISHI_DATA_DIR"] = data_dir
        started = time.perf_counter()
        proc = subprocess.Popen(  # noqa: S603 — our own command
            [sys.executable, "-m", "waishi.cli", "demo", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while time.perf_counter() - started < timeout:
                try:
                    url = f"http://127.0.0.1:{port}/accounts/login/"
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            return time.perf_counter() - started
                except OSError:
                    time.sleep(0.1)
            raise SystemExit(f"no page within {timeout:.0f} s")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--budget-s", type=float, default=30.0)
    args = parser.parse_args()
    times = [first_page_seconds(args.port, args.budget_s * 2) for _ in range(args.runs)]
    print(
        f"demo first page: median {statistics.median(times):.1f} s, max {max(times):.1f} s "
        f"over {args.runs} runs ({', '.join(f'{t:.1f}' for t in times)})"
    )
    return 0 if max(times) <= args.budget_s else 1


if __name__ == "__main__":
    sys.exit(main())
