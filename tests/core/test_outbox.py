import os
import signal
import sqlite3
import threading
from collections import Counter
from datetime import time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from tests.factories import UnitFactory
from waishi.core import outbox
from waishi.core.models import OutboxJob, Unit
from waishi.core.outbox import (
    LEASE,
    backoff,
    claim_due,
    outbox_enqueue,
    outbox_handler,
    run_job,
    run_once,
    schedule_daily,
)

Status = OutboxJob.Status


@pytest.fixture
def handlers(monkeypatch):
    """A registry of test handlers only (so the app's daily jobs stay out); returns what ran."""
    monkeypatch.setattr(outbox, "HANDLERS", {})
    calls = []

    @outbox_handler("test.record")
    def record(payload):
        calls.append(payload)

    @outbox_handler("test.create_unit_then_fail")
    def create_unit_then_fail(payload):
        UnitFactory(code="WRITTEN-BEFORE-FAILING")
        raise ConnectionError("mail server refused the connection\nsecond line of detail")

    return calls


def enqueue(**kwargs):
    with transaction.atomic():
        return outbox_enqueue(**kwargs)


def overdue(job):
    """Make a job waiting for its retry due now."""
    OutboxJob.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(seconds=1))


def test_a_job_enqueued_in_a_rolled_back_transaction_never_exists(handlers, db):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox_enqueue(kind="test.record", payload={"n": 1})
        1 / 0  # noqa: B018 — the change the job belonged to fails
    assert not OutboxJob.objects.exists()


def test_enqueueing_outside_a_transaction_is_refused_so_a_job_cannot_outlive_its_change(
    handlers, transactional_db
):
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        outbox_enqueue(kind="test.record", payload={})


def test_enqueueing_an_unknown_kind_fails_at_once_rather_than_at_run_time(handlers, db):
    with pytest.raises(ValueError, match=r"test\.typo"):
        enqueue(kind="test.typo", payload={})


def test_enqueueing_the_same_dedupe_key_twice_adds_one_job(handlers, db):
    first = enqueue(kind="test.record", payload={"n": 1}, dedupe_key="reminder:7")
    second = enqueue(kind="test.record", payload={"n": 2}, dedupe_key="reminder:7")
    assert second.pk == first.pk
    assert OutboxJob.objects.get().payload == {"n": 1}


def test_a_due_job_runs_once_with_its_payload_and_is_marked_done(handlers, db):
    job = enqueue(kind="test.record", payload={"delegation": 42})
    counts = run_once("w1", limit=10)
    job.refresh_from_db()
    assert handlers == [{"delegation": 42}]
    assert (counts.claimed, counts.done) == (1, 1)
    assert (job.status, job.attempts, job.locked_by) == (Status.DONE, 1, "w1")
    assert job.finished_at is not None
    assert run_once("w1", limit=10).claimed == 0


def test_a_job_due_later_waits(handlers, db):
    enqueue(kind="test.record", payload={}, run_after=timezone.now() + timedelta(hours=1))
    assert run_once("w1", limit=10).claimed == 0
    assert handlers == []


def test_a_failing_job_is_undone_and_retried_later_with_one_line_error(handlers, db):
    job = enqueue(kind="test.create_unit_then_fail", payload={})
    before = timezone.now()
    assert run_once("w1", limit=10).retry == 1
    job.refresh_from_db()
    assert not Unit.objects.filter(code="WRITTEN-BEFORE-FAILING").exists()
    assert (job.status, job.attempts, job.locked_by) == (Status.PENDING, 1, "")
    assert job.last_error == "ConnectionError: mail server refused the connection"
    assert before + timedelta(seconds=15) <= job.run_after <= timezone.now() + timedelta(seconds=30)
    assert run_once("w1", limit=10).claimed == 0  # not due again yet


def test_a_job_that_keeps_failing_is_given_up_after_its_last_attempt(handlers, db):
    job = enqueue(kind="test.create_unit_then_fail", payload={})
    OutboxJob.objects.filter(pk=job.pk).update(max_attempts=3)
    outcomes = []
    for _ in range(3):
        overdue(job)
        outcomes += [outcome for _job, outcome in run_once("w1", limit=10).results]
    job.refresh_from_db()
    assert outcomes == ["retry", "retry", "failed"]
    assert (job.status, job.attempts) == (Status.FAILED, 3)
    assert job.finished_at is not None
    overdue(job)
    assert run_once("w1", limit=10).claimed == 0


def test_retry_delays_double_with_jitter_up_to_a_cap():
    for attempts, low, high in [(1, 15, 30), (2, 30, 60), (3, 60, 120)]:
        delays = {backoff(attempts).total_seconds() for _ in range(20)}
        assert all(low <= d <= high for d in delays)
        assert len(delays) > 1  # jittered
    assert backoff(40) <= timedelta(hours=2)


def test_a_job_of_a_kind_nobody_handles_fails_at_once_naming_the_kind(handlers, db):
    job = OutboxJob.objects.create(kind="retired.kind", payload={}, run_after=timezone.now())
    assert run_once("w1", limit=10).failed == 1
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "retired.kind" in job.last_error


def stuck_job(*, attempts=1, lease_age=LEASE + timedelta(minutes=1)):
    return OutboxJob.objects.create(
        kind="test.record",
        payload={"stuck": True},
        run_after=timezone.now() - timedelta(hours=1),
        status=Status.RUNNING,
        attempts=attempts,
        locked_by="dead-worker",
        locked_at=timezone.now() - lease_age,
    )


