"""A meeting from a republished news release, in a real browser: the commission secretariat
uploads the copy in Traditional characters with inline pinyin, reads the draft fields in
Simplified Chinese beside the cleaned text with the evidence highlighted (on a 1280 px screen and
on a 390 px phone), corrects the title, saves the draft meeting, records a decision and a
follow-up task for 市商务局 with a deadline, and exports the minutes (.docx). Every step saves
./screenshots/commission[-phone]-NN-step-WIDTH.png (git-ignored) for a person to look at, with a
"-screen" twin showing only what the screen showed as the page opened where that matters, and
the minutes as commission-11-minutes.docx.

Assertions read the data of the release and what the users typed, field names, DOM ids and CSS
classes, not UI labels, so the test holds while the translations are being written."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, open_page
from tests.e2e.test_pages_browser import STICKING_OUT, fits_the_screen
from waishi.commission.models import Meeting
from waishi.core.demo import load_demo
from waishi.core.demo_accounts import DEMO_PASSWORD
from waishi.core.models import Unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[1] / "commission" / "samples"
RELEASE = SAMPLE / "meeting-traditional-pinyin.txt"
READ_TITLE = "市委外事工作委员会第二次会议"
TITLE = "市委外事工作委员会2026年第二次全体会议"  # the secretariat's correction
DOCUMENTS = ["市委外事工作委员会2026年工作要点", "江海市因公临时出国(境)团组管理办法(修订)"]
ATTENDEES = ["周明远", "欧阳春", "单立新", "吕晓梅", "曾志刚"]
DECISION = "原则通过《市委外事工作委员会2026年工作要点》，由市外办按季度调度落实情况。"
TASK = "制定本单位落实2026年工作要点的任务分工，报委员会办公室备案"
# Pinyin with tone marks, and any "(…)" annotation of Latin letters the cleaning left behind.
PINYIN = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]|[(（][a-z]+[)）]", re.IGNORECASE)
TRADITIONAL = ["委員會", "會議", "書記", "林海峯", "歐陽", "呂曉", "審議", "臨時", "來源"]


class Walk:
    """The secretariat's browser, every console error it logs, a numbered screenshot per step."""

    def __init__(self, browser, base: str, screenshots, size: dict, *, phone=False):
        self.base, self.save, self.step = base, screenshots, 0
        self.prefix = "commission-phone" if phone else "commission"
        self.page = open_page(browser, size, phone=phone)
        self.errors = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url')})")

    def sign_in(self, username: str):
        page = self.page
        page.goto(f"{self.base}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{self.base}/")

    def shot(self, name: str, *, landed: bool = False):
        """Save the next screenshot of the whole page (and, if `landed`, one of the screen as
        the page opened); the page must fit the screen and log no error (a CSP violation is a
        console error too)."""
        page = self.page
        self.step += 1
        width = page.viewport_size["width"]
        shot = f"{self.prefix}-{self.step:02d}-{name}-{width}"
        if landed:
            page.screenshot(path=str(SCREENSHOTS / f"{shot}-screen.png"))
        page.evaluate("window.scrollTo(0, 0)")
        self.save(page, shot)
        # Playwright's screenshot leaves style="" on inputs; htmx would copy it onto swapped-in
        # fields and trip the CSP (see test_delegation_workflow_browser.py).
        page.evaluate(
            "document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))"
        )
        assert fits_the_screen(page), (name, page.evaluate(STICKING_OUT, width))
        assert self.errors == [], name
        assert page.csp_violations == [], name

    def refused(self):
        """The form came back with an error (HTTP 400), which Chromium logs as a failed load:
        expected here, and only here."""
        assert [e for e in self.errors if "status of 400" not in e] == []
        self.errors.clear()

    def in_view(self, selector: str) -> bool:
        """Whether the element's top comes onto the screen as the page opens, without the user
        scrolling (the browser scrolls to the #fragment as it loads: allow it a moment)."""
        for _ in range(20):
            box = self.page.locator(selector).first.bounding_box()
            if 0 <= box["y"] < self.page.viewport_size["height"]:
                return True
            self.page.wait_for_timeout(100)
        return False


