"""What an evaluation takes from the trip's records when it opens: the compliance deductions
the facts call for, and the trip's figures the analytics group by.

    prefill(delegation, rubric) -> [{source, points, reason, source_detail, source_url}]
    trip_figures(delegation)    -> the Evaluation columns copied from the trip (year, main
                                   country, spending and amounts in CNY, agreements)

One entry per kind of fact found (several late passports make one deduction that names each),
with the rubric's standard points for its source; a source the rubric gives no points is not
pre-filled. The facts, and where they come from:

    passport_late        PassportCheckout.checked_in_at after rules_trip.passport_due (return
                         + 7 days), or a passport still out past that day
    report_late          Delegation.report_filed_at after the trip-report deadline
                         (rules_trip.trip_deadlines: 15 official working days after the return)
    disclosure_late      the pre-trip disclosure missing or up for fewer working days before the
                         approval than required; the post-trip disclosure published after, or
                         still missing past, one month from the return
    itinerary_deviation  ReturnRegistration.deviations (the trip as travelled vs as approved)
    over_standard        actual spending (ReportSpending) over the approved budget item
                         (selectors_trip.spending_rows) or over the per-diem standard for the
                         approved itinerary (the policy engine's budget pricing)
    warning_overridden   warning findings of the approval step (its DelegationEvent), with the
                         justification the unit gave at submission (PolicyJustification)
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from waishi.delegations import checks, rules_trip
from waishi.delegations.jobs import passport_return_days, report_working_days
from waishi.delegations.models import BudgetKind, Delegation
from waishi.delegations.models_trip import (
    PostTripDisclosure,
    PreTripDisclosure,
    ReturnRegistration,
    ReturnStop,
    TripReport,
)
from waishi.delegations.selectors import current_justifications
from waishi.delegations.selectors_trip import deviation_text, spending_rows
from waishi.evaluation.scoring import Rubric
from waishi.policy import selectors as policy_selectors
from waishi.policy.engine import PlanError, parse_plan
from waishi.policy.engine.budget import ExchangeRates, demo_rates, price

DETAIL_MAX = 500
SEPARATOR = "；"


def _day(value) -> dt.date | None:
    if value is None:
        return None
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def _detail(lines: list[str]) -> str:
    text = SEPARATOR.join(lines)
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 1] + "…"


def _late(days: int) -> str:
    return _("%(days)s days late") % {"days": days}


# --- the facts, one function per source -------------------------------------------------------


def passport_facts(delegation: Delegation, today: dt.date) -> list[str]:
    if delegation.returned_at is None:
        return []
    due = rules_trip.passport_due(delegation)
    lines = []
    for checkout in delegation.passport_checkouts.select_related("person").order_by("pk"):
        back = _day(checkout.checked_in_at)
        if back is not None and back > due:
            lines.append(
                _("%(person)s: back in custody on %(back)s, due %(due)s (%(late)s)")
                % {
                    "person": checkout.person.name,
                    "back": back.isoformat(),
                    "due": due.isoformat(),
                    "late": _late((back - due).days),
                }
            )
        elif back is None and today > due:
            lines.append(
                _("%(person)s: still out of custody, due %(due)s (%(late)s)")
                % {
                    "person": checkout.person.name,
                    "due": due.isoformat(),
                    "late": _late((today - due).days),
                }
            )
    return lines


def report_facts(delegation: Delegation, today: dt.date) -> list[str]:
    if delegation.returned_at is None:
        return []
    due = rules_trip.trip_deadlines(delegation.returned_at)["trip_report"]
    filed = _day(delegation.report_filed_at)
    if filed is None or filed <= due:
        return []
    return [
        _("Trip report filed on %(filed)s, due %(due)s (%(late)s)")
        % {"filed": filed.isoformat(), "due": due.isoformat(), "late": _late((filed - due).days)}
    ]


def disclosure_facts(delegation: Delegation, today: dt.date) -> list[str]:
    lines = []
    approved = _day(delegation.approved_at)
    pre = PreTripDisclosure.objects.filter(delegation=delegation).first()
    required = rules_trip.disclosure_working_days()
    if pre is None:
        lines.append(_("No pre-trip disclosure is on record"))
    elif approved is not None:
        last = approved - dt.timedelta(days=1)
        if pre.taken_down_on is not None:
            last = min(last, pre.taken_down_on)
        up = rules_trip.working_days(pre.posted_on, last)
        if up < required:
            lines.append(
                _(
                    "Pre-trip disclosure posted on %(posted)s was up for %(up)s of %(days)s "
                    "working days before the approval on %(approved)s"
                )
                % {
                    "posted": pre.posted_on.isoformat(),
                    "up": up,
                    "days": required,
                    "approved": approved.isoformat(),
                }
            )
    if delegation.returned_at is not None:
        due = rules_trip.trip_deadlines(delegation.returned_at)["post_trip_disclosure"]
        post = PostTripDisclosure.objects.filter(delegation=delegation).first()
        if post is not None and post.posted_on > due:
            lines.append(
                _("Post-trip disclosure published on %(posted)s, due %(due)s (%(late)s)")
                % {
                    "posted": post.posted_on.isoformat(),
                    "due": due.isoformat(),
                    "late": _late((post.posted_on - due).days),
                }
            )
        elif post is None and today > due:
            lines.append(
                _("Post-trip disclosure still not published, due %(due)s (%(late)s)")
                % {"due": due.isoformat(), "late": _late((today - due).days)}
            )
    return lines


def deviation_facts(delegation: Delegation, today: dt.date) -> list[str]:
    registration = ReturnRegistration.objects.filter(delegation=delegation).first()
    if registration is None:
        return []
    return [deviation_text(item) for item in registration.deviations]


def _kind_label(kind: str) -> str:
    return str(dict(BudgetKind.choices).get(kind, kind))


def _money(value) -> str:
    return f"{value:,.2f}"


def over_budget_lines(delegation: Delegation, report: TripReport) -> list[str]:
    return [
        _("%(kind)s: spent %(actual)s %(currency)s against an approved %(budget)s")
        % {
            "kind": row["kind"],
            "actual": _money(row["actual"]),
            "currency": row["currency"],
            "budget": _money(row["budget"] or 0),
        }
        for row in spending_rows(delegation, report)
        if row["over"]
    ]


def over_standard_lines(delegation: Delegation, report: TripReport) -> list[str]:
    """The actual lodging, meals and incidentals against the per-diem standard of the approved
    itinerary, priced and compared by the policy engine (its currency conversion included)."""
    spent = list(report.spending.all())
    if not spent:
        return []
    plan = checks.plan_for(delegation)
    plan["budget"] = {
        "items": [
            {"kind": row.kind, "amount": str(row.amount), "currency": row.currency} for row in spent
        ]
    }
    try:
        parsed = parse_plan(plan)
    except PlanError:
        return []  # a stored delegation the engine cannot read: nothing to compare
    rule = next(
        (
            r
            for r in checks.active_ruleset().by_kind.get("budget_standard", ())
            if r.applies_to(parsed.trip_type)
        ),
        None,
    )
    if rule is None:
        return []
    table = policy_selectors.active_per_diem_table()
    priced = price(parsed, rule, table, checks.active_rates() or demo_rates())
    return [
        _(
            "%(kind)s: %(claimed)s %(currency)s spent against a standard of %(standard)s "
            "%(currency)s (%(excess)s over)"
        )
        % {
            "kind": _kind_label(entry["kind"]),
            "claimed": _money(entry["claimed"]),
            "standard": _money(entry["standard"]),
            "excess": _money(entry["excess"]),
            "currency": entry["currency"],
        }
        for entry in priced.budget.get("over_standard", [])
    ]


def spending_facts(delegation: Delegation, today: dt.date) -> list[str]:
    report = TripReport.objects.filter(delegation=delegation).first()
    if report is None:
        return []
    return over_budget_lines(delegation, report) + over_standard_lines(delegation, report)


def warning_facts(delegation: Delegation, today: dt.date) -> list[str]:
    approval = delegation.events.filter(action="approve").order_by("-at", "-pk").first()
    justified = current_justifications(delegation)
    if approval is not None and approval.findings:
        warned = [
            (f.get("rule", ""), f.get("message", ""))
            for f in approval.findings.get("findings", [])
            if f.get("severity") == "warn"
        ]
    else:
        warned = [(rule, row.finding) for rule, row in justified.items()]
    lines = []
    for rule, message in warned:
        reason = justified.get(rule)
        if reason is not None:
            lines.append(
                _("%(finding)s (justified: %(why)s)")
                % {"finding": message or rule, "why": reason.justification}
            )
        else:
            lines.append(message or rule)
    return lines


def _url(name: str, delegation: Delegation) -> str:
    return reverse(f"delegations:{name}", args=[delegation.pk])


# source → (facts, the rule broken, the page that shows the facts)
SOURCES = (
    ("passport_late", passport_facts, "trip"),
    ("report_late", report_facts, "trip_report"),
    ("disclosure_late", disclosure_facts, "trip"),
    ("itinerary_deviation", deviation_facts, "trip"),
    ("over_standard", spending_facts, "trip_report"),
    ("warning_overridden", warning_facts, "detail"),
)


def reasons() -> dict[str, str]:
    """The rule each pre-filled source stands for, as a sentence for the reader."""
    return {
        "passport_late": _("Passports go back into custody within %(days)s days of the return.")
        % {"days": passport_return_days()},
        "report_late": _("The trip report is due %(days)s working days after the return.")
        % {"days": report_working_days()},
        "disclosure_late": _(
            "The pre-trip disclosure is up for %(days)s working days before approval and the "
            "post-trip disclosure is published within a month of the return."
        )
        % {"days": rules_trip.disclosure_working_days()},
        "itinerary_deviation": _("The trip kept to the approved itinerary, countries and days."),
        "over_standard": _("Spending keeps within the approved budget and the per-diem standard."),
        "warning_overridden": _("The delegation was approved despite policy warnings."),
    }


def prefill(delegation: Delegation, rubric: Rubric, *, today: dt.date | None = None) -> list[dict]:
    """The deductions the facts on record call for, each with its source (see the docstring)."""
    today = today or timezone.localdate()
    why = reasons()
    found = []
    for source, facts, page in SOURCES:
        points = rubric.deduction_points(source)
        if points is None or points <= 0:
            continue
        lines = facts(delegation, today)
        if lines:
            found.append(
                {
                    "source": source,
                    "points": points,
                    "reason": why[source],
                    "source_detail": _detail(lines),
                    "source_url": _url(page, delegation),
                }
            )
    return found


# --- the trip's figures ------------------------------------------------------------------------

CENT = Decimal("0.01")


def exchange_rates() -> ExchangeRates:
    """The administrator's exchange-rate table, else the shipped demo one (as the checks use)."""
    return checks.active_rates() or demo_rates()


