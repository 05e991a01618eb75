"""Approval numbers (批件号) from a configurable pattern.

settings.WAISHI_APPROVAL_NUMBER_PATTERN is a str.format pattern over:
  {year}       the year of approval
  {seq}        the sequence number within the series (format it: {seq:03d})
  {unit_code}  the organising unit's code     {unit_name} its name
  {city_code}  the code of the top unit of the tree (the city), e.g. for "江外字"-style prefixes
A series is one year — per organising unit when the pattern names the unit — so numbering
restarts at 1 each year. The counter row is locked while a number is drawn: two approvals at
once never get the same number, and the unique column catches anything else.
"""

from __future__ import annotations

import string

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from waishi.core.models import Unit
from waishi.delegations.models import ApprovalCounter, Delegation

DEFAULT_PATTERN = "{unit_code}外字〔{year}〕{seq:03d}号"
FIELDS = frozenset({"year", "seq", "unit_code", "unit_name", "city_code"})
UNIT_FIELDS = frozenset({"unit_code", "unit_name"})


def pattern() -> str:
    value = getattr(settings, "WAISHI_APPROVAL_NUMBER_PATTERN", DEFAULT_PATTERN)
    names = {name for _text, name, _spec, _conv in string.Formatter().parse(value) if name}
    if "seq" not in names or not names <= FIELDS:
        raise ImproperlyConfigured(
            "WAISHI_APPROVAL_NUMBER_PATTERN must contain {seq} and only these fields: "
            + ", ".join(sorted(FIELDS))
        )
    return value


def _city_code(unit: Unit) -> str:
    top = unit.path.strip("/").split("/")[0] if unit.path else ""
    if not top or int(top) == unit.pk:
        return unit.code
    return Unit.objects.filter(pk=int(top)).values_list("code", flat=True).first() or unit.code


def _counter(series: str) -> ApprovalCounter:
    """The series' counter row, locked; created on first use (a racing creator is retried)."""
    for _attempt in range(2):
        counter = ApprovalCounter.objects.select_for_update().filter(series=series).first()
        if counter is not None:
            return counter
        try:
            with transaction.atomic():
                ApprovalCounter.objects.create(series=series)
        except IntegrityError:
            continue  # another approval created it first: lock theirs
    return ApprovalCounter.objects.select_for_update().get(series=series)


def next_approval_number(delegation: Delegation) -> str:
    """Draw the next number of the delegation's series. Call inside the approving transaction."""
    template = pattern()
    unit = delegation.organising_unit
    names = {name for _t, name, _s, _c in string.Formatter().parse(template) if name}
    year = timezone.localdate().year
    series = f"{year}:{unit.code}" if names & UNIT_FIELDS else str(year)
    counter = _counter(series)
    values = {"year": year, "unit_code": unit.code, "unit_name": unit.name}
    values["city_code"] = _city_code(unit) if "city_code" in names else ""
    while True:
        counter.last += 1
        number = template.format(seq=counter.last, **values)
        # A number issued under an earlier pattern may collide; skip it rather than fail.
        if not Delegation.objects.filter(approval_number=number).exists():
            break
    counter.save(update_fields=["last"])
    return number
