"""Times `waishi report annual` end to end on a year with 20,000 delegations abroad; exits 1 when
the median run is over the budget (5 s).

    python -m bench.annual_report [--runs 3] [--budget-s 5] [--target 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/waishi_bench python -m bench.annual_report

Data: bench.generate_delegations' 200,000 delegations over ten years and
bench.generate_evaluations' evaluations (both reused when present). The busiest year by
delegations that left China is the year under report; when it has fewer than `--target`, this
script adds departed delegations to it (made by generate_delegations' own Builder, in the same
units, with their evaluations made by generate_evaluations' Builder, so both generators still
find their data sets complete). Once per database, the year then gets what the report reads
besides: trip reports with results, post-trip disclosures, passport checkouts, workflow events
and the commission's meetings with decisions and tasks. All of it in bulk, bypassing the
services, like the other generators.

Each timed run is the real command in a fresh process (`python -m waishi.cli report annual`):
interpreter start, Django set-up, the queries, the charts and the .docx. A breakdown measured
in-process follows (gathering, charts and document; queries per section).
"""

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal

from bench import ROOT, setup_django

SERIAL_OFFSET = 5_000_000  # approval numbers of added delegations, clear of the generator's
RESULT_STATUSES = (["met"] * 7) + (["partly"] * 2) + ["not"]
CURRENCIES = ["CNY", "CNY", "CNY", "EUR", "USD", "JPY"]


