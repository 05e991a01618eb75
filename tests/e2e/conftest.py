"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        # Fail, never skip: CI installs it, and a silently skipped browser test proves nothing.
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's browser and CJK fonts with "
            "`apt-get install -y chromium fonts-noto-cjk`",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from
    # it ("SynchronousOnlyOperation"). The tests' own ORM calls (creating data) are synchronous
    # and safe, so allow them while the browser lives, and only then.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def screenshots():
    """Where screenshots go (git-ignored); returns a function that saves one by name."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page, name: str):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return save


def open_page(browser, size: dict, *, phone: bool = False):
    """A fresh browser context as a Chinese-speaking user would have it (zh-CN first)."""
    context = browser.new_context(
        viewport=size, locale="zh-CN", is_mobile=phone, has_touch=phone, device_scale_factor=1
    )
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page
