"""One outbound delegation from draft to documents, in a real browser, each person in their own
browser: the liaison drafts and sees a live blocking finding, fixes it and submits; the unit head
signs; the FAO reviewer returns it with a reason; the liaison corrects and resubmits; the reviewer
passes it; the approver types the password again and approves; the passport officer issues the
passports; the liaison registers the return, files the trip report and downloads the 出访请示 and
the 出访报告. Every step saves ./screenshots/workflow-NN-step.png (git-ignored) for a person to
look at.

Assertions read data the users typed, the engine's Chinese findings and CSS classes, not UI
labels, so the test holds while the translations are being written."""

from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, open_page
from tests.e2e.test_pages_browser import STICKING_OUT, fits_the_screen
from waishi.core.demo import load_demo
from waishi.core.demo_accounts import DEMO_PASSWORD
from waishi.core.models import Unit, User
from waishi.delegations.models import Delegation
from waishi.people.models import Passport, Rank
from waishi.people.services import passport_add, person_create
from waishi.policy.models import PerDiemTableVersion
from waishi.policy.perdiem import SHIPPED_FILE, provenance
from waishi.policy.services import perdiem_table_import

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "市商务局赴德国、荷兰港口经贸合作考察"
OBJECTIVE = "与汉堡港务局商谈江海港—汉堡港友好港合作备忘录续签"
REASON = "回国日期晚于鹿特丹行程结束一天，请将回国日期改为行程结束当日。"
# Surnames the demo never draws, so a search by name finds exactly one person.
MEMBERS = ["柏林森", "谷雨桐", "麦清源", "甘露白", "岳鹏举", "禹治水", "蔺相如"]


@pytest.fixture
def city():
    """江海市 as `waishi demo` builds it, plus seven people of 市商务局 fit to travel: the demo
    people hold random passports, so each gets an official (service) passport valid for years,
    well beyond the 6 months after the return that the passport officer checks."""
    load_demo(people=20)
    admin = User.objects.get(username="admin")
    if not PerDiemTableVersion.objects.exists():  # the migration's rows are gone after a flush
        perdiem_table_import(actor=admin, source=SHIPPED_FILE, label=provenance()["label"])
    commerce = Unit.objects.get(code="SWJ")
    expires = timezone.localdate() + timedelta(days=5 * 365)
    for number, name in enumerate(MEMBERS):
        person = person_create(
            actor=admin, name=name, unit=commerce, position="处长", rank=Rank.COUNTY
        )
        passport_add(
            actor=admin,
            person=person,
            kind=Passport.Kind.SERVICE,
            number=f"SE{7300100 + number}",
            expires_on=expires,
        )
    # The live server runs on the real clock and the return can only be registered once it has
    # happened, so the trip lies in the past: it left 15 days ago and was planned back 9 days ago,
    # one day after the last stop (the mistake the reviewer returns it for).
    today = timezone.localdate()
    leave = today - timedelta(days=15)
    return {
        "today": today,
        "leave": leave,
        "hamburg": (leave, leave + timedelta(days=3)),
        "rotterdam": (leave + timedelta(days=3), leave + timedelta(days=5)),
        "back": leave + timedelta(days=6),
    }


class Walk:
    """The browsers of the walk: one fresh context per user, a numbered screenshot per step."""

    def __init__(self, browser, base: str, screenshots):
        self.browser, self.base, self.save, self.step = browser, base, screenshots, 0

    def sign_in(self, username: str):
        page = open_page(self.browser, DESKTOP)
        page.goto(f"{self.base}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{self.base}/")
        return page

    def shot(self, page, name: str):
        """Save the next screenshot; the page must fit the screen and break no CSP rule."""
        self.step += 1
        # From the top: after an #anchor redirect the sticky table headers and side menu would be
        # drawn mid-page in a full-page screenshot.
        page.evaluate("window.scrollTo(0, 0)")
        self.save(page, f"workflow-{self.step:02d}-{name}")
        # Playwright's screenshot (hiding the caret) leaves style="" on every input; htmx would
        # copy it onto swapped-in fields ("style" is in its attributesToSettle) and trip the CSP.
        page.evaluate(
            "document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))"
        )
        sticking_out = page.evaluate(STICKING_OUT, page.viewport_size["width"])
        assert fits_the_screen(page), (name, sticking_out)
        assert page.csp_violations == [], name

    def delegation(self) -> Delegation:
        return Delegation.objects.get(title=TITLE)

    def open(self, page, suffix: str = ""):
        page.goto(f"{self.base}/delegations/{self.delegation().pk}/{suffix}")


def act(page, action: str, comment: str = ""):
    """Take a workflow action from the delegation's page ("What you can do now")."""
    box = page.locator(f"details.action:has(form[action$='/act/{action}/'])")
    box.locator("summary").click()
    if comment:
        box.locator("textarea[name=comment]").fill(comment)
    box.locator("button[type=submit]").click()


