"""Demo delegations of 江海市: about forty applications in every workflow state, spread over the
last three years and the coming months (the rows are in demo_trips.py).

Every delegation is written through the real services — delegation_create, then each workflow
step taken by the person whose job it is (the unit's liaison submits, its head signs, the FAO
reviewer passes, the approver approves, the passport officer issues and takes back passports …) —
so the timeline, the findings recorded at each step and the audit chain are all real.

The history is replayed on a simulated clock: every step of every delegation is put on one
timeline and taken in order with `django.utils.timezone.now` set to the moment it happened.
That is what makes a trip of 2024 read as submitted weeks before it left (no lead-time warning),
approved with a 2024 approval number, and returned on its real day. Audit events of the demo
delegations therefore carry their simulated dates (their chain order is still the order written).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from waishi.core.models import Unit
from waishi.core.roles import Role
from waishi.core.services import role_grant, user_create
from waishi.delegations import demo_stage as stage
from waishi.delegations import workflow
from waishi.delegations.demo_plan import Picker, budget, itinerary, schedule
from waishi.delegations.demo_trips import TRIPS, Trip
from waishi.delegations.jobs import add_working_days
from waishi.delegations.models import Delegation
from waishi.delegations.rules_trip import is_working_day, nth_working_day
from waishi.delegations.services import delegation_create, delegation_transition
from waishi.delegations.workflow import JustificationRequired
from waishi.evaluation import demo as evaluation_demo
from waishi.people.models import Rank
from waishi.policy import selectors as policy_selectors
from waishi.policy.engine.rules import add_months

# The demo accounts act for 市商务局; every other organising unit gets a liaison and a head.
OWN_UNITS = ("WB", "GWJT", "JTJ", "JHDX", "JYJ", "KJJ", "NYJ", "WJW", "DHQ", "BHXQ", "LJX")
RECENT_DAYS = -130
# Report-filed trips that left China before this day have their self-assessment written.
SELF_ASSESSED_BEFORE = -80
CITY_ACCOUNTS = ("reviewer", "approver", "evaluator", "passport")
STANDARD_JUSTIFICATIONS = {
    "lead_time": "外方确定会期较晚，收到邀请函后即行报批。",
    "invitation": "邀请方受外方活动主办机构委托发出邀请，已附主办方确认函。",
    "frequency": "本次出访系市政府指定带队，任务重要，人员不可替代。",
    "passport_validity": "护照换发申请已提交，出发前可取得新护照。",
    "substantive_schedule": "休整日安排在长途飞行之后，其余日程均为公务活动。",
    "budget_standard": "超标准部分由单位自有资金承担，已报财政部门备案。",
    "unit_evaluation_record": (
        "已针对上次出访绩效评估指出的问题制定整改措施，本次出访任务明确、日程紧凑。"
    ),
}
COMMENTS = {
    "submit": "请审核。",
    "head_sign": "同意，请市外办审核。",
    "review_pass": "经审核，出访任务明确，人数、天数、国家数符合规定，拟同意。",
    "approve": "同意出访。请严格按批准的日程执行，回国后按时交还护照、报送出访报告。",
    "file_report": "出访报告已报送。",
    "archive": "材料齐全，归档。",
}


def load_demo_delegations(*, actor, units: dict[str, Unit], rng) -> int:
    """Create the demo delegations (once; nothing happens when some exist). Returns how many."""
    if Delegation.objects.exists():
        return 0
    with reference_data_held():
        steps = _plan_all(Cast(actor, units), Picker(actor=actor, units=units, rng=rng), units, rng)
        with simulated_clock() as clock:
            for step in sorted(steps, key=lambda step: (step.at, step.order)):
                clock.at = step.at
                step.story.take(step, rng)
    return len(TRIPS)


def _plan_all(cast, picker, units, rng) -> list[Step]:
    now, today = timezone.now(), timezone.localdate()
    stories = [Story(trip, units[trip.unit], today, cast) for trip in TRIPS]
    # A passport that never came back keeps its holder off later trips: choose those first.
    for story in sorted(stories, key=lambda story: story.trip.late != "passport"):
        story.plan(picker)
    return [
        step for number, story in enumerate(stories) for step in story.timeline(number, rng, now)
    ]


class Clock:
    def __init__(self):
        self.at = None

    def now(self):
        return self.at


@contextmanager
def simulated_clock():
    """timezone.now() (and so localdate(), auto_now and every service's "now") reads the clock."""
    clock, real = Clock(), timezone.now
    clock.at = real()
    timezone.now = clock.now
    try:
        yield clock
    finally:
        timezone.now = real


@contextmanager
def reference_data_held():
    """Read the rule set and per-diem table once for the whole load instead of once per policy
    check (about 250 checks: rebuilding the 273-row table each time was half the load time).
    Nothing changes them while the demo loads."""
    held = {}
    for name in ("active_per_diem_table", "active_ruleset", "active_exchange_rates"):
        read = getattr(policy_selectors, name, None)
        if read is not None:
            held[name] = read
            setattr(policy_selectors, name, functools.cache(read))
    try:
        yield
    finally:
        for name, read in held.items():
            setattr(policy_selectors, name, read)


class Cast:
    """Who takes each step: the unit's liaison and head, the FAO's reviewer and approver, the
    evaluator and the passport officer (the demo accounts, plus a liaison and a head per unit)."""

    def __init__(self, actor, units):
        from waishi.core.models import User

        self.units = units
        self.users = {u.username: u for u in User.objects.filter(username__in=CITY_ACCOUNTS)}
        self.by_unit = {"SWJ": [User.objects.get(username=name) for name in ("liaison", "head")]}
        for code in OWN_UNITS:
            unit = units[code]
            self.by_unit[code] = [
                self._user(actor, unit, "liaison", Role.LIAISON, "外事专办员"),
                self._user(actor, unit, "head", Role.UNIT_HEAD, "负责人"),
            ]

    @staticmethod
    def _user(actor, unit, suffix, role, title):
        user = user_create(
            actor=actor,
            username=f"{unit.code.lower()}-{suffix}",
            password=None,  # an actor of record only: the documented demo logins stay the set
            full_name=f"{unit.name}{title}",
            unit=unit,
        )
        role_grant(actor=actor, user=user, role=role, unit=unit)
        return user

    def for_unit(self, unit) -> list:
        while unit.code not in self.by_unit:
            unit = unit.parent
        return self.by_unit[unit.code]

    def actor(self, delegation, action):
        roles = workflow.roles_for(delegation, action)
        candidates = [*self.for_unit(delegation.organising_unit), *self.users.values()]
        for user in candidates:
            if workflow.covers(user, delegation.organising_unit, roles):
                return user
        raise ImproperlyConfigured(f"no demo user may {action} {delegation}")

    @property
    def passport_officer(self):
        return self.users["passport"]


@dataclass
class Step:
    at: dt.datetime
    order: int
    story: Story
    action: str
    comment: str = ""


class Story:
    """One demo delegation: its application, the steps to its final state, and taking them."""

    def __init__(self, trip: Trip, unit: Unit, today: dt.date, cast: Cast):
        self.trip, self.unit, self.cast = trip, unit, cast
        self.leave = today + dt.timedelta(days=trip.start)
        self.stops, self.back = itinerary(trip, self.leave)
        self.returned_on = self.back + dt.timedelta(days=1 if trip.late_return else 0)
        self.delegation = None

    def plan(self, picker: Picker) -> None:
        trip, countries = self.trip, {stop["country"] for stop in self.stops}
        self.members = picker.members(trip, self.unit, self.leave, self.back, countries)
        people = [item["person"] for item in self.members]
        self.application = {
            "title": trip.title,
            "purpose": trip.purpose,
            "trip_type": trip.kind,
            "leave_china": self.leave,
            "return_china": self.back,
            "invitation_from": trip.inviter,
            "invitation_kind": trip.invitation,
            "host_provides": list(trip.host),
            "objectives": list(trip.objectives),
            "members": self.members,
            "stops": self.stops,
            "schedule": schedule(trip, self.stops, self.leave, self.back),
            "budget": budget(trip, self.unit, self.stops, people, self.leave),
        }
        senior = min((p.rank for p in people), key=Rank.seniority().index)
        self.chain = workflow.review_chain_for(senior, trip.kind)

    # --- the steps ------------------------------------------------------------------------

    def actions(self) -> list[tuple[str, str]]:
        """(step, comment) from creation to the final state."""
        trip, state, reason = self.trip, self.trip.state, self.trip.reason
        signed = [("submit", ""), ("disclose", ""), ("head_sign", "")]
        opened, through = [("create", "")], [*signed, *[("review_pass", "")] * len(self.chain)]
        if trip.returned_once:
            opened += [*signed, ("review_return", trip.returned_once)]
            through = [("submit", "已按要求补齐材料，请审核。"), *through[3:]]
        before = {
            "draft": [],
            "submitted": [("submit", "")],
            "withdrawn": [("submit", ""), ("withdraw", reason)],
            "head_signed": through if trip.at_step == "approve" else signed,
            "rejected": [*through, ("reject", reason)],
        }
        if state == "returned":
            by_head = trip.returned_by == "head"
            return opened + (
                [("submit", ""), ("head_return", reason)]
                if by_head
                else [*signed, ("review_return", reason)]
            )
        if state in before:
            return opened + before[state]
        approved = [*opened, *through, ("approve", "")]
        if state in ("approved", "cancelled"):
            return approved + ([("cancel", reason)] if state == "cancelled" else [])
        abroad = ["visas", "briefing", "passports_out", "depart"]
        if trip.start < RECENT_DAYS:  # visas of older trips would only slow the load down
            abroad.remove("visas")
        home = ["return", "passports_in", "post_disclosure", "file_report", "self_assess"]
        home += ["evaluate", "archive"]
        count = {"returned_home": 3, "report_filed": 4, "evaluated": 6, "archived": 7}
        after = abroad + home[: count.get(state, 0)]
        if state == "report_filed" and trip.start <= SELF_ASSESSED_BEFORE:
            after.append("self_assess")  # the evaluator's turn now
        if trip.late == "report":
            after.remove("post_disclosure")
        return approved + [(name, "") for name in after]

    def timeline(self, number: int, rng, now) -> list[Step]:
        lead = self.trip.lead or rng.randint(80, 115)
        day, steps = self.leave - dt.timedelta(days=lead), []
        for order, (action, comment) in enumerate(self.actions()):
            day = self._next_day(action, day, rng)
            at = self._moment(action, day, rng)
            comment = comment or COMMENTS.get(action, "")
            steps.append(Step(at, number * 100 + order, self, action, comment))
        steps = self._in_the_past(steps, now, rng)
        if any(step.action == "evaluate" for step in steps):
            steps += self._follow_ups(number, now, rng)
        return steps

    def _follow_ups(self, number: int, now, rng) -> list[Step]:
        """The 6- and 12-month follow-ups answered so far (a few days either side of due)."""
        steps = []
        for months in (6, 12):
            due = add_months(self.returned_on, months)
            day = _workday(due + dt.timedelta(days=rng.randint(-20, 6)))
            at = self._moment("follow_up", day, rng)
            if at < now - dt.timedelta(days=1):
                steps.append(Step(at, number * 100 + 90 + months, self, f"follow_up_{months}", ""))
        return steps

    def _next_day(self, action, day, rng) -> dt.date:
        fixed = {"visas": 12, "briefing": 5, "passports_out": 2, "depart": 0}
        if action in fixed:
            return self.leave - dt.timedelta(days=fixed[action])
        if action == "return":  # registered on the next working day
            return _workday(self.returned_on + dt.timedelta(days=1))
        gaps = {"create": (0, 0), "self_assess": (3, 10), "evaluate": (10, 30)}
        gaps |= {"archive": (20, 60), "cancel": (3, 8)}
        low, high = gaps.get(action, (1, 3))
        day = _workday(day + dt.timedelta(days=rng.randint(low, high)))
        if action == "disclose":
            self.disclosed = day
        if action == "approve":  # the pre-trip disclosure must have been up five working days
            day = max(day, nth_working_day(self.disclosed, 5) + dt.timedelta(days=1))
        if action == "file_report":  # on time: within 15 working days of the return
            day = min(day, add_working_days(self.returned_on, 14))
        return day

    @staticmethod
    def _moment(action, day, rng) -> dt.datetime:
        clock = {"depart": (7, 30), "passports_out": (10, 0), "return": (10, 30)}
        hour, minute = clock.get(action) or (rng.randint(9, 16), rng.randint(0, 59))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def _in_the_past(self, steps: list[Step], now, rng) -> list[Step]:
        """Steps in order and before now: a delegation that has not left yet has its history
        moved back; after the departure nothing may be in the future."""
        if any(later.at <= earlier.at for earlier, later in itertools.pairwise(steps)):
            raise ImproperlyConfigured(f"demo trip {self.trip.title}: steps out of order")
        if steps[-1].action == "post_disclosure" and steps[-1].at > now:
            steps.pop()  # not published yet, and not due yet either
        latest = steps[-1].at
        margin = dt.timedelta(hours=rng.randint(3, 60))
        if any(step.action == "depart" for step in steps):
            if latest > now:
                raise ImproperlyConfigured(f"demo trip {self.trip.title}: a step in the future")
            return steps
        if latest <= now - margin:
            return steps
        for step in steps:
            step.at -= latest - (now - margin)
        return steps

    # --- taking a step ---------------------------------------------------------------------

    def take(self, step: Step, rng) -> None:
        liaison, day = self.cast.for_unit(self.unit)[0], timezone.localdate()
        officer = self.cast.passport_officer
        trip_steps = {
            "disclose": lambda: stage.disclose(self, liaison, day),
            "visas": lambda: stage.visas(self, officer, day),
            "briefing": lambda: stage.briefing(self, liaison, day),
            "passports_out": lambda: stage.passports_out(self, officer),
            "return": lambda: stage.register_return(self, liaison, self.returned_on),
            "passports_in": lambda: stage.passports_in(self, officer),
            "post_disclosure": lambda: stage.post_disclose(self, liaison, day),
            "file_report": lambda: self._file_report(liaison, rng),
            "self_assess": lambda: evaluation_demo.self_assess(
                self.delegation, liaison, rng, self.trip.grade
            ),
            "evaluate": lambda: evaluation_demo.score(
                self.delegation, self.cast.users["evaluator"], rng, self.trip.grade
            ),
            "follow_up_6": lambda: evaluation_demo.follow_up(
                self.delegation, liaison, rng, self.trip.grade, 6
            ),
            "follow_up_12": lambda: evaluation_demo.follow_up(
                self.delegation, liaison, rng, self.trip.grade, 12
            ),
        }
        if step.action == "create":
            self.delegation = delegation_create(
                actor=liaison, organising_unit=self.unit, **self.application
            )
        elif step.action in trip_steps:
            trip_steps[step.action]()
        else:
            self._transition(step)

    def _file_report(self, liaison, rng) -> None:
        stage.file_report(self, liaison, rng)
        # The outbox job the filing leaves behind opens the evaluation; the worker is not
        # running while the demo loads, so open it now, on the simulated clock.
        evaluation_demo.open_evaluation(self.delegation)

    def _transition(self, step: Step) -> None:
        kwargs = {"comment": step.comment}
        if step.action == "depart":
            kwargs["on"] = self.leave
        if step.action == "submit":
            kwargs["justifications"] = dict(self.trip.justify)
        actor = self.cast.actor(self.delegation, step.action)
        try:
            self._act(actor, step.action, kwargs)
        except JustificationRequired as missing:  # a warning the row did not foresee
            for finding in missing.findings:
                kwargs["justifications"][finding.rule] = STANDARD_JUSTIFICATIONS.get(
                    finding.rule, "情况已说明，详见附件。"
                )
            self._act(actor, step.action, kwargs)

    def _act(self, actor, action, kwargs) -> None:
        self.delegation.refresh_from_db()
        self.delegation = delegation_transition(
            actor=actor,
            delegation=self.delegation,
            action=action,
            expected_version=self.delegation.version,
            **kwargs,
        )


def _workday(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
