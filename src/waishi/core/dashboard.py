"""What the dashboard shows: counts of the records the user may see, each one bounded query."""

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waishi.core.access import grants_of, unit_scope_q
from waishi.core.models import AuditEvent, Unit
from waishi.people.models import Passport, Person

# Passports lost or cancelled are no longer anyone's task, whatever their expiry date.
LIVE_CUSTODY = (Passport.Custody.IN_CUSTODY, Passport.Custody.CHECKED_OUT)
EXPIRY_WINDOW_MONTHS = 6
EXPIRING_LIST_SIZE = 5


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's last day (31 Aug + 6 → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def greeting(now: datetime) -> str:
    hour = timezone.localtime(now).hour
    if hour < 12:
        return _("Good morning")
    if hour < 18:
        return _("Good afternoon")
    return _("Good evening")


def expiring_passports(user, today: date):
    until = add_months(today, EXPIRY_WINDOW_MONTHS)
    return Passport.objects.filter(
        unit_scope_q(user, field="person__unit"),
        custody__in=LIVE_CUSTODY,
        expires_on__gte=today,
        expires_on__lt=until,
    )


def audit_events_today(user, now: datetime):
    start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    events = AuditEvent.objects.filter(at__gte=start)
    if grants_of(user).citywide():
        return events
    # AuditEvent.unit_id is a plain column (the log outlives units): scope it by a subquery.
    return events.filter(unit_id__in=Unit.objects.filter(unit_scope_q(user, field="")).values("pk"))


def dashboard_context(user) -> dict:
    now = timezone.now()
    today = timezone.localdate(now)
    expiring = expiring_passports(user, today)
    return {
        "greeting": greeting(now),
        "today": today,
        "counts": {
            "units": Unit.objects.filter(unit_scope_q(user, field="")).count(),
            "people": Person.objects.filter(unit_scope_q(user, field="unit")).count(),
            "passports_expiring": expiring.count(),
            "audit_today": audit_events_today(user, now).count(),
        },
        "expiry_window_months": EXPIRY_WINDOW_MONTHS,
        "expiring_passports": list(
            expiring.select_related("person", "person__unit").order_by("expires_on", "pk")[
                :EXPIRING_LIST_SIZE
            ]
        ),
    }
