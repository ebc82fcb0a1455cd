"""Browser tests: pytest-django's ``live_server`` + Playwright + Debian's Chromium.

Every test module here should start with::

    import pytest

    pytestmark = pytest.mark.browser

(tests collected under tests/browser/ also get the marker automatically), so
``pytest -m "not browser"`` runs the fast suite and ``pytest -m browser`` these.

Chromium is the Debian package at /usr/bin/chromium (``apt-get install -y
chromium``); Playwright's own browser download (``playwright install``) is never
used. Without /usr/bin/chromium the browser tests are skipped, unless the
environment has REQUIRE_BROWSER=1 (CI sets it), when they fail instead.

Fixtures:
    browser      session-wide Chromium (headless)
    page         a fresh context and page per test, JavaScript on
    page_no_js   the same with JavaScript off
Accessibility: ``from tests.browser.axe import assert_no_axe_violations``.
"""

import os

# Playwright's sync API runs an asyncio event loop in this thread; without this
# Django refuses ORM calls made from it (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end test in headless Chromium (Playwright)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _no_browser(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1, so browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _no_browser(f"{CHROMIUM} not found: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright Python package is not installed")

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


def _context_page(browser, **options):
    context = browser.new_context(
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
        **options,
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    """A new browser context and page for each test, JavaScript enabled."""
    context, new_page = _context_page(browser, java_script_enabled=True)
    yield new_page
    context.close()


@pytest.fixture
def page_no_js(browser):
    """A new browser context and page with JavaScript disabled."""
    context, new_page = _context_page(browser, java_script_enabled=False)
    yield new_page
    context.close()
