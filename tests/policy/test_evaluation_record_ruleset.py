"""The evaluation record rule as data: shipped with new installations, shown readably on the rule
set page, editable by the administrator like any rule, refused with a clear message when its
parameters cannot be used."""

import copy

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.policy.test_ruleset_views import edited_form, shipped
from waishi.policy.engine.ruleset import RuleSetError
from waishi.policy.models import RuleSetVersion
from waishi.policy.selectors import active_ruleset
from waishi.policy.services import ruleset_create_version

RULE = "unit_evaluation_record"


def index_of_rule() -> int:
    return next(i for i, rule in enumerate(shipped().body["rules"]) if rule["id"] == RULE)


def test_a_new_installation_warns_on_the_units_evaluation_record(db):
    rule = active_ruleset().first("evaluation_record")
    assert (rule.id, rule.severity, rule.stage) == (RULE, "warn", "plan")
    assert dict(rule.parameters) == {
        "window_months": 24,
        "min_failed": 1,
        "overdue_follow_ups": True,
    }


def test_the_rule_set_page_names_its_parameters_in_the_readers_language(liaison_client):
    html = liaison_client.get(reverse("policy:rules"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = html[html.index(f'id="rule-{RULE}"') :]
    row = row[: row.index("</tr>")]
    assert "Organising unit&#x27;s evaluation record" in row
    assert "<dt>months looked back</dt><dd>24</dd>" in row
    assert "<dt>failed evaluations at least</dt><dd>1</dd>" in row
    assert "<dt>warn on overdue follow-ups</dt><dd>Yes</dd>" in row
    assert "window_months" not in row


def test_the_administrator_shortens_the_window_in_a_new_version(admin_user):
    index = index_of_rule()
    response = client_for(admin_user).post(
        reverse("policy:rules_new"),
        edited_form(
            **{f"r{index}_p_window_months": "12", f"r{index}_p_overdue_follow_ups": "false"}
        ),
    )
    assert response.status_code == 302
    rule = active_ruleset().first("evaluation_record")
    assert (rule.parameters["window_months"], rule.parameters["overdue_follow_ups"]) == (12, False)


def test_a_value_of_the_wrong_type_is_refused_next_to_its_field(admin_user):
    index = index_of_rule()
    client = client_for(admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("policy:rules_new"), edited_form(**{f"r{index}_p_overdue_follow_ups": "maybe"})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"r{index}_p_overdue_follow_ups"]
    assert RuleSetVersion.objects.count() == 1


def test_a_window_of_no_months_is_refused_with_the_rule_named_and_nothing_saved(admin_user):
    index = index_of_rule()
    client = client_for(admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("policy:rules_new"), edited_form(**{f"r{index}_p_window_months": "0"})
    )
    assert response.status_code == 200
    assert "window_months must be from 1 to 120 months" in response.content.decode()
    assert RULE in response.content.decode()
    assert RuleSetVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("parameters", "words"),
    [
        ({"window_months": 24, "min_failed": 0, "overdue_follow_ups": True}, "min_failed"),
        ({"window_months": 24, "min_failed": 1}, "overdue_follow_ups must be true or false"),
        ({"min_failed": 1, "overdue_follow_ups": True}, "window_months is missing"),
    ],
)
def test_the_service_refuses_unusable_parameters(admin_user, parameters, words):
    body = copy.deepcopy(shipped().body)
    body["rules"][index_of_rule()]["parameters"] = parameters
    with pytest.raises(RuleSetError, match=words):
        ruleset_create_version(actor=admin_user, body=body, label="bad")
    assert RuleSetVersion.objects.count() == 1
