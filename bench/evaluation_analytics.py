"""Times the evaluation analytics page: p50/p95 and queries per request; exits 1 when a p95 is
over the budget or a user's page does not cost the same number of queries whatever the filters.

    python -m bench.evaluation_analytics [--requests 30] [--budget-ms 500] [--export-budget-ms 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/waishi_bench \
        python -m bench.evaluation_analytics

Generates the data set once (bench.generate_evaluations on top of bench.generate_delegations'
200,000 delegations; reused on later runs), then requests the page through Django's test client
(the whole middleware stack, session, every chart and table) as an inspector (the whole city)
and as a department liaison (one subtree), with several filter cases, and the .xlsx export once
per user. Besides p50/p95 (wall clock) it prints the median CPU time a request cost this
process and its PostgreSQL backend, and the machine's load average: on a machine shared with
other jobs the wall-clock times say as much about the neighbours as about the page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from bench import setup_django
from bench.delegations_list import measure, percentile


def cases(year: int, department: int) -> list[tuple[str, str, str, dict]]:
    inspector = [
        ("no filter", "page", {}),
        ("last three years", "page", {"year_from": year - 2, "year_to": year}),
        ("one department", "page", {"unit": department}),
        ("trip type + country", "page", {"trip_type": "investment", "country": "DE"}),
        ("grade fail", "page", {"grade": "fail"}),
        (
            "every filter",
            "page",
            {
                "year_from": year - 5,
                "year_to": year,
                "unit": department,
                "trip_type": "visit",
                "country": "JP",
                "grade": "good",
            },
        ),
        ("export, no filter", "export", {}),
    ]
    liaison = [
        ("no filter", "page", {}),
        ("last three years", "page", {"year_from": year - 2, "year_to": year}),
        ("country + grade", "page", {"country": "JP", "grade": "pass"}),
        ("export, no filter", "export", {}),
    ]
    return [("inspector", *c) for c in inspector] + [("liaison", *c) for c in liaison]


class PageTimer:
    """One request of the page (or its export) through the test client; also keeps the CPU
    time each request cost this process and its PostgreSQL backend (see BackendClock)."""

    def __init__(self, user, name: str, clock):
        from django.test import Client
        from django.urls import reverse

        self.client, self.url, self.clock = Client(), reverse(name), clock
        self.client.force_login(user)
        self.cpu: list[float] = []

    def __call__(self, params: dict) -> None:
        started = time.process_time() + self.clock()
        response = self.client.get(self.url, params)
        assert response.status_code == 200, response.status_code
        b"".join(response)  # an export streams: read it whole
        self.cpu.append((time.process_time() + self.clock() - started) * 1000)


class BackendClock:
    """CPU seconds used so far by this connection's PostgreSQL backend, read from /proc when
    the server runs on this machine (0 otherwise, and on SQLite, whose work is in-process).
    Parallel workers are not counted. On a machine shared with other jobs, wall-clock times
    grow with the load; the CPU time a request costs stays about the same."""

    def __init__(self):
        from django.db import connection

        self.path = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.path = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def __call__(self) -> float:
        try:
            fields = self.path.read_text().rsplit(")", 1)[1].split()
        except (AttributeError, OSError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / self.tick


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run(requests: int, budget_ms: float, export_budget_ms: float) -> int:
    from django.utils import timezone

    from bench.generate import ROOT_CODE
    from bench.generate_evaluations import generate
    from waishi.core.models import Unit, User

    generate()
    root = Unit.objects.get(code=ROOT_CODE)
    department = Unit.objects.filter(parent=root).order_by("pk").values_list("pk", flat=True)[0]
    timers, failed, counts, clock = {}, False, {}, BackendClock()
    for role in ("inspector", "liaison"):
        user = User.objects.get(username=f"bench-{role}")
        timers[role, "page"] = PageTimer(user, "evaluation:analytics", clock)
        timers[role, "export"] = PageTimer(user, "evaluation:analytics_export", clock)
    print(
        f"{requests} requests per case; budget at p95: page {budget_ms:.0f} ms, "
        f"export {export_budget_ms:.0f} ms"
    )
    print(f"load average {load()} on {os.cpu_count()} CPUs")
    print(f"{'as':<10} {'case':<22} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>7} {'queries':>8}")
    for role, label, kind, params in cases(timezone.localdate().year, department):
        timer = timers[role, kind]
        timer.cpu.clear()
        samples, queries = measure(timer, params, requests)
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        cpu = statistics.median(timer.cpu[-requests:])
        over = p95 > (export_budget_ms if kind == "export" else budget_ms)
        failed |= over
        counts.setdefault((role, kind), set()).add(queries)
        flag = "  OVER BUDGET" if over else ""
        print(f"{role:<10} {label:<22} {p50:8.1f} {p95:8.1f} {cpu:7.0f} {queries:8d}{flag}")
    print(f"load average {load()}")
    for (role, kind), seen in counts.items():
        if len(seen) > 1:
            failed = True
            print(f"NOT CONSTANT: {role}'s {kind} took {sorted(seen)} queries by filter")
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per case")
    parser.add_argument("--budget-ms", type=float, default=500.0, help="the page's p95 limit")
    parser.add_argument(
        "--export-budget-ms", type=float, default=1000.0, help="the export's p95 limit"
    )
    args = parser.parse_args(argv)
    print(f"database: {setup_django()}")
    return run(args.requests, args.budget_ms, args.export_budget_ms)


if __name__ == "__main__":
    sys.exit(main())
