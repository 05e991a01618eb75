"""The `waishi` command. Thin: it sets up Django and hands over to management commands.

waishi demo [--port 8000]       migrate, load demo data, run server + worker (SQLite in ./var)
waishi serve [--port 8000]      production server (needs SECRET_KEY, ALLOWED_HOSTS, …)
waishi worker [--once]          run due outbox jobs (reminders, notifications)
waishi romanize 姓名 …           passport-style romanisation, one JSON object a line
waishi policy check PLAN.json   check a planned delegation against the rules, price it
waishi news import FILE         a meeting news release → a draft meeting
waishi report annual --year Y   the year's report on foreign affairs work (.docx)
waishi audit verify             recompute the audit chain
waishi backup FILE / restore FILE
waishi manage COMMAND …         any Django management command
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from waishi import __version__

DESCRIPTION = (
    "waishi (外事): a city's foreign affairs work — delegations, visits, partners, safety."
)

# `waishi <words>` → management command name. Words after them are passed through.
MANAGEMENT_ALIASES = {
    ("worker",): "worker",
    ("audit", "verify"): "audit_verify",
    ("backup",): "backup",
    ("restore",): "restore",
    ("roles", "grant"): "grant_role",
}


# `waishi <words>` → a module with `main(argv) -> int` that needs no Django settings to parse and
# check its input (so `--dry-run`/`--json` work on any machine); it sets Django up if it must.
PURE_COMMANDS = {
    ("policy", "check"): "waishi.policy.check_cli",
    ("news", "import"): "waishi.commission.news_cli",
    ("report", "annual"): "waishi.commission.report_cli",
}


# Only ever used to print --help on a machine without configuration.
HELP_PLACEHOLDERS = {
    "SECRET_KEY": "help-only-placeholder-" + "x" * 32,
    "ALLOWED_HOSTS": "localhost",
    "WAISHI_FIELD_KEYS": "aGVscC1vbmx5LXBsYWNlaG9sZGVyLWtleS0zMmJ5dGU=",
}


class CliError(Exception):
    """A problem to report to the user in one line."""


def fail(message: str, code: int = 2):
    print(f"waishi: {message}", file=sys.stderr)
    sys.exit(code)


def data_dir() -> Path:
    return Path(os.environ.get("WAISHI_DATA_DIR", "var")).resolve()


def use_demo_settings_if_demo_dir():
    """A data dir made by `waishi demo` carries its own secrets; let other commands use them."""
    if not os.environ.get("SECRET_KEY") and (data_dir() / "demo").exists():
        os.environ.setdefault("WAISHI_DEMO", "1")


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waishi.config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        fail(str(exc))


HELP_FLAGS = {"-h", "--help"}


def run_management(argv: list[str]):
    use_demo_settings_if_demo_dir()
    if HELP_FLAGS & set(argv) and not os.environ.get("WAISHI_DEMO"):
        # Help needs no secrets and touches no data: let it show on an unconfigured machine.
        for name, value in HELP_PLACEHOLDERS.items():
            os.environ.setdefault(name, value)
    setup_django()
    from django.core.management import ManagementUtility

    ManagementUtility(["waishi", *argv]).execute()


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def gunicorn_argv(host: str, port: int, workers: int, access_log: bool = True) -> list[str]:
    app = "waishi.config.wsgi:application"
    argv = [sys.executable, "-m", "gunicorn", app, "--bind", f"{host}:{port}"]
    argv += ["--workers", str(workers), "--threads", "4", "--error-logfile", "-"]
    argv += ["--log-level", "warning"]
    return [*argv, "--access-logfile", "-"] if access_log else argv


def supervise(processes: list[subprocess.Popen]) -> int:
    """Wait until one child ends or we are interrupted, then stop them all."""

    def stop(*_):
        for proc in processes:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            for proc in processes:
                try:
                    code = proc.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    continue
                stop()
                return code
    except KeyboardInterrupt:
        stop()
        for proc in processes:
            proc.wait(timeout=10)
        return 0


def cmd_demo(args) -> int:
    os.environ["WAISHI_DEMO"] = "1"
    directory = data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "demo").touch()
    (directory / "static").mkdir(exist_ok=True)  # WhiteNoise warns on every start without it
    if not port_free(args.host, args.port):
        fail(f"port {args.port} on {args.host} is in use; choose another with --port", 1)
    setup_django()
    from django.core.management import call_command

    print(f"waishi {__version__} demo · data in {directory}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=1)
    env = dict(os.environ)
    processes = [
        subprocess.Popen(gunicorn_argv(args.host, args.port, 2, access_log=False), env=env),  # noqa: S603
        subprocess.Popen([sys.executable, "-m", "waishi.cli", "worker"], env=env),
    ]
    from waishi.core.demo_accounts import DEMO_PASSWORD, demo_logins

    print(f"\n  open http://{args.host}:{args.port}/  (Ctrl-C stops)\n", flush=True)
    print(f"  demo logins, password {DEMO_PASSWORD}:", flush=True)
    for username, description in demo_logins():
        print(f"    {username:<12} {description}", flush=True)
    return supervise(processes)


def cmd_serve(args) -> int:
    os.environ.pop("WAISHI_DEMO", None)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        fail("the database needs migrating first: waishi manage migrate", 1)
    call_command("collectstatic", interactive=False, verbosity=0)
    processes = [subprocess.Popen(gunicorn_argv(args.host, args.port, args.workers))]  # noqa: S603
    print(f"waishi serving on http://{args.host}:{args.port}/", flush=True)
    return supervise(processes)


def cmd_romanize(args) -> int:
    import json

    from waishi.people.romanize import RomanizeError, romanize

    code = 0
    for name in args.names:
        try:
            result = romanize(name)
        except RomanizeError as exc:
            print(f"waishi: {name}: {exc}", file=sys.stderr)
            code = 2
            continue
        print(json.dumps(result.as_dict(), ensure_ascii=False), flush=True)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="waishi", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"waishi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="run the demo: SQLite in $WAISHI_DATA_DIR (./var), demo data, server + worker"
    )
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser(
        "serve", help="production server (needs SECRET_KEY, ALLOWED_HOSTS, WAISHI_FIELD_KEYS)"
    )
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=3)
    serve.set_defaults(func=cmd_serve)

    romanize = sub.add_parser(
        "romanize", help="passport-style romanisation of Chinese names, one JSON line each"
    )
    romanize.add_argument("names", nargs="+", metavar="姓名")
    romanize.set_defaults(func=cmd_romanize)

    sub.add_parser(
        "worker", help="run due outbox jobs: reminders and notifications (--once to drain and stop)"
    )
    audit = sub.add_parser(
        "audit", help="audit chain: `waishi audit verify` exits 0 intact, 1 broken"
    )
    audit.add_argument("action", choices=["verify"])
    sub.add_parser(
        "backup", help="waishi backup FILE: consistent copy of the database and attachments"
    )
    sub.add_parser(
        "restore", help="waishi restore FILE: restore a backup, verified (checksums, audit chain)"
    )
    roles = sub.add_parser(
        "roles", help="waishi roles grant USER ROLE UNIT_CODE: give a role (idempotent)"
    )
    roles.add_argument("action", choices=["grant"])
    policy = sub.add_parser(
        "policy", help="waishi policy check PLAN.json [--json]: check a planned delegation"
    )
    policy.add_argument("action", choices=["check"])
    news = sub.add_parser(
        "news",
        help="waishi news import FILE [--year Y] [--dry-run] [--json]: release → draft meeting",
    )
    news.add_argument("action", choices=["import"])
    report = sub.add_parser(
        "report",
        help="waishi report annual --year YYYY [--output FILE]: the year's report as .docx",
    )
    report.add_argument("action", choices=["annual"])
    sub.add_parser("manage", help="any Django management command: waishi manage migrate")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        run_management(argv[1:] or ["help"])
        return 0
    for words, module in PURE_COMMANDS.items():
        if tuple(argv[: len(words)]) == words:
            import importlib

            return importlib.import_module(module).main(argv[len(words) :])
    for words, command in MANAGEMENT_ALIASES.items():
        if tuple(argv[: len(words)]) == words:
            run_management([command, *argv[len(words) :]])
            return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except CliError as exc:
        fail(str(exc))
    return 0


def entry() -> int:
    """The console script: `main`, quiet when its output is cut short (`waishi … | head`)."""
    try:
        return main()
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at /dev/null so that raises nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(entry())
