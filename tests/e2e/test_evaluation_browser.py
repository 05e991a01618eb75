"""One delegation's performance evaluation from start to finish, in a real browser, each person in
their own browser: the trip report was filed late, so the evaluation opens with a compliance
deduction pre-filled from the record. The unit's liaison finds it under "my work" and writes the
self-assessment; the evaluator reads the trip report's evidence beside the scoring form, first
types points above an indicator's maximum (refused, nothing saved), then scores low, so the total
falls below the rubric's second-evaluator threshold; a second evaluator adjusts two rows and
completes it; the delegation is then evaluated and links to it. The evaluation report (.docx)
carries the total, the grade and the deduction's source; the analytics and rubric pages render
their charts; the evaluation page fits a phone. Every step saves
./screenshots/evaluation-NN-step-WIDTH.png (git-ignored) for a person to look at, with
evaluation-05-scoring-screen-1280.png showing the screen at the scoring form and the report as
evaluation-report.docx.

The trip, its report and the evaluation's opening go through the real services and the outbox
job. Assertions read the numbers typed, DOM ids and CSS classes and the database, not UI labels,
so the test holds while the translations are being written."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.delegations import conftest as delegation_fixtures
from tests.delegations.trip_support import TripKit
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, open_page
from tests.e2e.test_pages_browser import STICKING_OUT, fits_the_screen
from tests.evaluation import conftest as evaluation_fixtures
from tests.evaluation.conftest import file_report, open_evaluation
from waishi.delegations.models import Status
from waishi.delegations.rules_trip import trip_deadlines
from waishi.delegations.services_trip import post_disclosure_record
from waishi.evaluation.models import Evaluation, EvaluationStatus, Grade, ScoreStage
from waishi.policy.models import PerDiemTableVersion
from waishi.policy.perdiem import SHIPPED_FILE, provenance
from waishi.policy.services import perdiem_table_import

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The personas of the delegation and evaluation tests (市商务局's liaison and head, the FAO's
# reviewer, approver and two evaluators), shared as those modules share them.
act = delegation_fixtures.act
approver = delegation_fixtures.approver
evaluator = delegation_fixtures.evaluator
head = delegation_fixtures.head
make_delegation = delegation_fixtures.make_delegation
personas = delegation_fixtures.personas
reviewer = delegation_fixtures.reviewer
second_evaluator = evaluation_fixtures.second_evaluator

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
SELF_TEXT = "代表团与汉堡港务局续签了港口合作备忘录，考察了两个物流园区，达成一项合作项目。"
# Points per scored indicator (maxima 20, 10, 10, 12, 8 and 20 in the default rubric).
SELF_POINTS = {
    "objectives_met": "18",
    "schedule_executed": "10",
    "agreements": "9",
    "projects_amounts": "10",
    "partners": "7",
    "follow_up_plan": "16",
}
FIRST_POINTS = {
    "objectives_met": "8",
    "schedule_executed": "5",
    "agreements": "4",
    "projects_amounts": "3.5",
    "partners": "2",
    "follow_up_plan": "6",
}
SECOND_POINTS = {**FIRST_POINTS, "objectives_met": "16", "follow_up_plan": "14"}
TOO_MANY = "25"  # above objectives_met's maximum of 20
REPORT_LATE = Decimal(4)  # the default rubric's deduction for a late trip report
COMPLIANCE = Decimal(20)  # the compliance group's weight


def expected_total(points: dict[str, str]) -> Decimal:
    """The rubric's arithmetic, by hand: the scored points, plus compliance less the deduction."""
    return sum(Decimal(p) for p in points.values()) + COMPLIANCE - REPORT_LATE


def shown(number: Decimal) -> str:
    """A total as the pages print it (floatformat:"-1"): 44.5, 60.5, 16."""
    return f"{number.normalize():f}"


