"""`waishi worker`: run due outbox jobs (reminders, notifications, nightly checks)."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from waishi.core.outbox import default_worker_id, run_once, schedule_daily

logger = logging.getLogger(__name__)


def positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise ValueError(text)
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its error message
    return parse


class Command(BaseCommand):
    help = (
        "Run due outbox jobs until stopped (SIGTERM or Ctrl-C finish the current job first). "
        "Several workers may run at once: each job is claimed by exactly one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="run every job that is due now, then exit"
        )
        parser.add_argument(
            "--interval",
            type=positive(float),
            default=5.0,
            help="seconds to wait when no job is due (default 5)",
        )
        parser.add_argument(
            "--limit", type=positive(int), default=20, help="jobs claimed at a time (default 20)"
        )
        parser.add_argument("--name", default="", help="worker name in the job records")

    def handle(self, *args, **options):
        self.stopping = threading.Event()
        self.verbosity = options["verbosity"]
        worker_id = options["name"] or default_worker_id()
        previous = self.install_signal_handlers()
        try:
            if options["once"]:
                total = self.drain(worker_id, options["limit"])
            else:
                total = self.loop(worker_id, options["limit"], options["interval"])
        finally:
            self.restore_signal_handlers(previous)
        if self.verbosity >= 1:
            self.stdout.write(
                f"worker {worker_id} stopped after {total} job{'' if total == 1 else 's'}"
            )

    def drain(self, worker_id: str, limit: int) -> int:
        schedule_daily()
        total = 0
        while not self.stopping.is_set():
            counts = self.run_batch(worker_id, limit)
            total += counts.claimed - counts.released
            if not counts.claimed:
                break
        return total

    def loop(self, worker_id: str, limit: int, interval: float) -> int:
        if self.verbosity >= 1:
            self.stdout.write(f"worker {worker_id} waiting for jobs (every {interval:g} s)")
        total = 0
        while not self.stopping.is_set():
            if not connection.in_atomic_block:  # (it is only inside a test's transaction)
                # A long-lived process must drop connections the database server has closed.
                close_old_connections()
            try:
                schedule_daily()
                counts = self.run_batch(worker_id, limit)
            except DatabaseError as exc:  # database restarting: wait and try again
                logger.warning("worker %s: database error: %s", worker_id, exc)
                self.stopping.wait(interval)
                continue
            total += counts.claimed - counts.released
            if not counts.claimed:
                self.stopping.wait(interval)
        return total

    def run_batch(self, worker_id: str, limit: int):
        return run_once(worker_id, limit, should_stop=self.stopping.is_set, report=self.report)

    def report(self, job, outcome: str):
        if self.verbosity < 1:
            return
        line = f"{outcome:<6} #{job.pk} {job.kind} (attempt {job.attempts})"
        if outcome != "done":
            job.refresh_from_db(fields=["last_error"])
            line += f": {job.last_error}"
        self.stdout.write(line)

    def install_signal_handlers(self) -> dict:
        if threading.current_thread() is not threading.main_thread():
            return {}  # signals can only be handled in the main thread (e.g. tests)
        previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, self.stop)
        return previous

    def restore_signal_handlers(self, previous: dict):
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    def stop(self, signum, frame):
        if self.verbosity >= 1:
            self.stdout.write("stopping after the current job…")
        self.stopping.set()