def wait_for_htmx(page):
    """Let the findings' 500 ms delay pass and every htmx request finish."""
    page.wait_for_timeout(600)
    expect(page.locator(".htmx-request")).to_have_count(0)  # a selector: the CSP forbids eval


def add_row(page, section: str, index: int):
    rows = page.locator(f"#section-{section} tbody tr")
    while rows.count() <= index:
        count = rows.count()
        page.locator(f"#section-{section} > button[name=add]").click()
        expect(rows).not_to_have_count(count)


def choose_member(page, index: int, name: str):
    """Find the person by name with the row's search box, then pick them."""
    add_row(page, "members", index)
    select = f"select[name=members-{index}-person]"
    row = page.locator(f"#section-members tbody tr:has({select})")
    row.locator("input.person-search").fill(name)
    expect(page.locator(f"{select} option")).to_have_count(2)  # "choose" and the one match
    page.locator(select).select_option(
        page.locator(f"{select} option").nth(1).get_attribute("value")
    )


def fill_stop(page, index: int, country: str, city: str, days):
    add_row(page, "stops", index)
    page.locator(f"select[name=stops-{index}-country]").select_option(country)
    page.locator(f"input[name=stops-{index}-city]").fill(city)
    page.locator(f"input[name=stops-{index}-arrive]").fill(days[0].isoformat())
    page.locator(f"input[name=stops-{index}-depart]").fill(days[1].isoformat())


def justify_warnings(page):
    """Every warning needs a written justification before submitting; the lead-time warning is
    the test's own doing (the trip lies in the past, see the `city` fixture)."""
    wait_for_htmx(page)
    boxes = page.locator("#findings textarea[name^=justification-]")
    for n in range(boxes.count()):
        if not boxes.nth(n).input_value():
            boxes.nth(n).fill("港口合作备忘录到期前须当面商谈续签，行程已与外方确认，无法调整。")
    wait_for_htmx(page)
    for n in range(boxes.count()):
        assert boxes.nth(n).input_value()


def draft_and_submit(walk: Walk, trip: dict):
    page = walk.sign_in("liaison")
    page.goto(f"{walk.base}/delegations/new/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_trip_type").select_option("investment")
    page.locator("#id_purpose").fill("推动江海港与汉堡港、鹿特丹港的港口物流和投资合作")
    page.locator("#id_leave_china").fill(trip["leave"].isoformat())
    page.locator("#id_return_china").fill(trip["back"].isoformat())
    page.locator("#id_invitation_from").fill("汉堡港务局")
    page.locator("#id_invitation_kind").select_option("counterpart")
    page.locator("textarea[name=objectives-0-text]").fill(OBJECTIVE)
    fill_stop(page, 0, "DE", "汉堡", trip["hamburg"])
    fill_stop(page, 1, "NL", "鹿特丹", trip["rotterdam"])
    for index, name in enumerate(MEMBERS):
        choose_member(page, index, name)
    page.locator("select[name=members-0-role_in_delegation]").select_option("leader")

    # Seven members: the live panel blocks the application as soon as the form changes.
    blocking = page.locator("#findings .finding-block")
    expect(blocking).to_contain_text("团组共7人，超过6人的上限")
    expect(page.locator("#findings .badge-danger")).to_be_visible()
    walk.shot(page, "application-blocked")

    page.locator("button[name=remove][value=members-6]").click()
    expect(blocking).to_have_count(0)
    expect(page.locator("#findings .badge-ok")).to_be_visible()
    chosen = page.locator("#section-members select[name$=-person] option:checked")
    assert MEMBERS[6] not in " ".join(chosen.all_inner_texts())
    justify_warnings(page)
    walk.shot(page, "application-justified")

    page.locator("button[name=intent][value=submit]").click()
    page.wait_for_url(f"{walk.base}/delegations/{walk.delegation().pk}/")
    expect(page.locator("h1 .status-submitted")).to_be_visible()
    expect(page.locator("#members ~ table tbody tr")).to_have_count(6)
    walk.shot(page, "submitted")
    page.context.close()


def head_signs_and_reviewer_returns(walk: Walk):
    page = walk.sign_in("head")
    walk.open(page)
    act(page, "head_sign")
    expect(page.locator("h1 .status-head_signed")).to_be_visible()
    walk.shot(page, "head-signed")
    page.context.close()

    page = walk.sign_in("reviewer")
    walk.open(page)
    expect(page.locator("aside.side-panel")).to_contain_text(MEMBERS[0])
    act(page, "review_return", REASON)
    expect(page.locator("h1 .status-returned")).to_be_visible()
    expect(page.locator(".timeline-comment")).to_have_text(REASON)
    walk.shot(page, "review-returned")
    page.context.close()