@pytest.fixture
def late_report(make_delegation, act, liaison, city, admin_user, evaluator, second_evaluator):
    """市商务局's approved trip, back 40 days ago, its post-trip disclosure published on time and
    its trip report filed only today, long after its due day: the evaluation opened by the outbox
    job carries one pre-filled deduction, the late report (−4)."""
    if not PerDiemTableVersion.objects.exists():  # the migration's rows are gone after a flush
        perdiem_table_import(actor=admin_user, source=SHIPPED_FILE, label=provenance()["label"])
    delegation = TripKit(make_delegation, act, liaison, city).returned(days_ago=40)
    post_disclosure_record(
        actor=liaison,
        delegation=delegation,
        where="单位门户网站",
        posted_on=delegation.return_china + dt.timedelta(days=3),
    )
    file_report(delegation, liaison)
    evaluation = open_evaluation(delegation)
    (deduction,) = evaluation.deductions.all()
    assert deduction.source == "report_late" and deduction.prefilled
    assert deduction.points == REPORT_LATE
    assert trip_deadlines(delegation.return_china)["trip_report"] < timezone.localdate()
    return evaluation


class Walk:
    """The browsers of the walk: one fresh context per user, its console errors collected, a
    numbered screenshot per step."""

    def __init__(self, browser, base: str, screenshots, evaluation: Evaluation):
        self.browser, self.base, self.save, self.step = browser, base, screenshots, 0
        self.pk = evaluation.pk
        self.url = reverse("evaluation:detail", args=[evaluation.pk])

    def sign_in(self, username: str, size: dict = DESKTOP, *, phone: bool = False):
        page = open_page(self.browser, size, phone=phone)
        page.errors = []
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(f"{self.base}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{self.base}/")
        return page

    @staticmethod
    def _console(page, message):
        if message.type == "error":
            page.errors.append(f"{message.text} ({message.location.get('url')})")

    def shot(self, page, name: str):
        """Save the next screenshot of the whole page; the page must fit the screen and log no
        error (a CSP violation is a console error too)."""
        self.step += 1
        width = page.viewport_size["width"]
        page.evaluate("window.scrollTo(0, 0)")
        self.save(page, f"evaluation-{self.step:02d}-{name}-{width}")
        # Playwright's screenshot leaves style="" on inputs; htmx would copy it onto swapped-in
        # fields and trip the CSP (see test_delegation_workflow_browser.py).
        page.evaluate(
            "document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))"
        )
        assert fits_the_screen(page), (name, page.evaluate(STICKING_OUT, width))
        assert page.errors == [], name
        assert page.csp_violations == [], name

    @staticmethod
    def refused(page):
        """The form came back with an error (HTTP 400), which Chromium logs as a failed load:
        expected here, and only here."""
        assert [e for e in page.errors if "status of 400" not in e] == []
        page.errors.clear()

    def open_from_my_work(self, page, tab: str):
        """The evaluation list, the "my work" tab, and the one evaluation waiting there."""
        page.goto(f"{self.base}{reverse('evaluation:list')}")
        expect(page.locator(f"#tab-{tab} .badge")).to_have_text("1")
        page.locator(f"#tab-{tab}").click()
        page.wait_for_url(f"**/evaluation/?mine={tab}")
        expect(page.locator(f"#tab-{tab}")).to_have_attribute("aria-current", "page")
        rows = page.locator("#evaluations tbody tr")
        expect(rows).to_have_count(1)
        self.shot(page, f"my-work-{tab}")
        rows.locator(f"a[href='{self.url}']").click()
        page.wait_for_url(f"{self.base}{self.url}")

    def evaluation(self) -> Evaluation:
        return Evaluation.objects.get(pk=self.pk)


def in_view(page, selector: str) -> bool:
    """Whether the element is on the screen without the user scrolling (the browser scrolls to
    the #fragment as the page loads: allow it a moment)."""
    height = page.viewport_size["height"]
    for _ in range(20):
        box = page.locator(selector).first.bounding_box()
        if box and box["y"] < height and box["y"] + box["height"] > 0:
            return True
        page.wait_for_timeout(100)
    return False


def whole_table(page, selector: str):
    """The table shows all its columns: its box need not scroll sideways to reach one."""
    overflow = page.locator(selector).evaluate(
        "t => { const w = t.closest('.table-wrap'); return w.scrollWidth - w.clientWidth; }"
    )
    assert overflow <= 1, (selector, overflow)


def status_badge(page, status: str):
    expect(page.locator("#evaluation-status")).to_have_class(
        re.compile(rf"\beval-status-{status}\b")
    )


