"""The policy check of an application that is not saved yet: the form being edited, checked as
`checks.policy_check` checks a stored delegation — the same plan format, the same earlier trips
and unit leaders' trips from the database, the same rule set, tables and rates — and the panel
the application page shows of the result.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from waishi.delegations import checks
from waishi.delegations.models import (
    BudgetKind,
    Delegation,
    DelegationMember,
    InvitationKind,
)
from waishi.delegations.validation import clean_application
from waishi.policy import selectors as policy_selectors
from waishi.policy.engine import CheckResult, PlanError, check, parse_plan

PER_DIEM_KINDS = ("lodging", "meals", "incidentals")
AIR_CLASSES = {
    "first": gettext_lazy("First class"),
    "business": gettext_lazy("Business class"),
    "economy": gettext_lazy("Economy class"),
}


def live_check(page, delegation: Delegation | None) -> tuple[CheckResult | None, list[str]]:
    """(result, problems) for the posted page `page` (forms.Application). The check uses the
    rows that are valid; what is wrong with the others is listed in `problems`."""
    data, problems = page.live_data()
    if data is None:
        return None, problems
    try:
        cleaned = clean_application(data)
    except ValidationError as exc:
        return None, problems + [m for m in exc.messages if m not in problems]
    unit = page.form.cleaned_data.get("organising_unit") or (
        delegation.organising_unit if delegation else None
    )
    shadow = Delegation(pk=delegation.pk if delegation else None, organising_unit=unit)
    for name, value in cleaned.fields.items():
        setattr(shadow, name, value)
    try:
        return check_unsaved(shadow, cleaned), problems
    except PlanError as exc:  # clean_application keeps plans parseable; say so if not
        return None, [*problems, str(exc)]


def _members(shadow: Delegation, cleaned) -> list[DelegationMember]:
    people = [item["person"] for item in cleaned.members]
    prefetch_related_objects(people, "passports")
    return [
        DelegationMember(
            delegation=shadow,
            person=item["person"],
            unit=item["person"].unit,
            position=item["person"].position,
            rank=item["person"].rank,
            retired=item["person"].retired,
            unit_leader=item["unit_leader"],
            academic=item["academic"],
            role_in_delegation=item["role_in_delegation"],
        )
        for item in cleaned.members
    ]


def plan_for_unsaved(shadow: Delegation, cleaned, members) -> dict:
    """The plan of `waishi policy check`, as checks.plan_for makes it of a stored delegation."""
    trips = checks._earlier_trips(shadow, [m.person_id for m in members])
    invitation = None
    if shadow.invitation_kind != InvitationKind.NONE:
        invitation = {"from": shadow.invitation_from, "kind": shadow.invitation_kind}
    unit_name = shadow.organising_unit.name if shadow.organising_unit_id else ""
    return {
        "title": shadow.title,
        "organising_unit": unit_name,
        "trip_type": shadow.trip_type,
        "submitted_on": timezone.localdate().isoformat(),
        "stops": [
            {**stop, "arrive": stop["arrive"].isoformat(), "depart": stop["depart"].isoformat()}
            for stop in cleaned.stops
        ],
        "leave_china": shadow.leave_china.isoformat(),
        "return_china": shadow.return_china.isoformat(),
        "members": [checks._member(m, trips.get(m.person_id, [])) for m in members],
        "invitation": invitation,
        "host_provides": list(shadow.host_provides),
        "schedule": [
            {"date": e["date"].isoformat(), "activity": e["activity"], "kind": e["kind"]}
            for e in sorted(cleaned.schedule, key=lambda e: e["date"])
        ]
        or None,
        "budget": {
            "items": [
                {"kind": b["kind"], "amount": str(b["amount"]), "currency": b["currency"]}
                for b in cleaned.budget
            ]
        }
        if cleaned.budget
        else None,
    }


def check_unsaved(shadow: Delegation, cleaned) -> CheckResult:
    members = _members(shadow, cleaned)
    plan = parse_plan(plan_for_unsaved(shadow, cleaned, members))
    ruleset = checks.active_ruleset()
    unit = shadow.organising_unit if shadow.organising_unit_id else None
    return check(
        plan,
        ruleset,
        table=policy_selectors.active_per_diem_table(),
        rates=checks.active_rates(),
        leader_trips=checks._leader_trips(shadow, members),
        unit_record=checks.evaluation_record(unit, ruleset, timezone.localdate()),
    )


# --- the panel --------------------------------------------------------------------------------


def _titles() -> dict[str, str]:
    english = (translation.get_language() or "").startswith("en")
    return {
        rule.id: rule.title_en if english else rule.title_zh
        for rule in checks.active_ruleset().rules
    }


def panel(result: CheckResult | None, justifications=None, problems=()) -> dict:
    """What _findings.html shows: blocks, warnings (each with its justification box), notes,
    what was not checked, the budget against the standard, and the form's problems."""
    justifications = justifications or {}
    if result is None:
        return {"checked": False, "problems": list(problems)}
    titles = _titles()
    warnings: dict[str, dict] = {}
    for finding in result.findings:
        if finding.severity == "warn":
            entry = warnings.setdefault(
                finding.rule,
                {
                    "rule": finding.rule,
                    "title": titles.get(finding.rule, finding.rule),
                    "basis": finding.basis,
                    "messages": [],
                    "justification": justifications.get(finding.rule, ""),
                },
            )
            entry["messages"].append(finding.message)
    return {
        "checked": True,
        "compliant": result.compliant,
        "rule_set": result.ruleset,
        "blocking": _entries(result, "block", titles),
        "warnings": list(warnings.values()),
        "notes": _entries(result, "info", titles),
        "not_checked": [
            {"title": titles.get(n.rule, n.rule), "reason": n.reason} for n in result.not_checked
        ],
        "budget": budget_table(result.budget),
        "problems": list(problems),
    }


def _entries(result: CheckResult, severity: str, titles: dict) -> list[dict]:
    return [
        {"title": titles.get(f.rule, f.rule), "message": f.message, "basis": f.basis}
        for f in result.findings
        if f.severity == severity
    ]


def budget_table(budget: dict) -> dict:
    """Rows of standard against claimed, by currency and item; what is over is marked."""
    labels = dict(BudgetKind.choices)
    over = {entry["kind"] for entry in budget.get("over_standard", [])}
    claimed = budget.get("claimed", {})
    rows = []
    for currency, standard in budget.get("standard", {}).items():
        for kind in PER_DIEM_KINDS:
            rows.append(
                {
                    "item": labels[kind],
                    "currency": currency,
                    "standard": standard.get(kind),
                    "claimed": claimed.get(currency, {}).get(kind),
                    "over": kind in over,
                }
            )
    shown = {(row["currency"], kind) for row in rows for kind in PER_DIEM_KINDS}
    for currency, kinds in claimed.items():
        for kind, amount in kinds.items():
            if (currency, kind) not in shown:
                rows.append(
                    {
                        "item": labels.get(kind, kind),
                        "currency": currency,
                        "standard": None,
                        "claimed": amount,
                        "over": kind in over,
                    }
                )
    return {
        "days": budget.get("days"),
        "nights": budget.get("nights"),
        "rows": rows,
        "over": budget.get("over_standard", []),
        "air_class": [
            {**entry, "air_class": AIR_CLASSES.get(entry["air_class"], entry["air_class"])}
            for entry in budget.get("air_class", [])
        ],
        "table": budget.get("table", ""),
    }