def read_the_release(walk: Walk):
    """Upload the Traditional copy with pinyin and read it: the fields come back in Simplified
    Chinese beside the cleaned text, each one's evidence marked in the text."""
    page = walk.page
    page.goto(f"{walk.base}/commission/import/")
    page.locator("input[name=file]").set_input_files(str(RELEASE))
    page.locator(".import-source button[type=submit]").click()
    page.wait_for_selector(".import-layout")
    # The page opens on what was read, not on the release box the reader just filled in.
    assert walk.in_view(".import-layout h2")

    fields = page.locator(".import-fields form")
    expect(fields.locator("input[name=title]")).to_have_value(READ_TITLE)
    # The year from the 2026 work plan reviewed (and the 2025 report heard).
    expect(fields.locator("input[name=date]")).to_have_value("2026-03-15")
    expect(fields.locator("textarea[name=chairs]")).to_have_value("林海峰")
    expect(fields.locator("textarea[name=attendees]")).to_have_value("\n".join(ATTENDEES))
    expect(fields.locator("textarea[name=documents]")).to_have_value("\n".join(DOCUMENTS))
    expect(fields.locator("input[name=source]")).to_have_value("江海发布")

    text = page.locator(".release-text")
    expect(text.locator("mark.evidence-date").first).to_have_text("3月15日")
    expect(text.locator("mark.evidence-chairs")).to_have_text(["林海峰"])
    expect(text.locator("mark.evidence-attendees")).to_have_text(ATTENDEES)
    expect(text.locator("mark.evidence-documents")).to_have_count(2)
    assert DOCUMENTS[1] in " ".join(text.locator("mark.evidence-documents").all_inner_texts())
    expect(text.locator("mark.evidence-title")).to_have_text([READ_TITLE])
    assert page.locator(".legend mark.evidence-chairs").is_visible()

    # Nothing of the Traditional characters or the pinyin is left, in the text or the fields;
    # the genuine parentheses of 出国(境) and (记者 …) are kept.
    shown = text.inner_text() + "\n".join(
        fields.locator(f"[name={name}]").input_value()
        for name in ("title", "chairs", "attendees", "documents", "source")
    )
    assert PINYIN.search(shown) is None, PINYIN.search(shown)
    assert [word for word in TRADITIONAL if word in shown] == []
    assert "出国(境)" in shown and "(记者 何静怡" in shown
    # The uploaded release went into the box, where it can be corrected too.
    assert "會(huì)議(yì)" in page.locator(".import-source textarea[name=text]").input_value()


@pytest.fixture
def city():
    """江海市 as `waishi demo` builds it: its units and the demo logins, among them the commission
    secretariat (the role that may import releases and write meetings, with the administrator)."""
    load_demo(people=10)
    return {"commerce": Unit.objects.get(code="SWJ"), "today": timezone.localdate()}


