"""The rule set pages: everyone signed in reads the rules in force and every version; only an
administrator creates a new version, from a form of the rules in force."""

import json

import pytest
from django.urls import reverse

from tests.conftest import client_for
from waishi.policy.models import RuleSetVersion
from waishi.policy.selectors import active_ruleset

RULES = reverse("policy:rules")
NEW = reverse("policy:rules_new")


def shipped() -> RuleSetVersion:
    return RuleSetVersion.objects.get(number=1)


def edited_form(**changes) -> dict:
    """The new-version form as an administrator would post it: the values shown, some changed."""
    client_data = {"label": "Five at most", "note": "市外办2026年第3号通知", "from": shipped().pk}
    for index, rule in enumerate(shipped().body["rules"]):
        client_data[f"r{index}_severity"] = rule["severity"]
        client_data[f"r{index}_basis"] = rule["basis"]
        for key, value in rule["parameters"].items():
            client_data[f"r{index}_p_{key}"] = (
                value if isinstance(value, str) else json.dumps(value)
            )
    client_data.update(changes)
    return client_data


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(RULES)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_liaison_reads_every_rule_with_its_citation_in_chinese(liaison_client):
    html = liaison_client.get(RULES).content.decode()
    for rule in shipped().body["rules"]:
        assert rule["id"] in html and rule["basis"] in html and rule["title_zh"] in html
    assert '<th scope="row">团组人数</th>' in html
    assert "default-v1" in html and "Shipped defaults" in html
    assert "severity-block" in html and "severity-warn" in html
    assert NEW not in html


def test_in_english_the_titles_parameters_and_applicability_are_readable(liaison_client):
    html = liaison_client.get(RULES, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<th scope="row">Delegation size</th>' in html
    assert '<th scope="row">团组人数</th>' not in html
    assert "days by number of countries" in html and "1: 5; 2: 8; 3: 10" in html
    assert "bureau: (max_trips: 1, window_days: 730)" in html
    assert "Academic exchange" in html and "After return" in html


def test_an_administrator_saves_edited_values_as_a_new_version_in_force(admin_user):
    client = client_for(admin_user)
    form = client.get(NEW, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="r0_p_max" value="6"' in form and "Delegation size" in form
    response = client.post(NEW, edited_form(r0_p_max="5", r8_severity="block"))
    assert response.status_code == 302 and response["Location"] == RULES
    version = RuleSetVersion.objects.get(is_active=True)
    assert (version.number, version.label, version.created_by) == (2, "Five at most", admin_user)
    assert version.body["rules"][0]["parameters"]["max"] == 5
    assert version.body["rules"][8]["severity"] == "block"
    assert active_ruleset().label == "default-v2"
    assert shipped().body["rules"][0]["parameters"]["max"] == 6


def test_the_old_version_stays_readable_on_its_own_page(admin_user, liaison_client):
    client_for(admin_user).post(NEW, edited_form(r0_p_max="5"))
    html = liaison_client.get(reverse("policy:rules_version", args=[shipped().pk])).content.decode()
    assert "default-v1" in html and "default-v2" in html
    assert "<dd>6</dd>" in html and "delegation_size" in html
    current = liaison_client.get(RULES).content.decode()
    assert "<dd>5</dd>" in current


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"r0_p_max": "five"}, "r0_p_max", "Enter a whole number, such as 6."),
        ({"r2_p_limits": "[5, 8]"}, "r2_p_limits", "Enter a table, such as"),
        ({"r3_p_regions": "africa"}, "r3_p_regions", "Enter a list, such as"),
        ({"r0_severity": "fatal"}, "r0_severity", "Select a valid choice."),
        ({"label": ""}, "label", "This field is required."),
    ],
)
def test_bad_values_are_shown_next_to_their_field_and_nothing_is_saved(
    admin_user, changes, field, message
):
    response = client_for(admin_user).post(NEW, edited_form(**changes), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert message.split(",")[0] in response.content.decode()
    assert RuleSetVersion.objects.count() == 1


def test_a_table_the_engine_cannot_read_is_refused_with_the_engine_s_reason(admin_user):
    response = client_for(admin_user).post(
        NEW, edited_form(r9_p_per_rank='{"bureau": {"max_trips": 1}}'), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "The rule set cannot be used" in response.content.decode()
    assert "per_rank.bureau needs max_trips and window_days" in response.content.decode()
    assert RuleSetVersion.objects.count() == 1


def test_a_liaison_may_not_open_or_post_the_new_version_form(liaison_client):
    assert liaison_client.get(NEW).status_code == 403
    assert liaison_client.post(NEW, edited_form(r0_p_max="9")).status_code == 403
    assert RuleSetVersion.objects.count() == 1


def test_an_administrator_puts_an_older_version_back_in_force(admin_user):
    client = client_for(admin_user)
    client.post(NEW, edited_form(r0_p_max="5"))
    page = client.get(reverse("policy:rules_version", args=[shipped().pk])).content.decode()
    assert reverse("policy:rules_activate", args=[shipped().pk]) in page
    response = client.post(reverse("policy:rules_activate", args=[shipped().pk]))
    assert response.status_code == 302 and active_ruleset().label == "default-v1"


def test_a_liaison_may_not_put_a_version_in_force(liaison_client, admin_user):
    client_for(admin_user).post(NEW, edited_form(r0_p_max="5"))
    response = liaison_client.post(reverse("policy:rules_activate", args=[shipped().pk]))
    assert response.status_code == 403 and active_ruleset().label == "default-v2"


def test_an_unknown_version_is_not_found(liaison_client):
    assert liaison_client.get(reverse("policy:rules_version", args=[999])).status_code == 404