def fill_scores(form, points: dict[str, str], evidence: str):
    for code, value in points.items():
        form.locator(f"input[name=points_{code}]").fill(value)
        form.locator(f"textarea[name=evidence_{code}]").fill(f"{evidence}（{code}）")


def outcome_shows(page, total: Decimal, grade: str):
    expect(page.locator("#outcome-total .stat-value")).to_have_text(shown(total))
    expect(page.locator("#group-points tfoot td.num strong")).to_have_text(shown(total))
    expect(page.locator("#outcome-grade")).to_have_class(re.compile(rf"\bgrade-{grade}\b"))
    expect(page.locator("#evaluation-grade")).to_have_class(re.compile(rf"\bgrade-{grade}\b"))
    compliance = page.locator("#group-compliance td.num").nth(1)
    expect(compliance).to_have_text(shown(COMPLIANCE - REPORT_LATE))


def liaison_self_assesses(walk: Walk):
    page = walk.sign_in("liaison")
    walk.open_from_my_work(page, "self")
    status_badge(page, "awaiting_self")
    form = page.locator("#self-form")
    form.locator("textarea[name=text]").fill(SELF_TEXT)
    for code, value in SELF_POINTS.items():
        form.locator(f"input[name=points_{code}]").fill(value)
    form.locator("textarea[name=evidence_agreements]").fill("港口合作备忘录（汉堡港务局）")
    whole_table(page, "#self-form table")
    walk.shot(page, "self-assessment-typed")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{walk.base}{walk.url}#outcome")
    status_badge(page, "awaiting_evaluator")
    for code, value in SELF_POINTS.items():  # the self-assessment column of the overview
        expect(page.locator(f"#points-{code} td").nth(1)).to_have_text(value)
    expect(page.locator("#outcome-pending")).to_be_visible()
    expect(page.locator("#self-form")).to_have_count(0)  # done: the form is gone
    walk.shot(page, "self-assessment-saved")
    page.context.close()

    evaluation = walk.evaluation()
    assert evaluation.status == EvaluationStatus.AWAITING_EVALUATOR
    assert evaluation.self_assessment == SELF_TEXT
    own = {s.indicator: s.points for s in evaluation.scores.filter(stage=ScoreStage.SELF)}
    assert own == {code: Decimal(value) for code, value in SELF_POINTS.items()}


def evidence_beside_the_form(page, evaluation: Evaluation):
    """The trip report's parts are shown in the panel beside the scoring form, and the
    pre-filled deduction says where it comes from."""
    panel = page.locator("#evidence-panel")
    expect(panel.locator("#evidence-results li")).to_have_count(2)
    expect(panel.locator("#evidence-results")).to_contain_text("签署了港口合作备忘录")
    expect(panel.locator("#evidence-agreements")).to_contain_text("港口合作备忘录")
    expect(panel.locator("#evidence-agreements")).to_contain_text("汉堡港务局")
    expect(panel.locator("#evidence-projects")).to_contain_text("物流园区合作")
    expect(panel.locator("#evidence-partners")).to_contain_text("Jens Meier")
    expect(panel.locator("#evidence-plans")).to_contain_text("邀请对方来访")
    expect(panel.locator("#evidence-spending tbody tr")).to_have_count(1)
    scoring = page.locator("#scoring-card").bounding_box()
    beside = panel.bounding_box()
    assert beside["x"] >= scoring["x"] + scoring["width"], (scoring, beside)
    whole_table(page, "#score-form table")  # the evidence boxes are not cut off
    # Scrolled down to the form, the evaluator still has the evidence beside it.
    page.locator("#scoring").evaluate("h => window.scrollTo(0, h.getBoundingClientRect().top)")
    assert in_view(page, "#evidence-panel #evidence-agreements")
    page.screenshot(path=str(SCREENSHOTS / "evaluation-05-scoring-screen-1280.png"))

    deduction = evaluation.deductions.get()
    row = page.locator(f"#deduction-{deduction.pk}")
    expect(row).to_contain_text(deduction.source_detail)
    expect(row.locator("td.num")).to_have_text(f"−{shown(deduction.points)}")
    expect(row.locator(f"a.source-link[href='{deduction.source_url}']")).to_be_visible()
    expect(row.locator(".badge-warn")).to_be_visible()  # it stands (not waived)
    assert deduction.source_url == reverse(
        "delegations:trip_report", args=[evaluation.delegation_id]
    )