def to_cny(amounts, day: dt.date) -> tuple[Decimal, bool]:
    """(sum in CNY of (amount, currency) pairs, whether every currency had a rate) with the
    table in force on `day`."""
    table = exchange_rates().on(day)
    per_unit = dict(table[1]) if table else {}
    per_unit.setdefault("CNY", Decimal(1))
    total, complete = Decimal(0), True
    for amount, currency in amounts:
        rate = per_unit.get(currency)
        if rate is None:
            complete = False
            continue
        total += amount * rate
    return total.quantize(CENT, rounding=ROUND_HALF_UP), complete


def main_country(delegation: Delegation) -> str:
    """The country with most nights, as travelled when the return is registered (else as
    approved, airside transits left out); the first such stop on a tie."""
    stops = list(
        ReturnStop.objects.filter(registration__delegation=delegation).order_by("order")
    ) or [s for s in delegation.stops.order_by("order") if not s.airside_transit]
    nights: dict[str, int] = {}
    for stop in stops:
        code = str(stop.country)
        nights[code] = nights.get(code, 0) + (stop.depart - stop.arrive).days
    return max(nights, key=lambda code: nights[code]) if nights else ""


def trip_figures(delegation: Delegation) -> dict:
    """The columns an evaluation copies from its trip. `spent_cny` is None when no spending is
    reported or a currency has no rate; project amounts without a rate are left out."""
    returned = delegation.returned_at or delegation.return_china
    day = delegation.departed_on or delegation.leave_china
    report = TripReport.objects.filter(delegation=delegation).first()
    spent_cny, agreements, amount_cny = None, 0, Decimal(0)
    if report is not None:
        spending = list(report.spending.values_list("amount", "currency"))
        total, complete = to_cny(spending, day)
        spent_cny = total if spending and complete else None
        agreements = report.agreements.count()
        projects = report.projects.filter(amount__isnull=False).values_list("amount", "currency")
        amount_cny, _complete = to_cny(projects, day)
    return {
        "year": returned.year,
        "trip_type": delegation.trip_type,
        "main_country": main_country(delegation),
        "spent_cny": spent_cny,
        "agreements_count": agreements,
        "amount_cny": amount_cny,
    }
