"""The audit chain: append-only events, each carrying the hash of the one before.

Services call `audit_record(...)` inside their transaction, so the event commits or rolls back with
the change. `audit_verify()` recomputes the chain and names the first event that does not match:
an edited, deleted, inserted or reordered event breaks the chain from there on.

The chain proves the log was not altered by someone who cannot also recompute every later hash and
rewrite the tip. To defend against that too, copy the tip hash somewhere else now and then (the
nightly `core.audit_verify_daily` job logs it).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from waishi.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _plain(value):
    """Make a value JSON-native so it reads back from the database exactly as hashed.

    NaN and infinities are refused: neither PostgreSQL's jsonb nor strict JSON can store them.
    """
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, allow_nan=False))


def _canonical_numbers(value):
    """Numbers in one form whatever the database did to them.

    PostgreSQL's jsonb keeps numbers as decimals: 1e20 comes back as the integer
    100000000000000000000 and 2.0 may come back as 2.0 or 2. A float that is a whole number is
    therefore hashed as that whole number (taken from its shortest decimal form, as jsonb does).
    """
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))
    if isinstance(value, dict):
        return {key: _canonical_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_numbers(item) for item in value]
    return value


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
        "changes": _canonical_numbers(event.changes),
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
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id="",
    changes=None,
    reason: str = "",
    unit_id=None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    # Locking the tip serialises writers, so sequence numbers have no gaps and no forks.
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
    tip: str = ""  # hash of the last event checked: worth copying somewhere else


def _problem(event: AuditEvent, expected_seq: int, expected_prev: str) -> tuple[int, str] | None:
    if event.seq != expected_seq:
        return expected_seq, "missing (deleted or renumbered)"
    if event.prev_hash != expected_prev:
        return event.seq, "does not follow the event before it (reordered or inserted)"
    if event_hash(event) != event.hash:
        return event.seq, "content does not match its hash (edited)"
    return None


def _walk(until_seq: int, batch: int) -> VerifyResult:
    """Check events #1..#until_seq in order; `tip` of the result is the last good hash."""
    expected_prev, expected_seq = GENESIS, 1
    while expected_seq <= until_seq:
        events = AuditEvent.objects.filter(seq__gte=expected_seq, seq__lte=until_seq)
        events = list(events.order_by("seq")[:batch])
        if not events:
            break
        for event in events:
            problem = _problem(event, expected_seq, expected_prev)
            if problem:
                return VerifyResult(False, expected_seq - 1, *problem, tip=expected_prev)
            expected_prev, expected_seq = event.hash, expected_seq + 1
    return VerifyResult(True, expected_seq - 1, tip=expected_prev)


def audit_verify(batch: int = 5000) -> VerifyResult:
    """Recompute the chain from the first event to the tip; stop at the first that does not hold.

    Safe while the application keeps writing: the tip is read first and only events up to it are
    checked (a writer moves the tip in the same transaction as its event).
    """
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if AuditEvent.objects.exists():
            return VerifyResult(False, 0, 1, "the chain's tip record is missing (deleted)")
        return VerifyResult(True, 0, tip=GENESIS)
    result = _walk(head.seq, batch)
    if not result.ok:
        return result
    if result.checked < head.seq:
        missing = result.checked + 1
        return VerifyResult(
            False,
            result.checked,
            missing,
            f"missing (deleted; the chain's tip names #{head.seq})",
            tip=result.tip,
        )
    if result.tip != (head.hash or GENESIS):
        return VerifyResult(
            False,
            result.checked - 1,
            head.seq,
            "does not match the chain's tip (edited)",
            tip=result.tip,
        )
    return _check_nothing_beyond_tip(result)


def _check_nothing_beyond_tip(result: VerifyResult) -> VerifyResult:
    # Read the highest event before the tip: an honest writer that commits in between moves both,
    # so only an event written without moving the tip can lie beyond it.
    highest = AuditEvent.objects.aggregate(highest=Max("seq"))["highest"] or 0
    tip_seq = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    if highest > tip_seq:
        beyond = AuditEvent.objects.filter(seq__gt=tip_seq).order_by("seq").first()
        return VerifyResult(
            False,
            result.checked,
            beyond.seq if beyond else highest,
            "lies beyond the chain's tip (inserted)",
            tip=result.tip,
        )
    return result
