"""Two people acting on one delegation at the same moment, in real concurrent transactions:
exactly one wins, the other is told someone else acted first.

On PostgreSQL the row lock (SELECT … FOR UPDATE) makes the second wait for the first to commit
and then see the new version; on SQLite the IMMEDIATE transactions queue the same way.
"""

import threading

import pytest
from django.db import connection

from tests.factories import UserFactory, grant
from waishi.core.roles import Role
from waishi.delegations.models import Delegation, DelegationEvent
from waishi.delegations.services import delegation_transition
from waishi.delegations.workflow import ConflictError


def race(delegation, moves):
    """Run each (actor, action, comment) in its own thread, all from the same loaded version."""
    version = delegation.version
    start = threading.Barrier(len(moves))
    outcomes, errors = {}, []

    def attempt(name, actor, action, comment):
        try:
            start.wait(timeout=30)
            delegation_transition(
                actor=actor,
                delegation=Delegation(pk=delegation.pk),
                action=action,
                expected_version=version,
                comment=comment,
            )
            outcomes[name] = "won"
        except ConflictError as exc:
            outcomes[name] = str(exc)
        except Exception as exc:  # surfaced in the main thread's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(action, actor, action, comment))
        for actor, action, comment in moves
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return outcomes


@pytest.mark.parametrize("attempt", range(3))
def test_the_head_signing_while_the_liaison_withdraws_lets_exactly_one_win(
    production_like_database, make_delegation, act, liaison, head, attempt
):
    delegation = make_delegation()
    act(delegation, "submit")
    delegation.refresh_from_db()

    outcomes = race(delegation, [(head, "head_sign", ""), (liaison, "withdraw", "")])

    assert sorted(outcomes) == ["head_sign", "withdraw"]
    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    loser = next(name for name in outcomes if name not in winners)
    assert "他人已先行处理此团组" in outcomes[loser]  # "someone else acted first", zh-Hans
    delegation.refresh_from_db()
    assert delegation.version == 3
    assert delegation.status == {"head_sign": "head_signed", "withdraw": "withdrawn"}[winners[0]]
    assert list(DelegationEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "submit",
        winners[0],
    ]


def test_two_approvers_approving_at_once_issue_one_approval_number(
    production_like_database, make_delegation, act, approver, city
):
    second = grant(UserFactory(username="approver2", unit=city), Role.APPROVER, city)
    delegation = make_delegation()
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)
    delegation.refresh_from_db()

    outcomes = race(delegation, [(approver, "approve", ""), (second, "reject", "不予批准")])

    assert list(outcomes.values()).count("won") == 1
    delegation.refresh_from_db()
    if outcomes["approve"] == "won":
        assert delegation.status == "approved" and delegation.approval_number
    else:
        assert delegation.status == "rejected" and delegation.approval_number is None
    assert DelegationEvent.objects.filter(action__in=["approve", "reject"]).count() == 1
