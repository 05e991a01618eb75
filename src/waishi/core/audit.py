"""The audit chain: append-only events, each carrying the hash of the one before.

Services call `audit_record(...)` inside their transaction, so the event commits or rolls back with
the change. `audit_verify()` recomputes the chain and names the first event that does not match:
an edited, deleted, inserted or reordered event breaks the chain from there on.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from waishi.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _plain(value):
    """Make a value JSON-native so it reads back from the database exactly as hashed."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def event_hash(event: AuditEvent) -> str:
    at = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    body = {
        "seq": event.seq,
        "at": at,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": str(event.object_id),
        "object_repr": event.object_repr,
        "unit_id": event.unit_id,
        "changes": event.changes,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def summarise(value):
    """A value as it should appear in an audit summary."""
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {
        key: [summarise(before.get(key)), summarise(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id="", changes=None,
    reason: str = "", unit_id=None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if unit_id is None:
            unit_id = getattr(obj, "unit_id", None)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        seq=head.seq + 1,
        at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_name=actor.get_username() if authenticated else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(obj)[:200] if obj is not None else "",
        unit_id=unit_id,
        changes=_plain(changes or {}),
        reason=reason,
        prev_hash=head.hash or GENESIS,
    )
    event.hash = event_hash(event)
    event.save()
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""


def audit_verify(batch: int = 5000) -> VerifyResult:
    """Recompute the chain from the first event; stop at the first that does not hold."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        events = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not events:
            break
        for event in events:
            if event.seq != expected_seq:
                return VerifyResult(False, checked, event.seq, f"expected event #{expected_seq} here (missing or reordered)")
            if event.prev_hash != expected_prev:
                return VerifyResult(False, checked, event.seq, "does not follow the event before it")
            if event_hash(event) != event.hash:
                return VerifyResult(False, checked, event.seq, "content does not match its hash (edited)")
            expected_prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
            last_seq = event.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.seq != checked or (checked and head.hash != expected_prev)):
        return VerifyResult(False, checked, checked + 1, f"chain ends at #{checked} but its tip says #{head.seq} (events removed)")
    return VerifyResult(True, checked)
