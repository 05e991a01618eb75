"""Reads of the policy app. Per-diem tables are national reference data, the same for every unit,
so no unit scope applies: every signed-in user reads them."""

from django.db.models import Min, Q
from django.utils import translation
from django_countries import countries

from waishi.policy.models import PerDiemStandard, PerDiemTableVersion
from waishi.policy.perdiem import PerDiemTable, default_table
from waishi.policy.rows import rate_of


def active_version() -> PerDiemTableVersion | None:
    return PerDiemTableVersion.objects.filter(is_active=True).first()


def table_versions():
    """Every loaded version, newest first."""
    return PerDiemTableVersion.objects.select_related("loaded_by").order_by("-loaded_at", "-pk")


def active_standards(
    country: str | None = None, continent: str | None = None, q: str | None = None
):
    """Rows of the active table in table order, optionally narrowed.

    `q` matches a city (Chinese name or an English alias), or a country by the name the table
    gives it or its name in the current language or English ("德国", "Germany").
    """
    rows = PerDiemStandard.objects.filter(version__is_active=True)
    if country:
        rows = rows.filter(country=country.upper())
    if continent:
        rows = rows.filter(continent=continent)
    q = (q or "").strip()
    if q:
        named = countries_named(q)
        rows = rows.filter(
            Q(cities__icontains=q)
            | Q(city_aliases__icontains=q)
            | Q(country_zh__icontains=q)
            | Q(country__in=named)
        )
    return rows.order_by("position")


def countries_named(text: str) -> set[str]:
    """Codes of the countries whose name, in the current language or in English, contains text."""
    text = text.casefold()
    named = {code for code, name in countries if text in str(name).casefold()}
    with translation.override("en"):
        named |= {code for code, name in countries if text in str(name).casefold()}
    return named


def active_continents() -> list[str]:
    """The continents of the active table, in the table's order."""
    firsts = (
        PerDiemStandard.objects.filter(version__is_active=True)
        .values("continent")
        .annotate(first=Min("position"))
        .order_by("first")
    )
    return [row["continent"] for row in firsts]


def active_countries() -> list[str]:
    """ISO codes of the countries the active table has rows for, in the table's order."""
    firsts = (
        PerDiemStandard.objects.filter(version__is_active=True)
        .values("country")
        .annotate(first=Min("position"))
        .order_by("first")
    )
    return [row["country"] for row in firsts]


def active_per_diem_table() -> PerDiemTable:
    """The table in force as a PerDiemTable (what `waishi policy check` prices with); the shipped
    table when none has been loaded."""
    version = active_version()
    if version is None:
        return default_table()
    rows = [rate_of(row) for row in version.standards.order_by("position")]
    return PerDiemTable(version.label, version.source, rows)
