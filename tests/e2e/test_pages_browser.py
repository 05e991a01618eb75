"""Every page of the app in a real browser, on the demo data set: the administrator walks the whole
system on a 1280 px screen, reads the main lists on a phone, the import page with its highlighted
evidence, a few pages in English, and the liaison meets the 403 and 404 pages. Each step saves a
screenshot to ./screenshots/ (git-ignored) for a person to look at."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.e2e.conftest import DESKTOP, PHONE, open_page
from waishi.commission import services as commission
from waishi.commission.news import parse_release
from waishi.core.demo import load_demo
from waishi.core.demo_accounts import DEMO_PASSWORD
from waishi.core.models import AuditEvent, Unit, User
from waishi.core.tokens import api_token_create
from waishi.people.models import Person
from waishi.policy.models import PerDiemTableVersion
from waishi.policy.perdiem import SHIPPED_FILE, provenance
from waishi.policy.services import perdiem_table_import

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parents[1] / "commission" / "samples"
RELEASE = (SAMPLES / "meeting-simplified.txt").read_text(encoding="utf-8")
RELEASE_BOX = "css=textarea[name=text]"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def demo():
    """江海市 as `waishi demo` builds it, with a confirmed meeting that has decisions, a reviewed
    document and follow-up tasks (one overdue, one done), and a hand-entered draft."""
    load_demo(people=60)
    admin = User.objects.get(username="admin")
    commerce = Unit.objects.get(code="SWJ")
    brief = commission.meeting_create_draft(
        actor=admin, draft=parse_release((SAMPLES / "meeting-brief.txt").read_text(), year=2025)
    )
    brief = commission.meeting_update(
        actor=admin, meeting=brief, expected_version=brief.version, number="2025-5", place="市委"
    )
    decision = commission.meeting_add_decision(
        actor=admin,
        meeting=brief,
        text="各成员单位于年底前报送民间对外交往工作台账，由市外办汇总。",
    )
    commission.meeting_add_decision(actor=admin, meeting=brief, text="加强友好城市交流项目储备。")
    upload = SimpleUploadedFile("opinion.pdf", PDF, content_type="application/pdf")
    commission.document_add(
        actor=admin, meeting=brief, title="关于加强全市民间对外交往工作的意见", upload=upload
    )
    today = timezone.localdate()
    for text, deadline in [
        ("报送本单位民间对外交往工作台账", today - timedelta(days=10)),
        ("梳理友好城市交流项目，形成储备清单并提交市外办审核", today + timedelta(days=30)),
        ("完成对外交往工作培训", today + timedelta(days=60)),
    ]:
        task = commission.task_add(
            actor=admin, meeting=brief, text=text, owner_unit=commerce, deadline=deadline,
            decision=decision,
        )  # fmt: skip
    commission.task_complete(actor=admin, task=task, expected_version=task.version)
    brief.refresh_from_db()
    commission.meeting_confirm(actor=admin, meeting=brief, expected_version=brief.version)
    draft = commission.meeting_create(
        actor=admin,
        title="市委外事工作委员会办公室关于推进江海港务集团与汉堡港务局友好合作备忘录落实情况的专题会议",
        chairs=["林海峰"],
        attendees=["周明远"],
    )
    api_token_create(actor=admin, user=admin, name="统计报表脚本")
    if not PerDiemTableVersion.objects.exists():  # the migration's rows are gone after a flush
        perdiem_table_import(actor=admin, source=SHIPPED_FILE, label=provenance()["label"])
    person = Person.objects.filter(unit=commerce, passports__isnull=False).first()
    return {"meeting": brief, "draft": draft, "person": person}


def sign_in(page, base: str, username: str):
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/")


# For the failure message: which elements stick out of the screen, outside any scrolling box.
STICKING_OUT = """w => [...document.querySelectorAll('body *')].filter(e => {
  if (e.getBoundingClientRect().right <= w + 1) return false;
  for (let a = e.parentElement; a; a = a.parentElement)
    if (getComputedStyle(a).overflowX !== 'visible') return false;
  return true;
}).slice(0, 8).map(e => e.tagName + '.' + e.className)
"""


def fits_the_screen(page) -> bool:
    """No sideways scrolling of the whole page (wide tables scroll inside their own box)."""
    width = page.viewport_size["width"]  # on a phone innerWidth grows with content that is too wide
    return page.evaluate(f"document.scrollingElement.scrollWidth <= {width} + 1")


def visit(page, path: str, shot: str, screenshots, *, sees: str, status: int = 200):
    """Open `path`, check it answered `status`, shows `sees` (a text, or "css=" a selector) and fits
    the screen; save the screenshot `pages-<shot>` first, so a failure can be looked at."""
    response = page.goto(page.base + path)
    assert response.status == status, path
    shown = page.locator(sees) if sees.startswith("css=") else page.get_by_text(sees)
    screenshots(page, f"pages-{shot}")
    assert shown.first.is_visible(), (path, sees)
    assert fits_the_screen(page), (path, page.evaluate(STICKING_OUT, page.viewport_size["width"]))


def new_page(browser, base: str, size: dict, *, phone: bool = False):
    page = open_page(browser, size, phone=phone)
    page.base = base
    return page


def test_administrator_sees_every_page_in_chinese_on_a_desktop(
    browser, live_server, demo, screenshots
):
    base = live_server.url
    page = new_page(browser, base, DESKTOP)
    meeting, person = demo["meeting"], demo["person"]
    commerce = Unit.objects.get(code="SWJ")
    admin = User.objects.get(username="admin")
    draft = demo["draft"]
    event = AuditEvent.objects.filter(action="meeting.confirm").last()
    visit(page, "/accounts/login/", "desktop-zh-login", screenshots, sees="用户名")
    sign_in(page, base, "admin")
    pages = [
        ("/", "dashboard", "css=#expiring"),
        ("/units/", "units", "市商务局对外贸易处"),
        (f"/units/{commerce.pk}/", "unit", "市投资促进中心"),
        ("/units/new/", "unit-new", "css=form.card input[name=code]"),
        (f"/units/{commerce.pk}/edit/", "unit-edit", "市商务局"),
        ("/users/", "users", "liaison"),
        (f"/users/{admin.pk}/", "user", "统计报表脚本"),
        ("/users/new/", "user-new", "css=form.card input[name=username]"),
        (f"/users/{admin.pk}/edit/", "user-edit", "css=input[name=full_name]"),
        (f"/users/{admin.pk}/password/", "user-password", "css=input[name=password1]"),
        ("/roles/", "roles", "liaison"),
        ("/audit/", "audit", "meeting.confirm"),
        (f"/audit/{event.seq}/", "audit-event", "meeting.confirm"),
        ("/account/tokens/", "tokens", "统计报表脚本"),
        ("/people/", "people", person.name),
        (f"/people/{person.pk}/", "person", person.name),
        ("/people/new/", "person-new", "css=#pinyin-fields"),
        (f"/people/{person.pk}/edit/", "person-edit", person.name),
        (f"/people/{person.pk}/passports/new/", "passport-new", person.name),
        ("/policy/standards/", "standards", "USD"),
        ("/commission/", "meetings", meeting.title),
        (f"/commission/{meeting.pk}/", "meeting", "报送本单位民间对外交往工作台账"),
        (f"/commission/{draft.pk}/", "meeting-draft", draft.title),
        (f"/commission/{draft.pk}/edit/", "meeting-edit", draft.title),
        ("/commission/new/", "meeting-new", "css=form.card textarea"),
    ]
    for path, shot, sees in pages:
        visit(page, path, f"desktop-zh-{shot}", screenshots, sees=sees)
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    # The overdue task stands out in its row, and the meeting list counts it.
    page.goto(f"{base}/commission/{meeting.pk}/")
    assert page.locator("tr.task-overdue .badge-overdue").count() == 1
    assert page.locator("tr.task-done .badge-done").count() == 1
    page.goto(f"{base}/commission/")
    assert page.locator(".badge-overdue").first.is_visible()
    assert page.locator(".badge-confirmed").first.is_visible()

    # The import page: the release on the left with the evidence marked, the fields on the right.
    visit(page, "/commission/import/", "desktop-zh-import", screenshots, sees=RELEASE_BOX)
    read_the_release(page)
    source, fields = page.locator(".import-text"), page.locator(".import-fields")
    assert source.bounding_box()["x"] < fields.bounding_box()["x"]
    assert fits_the_screen(page)
    screenshots(page, "pages-desktop-zh-import-review")
    page.locator(".import-fields button[type=submit]").click()
    page.wait_for_url(f"{base}/commission/*/")
    assert page.locator(".badge-draft").first.is_visible()
    screenshots(page, "pages-desktop-zh-meeting-imported")

    page.goto(f"{base}/people/999999/")
    assert page.locator(".notice-code").inner_text() == "404"
    screenshots(page, "pages-desktop-zh-404")
    assert page.csp_violations == []
    page.context.close()


def read_the_release(page):
    """Paste the sample release and read it; every field's evidence is highlighted in its colour
    and the legend shows the same colours."""
    page.locator("textarea[name=text]").fill(RELEASE)
    page.locator(".import-source button[type=submit]").click()
    page.wait_for_selector(".import-layout")
    marks = page.locator(".release-text mark.evidence-chairs")
    assert marks.first.inner_text() == "林海峰"
    assert page.locator(".release-text mark.evidence-attendees").count() >= 4
    colours = {}
    for kind in ("chairs", "attendees", "documents", "reporters", "date", "source"):
        legend = page.locator(f".legend .evidence-{kind}")
        mark = page.locator(f".release-text .evidence-{kind}").first
        colour = legend.evaluate("e => getComputedStyle(e).backgroundColor")
        assert mark.evaluate("e => getComputedStyle(e).backgroundColor") == colour
        colours[kind] = colour
    assert len(set(colours.values())) == len(colours)  # each field its own colour


def test_administrator_reads_the_main_lists_on_a_phone(browser, live_server, demo, screenshots):
    base = live_server.url
    page = new_page(browser, base, PHONE, phone=True)
    meeting, person = demo["meeting"], demo["person"]
    sign_in(page, base, "admin")
    for path, shot, sees in [
        ("/", "dashboard", "css=#expiring"),
        ("/units/", "units", "市商务局对外贸易处"),
        ("/users/", "users", "liaison"),
        ("/roles/", "roles", "liaison"),
        ("/audit/", "audit", "meeting.confirm"),
        ("/people/", "people", person.name),
        (f"/people/{person.pk}/", "person", person.name),
        ("/policy/standards/", "standards", "USD"),
        ("/commission/", "meetings", meeting.title),
        (f"/commission/{meeting.pk}/", "meeting", "报送本单位民间对外交往工作台账"),
        ("/people/new/", "person-new", "css=#pinyin-fields"),
    ]:
        visit(page, path, f"phone-zh-{shot}", screenshots, sees=sees)

    # On a phone the import page stacks: the marked release above the fields.
    page.goto(f"{base}/commission/import/")
    read_the_release(page)
    source, fields = page.locator(".import-text"), page.locator(".import-fields")
    assert source.bounding_box()["y"] < fields.bounding_box()["y"]
    assert fits_the_screen(page)
    screenshots(page, "pages-phone-zh-import-review")
    assert page.csp_violations == []
    page.context.close()


def test_english_pages_and_the_liaison_refused_pages(browser, live_server, demo, screenshots):
    base = live_server.url
    page = new_page(browser, base, DESKTOP)
    meeting = demo["meeting"]
    sign_in(page, base, "admin")
    page.locator(".lang-form button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    for path, shot, sees in [
        ("/", "dashboard", "Passports expiring"),
        ("/commission/", "meetings", "Commission meetings"),
        (f"/commission/{meeting.pk}/", "meeting", "Follow-up tasks"),
        ("/policy/standards/", "standards", "Per-diem standards"),
        ("/audit/", "audit", "Audit log"),
    ]:
        visit(page, path, f"desktop-en-{shot}", screenshots, sees=sees)
    page.goto(f"{base}/commission/import/")
    read_the_release(page)
    screenshots(page, "pages-desktop-en-import-review")
    page.locator(".lang-form button").click()
    page.wait_for_load_state()
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(f"{base}/accounts/login/")

    sign_in(page, base, "liaison")
    visit(page, "/", "desktop-zh-liaison-dashboard", screenshots, sees="市商务局")
    visit(page, "/users/", "desktop-zh-403", screenshots, sees="403", status=403)
    visit(page, "/commission/", "desktop-zh-liaison-meetings", screenshots, sees=meeting.title)
    phone = new_page(browser, base, PHONE, phone=True)
    sign_in(phone, base, "liaison")
    visit(phone, "/units/999999/", "phone-zh-404", screenshots, sees="404", status=404)
    assert page.csp_violations == [] and phone.csp_violations == []
    phone.context.close()

    page.locator("form[action='/accounts/logout/'] button").click()
    for _ in range(5):
        page.locator("#id_username").fill("traveller")
        page.locator("#id_password").fill("not-the-password")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    assert page.locator(".notice").get_by_text("30").is_visible()
    assert fits_the_screen(page)
    screenshots(page, "pages-desktop-zh-locked")
    page.context.close()
