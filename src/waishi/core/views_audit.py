"""The audit log for inspectors and administrators: filter, read one event, verify the chain,
export what is filtered.

Reading the log changes nothing; exporting it is itself recorded (`audit.export`).
"""

import io
import json

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from waishi.core import selectors, services
from waishi.core.access import access, has_role, unit_scope_q
from waishi.core.audit import audit_verify, event_hash
from waishi.core.forms import AuditFilterForm
from waishi.core.models import Unit
from waishi.core.roles import Role

READERS = selectors.AUDIT_READERS
EXPORT_LIMIT = 10_000

# The problems `audit_verify` names, in the reader's language.
PROBLEMS = {
    "missing (deleted or renumbered)": gettext_lazy("missing (deleted or renumbered)"),
    "does not follow the event before it (reordered or inserted)": gettext_lazy(
        "does not follow the event before it (reordered or inserted)"
    ),
    "content does not match its hash (edited)": gettext_lazy(
        "content does not match its hash (edited)"
    ),
    "does not match the chain's tip (edited)": gettext_lazy(
        "does not match the chain's tip (edited)"
    ),
    "lies beyond the chain's tip (inserted)": gettext_lazy(
        "lies beyond the chain's tip (inserted)"
    ),
    "the chain's tip record is missing (deleted)": gettext_lazy(
        "the chain's tip record is missing (deleted)"
    ),
}

# Pages an event's object can be opened on, and who may open them.
OBJECT_PAGES = {
    "core.unit": ("core:unit_detail", None),
    "core.user": ("core:user_detail", Role.ADMINISTRATOR),
    "people.person": ("people:detail", None),
}


def _filter_form(request) -> AuditFilterForm:
    units = Unit.objects.filter(unit_scope_q(request.user, field="", roles=READERS))
    return AuditFilterForm(request.GET, units=units.order_by("path"))


def object_url(user, event) -> str:
    page, role = OBJECT_PAGES.get(event.object_type, (None, None))
    if page is None or not event.object_id.isdigit() or (role and not has_role(user, role)):
        return ""
    try:
        return reverse(page, args=[int(event.object_id)])
    except NoReverseMatch:
        return ""


def _before(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() else None


@access(*READERS)
@require_GET
def audit_list(request):
    form = _filter_form(request)
    events = selectors.audit_events_for(request.user, **form.filters())
    rows, next_before = selectors.audit_page(events, before=_before(request))
    for event in rows:
        event.url = object_url(request.user, event)
    context = {"form": form, "events": rows, "next_before": next_before, "paged": _before(request)}
    return render(request, "core/audit_list.html", context)


def change_rows(changes) -> list[dict]:
    """`changes` as table rows: a [before, after] pair is split, anything else is "after"."""
    if not isinstance(changes, dict):
        return [{"field": "", "before": "", "after": _readable(changes), "pair": False}]
    rows = []
    for field, value in sorted(changes.items()):
        pair = isinstance(value, list) and len(value) == 2
        before, after = value if pair else ("", value)
        rows.append(
            {"field": field, "before": _readable(before), "after": _readable(after), "pair": pair}
        )
    return rows


def _readable(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@access(*READERS)
@require_GET
def audit_detail(request, seq):
    event = selectors.get_audit_event_for(request.user, seq)
    context = {
        "event": event,
        "rows": change_rows(event.changes),
        "hash_matches": event_hash(event) == event.hash,
        "object_url": object_url(request.user, event),
    }
    return render(request, "core/audit_detail.html", context)


@access(*READERS)
@require_POST
def audit_verify_view(request):
    """Recompute the whole chain and say whether it holds; a break opens the broken event."""
    result = audit_verify()
    if result.ok:
        messages.success(
            request,
            _("The audit chain is intact: %(count)d events checked.") % {"count": result.checked},
        )
        return redirect(_back(request))
    problem = PROBLEMS.get(result.problem, result.problem)
    messages.error(
        request,
        _("The audit chain is broken at event #%(seq)d: %(problem)s.")
        % {"seq": result.broken_seq, "problem": problem},
    )
    return redirect("core:audit_detail", seq=result.broken_seq)


def _back(request) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else reverse("core:audit")


@access(*READERS)
@require_GET
def audit_export(request):
    form = _filter_form(request)
    filters = form.filters()
    events = selectors.audit_events_for(request.user, **filters)
    rows = list(events[:EXPORT_LIMIT])
    services.audit_log_export(actor=request.user, filters=_summary(filters), rows=len(rows))
    stamp = timezone.localdate().isoformat()
    return FileResponse(_workbook(rows), as_attachment=True, filename=f"audit-log-{stamp}.xlsx")


def _summary(filters: dict) -> dict:
    unit = filters.get("unit")
    return {
        **{key: str(value) if value else "" for key, value in filters.items()},
        "unit": unit.code if unit else "",
    }


def _workbook(events) -> io.BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit log"))
    sheet.append(
        [
            "#",
            _("Time"),
            _("Actor"),
            _("Action"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Unit id"),
            _("Changes"),
            _("Reason"),
            _("Hash"),
        ]
    )
    for event in events:
        sheet.append(
            [
                event.seq,
                timezone.localtime(event.at).replace(tzinfo=None),
                event.actor_name,
                event.action,
                event.object_type,
                event.object_id,
                event.object_repr,
                event.unit_id,
                json.dumps(event.changes, ensure_ascii=False, sort_keys=True),
                event.reason,
                event.hash,
            ]
        )
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle
