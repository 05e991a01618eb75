"""The outbox: work to do after a commit, run by `waishi worker`.

A service that wants something done later (a reminder, a notification, an escalation) enqueues a
job in the same transaction as its change, so the job exists exactly when the change does:

    @transaction.atomic
    def delegation_approve(*, actor, delegation):
        ...
        outbox_enqueue(
            kind="delegations.remind_passport_return",
            payload={"delegation_id": delegation.pk},
            run_after=delegation.return_china_at + timedelta(days=5),
            dedupe_key=f"passport-return:{delegation.pk}",
        )

An app registers its handlers in `<app>/jobs.py` and imports that module in its AppConfig.ready:

    @outbox_handler("delegations.remind_passport_return")
    def remind_passport_return(payload: dict) -> None:
        ...

A handler gets the job's payload (JSON), runs inside its own transaction (`atomic=False` to opt
out, e.g. for long read-only checks) and reports failure by raising. Delivery is at least once: a
job whose worker died is run again after its lease expires, so a handler must be safe to repeat
(check the state it is about to change; the job is marked done in the handler's transaction).
Handlers given `daily_at=time(...)` are also scheduled by the worker once a day at that local time.

Claiming is a conditional UPDATE per job (`... WHERE id = ? AND status = 'pending'`), so of two
workers racing for a job exactly one wins; no database-specific locking (SKIP LOCKED) is needed,
and the same code is correct on SQLite and PostgreSQL.
"""

import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from waishi.core.models import OutboxJob

logger = logging.getLogger(__name__)

Status = OutboxJob.Status

# A job left "running" longer than this is taken to belong to a dead worker and run again.
LEASE = timedelta(seconds=getattr(settings, "WAISHI_OUTBOX_LEASE_SECONDS", 600))
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=2)
ERROR_MAX_CHARS = 1000


@dataclass(frozen=True)
class Handler:
    func: Callable[[dict], object]
    atomic: bool = True
    daily_at: time | None = None


HANDLERS: dict[str, Handler] = {}


def outbox_handler(kind: str, *, atomic: bool = True, daily_at: time | None = None):
    """Register the function that runs jobs of `kind` (one function per kind)."""

    def register(func):
        known = HANDLERS.get(kind)
        if known is not None and known.func is not func:
            raise ValueError(f"outbox job kind {kind!r} already has a handler: {known.func!r}")
        HANDLERS[kind] = Handler(func=func, atomic=atomic, daily_at=daily_at)
        return func

    return register


def outbox_enqueue(
    *, kind: str, payload: dict, run_after: datetime | None = None, dedupe_key: str | None = None
) -> OutboxJob:
    """Add a job; call it inside the transaction of the change it belongs to.

    With `dedupe_key`, a second enqueue of the same key returns the first job and adds nothing.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("outbox_enqueue must be called inside the caller's transaction")
    if kind not in HANDLERS:
        raise ValueError(f"no outbox handler is registered for job kind {kind!r}")
    fields = {"kind": kind, "payload": payload, "run_after": run_after or timezone.now()}
    if dedupe_key is None:
        return OutboxJob.objects.create(**fields)
    job, _created = OutboxJob.objects.get_or_create(dedupe_key=dedupe_key, defaults=fields)
    return job


def claim_due(worker_id: str, limit: int) -> list[OutboxJob]:
    """Take up to `limit` due jobs for this worker; each is won by exactly one worker.

    Due: pending with run_after passed, or running with an expired lease (its worker died).
    Each claim is its own conditional UPDATE, committed at once: call this outside a transaction.
    """
    now = timezone.now()
    expired = now - LEASE
    pending = Q(status=Status.PENDING, run_after__lte=now)
    abandoned = Q(status=Status.RUNNING, locked_at__lt=expired)
    # A few more candidates than needed: another worker may win some of them.
    candidates = OutboxJob.objects.filter(pending | abandoned).order_by("run_after", "pk")
    candidates = candidates.values_list("pk", "status", "attempts", "max_attempts")[: limit * 2]
    claimed = []
    for pk, status, attempts, max_attempts in candidates:
        if len(claimed) >= limit:
            break
        # The WHERE repeats what made the job due: if another worker changed it since, 0 rows.
        still_due = pending if status == Status.PENDING else abandoned
        mine = OutboxJob.objects.filter(still_due, pk=pk)
        if status == Status.RUNNING and attempts >= max_attempts:
            # Its last attempt died with its worker: give up rather than kill workers forever.
            error = f"abandoned by a worker that stopped during attempt {attempts}"
            mine.update(
                status=Status.FAILED,
                finished_at=now,
                locked_by="",
                locked_at=None,
                last_error=error,
            )
            continue
        fields = {"locked_by": worker_id, "locked_at": now, "attempts": F("attempts") + 1}
        if mine.update(status=Status.RUNNING, **fields):
            claimed.append(pk)
    jobs = OutboxJob.objects.in_bulk(claimed)
    return [jobs[pk] for pk in claimed]


def backoff(attempts: int) -> timedelta:
    """Delay before retry number `attempts`: doubling from 30 s, capped, with jitter.

    The jitter (between half and all of the delay) keeps jobs that failed together, e.g. while a
    mail server was down, from all retrying in the same second.
    """
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempts - 1, 0))
    return delay * secrets.SystemRandom().uniform(0.5, 1.0)


def one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text[:ERROR_MAX_CHARS]


class LostLease(Exception):
    """Another worker took the job over (our lease expired): undo the handler's writes."""


