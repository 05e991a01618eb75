"""The demo data set: every documented login works with its role, and the chain is intact."""

import pytest
from django.core.management import CommandError, call_command

from waishi.core.access import roles_of
from waishi.core.audit import audit_verify
from waishi.core.demo import load_demo
from waishi.core.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from waishi.core.models import User
from waishi.people.idcard import validate_id_number
from waishi.people.models import Person

ARCHITECTURE_LOGINS = {
    "admin", "liaison", "head", "reviewer", "approver", "passport", "evaluator", "safety",
    "protocol", "secretariat", "inspector", "traveller",
}  # fmt: skip


@pytest.fixture
def demo(db):
    return load_demo(people=30)


def test_every_login_of_the_architecture_exists_with_its_role(demo, client):
    assert {username for username, *_ in DEMO_ACCOUNTS} == ARCHITECTURE_LOGINS
    for username, role, _scope, _description in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert role in roles_of(user)
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302 and response["Location"] == "/", username
        client.post("/accounts/logout/")


def test_demo_is_written_through_services_so_the_audit_chain_is_intact(demo):
    result = audit_verify()
    assert result.ok and result.checked > 30


def test_demo_people_have_valid_id_numbers_and_the_liaison_sees_some(demo):
    assert demo["people"] == 30
    for person in Person.objects.all():
        assert validate_id_number(person.id_number) == person.id_number
    liaison = User.objects.get(username="liaison")
    from waishi.people.selectors import people_for_user

    assert people_for_user(liaison).exists()


def test_loading_twice_changes_nothing(demo):
    before = Person.objects.count()
    assert load_demo(people=30) is None
    assert Person.objects.count() == before


def test_demo_data_is_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo")
