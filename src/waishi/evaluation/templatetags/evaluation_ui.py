"""Template helpers of the evaluation pages, and the link other apps' pages use to reach an
evaluation (no markup is built here: templates own the HTML).

    {% load evaluation_ui %}
    {{ project.amount|amount }}                                   1,000,000.00
    {% evaluation_url delegation as url %}{% if url %}<a href="{{ url }}">…</a>{% endif %}
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse

from waishi.evaluation import selectors

register = template.Library()


@register.filter
def amount(value) -> str:
    """1000000 → "1,000,000.00" (amounts as the official documents write them); "" for none."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


@register.simple_tag(takes_context=True)
def evaluation_url(context, delegation) -> str:
    """The evaluation page of `delegation` when it has one the user may read; "" otherwise
    (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or delegation is None:
        return ""
    pk = (
        selectors.evaluations_for(user)
        .filter(delegation_id=delegation.pk)
        .values_list("pk", flat=True)
        .first()
    )
    return reverse("evaluation:detail", args=[pk]) if pk else ""