def _held(job: OutboxJob):
    return OutboxJob.objects.filter(pk=job.pk, status=Status.RUNNING, locked_by=job.locked_by)


def _mark_done(job: OutboxJob) -> None:
    now = timezone.now()
    if not _held(job).update(status=Status.DONE, finished_at=now, last_error=""):
        raise LostLease(f"job #{job.pk} was taken over by another worker")


def _mark_failed(job: OutboxJob, error: str, *, retry: bool = True) -> str:
    """Record a failure: retry later, or give up after the last attempt. Returns the outcome."""
    now = timezone.now()
    if retry and job.attempts < job.max_attempts:
        outcome = {"status": Status.PENDING, "run_after": now + backoff(job.attempts)}
    else:
        outcome = {"status": Status.FAILED, "finished_at": now}
    _held(job).update(last_error=error, locked_by="", locked_at=None, **outcome)
    return "retry" if outcome["status"] == Status.PENDING else "failed"


def _run_handler(handler: Handler, job: OutboxJob) -> None:
    if not handler.atomic:
        handler.func(job.payload)
        _mark_done(job)
        return
    # Done is marked in the handler's transaction: its writes and "done" commit together.
    with transaction.atomic():
        handler.func(job.payload)
        _mark_done(job)


def run_job(job: OutboxJob) -> str:
    """Run one claimed job; returns "done", "retry", "failed" or "lost" (taken over)."""
    handler = HANDLERS.get(job.kind)
    if handler is None:
        # Retrying cannot help until a handler for this kind is deployed.
        error = f"no handler is registered for job kind {job.kind!r}"
        return _mark_failed(job, error, retry=False)
    try:
        _run_handler(handler, job)
    except LostLease:
        logger.warning("outbox job #%s (%s) was taken over by another worker", job.pk, job.kind)
        return "lost"
    except Exception as exc:  # a failing job must not stop the worker: it is recorded, retried
        logger.warning("outbox job #%s (%s) failed", job.pk, job.kind, exc_info=True)
        return _mark_failed(job, one_line(exc))
    return "done"


def release(jobs: list[OutboxJob]) -> None:
    """Hand claimed jobs back unrun (the worker is stopping); the attempt does not count."""
    for job in jobs:
        _held(job).update(
            status=Status.PENDING, locked_by="", locked_at=None, attempts=job.attempts - 1
        )


@dataclass
class RunCounts:
    claimed: int = 0
    done: int = 0
    retry: int = 0
    failed: int = 0
    lost: int = 0
    released: int = 0
    results: list[tuple[OutboxJob, str]] = field(default_factory=list)


def run_once(
    worker_id: str,
    limit: int = 20,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    report: Callable[[OutboxJob, str], None] | None = None,
) -> RunCounts:
    """Claim up to `limit` due jobs and run them one by one; stop early if `should_stop()`."""
    jobs = claim_due(worker_id, limit)
    counts = RunCounts(claimed=len(jobs))
    for index, job in enumerate(jobs):
        if should_stop():
            release(jobs[index:])
            counts.released = len(jobs) - index
            break
        outcome = run_job(job)
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        counts.results.append((job, outcome))
        if report:
            report(job, outcome)
    return counts


def schedule_daily(now: datetime | None = None) -> None:
    """Enqueue today's run of each daily handler (once a day: the date is in the dedupe key)."""
    today = timezone.localtime(now).date()
    for kind, handler in HANDLERS.items():
        if handler.daily_at is None:
            continue
        key = f"{kind}@{today.isoformat()}"
        if OutboxJob.objects.filter(dedupe_key=key).exists():
            continue  # the usual case: no write transaction (on SQLite it would take the lock)
        run_after = timezone.make_aware(datetime.combine(today, handler.daily_at))
        with transaction.atomic():
            outbox_enqueue(kind=kind, payload={}, run_after=run_after, dedupe_key=key)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
