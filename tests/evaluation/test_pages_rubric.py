"""The rubric pages: everyone signed in reads the version in force and every earlier one; the
administrator makes a new version from a structured form (validated whole, nothing saved on a
problem, never an edit in place) and puts an older version back in force after the password."""

import pytest
from django.urls import NoReverseMatch, reverse

from tests.conftest import client_for
from waishi.core.models import AuditEvent
from waishi.evaluation import selectors, services
from waishi.evaluation.forms_rubric import RubricVersionForm
from waishi.evaluation.models import RubricVersion

pytestmark = pytest.mark.django_db
RUBRIC = reverse("evaluation:rubric")
NEW = reverse("evaluation:rubric_new")


def form_data(version, **changes) -> dict:
    """The new-version form as it comes prefilled from `version`, with `changes`."""
    form = RubricVersionForm(base=version.body)
    data = {
        name: "" if field.initial is None else field.initial
        for name, field in form.fields.items()
        if name != "activate"
    }
    data.update(label="2027年修订", note="提高合规权重", activate="on", **{"from": version.pk})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def v1():
    return selectors.active_rubric()


def test_every_signed_in_user_reads_the_rubric_in_force(liaison, v1):
    response = client_for(liaison).get(RUBRIC)
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("objectives_met", "schedule_executed", "agreements", "follow_up_plan"):
        assert f'id="indicator-{code}"' in html
    assert 'id="deduction-passport_late"' in html and 'id="veto-serious_discipline"' in html
    assert 'id="rubric-in-force"' in html and 'id="second-threshold"' in html
    rubric = response.context["rubric"]
    assert [g["weight"] for g in rubric["groups"]] == [30, 30, 20, 20]
    assert [(b["grade"], b["from"]) for b in rubric["bands"]] == [
        ("excellent", 90),
        ("good", 75),
        ("pass", 60),
        ("fail", 0),
    ]
    assert rubric["second_below"] == 60
    assert 'id="rubric-new"' not in html  # only the administrator makes versions


def test_there_is_no_edit_url_and_a_version_page_takes_no_post(admin_user, v1):
    with pytest.raises(NoReverseMatch):
        reverse("evaluation:rubric_edit", args=[v1.pk])
    response = client_for(admin_user).post(
        reverse("evaluation:rubric_version", args=[v1.pk]), {"label": "改"}
    )
    assert response.status_code == 405
    v1.refresh_from_db()
    assert v1.label != "改"


def test_a_liaison_cannot_open_the_new_version_form(liaison, v1):
    assert client_for(liaison).get(NEW).status_code == 403
    assert client_for(liaison).post(NEW, form_data(v1)).status_code == 403
    assert RubricVersion.objects.count() == 1


def test_the_form_comes_prefilled_from_the_version_in_force(admin_user, v1):
    response = client_for(admin_user).get(NEW)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["weight_objectives"].initial == 30
    assert form["indicator_objectives_met_max"].initial == 20
    assert form["grade_excellent"].initial == 90
    assert form["deduction_itinerary_deviation"].initial == 5
    assert form["second_evaluator_below"].initial == 60


def test_a_new_version_is_saved_whole_and_put_in_force_leaving_v1_unchanged(admin_user, v1):
    data = form_data(
        v1,
        weight_compliance="25",
        weight_follow_through="15",
        indicator_follow_up_plan_max="15",
        deduction_report_late="6",
        grade_good="80",
        second_evaluator_below="65",
        indicator_agreements_title_zh="签署的协议和备忘录",
    )
    response = client_for(admin_user).post(NEW, data)
    v2 = RubricVersion.objects.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:rubric_version", args=[v2.pk])
    assert v2.is_active and v2.label == "2027年修订" and v2.created_by == admin_user
    groups = {g["code"]: g for g in v2.body["groups"]}
    assert groups["compliance"]["weight"] == 25 and groups["follow_through"]["weight"] == 15
    assert groups["compliance"]["deductions"]["report_late"] == 6
    assert groups["results"]["indicators"][0]["title_zh"] == "签署的协议和备忘录"
    assert v2.body["grades"] == {"excellent": 90, "good": 80, "pass": 60}
    assert v2.body["second_evaluator_below"] == 65
    v1.refresh_from_db()
    assert not v1.is_active and v1.body["grades"]["good"] == 75
    page = client_for(admin_user).get(RUBRIC)
    assert page.context["version"] == v2
    assert 'id="version-1"' in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight_compliance": "25"}, None),  # weights add up to 105
        ({"indicator_agreements_max": "12"}, None),  # maxima of "results" no longer 30
        ({"grade_good": "95"}, None),  # bands not falling
        ({"indicator_partners_max": "abc"}, "indicator_partners_max"),
        ({"second_evaluator_below": "120"}, "second_evaluator_below"),
        ({"indicator_partners_title_en": ""}, "indicator_partners_title_en"),
        ({"label": ""}, "label"),
    ],
)
def test_a_bad_version_shows_the_problem_and_saves_nothing(admin_user, v1, changes, field):
    events = AuditEvent.objects.count()
    response = client_for(admin_user).post(NEW, form_data(v1, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    if field:
        assert field in form.errors
    else:
        assert form.non_field_errors() and 'id="rubric-errors"' in response.content.decode()
    assert RubricVersion.objects.count() == 1 and AuditEvent.objects.count() == events
    v1.refresh_from_db()
    assert v1.is_active


def test_putting_an_older_version_back_asks_for_the_password_first(admin_user, v1):
    body = {**v1.body, "second_evaluator_below": 70}
    v2 = services.rubric_create_version(actor=admin_user, body=body, label="v2")
    client = client_for(admin_user)
    url = reverse("evaluation:rubric_activate", args=[v1.pk])
    page = client.get(reverse("evaluation:rubric_version", args=[v1.pk]))
    assert 'id="rubric-activate"' in page.content.decode()

    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:sudo"))
    v1.refresh_from_db()
    assert not v1.is_active  # nothing done without the password

    back = client.post(
        response["Location"], {"password": "correct-horse-battery", "next": url}, follow=True
    )
    assert back.status_code == 200 and 'id="rubric-activate-confirm"' in back.content.decode()
    done = client.post(url)
    assert done.status_code == 302 and done["Location"] == RUBRIC
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.is_active and not v2.is_active
    assert AuditEvent.objects.filter(action="rubric.activate", object_id=str(v1.pk)).exists()


def test_only_the_administrator_may_put_a_version_in_force(liaison, admin_user, v1):
    services.rubric_create_version(actor=admin_user, body=v1.body, label="v2")
    response = client_for(liaison).post(reverse("evaluation:rubric_activate", args=[v1.pk]))
    assert response.status_code == 403
    v1.refresh_from_db()
    assert not v1.is_active


def test_an_old_version_reads_as_it_was(liaison, admin_user, v1):
    body = {**v1.body, "grades": {"excellent": 92, "good": 80, "pass": 65}}
    services.rubric_create_version(actor=admin_user, body=body, label="v2")
    response = client_for(liaison).get(reverse("evaluation:rubric_version", args=[v1.pk]))
    assert response.status_code == 200
    assert [b["from"] for b in response.context["rubric"]["bands"]][:3] == [90, 75, 60]
    assert 'id="rubric-not-in-force"' in response.content.decode()