def points_above_the_maximum_are_refused(walk: Walk, page):
    """25 of 20 points: the browser will not send it; sent anyway, the server refuses it next to
    its row and keeps what was typed; nothing is saved."""
    before = walk.evaluation()
    form = page.locator("#score-form")
    fill_scores(form, {**FIRST_POINTS, "objectives_met": TOO_MANY}, "见出访报告")
    too_many = form.locator("input[name=points_objectives_met]")
    form.locator("button[type=submit]").click()
    assert too_many.evaluate("e => e.validity.rangeOverflow")
    assert page.url == f"{walk.base}{walk.url}"  # not sent

    form.evaluate("f => { f.noValidate = true; }")  # as a client without the browser's checks
    with page.expect_response(lambda r: r.url.endswith(f"/{walk.pk}/score/")) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 400
    page.wait_for_load_state()
    assert in_view(page, "#score-row-objectives_met")  # the page opens at the refused form
    row = page.locator("#score-row-objectives_met")
    expect(row).to_have_class(re.compile(r"\bhas-error\b"))
    expect(row.locator(".errorlist")).to_be_visible()
    expect(page.locator("#score-form tr.has-error")).to_have_count(1)
    form = page.locator("#score-form")
    expect(form.locator("input[name=points_objectives_met]")).to_have_value(TOO_MANY)
    expect(form.locator("input[name=points_projects_amounts]")).to_have_value("3.5")
    whole_table(page, "#score-form table")  # the error does not push the evidence out
    walk.refused(page)
    walk.shot(page, "scoring-refused")

    after = walk.evaluation()
    assert (after.status, after.version) == (EvaluationStatus.AWAITING_EVALUATOR, before.version)
    assert after.total is None and after.evaluator_id is None
    assert not after.scores.filter(stage=ScoreStage.FIRST).exists()


def evaluator_scores(walk: Walk):
    page = walk.sign_in("evaluator")
    walk.open_from_my_work(page, "score")
    status_badge(page, "awaiting_evaluator")
    evaluation = walk.evaluation()
    evidence_beside_the_form(page, evaluation)
    walk.shot(page, "scoring-with-evidence")
    points_above_the_maximum_are_refused(walk, page)

    form = page.locator("#score-form")
    form.locator("input[name=points_objectives_met]").fill(FIRST_POINTS["objectives_met"])
    form.locator("textarea[name=comment]").fill("目标完成不足，成果以意向为主。")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{walk.base}{walk.url}#outcome")
    total = expected_total(FIRST_POINTS)
    assert total == Decimal("44.5") and total < 60  # below the second-evaluator threshold
    status_badge(page, "awaiting_second")
    outcome_shows(page, total, "fail")
    for code, value in FIRST_POINTS.items():  # the evaluator's column of the overview
        expect(page.locator(f"#points-{code} td").nth(2)).to_have_text(value)
    expect(page.locator("#score-form")).to_have_count(0)
    walk.shot(page, "scored-awaiting-second")
    page.context.close()

    evaluation = walk.evaluation()
    assert evaluation.status == EvaluationStatus.AWAITING_SECOND
    assert (evaluation.total, evaluation.grade) == (total, Grade.FAIL)
    assert Decimal(evaluation.group_points["compliance"]) == COMPLIANCE - REPORT_LATE
    assert not evaluation.deductions.filter(waived=True).exists()  # nothing waived


