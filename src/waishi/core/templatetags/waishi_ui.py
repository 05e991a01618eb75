"""Small template helpers of the UI shell (no markup is built here: templates own the HTML)."""

import math
from datetime import timedelta

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# What each module not built yet will do, from DOMAIN.md: the "coming" page says it.
MODULE_DESCRIPTIONS = {
    "delegations": _(
        "Apply for official trips abroad, check each plan against the rules and the per-diem "
        "standards, and follow it through review, approval, passports, disclosure and the trip "
        "report."
    ),
    "evaluation": _(
        "Score each delegation's results against a versioned rubric once its report is in, and "
        "again after 6 and 12 months."
    ),
    "visits": _(
        "Register foreign delegations received by the city: host unit, programme, meetings, "
        "agreements signed, and the gifts given and received."
    ),
    "partners": _(
        "Sister cities, foreign organisations and contacts, with every exchange over the years "
        "and a signal for ties that have gone quiet."
    ),
    "safety": _(
        "A registry of the city's people, projects and investments abroad, country risk levels, "
        "alerts that track who acknowledged them, and incidents."
    ),
    "matters": _(
        "One registry, with review, for major foreign-related activities, key projects and "
        "important matters."
    ),
    "commission": _(
        "The commission's meetings and decisions, the annual work plan, the annual report, and "
        "importing meeting news releases."
    ),
}

# Indentation classes exist in app.css up to this depth (no inline styles under our CSP).
MAX_INDENT = 6


@register.simple_tag
def module_description(key):
    return MODULE_DESCRIPTIONS.get(key, "")


@register.filter
def minutes(value):
    """A cool-off period as whole minutes, rounded up (a lockout is never shorter than said)."""
    if isinstance(value, timedelta):
        return max(1, math.ceil(value.total_seconds() / 60))
    return value


@register.filter
def indent(depth):
    """`indent-N` class for a unit's depth in the tree, capped so every class has a rule."""
    try:
        return f"indent-{min(int(depth), MAX_INDENT)}"
    except (TypeError, ValueError):
        return "indent-0"