def test_secretariat_imports_a_traditional_release_and_exports_the_minutes(
    browser, live_server, city, screenshots
):
    walk = Walk(browser, live_server.url, screenshots, DESKTOP)
    page = walk.page
    walk.sign_in("secretariat")
    page.goto(f"{walk.base}/commission/")
    walk.shot("meetings")
    page.locator("a[href='/commission/import/']").first.click()
    page.wait_for_url(f"{walk.base}/commission/import/")
    walk.shot("import")

    read_the_release(walk)
    source, review = page.locator(".import-text"), page.locator(".import-fields")
    assert source.bounding_box()["x"] < review.bounding_box()["x"]  # side by side
    walk.shot("import-read", landed=True)

    # The release calls it 第二次会议; the secretariat writes the year and 全体 into the title.
    page.locator(".import-fields input[name=title]").fill(TITLE)
    walk.shot("import-corrected")
    before = Meeting.objects.count()
    page.locator(".import-fields button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/commission/\d+/$"))
    assert Meeting.objects.count() == before + 1
    meeting = Meeting.objects.get(title=TITLE)
    assert page.url == f"{walk.base}/commission/{meeting.pk}/"
    expect(page.locator("h1")).to_contain_text(TITLE)
    expect(page.locator("h1 .badge-draft")).to_be_visible()
    details = page.locator("dl.details")
    expect(details.locator("time[datetime='2026-03-15']")).to_be_visible()
    expect(details).to_contain_text("林海峰")
    expect(details).to_contain_text("、".join(ATTENDEES))
    titles = page.locator("#documents tbody td:first-child")
    expect(titles).to_have_text([f"《{d}》" for d in DOCUMENTS])
    assert meeting.chairs == ["林海峰"] and meeting.source == "江海发布"
    walk.shot("meeting-saved")

    # A decision, then a follow-up task from it for 市商务局 with a deadline.
    decision_form = page.locator(f"form[action^='/commission/{meeting.pk}/decisions/']")
    decision_form.locator("textarea[name=text]").fill(DECISION)
    walk.shot("decision-typed")
    decision_form.locator("button[type=submit]").click()
    # Back on the meeting, at its decisions (far below the top of the page).
    page.wait_for_url(f"{walk.base}/commission/{meeting.pk}/#decisions")
    expect(page.locator("#decisions li")).to_have_text([DECISION])
    assert walk.in_view("#decisions li")
    walk.shot("decision-recorded", landed=True)

    deadline = city["today"] + timedelta(days=45)
    task_form = page.locator(f"form[action^='/commission/{meeting.pk}/tasks/']")
    decision = meeting.decisions.get()
    task_form.locator("select[name=decision]").select_option(str(decision.pk))
    task_form.locator("textarea[name=text]").fill(TASK)
    task_form.locator("input[name=deadline]").fill(deadline.isoformat())
    # Without an owner unit the task is refused; the page comes back at the form, with the
    # error beside the field and what was typed still there.
    task_form.locator("button[type=submit]").click()
    page.wait_for_url(f"{walk.base}/commission/{meeting.pk}/tasks/#tasks")
    walk.refused()
    assert not meeting.tasks.exists()
    assert walk.in_view("#tasks .has-error")
    expect(task_form.locator(".has-error select[name=owner_unit]")).to_be_visible()
    expect(task_form.locator("textarea[name=text]")).to_have_value(TASK)
    expect(task_form.locator("input[name=deadline]")).to_have_value(deadline.isoformat())
    expect(task_form.locator("select[name=decision]")).to_have_value(str(decision.pk))
    walk.shot("task-refused", landed=True)
    task_form.locator("select[name=owner_unit]").select_option(str(city["commerce"].pk))
    walk.shot("task-typed")
    task_form.locator("button[type=submit]").click()
    page.wait_for_url(f"{walk.base}/commission/{meeting.pk}/#tasks")
    assert walk.in_view("#tasks tbody tr")
    row = page.locator("#tasks tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_have_class("task-open")
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text(TASK)
    expect(cells.nth(1)).to_have_text(DECISION)
    expect(cells.nth(2)).to_have_text("市商务局")
    expect(cells.nth(3).locator("time")).to_have_attribute("datetime", deadline.isoformat())
    task = meeting.tasks.get()
    assert (task.decision, task.owner_unit, task.deadline) == (decision, city["commerce"], deadline)
    walk.shot("task-added", landed=True)

    with page.expect_download() as download:
        page.locator(f"header a[href='/commission/{meeting.pk}/minutes.docx']").click()
    assert download.value.suggested_filename == f"minutes-2026-03-15-{meeting.pk}.docx"
    download.value.save_as(SCREENSHOTS / "commission-11-minutes.docx")  # for a person to open
    minutes = Document(download.value.path())
    paragraphs = [p.text for p in minutes.paragraphs]
    assert f"{TITLE}纪要" in paragraphs
    assert "时间：2026年3月15日" in paragraphs
    assert "主持：林海峰" in paragraphs
    assert f"出席：{'、'.join(ATTENDEES)}" in paragraphs
    assert [f"{n}. 《{d}》" for n, d in enumerate(DOCUMENTS, 1)] == [
        p for p in paragraphs if p.endswith("》") and p[0].isdigit()
    ]
    assert f"1. {DECISION}" in paragraphs
    rows = [[cell.text for cell in r.cells] for r in minutes.tables[0].rows]
    when = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    assert rows[1:] == [["1", TASK, "市商务局", when, "进行中"]]
    assert walk.errors == [] and page.csp_violations == []
    page.context.close()


def test_secretariat_reads_the_traditional_release_on_a_phone(
    browser, live_server, city, screenshots
):
    """At 390 px the cleaned release stacks above the fields, and nothing sticks out."""
    walk = Walk(browser, live_server.url, screenshots, PHONE, phone=True)
    walk.sign_in("secretariat")
    page = walk.page
    before = Meeting.objects.count()
    # Reading an empty box: one message, at the top where the box is, and nothing created.
    page.goto(f"{walk.base}/commission/import/")
    page.locator(".import-source button[type=submit]").click()
    page.wait_for_url(f"{walk.base}/commission/import/#import-read")
    walk.refused()
    expect(page.locator(".import-source .errorlist")).to_be_visible()
    assert walk.in_view(".import-source .errorlist")
    expect(page.locator(".import-layout")).to_have_count(0)
    walk.shot("import-empty")
    read_the_release(walk)
    source, review = page.locator(".import-text"), page.locator(".import-fields")
    assert source.bounding_box()["y"] < review.bounding_box()["y"]
    walk.shot("import-read", landed=True)
    assert Meeting.objects.count() == before  # reading saves nothing
    page.context.close()