def second_evaluator_adjusts(walk: Walk):
    page = walk.sign_in("evaluator2")
    walk.open_from_my_work(page, "second")
    form = page.locator("#second-form")
    # The rows come filled in with the first evaluator's points.
    for code, value in FIRST_POINTS.items():
        expect(form.locator(f"input[name=points_{code}]")).to_have_value(value)
    whole_table(page, "#second-form table")
    form.locator("input[name=decision][value=adjust]").check()
    adjusted = {code: SECOND_POINTS[code] for code in ("objectives_met", "follow_up_plan")}
    fill_scores(form, adjusted, "复核：出访报告所列备忘录已续签，后续计划具体")
    form.locator("textarea[name=comment]").fill("两项指标按出访报告调整。")
    walk.shot(page, "second-evaluation-typed")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{walk.base}{walk.url}#outcome")
    total = expected_total(SECOND_POINTS)
    assert total == Decimal("60.5")
    status_badge(page, "completed")
    outcome_shows(page, total, "pass")
    for code, value in adjusted.items():  # the second evaluator's column
        expect(page.locator(f"#points-{code} td").nth(3)).to_have_text(value)
    expect(page.locator("#follow-up-rounds tbody tr")).to_have_count(2)  # at 6 and 12 months
    whole_table(page, "#indicator-points")  # the counted (second) column is on the screen
    walk.shot(page, "completed")

    evaluation = walk.evaluation()
    assert evaluation.status == EvaluationStatus.COMPLETED
    assert (evaluation.total, evaluation.grade) == (total, Grade.PASS)
    assert evaluation.second_evaluator.username == "evaluator2"
    delegation = evaluation.delegation
    assert delegation.status == Status.EVALUATED
    assert evaluation.follow_up_rounds.count() == 2  # at 6 and 12 months

    # The delegation's page links to its evaluation.
    page.goto(f"{walk.base}{reverse('delegations:detail', args=[delegation.pk])}")
    expect(page.locator(f"h1 .status-{Status.EVALUATED}")).to_be_visible()
    link = page.locator(f"header a[href='{walk.url}']")
    expect(link).to_be_visible()
    walk.shot(page, "delegation-evaluated")
    link.click()
    page.wait_for_url(f"{walk.base}{walk.url}")
    return page


def docx_text(path) -> str:
    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def report_downloads(walk: Walk, page):
    """The evaluation report carries the total, the grade and the deduction with its source."""
    evaluation = walk.evaluation()
    with page.expect_download() as download:
        page.locator("#report-docx").click()
    name = download.value.suggested_filename
    assert name == f"evaluation-{evaluation.delegation_id}-{evaluation.pk}.docx"
    download.value.save_as(SCREENSHOTS / "evaluation-report.docx")  # for a person to read
    text = docx_text(download.value.path())
    assert f"总分：{shown(evaluation.total)}分" in text
    assert "等级：合格（60分及以上）" in text
    deduction = evaluation.deductions.get()
    assert deduction.source_detail in text
    assert "出访报告逾期提交" in text and f"−{shown(deduction.points)}" in text
    assert evaluation.delegation.title in text
    assert SELF_TEXT in text


def analytics_and_rubric(walk: Walk, page):
    page.goto(f"{walk.base}{reverse('evaluation:analytics')}")
    expect(page.locator("#stat-evaluated .stat-value")).to_have_text("1")
    expect(page.locator("#stat-average .stat-value")).to_contain_text("60.5")
    for figure in ("by-year", "by-unit"):
        charts = page.locator(f"#figure-{figure} .chart-wrap svg")
        expect(charts.first).to_be_visible()
        assert charts.first.bounding_box()["height"] > 40, figure
    assert page.locator("#analytics-results svg").count() >= 4
    walk.shot(page, "analytics")

    page.goto(f"{walk.base}{reverse('evaluation:rubric')}")
    expect(page.locator("#rubric-in-force")).to_be_visible()
    expect(page.locator("#second-threshold .stat-value")).to_contain_text("60")
    for code in SELF_POINTS:
        expect(page.locator(f"#indicator-{code}")).to_be_visible()
    expect(page.locator(".rubric-group")).to_have_count(4)
    walk.shot(page, "rubric")
    page.context.close()


def unit_reads_its_result_on_a_phone(walk: Walk):
    page = walk.sign_in("liaison", PHONE, phone=True)
    page.goto(f"{walk.base}{walk.url}")
    status_badge(page, "completed")
    outcome_shows(page, expected_total(SECOND_POINTS), "pass")
    expect(page.locator("#evidence-panel")).to_be_visible()
    walk.shot(page, "completed-phone")
    page.context.close()


def test_a_late_reported_trip_is_self_assessed_scored_and_completed_by_a_second_evaluator(
    browser, live_server, late_report, screenshots
):
    walk = Walk(browser, live_server.url, screenshots, late_report)
    liaison_self_assesses(walk)
    evaluator_scores(walk)
    page = second_evaluator_adjusts(walk)
    report_downloads(walk, page)
    analytics_and_rubric(walk, page)
    unit_reads_its_result_on_a_phone(walk)