def liaison_corrects(walk: Walk, trip: dict):
    page = walk.sign_in("liaison")
    walk.open(page)
    expect(page.locator(".timeline-comment")).to_have_text(REASON)
    walk.shot(page, "liaison-reads-reason")

    walk.open(page, "edit/")
    corrected = trip["rotterdam"][1]
    page.locator("#id_return_china").fill(corrected.isoformat())
    page.locator("#id_return_china").dispatch_event("change")
    expect(page.locator("#findings .badge-ok")).to_be_visible()
    justify_warnings(page)
    walk.shot(page, "application-corrected")
    page.locator("button[name=intent][value=submit]").click()
    page.wait_for_url(f"{walk.base}/delegations/{walk.delegation().pk}/")
    expect(page.locator("h1 .status-head_signed")).to_be_visible()  # straight back to review
    assert walk.delegation().return_china == corrected
    walk.shot(page, "resubmitted")

    # Approval waits until the pre-trip disclosure has been up 5 working days. The clock cannot
    # be moved under a live server, so the liaison records a disclosure posted 20 days ago (the
    # trip page takes a past date, as it does when a disclosure is recorded late).
    walk.open(page, "trip/")
    form = page.locator("form[action$='/trip/disclosure/']")
    form.locator("input[name=where]").fill("市商务局门户网站公示栏")
    form.locator("input[name=posted_on]").fill((trip["today"] - timedelta(days=20)).isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator("#disclosure ~ dl")).to_contain_text("市商务局门户网站公示栏")
    walk.shot(page, "disclosure-recorded")
    page.context.close()


def review_and_approve(walk: Walk):
    page = walk.sign_in("reviewer")
    walk.open(page)
    act(page, "review_pass")
    expect(page.locator(".timeline-event")).to_have_count(5)  # submit, sign, return, submit, pass
    walk.shot(page, "review-passed")
    page.context.close()

    page = walk.sign_in("approver")
    walk.open(page)
    act(page, "approve", "同意。")
    page.wait_for_url("**/sudo/**")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    walk.shot(page, "approver-reauthenticates")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/act/approve/")
    expect(page.locator("form.card textarea[name=comment]")).to_have_value("同意。")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{walk.base}/delegations/{walk.delegation().pk}/")
    number = walk.delegation().approval_number
    assert number.startswith("SWJ外字")
    expect(page.locator("h1 .status-approved")).to_be_visible()
    expect(page.locator("#overview ~ dl")).to_contain_text(number)
    walk.shot(page, "approved")
    page.context.close()


def passports_go_out(walk: Walk):
    page = walk.sign_in("passport")
    walk.open(page, "trip/")
    issue = page.locator("form[action$='/trip/passports/out/'] button")
    expect(issue).to_have_count(6)
    for remaining in range(6, 0, -1):
        issue.first.click()
        expect(issue).to_have_count(remaining - 1)
    expect(page.locator("#passports ~ table .custody-checked_out")).to_have_count(6)
    walk.shot(page, "passports-out")
    page.context.close()


def return_report_documents(walk: Walk):
    page = walk.sign_in("liaison")
    walk.open(page, "trip/")
    page.locator("form[action$='/trip/return/'] button[type=submit]").click()
    expect(page.locator("h1 .status-returned_home")).to_be_visible()
    expect(page.locator(".deviations")).to_have_count(0)  # kept to the approved itinerary
    walk.shot(page, "return-registered")

    walk.open(page, "trip/report/")
    page.locator("select[name=results-0-status]").select_option("met")
    page.locator("textarea[name=results-0-result]").fill("双方签署友好港合作备忘录续签文本。")
    page.locator("input[name=compliance_declared]").check()
    walk.shot(page, "report-written")
    page.locator("button[name=file]").click()
    expect(page.locator("h1 .status-report_filed")).to_be_visible()
    walk.shot(page, "report-filed")

    delegation = walk.delegation()
    for kind, title in [
        ("application", f"关于{TITLE}的请示"),
        ("report", f"{TITLE}出访报告"),
    ]:
        with page.expect_download() as download:
            page.locator(f"header a[href$='/documents/{kind}.docx']").click()
        assert download.value.suggested_filename.endswith(f"-{delegation.pk}.docx")
        text = [p.text for p in Document(download.value.path()).paragraphs]
        assert title in text, (kind, text[:5])
    page.context.close()


def test_a_delegation_goes_from_draft_to_filed_report_and_documents(
    browser, live_server, city, screenshots
):
    walk = Walk(browser, live_server.url, screenshots)
    draft_and_submit(walk, city)
    head_signs_and_reviewer_returns(walk)
    liaison_corrects(walk, city)
    review_and_approve(walk)
    passports_go_out(walk)
    return_report_documents(walk)
    assert walk.delegation().status == "report_filed"