def test_a_job_whose_worker_died_is_run_again_once_its_lease_expires(handlers, db):
    job = stuck_job()
    assert run_once("w2", limit=10).done == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.locked_by) == (Status.DONE, 2, "w2")
    assert handlers == [{"stuck": True}]


def test_a_job_still_within_its_lease_is_left_to_its_worker(handlers, db):
    job = stuck_job(lease_age=timedelta(minutes=1))
    assert claim_due("w2", limit=10) == []
    job.refresh_from_db()
    assert job.locked_by == "dead-worker"


def test_a_job_whose_last_attempt_died_with_its_worker_is_given_up(handlers, db):
    job = stuck_job(attempts=6)
    assert claim_due("w2", limit=10) == []
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "abandoned" in job.last_error
    assert handlers == []


def test_a_handler_finishing_after_its_job_was_taken_over_has_its_writes_undone(handlers, db):
    @outbox_handler("test.slow_writer")
    def slow_writer(payload):
        UnitFactory(code="SLOW")
        OutboxJob.objects.filter(kind="test.slow_writer").update(locked_by="other-worker")

    enqueue(kind="test.slow_writer", payload={})
    [job] = claim_due("w1", limit=1)
    assert run_job(job) == "lost"
    assert not Unit.objects.filter(code="SLOW").exists()


def test_daily_jobs_are_scheduled_once_a_day_at_their_local_time(handlers, db):
    outbox_handler("test.nightly", daily_at=time(2, 30))(lambda payload: None)
    now = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))
    schedule_daily(now)
    schedule_daily(now + timedelta(hours=3))
    job = OutboxJob.objects.get(kind="test.nightly")
    assert timezone.localtime(job.run_after).replace(tzinfo=None) == timezone.datetime(
        2026, 3, 2, 2, 30
    )
    schedule_daily(now + timedelta(days=1))
    assert OutboxJob.objects.filter(kind="test.nightly").count() == 2


def test_worker_once_runs_every_due_job_and_prints_a_line_for_each(handlers, db):
    for n in range(3):
        enqueue(kind="test.record", payload={"n": n})
    failing = enqueue(kind="test.create_unit_then_fail", payload={})
    out = StringIO()
    call_command("worker", "--once", "--limit", "2", "--name", "w1", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(handlers) == 3
    assert sum(line.startswith("done") for line in lines) == 3
    assert f"retry  #{failing.pk} test.create_unit_then_fail (attempt 1): ConnectionError" in (
        out.getvalue()
    )
    assert lines[-1] == "worker w1 stopped after 4 jobs"


def test_sigterm_lets_the_current_job_finish_and_hands_the_rest_back(handlers, db):
    @outbox_handler("test.terminate")
    def terminate(payload):
        handlers.append(payload)
        os.kill(os.getpid(), signal.SIGTERM)

    jobs = [enqueue(kind="test.terminate", payload={"n": n}) for n in range(3)]
    backstop = threading.Timer(30, os.kill, (os.getpid(), signal.SIGTERM))  # never hang the suite
    backstop.start()
    try:
        call_command("worker", "--interval", "0.1", stdout=StringIO())
    finally:
        backstop.cancel()
    statuses = [OutboxJob.objects.get(pk=job.pk) for job in jobs]
    assert handlers == [{"n": 0}]
    assert [(j.status, j.attempts) for j in statuses] == [
        (Status.DONE, 1),
        (Status.PENDING, 0),
        (Status.PENDING, 0),
    ]


@pytest.fixture
def production_like_database(transactional_db, tmp_path):
    """On SQLite, a file database as in production (WAL, writers wait for the lock).

    The suite's shared in-memory database answers a second writer "table is locked" at once
    instead of making it wait, which no deployment does. Other databases are used as they are.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    memory_name = connection.settings_dict["NAME"]
    keeper = sqlite3.connect(memory_name, uri=True)  # the in-memory database lives while this does
    connection.ensure_connection()
    with sqlite3.connect(tmp_path / "race.sqlite3") as target:
        connection.connection.backup(target)
    target.close()
    switch_default_database(str(tmp_path / "race.sqlite3"))
    try:
        yield
    finally:
        switch_default_database(memory_name)
        connection.ensure_connection()  # before the keeper goes: the last one out drops it
        keeper.close()


def switch_default_database(name):
    for settings_dict in (connection.settings_dict, connections.settings["default"]):
        settings_dict["NAME"] = name
    connection.connection.close()  # the in-memory backend ignores close(): close the raw one
    connection.connection = None


def test_two_workers_racing_for_the_same_jobs_run_each_job_exactly_once(
    handlers, production_like_database
):
    ran, lock = Counter(), threading.Lock()

    @outbox_handler("test.count")
    def count(payload):
        with lock:
            ran[payload["n"]] += 1

    with transaction.atomic():
        for n in range(50):
            outbox_enqueue(kind="test.count", payload={"n": n})
    start = threading.Barrier(2)
    errors = []

    def work(worker_id):
        try:
            start.wait()
            while run_once(worker_id, limit=50).claimed:
                pass
        except Exception as exc:  # surfaced in the main thread's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert ran == Counter(range(50))
    assert OutboxJob.objects.filter(status=Status.DONE).count() == 50
