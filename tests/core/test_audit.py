import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waishi.core.audit import GENESIS, audit_record, audit_verify, event_hash
from waishi.core.jobs import audit_verify_daily
from waishi.core.models import AuditEvent, AuditHead
from waishi.core.roles import Role
from waishi.core.services import role_grant, unit_create, unit_update, user_create


@pytest.fixture
def chain(db):
    """Six events written by real services: #1 city … #6 a renamed bureau."""
    city = unit_create(actor=None, code="JH", name="江海市", kind="city")
    bureau = unit_create(actor=None, code="SWJ", name="市商务局", parent=city)
    admin = user_create(actor=None, username="admin", password=None, unit=city)
    role_grant(actor=None, user=admin, role=Role.ADMINISTRATOR, unit=city)
    liaison = user_create(actor=admin, username="wang", password=None, unit=bureau)
    unit_update(actor=admin, unit=bureau, name="市商务局（新）")
    assert AuditEvent.objects.count() == 6
    return {"admin": admin, "liaison": liaison, "bureau": bureau, "city": city}


def broken_at():
    result = audit_verify()
    assert not result.ok
    return result.broken_seq, result.problem


def test_a_chain_written_by_the_services_verifies(chain):
    result = audit_verify()
    assert (result.ok, result.checked) == (True, 6)
    assert result.tip == AuditEvent.objects.get(seq=6).hash


def test_an_empty_chain_verifies(db):
    assert audit_verify().ok


def test_events_name_their_actor_and_what_changed(chain):
    rename = AuditEvent.objects.get(seq=6)
    assert (rename.actor_name, rename.action) == ("admin", "unit.update")
    assert rename.changes == {"name": ["市商务局", "市商务局（新）"]}
    assert AuditEvent.objects.get(seq=1).actor_name == "system"


@pytest.mark.parametrize(
    "field_change",
    [
        {"changes": {"name": ["市商务局", "别的名字"]}},
        {"actor_name": "someone-else"},
        {"at": F("at") - timedelta(days=1)},
        {"reason": "added later"},
        {"object_id": "999"},
    ],
    ids=["changes", "actor_name", "at", "reason", "object_id"],
)
def test_an_edited_event_is_caught_at_its_number(chain, field_change):
    AuditEvent.objects.filter(seq=6).update(**field_change)
    assert broken_at() == (6, "content does not match its hash (edited)")


def test_an_edit_early_in_the_chain_is_caught_there_not_later(chain):
    AuditEvent.objects.filter(seq=2).update(actor_name="forger")
    assert broken_at()[0] == 2


def test_an_event_deleted_from_the_middle_is_named(chain):
    AuditEvent.objects.filter(seq=3).delete()
    assert broken_at() == (3, "missing (deleted or renumbered)")


def test_the_last_event_deleted_is_caught_by_the_chain_tip(chain):
    AuditEvent.objects.filter(seq=6).delete()
    seq, problem = broken_at()
    assert seq == 6
    assert problem.startswith("missing")


def test_two_events_swapped_are_caught_where_the_order_breaks(chain):
    AuditEvent.objects.filter(seq=2).update(seq=-2)
    AuditEvent.objects.filter(seq=4).update(seq=2)
    AuditEvent.objects.filter(seq=-2).update(seq=4)
    assert broken_at() == (2, "does not follow the event before it (reordered or inserted)")


def forged_event(seq, prev_hash):
    event = AuditEvent(
        seq=seq,
        at=AuditEvent.objects.get(seq=1).at,
        actor_name="admin",
        action="role.grant",
        object_type="core.roleassignment",
        object_id="77",
        changes={"role": "approver"},
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event)  # the forger knows the hashing scheme
    event.save()
    return event


def test_a_well_forged_event_appended_after_the_tip_is_caught(chain):
    forged_event(7, AuditEvent.objects.get(seq=6).hash)
    assert broken_at() == (7, "lies beyond the chain's tip (inserted)")


def test_a_forged_event_squeezed_into_the_middle_breaks_the_chain_right_after_it(chain):
    for event in AuditEvent.objects.filter(seq__gte=4).order_by("-seq"):
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq + 1)
    forged_event(4, AuditEvent.objects.get(seq=3).hash)
    AuditHead.objects.update(seq=7)
    assert broken_at() == (5, "does not follow the event before it (reordered or inserted)")


