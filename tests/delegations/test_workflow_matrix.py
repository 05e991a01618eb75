"""Every state × every action: allowed with the right role, refused otherwise.

The expected table below is written out by hand from DOMAIN.md — it is the specification the
workflow's transition table is checked against, not a copy of it.
"""

import pytest
from django.core.exceptions import PermissionDenied

from tests.delegations.conftest import ACTOR_OF
from tests.factories import UserFactory, grant
from waishi.delegations.models import DelegationEvent
from waishi.delegations.services import delegation_transition
from waishi.delegations.workflow import TRANSITIONS, InvalidTransition, allowed_actions

APPROVED_PATH = ["submit", "head_sign", "review_pass", "approve"]
# state name → the actions that reach it from a fresh draft.
PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "head_signed@review": ["submit", "head_sign"],
    "head_signed@approve": ["submit", "head_sign", "review_pass"],
    "returned@head": ["submit", "head_return"],
    "returned@review": ["submit", "head_sign", "review_return"],
    "approved": APPROVED_PATH,
    "rejected": [*APPROVED_PATH[:-1], "reject"],
    "withdrawn": ["withdraw"],
    "cancelled": [*APPROVED_PATH, "cancel"],
    "abroad": [*APPROVED_PATH, "depart"],
    "returned_home": [*APPROVED_PATH, "depart", "register_return"],
    "report_filed": [*APPROVED_PATH, "depart", "register_return", "file_report"],
    "evaluated": [*APPROVED_PATH, "depart", "register_return", "file_report", "evaluate"],
    "archived": [
        *APPROVED_PATH,
        *["depart", "register_return", "file_report", "evaluate", "archive"],
    ],
}
# state name → {allowed action: resulting status}
ALLOWED = {
    "draft": {"submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"head_sign": "head_signed", "head_return": "returned", "withdraw": "withdrawn"},
    "head_signed@review": {
        "review_pass": "head_signed",
        "review_return": "returned",
        "withdraw": "withdrawn",
    },
    "head_signed@approve": {
        "approve": "approved",
        "reject": "rejected",
        "review_return": "returned",
        "withdraw": "withdrawn",
    },
    "returned@head": {"submit": "submitted", "withdraw": "withdrawn"},
    "returned@review": {"submit": "head_signed", "withdraw": "withdrawn"},
    "approved": {"cancel": "cancelled", "depart": "abroad"},
    "rejected": {},
    "withdrawn": {},
    "cancelled": {},
    "abroad": {"register_return": "returned_home"},
    "returned_home": {"file_report": "report_filed"},
    "report_filed": {"evaluate": "evaluated"},
    "evaluated": {"archive": "archived"},
    "archived": {},
}
ACTIONS = list(TRANSITIONS)
# The persona with the right role, where it differs from the happy path's (conftest.ACTOR_OF).
RIGHT_ACTOR = {("head_signed@approve", "review_return"): "approver"}
# A persona of the right unit holding a different role.
WRONG_ROLE = {
    "submit": "head",
    "head_sign": "liaison",
    "head_return": "liaison",
    "review_pass": "liaison",
    "review_return": "head",
    "approve": "reviewer",
    "reject": "reviewer",
    "withdraw": "head",
    "cancel": "head",
    "depart": "head",
    "register_return": "reviewer",
    "file_report": "approver",
    "evaluate": "liaison",
    "archive": "liaison",
}


def test_the_specification_covers_every_action_of_the_workflow():
    assert set(ACTIONS) == {
        "submit",
        "head_sign",
        "head_return",
        "review_pass",
        "review_return",
        "approve",
        "reject",
        "withdraw",
        "cancel",
        "depart",
        "register_return",
        "file_report",
        "evaluate",
        "archive",
    }


@pytest.fixture
def delegation_in(make_delegation, act):
    def build(state):
        delegation = make_delegation()
        for action in PATHS[state]:
            act(delegation, action)
        delegation.refresh_from_db()
        return delegation

    return build


def actor_for(state, action):
    return RIGHT_ACTOR.get((state, action), ACTOR_OF[action])


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", list(PATHS))
def test_each_action_in_each_state_is_allowed_exactly_where_the_table_says(
    state, action, delegation_in, act
):
    delegation = delegation_in(state)
    before_version, before_status = delegation.version, delegation.status
    if action in ALLOWED[state]:
        act(delegation, action, as_=actor_for(state, action))
        delegation.refresh_from_db()
        assert delegation.status == ALLOWED[state][action]
        assert delegation.version == before_version + 1
        event = delegation.events.order_by("-at", "-id").first()
        assert (event.action, event.from_status) == (action, before_status)
    else:
        with pytest.raises(InvalidTransition):
            act(delegation, action, as_=actor_for(state, action))
        delegation.refresh_from_db()
        assert (delegation.status, delegation.version) == (before_status, before_version)


ALLOWED_CELLS = [(state, action) for state, actions in ALLOWED.items() for action in actions]


@pytest.mark.parametrize(("state", "action"), ALLOWED_CELLS)
def test_an_allowed_action_is_refused_to_a_user_without_the_role(state, action, delegation_in, act):
    delegation = delegation_in(state)
    events = DelegationEvent.objects.filter(delegation=delegation).count()
    for persona in (WRONG_ROLE[action], "inspector"):
        with pytest.raises(PermissionDenied):
            act(delegation, action, as_=persona)
    delegation.refresh_from_db()
    assert delegation.events.count() == events


@pytest.mark.parametrize(("state", "action"), ALLOWED_CELLS)
def test_an_allowed_action_is_refused_to_the_same_role_of_another_unit(
    state, action, delegation_in, act, city, education
):
    delegation = delegation_in(state)
    role = TRANSITIONS[action].roles or (
        ("approver",) if state == "head_signed@approve" else ("reviewer",)
    )
    stranger = UserFactory(username="stranger", unit=education)
    for each in role:
        grant(stranger, each, education)  # the right role, on 市教育局 only
    with pytest.raises(PermissionDenied):
        delegation_transition(
            actor=stranger,
            delegation=delegation,
            action=action,
            expected_version=delegation.version,
            comment="理由",
        )


@pytest.mark.parametrize("state", list(PATHS))
def test_the_page_offers_each_persona_exactly_the_actions_it_may_take(
    state, delegation_in, personas
):
    delegation = delegation_in(state)
    for name, persona in personas.items():
        expected = [a for a in ACTIONS if a in ALLOWED[state] and actor_for(state, a) == name]
        if name == "approver" and state == "approved":
            expected.insert(0, "cancel")  # the approver may cancel an approved trip too
        if name == "approver" and state == "evaluated":
            expected = ["archive"]
        assert allowed_actions(delegation, persona) == expected, name
