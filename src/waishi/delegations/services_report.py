"""Writes of the trip report (出访报告): save a draft, file it, add photos.

    report_save    the structured report, replaced wholesale (optimistic version check)
    report_file    check it is complete and take the workflow's file_report action
    photo_add      a photo of the trip (JPEG or PNG, judged by content)

All by the unit's liaison while the delegation is "returned home"; atomic and audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from waishi.core.audit import audit_record
from waishi.core.uploads import safe_name, validate_upload
from waishi.delegations.models import BudgetKind, Delegation, Status
from waishi.delegations.models_trip import (
    AttachmentKind,
    DelegationAttachment,
    ReportAgreement,
    ReportFollowUp,
    ReportObjectiveResult,
    ReportPartner,
    ReportProject,
    ReportSpending,
    ResultStatus,
    TripReport,
)
from waishi.delegations.services_trip import LIAISONS, locked, require_role, require_status
from waishi.delegations.workflow import Action, ConflictError

LISTS = ("results", "agreements", "projects", "partners", "follow_ups", "spending")
PHOTO_KINDS = ("jpeg", "png")


def _amount(value, field: str, number: int, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Row %(n)s: give the amount.") % {"n": number}})
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e14"):
        raise ValidationError(
            {field: _("Row %(n)s: the amount must be a number, not negative.") % {"n": number}}
        )
    return amount.quantize(Decimal("0.01"))


def _text(row: dict, key: str, field: str, number: int, *, required: bool = True) -> str:
    text = str(row.get(key) or "").strip()
    if required and not text:
        raise ValidationError(
            {field: _("Row %(n)s is missing “%(what)s”.") % {"n": number, "what": key}}
        )
    return text


def _currency(row: dict) -> str:
    code = str(row.get("currency") or "CNY").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValidationError({"currency": _("A currency is a three-letter code such as CNY.")})
    return code


def clean_report(delegation: Delegation, data: dict) -> dict:
    """The report's lists as rows to write; ValidationError names the list and the row."""
    objectives = {o.pk: o for o in delegation.objectives.all()}
    results = []
    for n, row in enumerate(data.get("results", []), start=1):
        objective = objectives.get(int(row["objective"])) if row.get("objective") else None
        if row.get("status") not in ResultStatus.values:
            raise ValidationError(
                {"results": _("Row %(n)s: choose met, partly met or not met.") % {"n": n}}
            )
        results.append(
            {
                "objective": objective,
                "objective_text": objective.text
                if objective
                else _text(row, "objective_text", "results", n),
                "status": row["status"],
                "result": _text(row, "result", "results", n),
            }
        )
    agreements = [
        {
            "title": _text(row, "title", "agreements", n),
            "partner": _text(row, "partner", "agreements", n),
            "signed_on": _date(row.get("signed_on"), "agreements", n),
        }
        for n, row in enumerate(data.get("agreements", []), start=1)
    ]
    projects = []
    for n, row in enumerate(data.get("projects", []), start=1):
        kind = row.get("kind") or ReportProject.Kind.PROJECT
        if kind not in ReportProject.Kind.values:
            raise ValidationError(
                {"projects": _("Row %(n)s: choose project or intention.") % {"n": n}}
            )
        projects.append(
            {
                "kind": kind,
                "name": _text(row, "name", "projects", n),
                "amount": _amount(row.get("amount"), "projects", n, required=False),
                "currency": _currency(row),
                "partner": _text(row, "partner", "projects", n, required=False),
            }
        )
    partners = []
    for n, row in enumerate(data.get("partners", []), start=1):
        code = str(row.get("country") or "").upper()
        if code and code not in dict(countries):
            raise ValidationError(
                {"partners": _("Row %(n)s: choose a country from the list.") % {"n": n}}
            )
        partners.append(
            {
                "name": _text(row, "name", "partners", n),
                "organisation": _text(row, "organisation", "partners", n, required=False),
                "country": code,
            }
        )
    follow_ups = [
        {
            "plan": _text(row, "plan", "follow_ups", n),
            "responsible": _text(row, "responsible", "follow_ups", n, required=False),
            "due_on": _date(row.get("due_on"), "follow_ups", n, required=False),
        }
        for n, row in enumerate(data.get("follow_ups", []), start=1)
    ]
    spending = []
    for n, row in enumerate(data.get("spending", []), start=1):
        if row.get("kind") not in BudgetKind.values:
            raise ValidationError({"spending": _("Row %(n)s: choose a budget item.") % {"n": n}})
        spending.append(
            {
                "kind": row["kind"],
                "amount": _amount(row.get("amount"), "spending", n, required=True),
                "currency": _currency(row),
            }
        )
    return {
        "results": results,
        "agreements": agreements,
        "projects": projects,
        "partners": partners,
        "follow_ups": follow_ups,
        "spending": spending,
    }


