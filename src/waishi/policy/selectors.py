"""Reads of the policy app. Per-diem tables and rule sets are reference data, the same for every
unit, so no unit scope applies: every signed-in user reads them."""

from django.db.models import Min, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from waishi.policy.engine.ruleset import RuleSet, default_ruleset, load_ruleset
from waishi.policy.models import PerDiemStandard, PerDiemTableVersion, RuleSetVersion
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


def active_ruleset_version() -> RuleSetVersion | None:
    return RuleSetVersion.objects.filter(is_active=True).first()


def ruleset_versions():
    """Every rule set version, newest first."""
    return RuleSetVersion.objects.select_related("created_by").order_by("-number")


def active_ruleset() -> RuleSet:
    """The rule set in force, as the engine reads it (what delegations are checked against);
    the shipped rule set when the table is empty."""
    version = active_ruleset_version()
    return load_ruleset(version.body) if version is not None else default_ruleset()


STAGES = {
    "plan": _("Application"),
    "approval": _("Before approval"),
    "after_return": _("After return"),
}
# The same labels as the delegation's trip types, without the policy app depending on delegations.
TRIP_TYPES = {
    "visit": _("Visit"),
    "investment": _("Investment promotion"),
    "conference": _("Conference"),
    "training": _("Training"),
    "academic_exchange": _("Academic exchange"),
    "other": _("Other"),
}


def ruleset_rows(body: dict) -> list[dict]:
    """The rules of a stored body as the rule set page shows them: title in the reader's
    language, parameters as "name: value" lines, where each rule applies."""
    chinese = (translation.get_language() or "").startswith("zh")
    rows = []
    for rule in body.get("rules", []):
        applies = rule.get("applies_to") or {}
        trip_types = applies.get("trip_types")
        rows.append(
            {
                "id": rule.get("id", ""),
                "title": rule.get("title_zh" if chinese else "title_en", ""),
                "severity": rule.get("severity", ""),
                "parameters": [
                    (parameter_label(key), readable(value))
                    for key, value in (rule.get("parameters") or {}).items()
                ],
                "basis": rule.get("basis", ""),
                "stage": STAGES.get(applies.get("stage", "plan"), applies.get("stage")),
                "trip_types": [TRIP_TYPES.get(t, t) for t in trip_types] if trip_types else [],
            }
        )
    return rows


PARAMETERS = {
    "max": _("at most"),
    "limits": _("days by number of countries"),
    "regions": _("regions"),
    "extra_days": _("extra days"),
    "exempts": _("exempts the rules"),
    "months": _("months"),
    "min_official_share": _("least official share"),
    "forbidden_kinds": _("activities not allowed"),
    "accepted_kinds": _("accepted inviters"),
    "per_rank": _("limits by rank"),
    "official_kinds": _("official passport kinds"),
    "months_after_return": _("months valid after return"),
    "min_days": _("days ahead at least"),
    "transport_only_incidentals_share": _("incidentals share when only transport is provided"),
    "air_class": _("air class by rank"),
    "air_class_default": _("air class otherwise"),
    "working_days": _("working days"),
    "days": _("days"),
    "before": _("before"),
    "after": _("after"),
    "min_value_cny": _("from a value in CNY of"),
    "window_months": _("months looked back"),
    "min_failed": _("failed evaluations at least"),
    "overdue_follow_ups": _("warn on overdue follow-ups"),
}


def parameter_label(key: str) -> str:
    return str(PARAMETERS.get(key, key.replace("_", " ")))


def readable(value, nested: bool = False) -> str:
    """A parameter value in plain words: lists joined by commas, tables as "key: value", a table
    inside a table in brackets ("bureau: (max_trips: 1, window_days: 730)")."""
    if isinstance(value, dict):
        text = ("; ", ", ")[nested].join(
            f"{key}: {readable(item, True)}" for key, item in value.items()
        )
        return f"({text})" if nested else text
    if isinstance(value, list):
        return ", ".join(readable(item, True) for item in value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(value)
