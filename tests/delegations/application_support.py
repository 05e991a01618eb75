"""Helpers of the application page tests: the page's POST body built from the same dict the
services take (tests/delegations/conftest.valid_application), and small readers of the page."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from tests.delegations.conftest import traveller_of, valid_application

SECTIONS = ("objectives", "members", "stops", "schedule", "budget")
MAIN = ("title", "purpose", "trip_type", "invitation_from", "invitation_kind")


def _value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def as_post(application: dict, unit, *, version=None, **extra) -> dict:
    """The page's form fields for `application` (the services' input shape)."""
    data = {name: application.get(name, "") for name in MAIN}
    data.update(
        organising_unit=str(unit.pk),
        leave_china=_value(application["leave_china"]),
        return_china=_value(application["return_china"]),
        host_provides=list(application.get("host_provides", [])),
    )
    if version is not None:
        data["version"] = str(version)
    rows = {
        "objectives": [{"text": text} for text in application.get("objectives", [])],
        **{name: application.get(name, []) for name in SECTIONS[1:]},
    }
    for name, items in rows.items():
        data[f"{name}-TOTAL_FORMS"] = str(len(items))
        data[f"{name}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(items):
            for key, value in row.items():
                if isinstance(value, bool):
                    if value:
                        data[f"{name}-{i}-{key}"] = "on"
                else:
                    data[f"{name}-{i}-{key}"] = _value(value)
    data.update(extra)
    return data


def application_of(unit, people, **changes) -> dict:
    return {**valid_application(unit, people), **changes}


def staff(unit, count, *, prefix="成员"):
    return [traveller_of(unit, name=f"{prefix}{i}") for i in range(count)]


def later(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def create_url():
    return reverse("delegations:create")


def edit_url(delegation):
    return reverse("delegations:edit", args=[delegation.pk])


def errors_of(response) -> str:
    """The text of every error list on the page."""
    html = response.content.decode()
    lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", item) for item in lists)