def _date(value, field: str, number: int, *, required: bool = True):
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Row %(n)s: give the date.") % {"n": number}})
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(
            {field: _("Row %(n)s: the date is not valid.") % {"n": number}}
        ) from exc


MODELS = {
    "results": ReportObjectiveResult,
    "agreements": ReportAgreement,
    "projects": ReportProject,
    "partners": ReportPartner,
    "follow_ups": ReportFollowUp,
    "spending": ReportSpending,
}


@transaction.atomic
def report_save(
    *,
    actor,
    delegation: Delegation,
    expected_version: int | None,
    summary: str = "",
    compliance_declared: bool = False,
    compliance_note: str = "",
    **lists,
) -> TripReport:
    """Save the trip report as a draft. `lists` holds results (objective id, status, result),
    agreements, projects, partners, follow_ups and spending as lists of dicts; every list given
    replaces the stored one. `expected_version` is None only for the first save."""
    unknown = set(lists) - set(LISTS)
    if unknown:
        raise TypeError(f"unexpected report fields: {', '.join(sorted(unknown))}")
    delegation = locked(delegation)
    require_role(actor, delegation, LIAISONS, _("Only the unit's liaison writes the trip report."))
    require_status(
        delegation,
        (Status.RETURNED_HOME,),
        _("The report is written after the return, not while the delegation is “%(status)s”."),
    )
    report = TripReport.objects.filter(delegation=delegation).first()
    if report is not None and report.version != expected_version:
        raise ConflictError
    cleaned = clean_report(delegation, lists)
    report = report or TripReport(delegation=delegation, version=0)
    report.summary = (summary or "").strip()
    report.compliance_declared = bool(compliance_declared)
    report.compliance_note = (compliance_note or "").strip()
    report.saved_by, report.saved_at = actor, timezone.now()
    report.version += 1
    report.save()
    for name in LISTS:
        if name in lists:
            getattr(report, name).all().delete()
            MODELS[name].objects.bulk_create(
                MODELS[name](report=report, order=i, **row) for i, row in enumerate(cleaned[name])
            )
    audit_record(
        actor=actor,
        action="delegation.report_save",
        obj=report,
        unit_id=delegation.organising_unit_id,
        changes={
            "delegation": delegation.pk,
            "version": report.version,
            "compliance_declared": report.compliance_declared,
            **{name: len(cleaned[name]) for name in LISTS if name in lists},
        },
    )
    return report


def report_gaps(delegation: Delegation, report: TripReport | None) -> list[str]:
    """What still stops the report being filed (empty when it is complete)."""
    if report is None:
        return [_("Save the report first.")]
    gaps = []
    answered = set(report.results.exclude(objective=None).values_list("objective_id", flat=True))
    for objective in delegation.objectives.all():
        if objective.pk not in answered:
            gaps.append(
                _("Give the result of the objective “%(text)s”.") % {"text": objective.text}
            )
    if not report.compliance_declared:
        gaps.append(_("Tick the compliance declaration."))
    return gaps


@transaction.atomic
def report_file(*, actor, delegation: Delegation, expected_version: int) -> Delegation:
    """File the complete report: the workflow's file_report action (status → report filed)."""
    from waishi.delegations.services import delegation_transition  # services import this module

    delegation = locked(delegation)
    require_role(actor, delegation, LIAISONS, _("Only the unit's liaison files the trip report."))
    report = TripReport.objects.filter(delegation=delegation).first()
    if report is not None and report.version != expected_version:
        raise ConflictError
    gaps = report_gaps(delegation, report)
    if gaps:
        raise ValidationError(gaps)
    return delegation_transition(
        actor=actor,
        delegation=delegation,
        action=Action.FILE_REPORT,
        expected_version=delegation.version,
        comment=_("Trip report filed"),
    )


@transaction.atomic
def photo_add(*, actor, delegation: Delegation, upload, caption: str = "") -> DelegationAttachment:
    """A photo of the trip for the report; JPEG or PNG by content, at most the upload limit."""
    delegation = locked(delegation)
    require_role(actor, delegation, LIAISONS, _("Only the unit's liaison adds photos."))
    require_status(
        delegation,
        (Status.ABROAD, Status.RETURNED_HOME),
        _("Photos are added during or after the trip, not while it is “%(status)s”."),
    )
    try:
        kind = validate_upload(upload, allowed=PHOTO_KINDS)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    name = safe_name(upload.name, kind)
    attachment = DelegationAttachment(
        delegation=delegation,
        kind=AttachmentKind.PHOTO,
        original_name=name,
        caption=(caption or "").strip()[:200],
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="delegation.photo_add",
        obj=attachment,
        unit_id=delegation.organising_unit_id,
        changes={"delegation": delegation.pk, "name": name, "size": upload.size},
    )
    return attachment