def busiest_year() -> tuple[int, int]:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from waishi.delegations.models import Delegation

    row = (
        Delegation.objects.filter(departed_on__isnull=False)
        .annotate(year=ExtractYear("departed_on"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("-n", "-year")
        .first()
    )
    return (row["year"], row["n"]) if row else (date.today().year - 1, 0)


def departed_count(year: int) -> int:
    from waishi.commission.annual_report import departed_in

    return departed_in(year).count()


# --- topping the year up to the target ------------------------------------------------------


def top_up(year: int, missing: int, out=sys.stdout) -> None:
    """Add delegations leaving in `year` until `missing` more of them left China."""
    from django.db import transaction
    from django.utils import timezone

    from bench.generate import ROOT_CODE, analyse
    from bench.generate_delegations import Builder
    from waishi.commission.annual_report import DEPARTED
    from waishi.core.models import Unit
    from waishi.delegations.models import Delegation, DelegationMember, ItineraryStop
    from waishi.people.models import Person

    started = time.perf_counter()
    root = Unit.objects.get(code=ROOT_CODE)
    units = list(Unit.objects.filter(path__startswith=root.path).values_list("pk", flat=True))
    people = list(
        Person.objects.filter(unit__path__startswith=root.path).values_list(
            "pk", "unit_id", "rank", "position"
        )
    )
    rng = random.Random(year)
    builder = Builder(rng, units, people, timezone.localdate())
    builder.first, builder.span = date(year, 1, 1), (date(year + 1, 1, 1) - date(year, 1, 1)).days
    builder.serial = SERIAL_OFFSET
    made, departed = [], 0
    while departed < missing:
        row, chosen, stops = builder.delegation(rng.choice((3, 4, 5, 5, 6)))
        if row.status in DEPARTED:
            departed += 1
        made.append((row, chosen, stops))
    with transaction.atomic():
        rows = Delegation.objects.bulk_create([row for row, _m, _s in made], batch_size=2000)
        DelegationMember.objects.bulk_create(
            (
                DelegationMember(
                    delegation=row,
                    person_id=person_id,
                    order=i,
                    unit_id=unit_id,
                    role_in_delegation="leader" if i == 0 else "member",
                    position=position,
                    rank=rank,
                    unit_leader=i == 0,
                )
                for row, (_r, chosen, _s) in zip(rows, made, strict=True)
                for i, (person_id, unit_id, rank, position) in enumerate(chosen)
            ),
            batch_size=5000,
        )
        ItineraryStop.objects.bulk_create(
            (
                ItineraryStop(delegation=row, order=i, **stop)
                for row, (_r, _m, trip_stops) in zip(rows, made, strict=True)
                for i, stop in enumerate(trip_stops)
            ),
            batch_size=5000,
        )
        evaluate([row.pk for row in rows], units)
    analyse()
    print(
        f"added {len(rows)} delegations to {year} ({departed} left China) "
        f"in {time.perf_counter() - started:.0f} s",
        file=out,
    )


def evaluate(pks: list[int], units: list[int]) -> None:
    """Evaluations of the added delegations whose report is filed, as generate_evaluations
    makes them for the rest (so its count of evaluations against targets stays whole)."""
    from django.utils import timezone

    from bench.generate import ROOT_CODE
    from bench.generate_evaluations import BATCH, Builder, rubric, targets
    from bench.generate_evaluations import existing as evaluations_existing
    from waishi.core.models import Unit
    from waishi.delegations.models import Delegation, ItineraryStop

    root = Unit.objects.get(code=ROOT_CODE)
    if not evaluations_existing(root):
        return  # generate_evaluations will evaluate them with the rest
    ids = set(targets(root).filter(pk__in=pks).values_list("pk", flat=True))
    rows = list(
        Delegation.objects.filter(pk__in=ids)
        .order_by("pk")
        .values(
            "pk",
            "organising_unit_id",
            "trip_type",
            "leave_china",
            "return_china",
            "returned_at",
            "status",
            "member_count",
        )
    )
    stops = dict(
        ItineraryStop.objects.filter(delegation_id__in=ids, order=0).values_list(
            "delegation_id", "country"
        )
    )
    builder = Builder(random.Random(len(rows)), units, timezone.localdate(), rubric().pk)
    for start in range(0, len(rows), BATCH):
        builder.batch(rows[start : start + BATCH], stops)


# --- what else the report reads ---------------------------------------------------------------


def extras_present(year: int) -> bool:
    from waishi.commission.models import Meeting

    return Meeting.objects.filter(date__year=year, title__startswith="基准").exists()


def add_extras(year: int, out=sys.stdout) -> None:
    """Trip reports, disclosures, passports, workflow events and meetings of the year."""
    from django.db import transaction

    from bench.generate import analyse
    from waishi.commission.annual_report import departed_in

    started = time.perf_counter()
    rng = random.Random(year * 7)
    trips = list(
        departed_in(year)
        .order_by("pk")
        .values("pk", "status", "leave_china", "returned_at", "organising_unit_id")
    )
    with transaction.atomic():
        reports = add_reports(rng, trips)
        add_disclosures(rng, trips)
        checkouts = add_passports(rng, year, trips)
        events = add_events(rng, trips)
        add_meetings(rng, year)
    analyse()
    print(
        f"added to {year}: {reports} trip reports, {checkouts} passport checkouts, "
        f"{events} workflow events, meetings — in {time.perf_counter() - started:.0f} s",
        file=out,
    )


def aware(day: date, hour: int = 10):
    from bench.generate_delegations import aware as at

    return at(day, hour)


def add_reports(rng: random.Random, trips: list[dict]) -> int:
    from waishi.commission.annual_report_delegations import FILED
    from waishi.delegations.models import Delegation
    from waishi.delegations.models_trip import (
        ReportAgreement,
        ReportObjectiveResult,
        ReportPartner,
        ReportProject,
        TripReport,
    )

    filed = [t for t in trips if t["status"] in FILED and t["returned_at"]]
    reports = TripReport.objects.bulk_create(
        (
            TripReport(
                delegation_id=t["pk"],
                summary="按计划完成出访任务。",
                compliance_declared=True,
                saved_at=aware(t["returned_at"]),
            )
            for t in filed
        ),
        batch_size=2000,
    )
    results, agreements, projects, partners, stamped = [], [], [], [], []
    for trip, report in zip(filed, reports, strict=True):
        back = trip["returned_at"]
        for order in range(rng.randint(1, 3)):
            results.append(
                ReportObjectiveResult(
                    report=report,
                    order=order,
                    objective_text="出访任务",
                    result="见报告",
                    status=rng.choice(RESULT_STATUSES),
                )
            )
        for order in range(int(rng.expovariate(1.2))):
            agreements.append(
                ReportAgreement(
                    report=report,
                    order=order,
                    title="合作备忘录",
                    partner="外方对口单位",
                    signed_on=back,
                )
            )
        for order in range(int(rng.expovariate(1.5))):
            amount = Decimal(rng.randint(10, 5000) * 10000) if rng.random() < 0.6 else None
            projects.append(
                ReportProject(
                    report=report,
                    order=order,
                    kind=rng.choice(("project", "intention")),
                    name="合作项目",
                    amount=amount,
                    currency=rng.choice(CURRENCIES),
                )
            )
        for order in range(rng.randint(0, 3)):
            partners.append(ReportPartner(report=report, order=order, name="外方联系人"))
        late = rng.random() < 0.08
        stamped.append(
            Delegation(
                pk=trip["pk"],
                report_filed_at=aware(
                    back + timedelta(days=rng.randint(25, 60) if late else rng.randint(3, 18))
                ),
            )
        )
    for model, rows in (
        (ReportObjectiveResult, results),
        (ReportAgreement, agreements),
        (ReportProject, projects),
        (ReportPartner, partners),
    ):
        model.objects.bulk_create(rows, batch_size=5000)
    Delegation.objects.bulk_update(stamped, ["report_filed_at"], batch_size=1000)
    return len(reports)


def add_disclosures(rng: random.Random, trips: list[dict]) -> None:
    from waishi.delegations.models_trip import PostTripDisclosure

    PostTripDisclosure.objects.bulk_create(
        (
            PostTripDisclosure(
                delegation_id=t["pk"],
                where="单位网站",
                posted_on=t["returned_at"] + timedelta(days=rng.randint(2, 40)),
                recorded_at=aware(t["returned_at"] + timedelta(days=2)),
            )
            for t in trips
            if t["returned_at"] and rng.random() < 0.93
        ),
        batch_size=5000,
    )


def add_passports(rng: random.Random, year: int, trips: list[dict]) -> int:
    from waishi.commission.annual_report import departed_in
    from waishi.delegations.models import DelegationMember
    from waishi.delegations.models_trip import PassportCheckout
    from waishi.people.models import Passport

    by_trip = {t["pk"]: t for t in trips}
    # Subqueries, not lists of ids: SQLite takes at most 32,766 parameters in one statement.
    members = list(
        DelegationMember.objects.filter(delegation__in=departed_in(year)).values_list(
            "delegation_id", "person_id"
        )
    )
    # Each person's official passport that expires last (later rows win in the dict).
    passport_of = dict(
        Passport.objects.filter(kind__in=Passport.OFFICIAL_KINDS)
        .order_by("person_id", "expires_on")
        .values_list("person_id", "pk")
    )
    out_now, checkouts = set(), []
    for delegation_id, person_id in members:
        passport, trip = passport_of.get(person_id), by_trip[delegation_id]
        if passport is None:
            continue
        back = trip["returned_at"]
        still_out = back is None or (rng.random() < 0.005 and passport not in out_now)
        if still_out and passport in out_now:
            continue  # one open checkout per passport
        if still_out:
            out_now.add(passport)
        checkouts.append(
            PassportCheckout(
                delegation_id=delegation_id,
                person_id=person_id,
                passport_id=passport,
                checked_out_at=aware(trip["leave_china"] - timedelta(days=3)),
                checked_in_at=None
                if still_out
                else aware(back + timedelta(days=rng.randint(0, 12))),
            )
        )
    PassportCheckout.objects.bulk_create(checkouts, batch_size=5000)
    return len(checkouts)


def add_events(rng: random.Random, trips: list[dict]) -> int:
    """The workflow steps of each trip, on the dates the generator gave its business dates."""
    from waishi.delegations.models import DelegationEvent

    steps = [
        ("submit", "draft", "submitted", 75),
        ("head_sign", "submitted", "head_signed", 70),
        ("review_pass", "head_signed", "head_signed", 50),
        ("approve", "head_signed", "approved", 30),
    ]
    events = []
    for trip in trips:
        leave, version = trip["leave_china"], 1
        plan = list(steps)
        if rng.random() < 0.1:  # sent back once (退件) and submitted again
            plan[2:2] = [
                ("review_return", "head_signed", "returned", 60),
                ("submit", "returned", "head_signed", 55),
            ]
        for action, before, after, days in plan:
            version += 1
            events.append(
                DelegationEvent(
                    delegation_id=trip["pk"],
                    actor_name="基准",
                    action=action,
                    from_status=before,
                    to_status=after,
                    version=version,
                    at=aware(leave - timedelta(days=days)),
                )
            )
        events.append(
            DelegationEvent(
                delegation_id=trip["pk"],
                actor_name="基准",
                action="depart",
                from_status="approved",
                to_status="abroad",
                version=version + 1,
                at=aware(leave),
            )
        )
    DelegationEvent.objects.bulk_create(events, batch_size=5000)
    return len(events)


def add_meetings(rng: random.Random, year: int) -> None:
    from django.utils import timezone

    from bench.generate import ROOT_CODE
    from waishi.commission.models import Decision, FollowUpTask, Meeting, MeetingDocument
    from waishi.core.models import Unit

    units = list(Unit.objects.filter(parent__code=ROOT_CODE).values_list("pk", flat=True)[:40])
    for n, (month, dom) in enumerate([(1, 20), (4, 16), (7, 9), (11, 6)], start=1):
        meeting = Meeting.objects.create(
            number=f"{year}年第{n}次",
            title=f"基准：市委外事工作委员会{year}年第{n}次会议",
            date=date(year, month, dom),
            chairs=["林海峰"],
            status=Meeting.Status.CONFIRMED,
            confirmed_at=timezone.now(),
        )
        MeetingDocument.objects.bulk_create(
            MeetingDocument(meeting=meeting, position=i, title=f"审议文件{i + 1}") for i in range(2)
        )
        decisions = Decision.objects.bulk_create(
            Decision(meeting=meeting, position=i, text=f"会议决定{i + 1}") for i in range(3)
        )
        FollowUpTask.objects.bulk_create(
            FollowUpTask(
                meeting=meeting,
                decision=rng.choice(decisions),
                text=f"督办事项{i + 1}",
                owner_unit_id=rng.choice(units),
                deadline=date(year, month, dom) + timedelta(60),
                status=rng.choice(("done", "done", "open")),
            )
            for i in range(5)
        )


# --- timing -----------------------------------------------------------------------------------


def command_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return env


def time_command(year: int, runs: int) -> list[float]:
    """Wall-clock seconds of `waishi report annual` in a fresh process, `runs` times. Prints
    each run's CPU time as well (the command's own; the database server's is not in it) and the
    machine's load, which other work on a small machine inflates the wall clock with."""
    samples = []
    print(f"load average before the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        argv = [
            sys.executable,
            "-m",
            "waishi.cli",
            "report",
            "annual",
            "--year",
            str(year),
            "--output",
            folder,
        ]
        for _ in range(runs):
            cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            result = subprocess.run(  # noqa: S603
                argv, env=command_env(), capture_output=True, text=True, check=False
            )
            samples.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
            print(f"  run: {samples[-1]:.2f} s wall, {used:.2f} s CPU")
            if result.returncode != 0:
                raise SystemExit(f"waishi report annual failed: {result.stderr.strip()}")
        size = os.path.getsize(result.stdout.strip())
    print(f"document: {size / 1024:.0f} KiB")
    return samples


def breakdown(year: int) -> None:
    """Where the time goes, measured in this process after one warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from waishi.commission import annual_report as data
    from waishi.commission.annual_report_docx import annual_report_docx

    today = timezone.localdate()
    data.annual_report_data(year)  # warm-up: imports, font lookup, database caches
    sections = [
        ("delegations", lambda: data.delegation_section(year, today)),
        ("evaluations", lambda: data.evaluation_section(year, today)),
        ("meetings", lambda: data.meeting_section(year, today)),
        ("work plan", lambda: data.work_plan_section(year)),
    ]
    print(f"{'part':<28} {'ms':>8} {'queries':>8}")
    for name, run in sections:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run()
            took = (time.perf_counter() - started) * 1000
        print(f"{'gather: ' + name:<28} {took:8.0f} {len(queries):8d}")
    report = data.annual_report_data(year)
    started = time.perf_counter()
    annual_report_docx(report)
    took = (time.perf_counter() - started) * 1000
    print(f"{'charts + .docx':<28} {took:8.0f} {0:8d}")
    d = report.delegations
    print(
        f"the year in the report: {d.count} delegations, {d.person_trips} person-trips, "
        f"{d.persons} people, {len(d.countries)} countries; {report.evaluations.opened} "
        f"evaluations; {len(report.meetings.meetings)} meetings"
    )


def prepare(target: int) -> int:
    from bench.generate_evaluations import generate as generate_evaluations

    generate_evaluations()  # the delegations first, then their evaluations (both reused)
    year, have = busiest_year()
    print(f"busiest year: {year} with {have} delegations that left China")
    if have < target:
        top_up(year, target - have)
    if not extras_present(year):
        add_extras(year)
    return year


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the command")
    parser.add_argument("--budget-s", type=float, default=5.0, help="limit for the median run")
    parser.add_argument("--target", type=int, default=20_000, help="delegations in the year")
    args = parser.parse_args(argv)
    print(f"database: {setup_django()}")
    year = prepare(args.target)
    print(f"year under report: {year}, {departed_count(year)} delegations that left China")
    samples = time_command(year, args.runs)
    median = statistics.median(samples)
    print(
        "waishi report annual: "
        + ", ".join(f"{s:.2f} s" for s in samples)
        + f" (median {median:.2f} s, budget {args.budget_s:.1f} s)"
    )
    breakdown(year)
    if median > args.budget_s:
        print("OVER BUDGET")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