def test_a_deleted_chain_tip_record_is_caught(chain):
    AuditHead.objects.all().delete()
    assert broken_at()[0] == 1


def test_verification_reads_long_chains_in_batches(chain):
    assert audit_verify(batch=2).checked == 6
    AuditEvent.objects.filter(seq=5).update(reason="x")
    assert audit_verify(batch=2).broken_seq == 5


def test_audit_verify_command_reports_an_intact_chain_and_exits_zero(chain):
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue() == "audit chain intact: 6 events\n"


def test_audit_verify_command_names_the_broken_event_in_one_line_and_exits_one(chain):
    AuditEvent.objects.filter(seq=4).update(changes={})
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify", stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert out.getvalue() == ""
    assert err.getvalue() == (
        "audit chain broken at event #4: content does not match its hash (edited)\n"
    )


def test_the_nightly_check_logs_an_error_when_the_chain_is_broken(chain, caplog):
    audit_verify_daily({})
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    AuditEvent.objects.filter(seq=3).delete()
    with caplog.at_level(logging.INFO, logger="waishi.audit"):
        audit_verify_daily({})
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == ["audit chain broken at event #3: missing (deleted or renumbered)"]


def test_recording_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit_record(actor=None, action="unit.create", object_type="core.unit", object_id=1)
    assert not AuditEvent.objects.exists()


@transaction.atomic
def service_that_fails_after_auditing(*, actor):
    audit_record(actor=actor, action="unit.close", object_type="core.unit", object_id=2)
    raise ValidationError("the unit still has open delegations")


def test_a_service_failing_after_auditing_leaves_no_event_and_an_intact_chain(chain):
    with pytest.raises(ValidationError):
        service_that_fails_after_auditing(actor=chain["admin"])
    assert audit_verify().checked == 6
    unit_update(actor=chain["admin"], unit=chain["bureau"], name="市商务局")
    assert (audit_verify().ok, AuditEvent.objects.last().seq) == (True, 7)


# --- property: any chain verifies, and any single edit breaks it exactly there --------------

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
EVENTS = st.lists(
    st.fixed_dictionaries(
        {
            "action": st.sampled_from(["unit.create", "role.grant", "delegation.submit"]),
            "object_id": st.integers(min_value=1, max_value=10**9),
            "changes": st.dictionaries(TEXT, JSON_VALUES, max_size=4),
            "reason": TEXT,
            "unit_id": st.none() | st.integers(min_value=1, max_value=10**6),
        }
    ),
    min_size=1,
    max_size=8,
)

TAMPERINGS = {
    "at": lambda e: {"at": e.at + timedelta(microseconds=1)},
    "actor_id": lambda e: {"actor_id": (e.actor_id or 0) + 1},
    "actor_name": lambda e: {"actor_name": e.actor_name + "x"},
    "action": lambda e: {"action": e.action + "x"},
    "object_type": lambda e: {"object_type": e.object_type + "x"},
    "object_id": lambda e: {"object_id": e.object_id + "0"},
    "object_repr": lambda e: {"object_repr": e.object_repr + "x"},
    "unit_id": lambda e: {"unit_id": None if e.unit_id else 1},
    "changes": lambda e: {"changes": {"original": e.changes}},
    "reason": lambda e: {"reason": e.reason + "x"},
    "prev_hash": lambda e: {"prev_hash": GENESIS if e.prev_hash != GENESIS else "f" * 64},
    "hash": lambda e: {"hash": "0" + e.hash[1:] if e.hash[0] != "0" else "1" + e.hash[1:]},
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=EVENTS, victim=st.integers(min_value=0), field=st.sampled_from(sorted(TAMPERINGS)))
def test_any_chain_verifies_and_any_single_edit_breaks_it_at_that_event(
    chain, events, victim, field
):
    with transaction.atomic():
        for spec in events:
            audit_record(actor=chain["admin"], object_type="test.thing", **spec)
        total = 6 + len(events)
        intact = audit_verify()
        assert (intact.ok, intact.checked) == (True, total)
        target = AuditEvent.objects.get(seq=1 + victim % total)
        AuditEvent.objects.filter(pk=target.pk).update(**TAMPERINGS[field](target))
        assert audit_verify().broken_seq == target.seq
        transaction.set_rollback(True)
