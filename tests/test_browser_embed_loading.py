"""In a real Chromium: an embed above the fold shows the form at once, every time; lazy only on request."""

import statistics
import time

import pytest

from app.core.extensions import db
from app.models import Form
from app.public.snippets import iframe_snippet, script_snippet
from tests.browser_support import static_site
from tests.conftest import make_form
from tests.figures import report

pytestmark = pytest.mark.browser

FIELDS = [
    {"key": "name", "label": "Full name", "type": "text", "required": True},
    {"key": "email", "label": "Work email", "type": "email", "required": True},
]
DEADLINE_S = 1.0
PAINT_SLACK = 3  # times DEADLINE_S a single paint may take on a loaded machine
PAINTED_AT = """() => new Promise(resolve => {
  const done = entries => {
    const paint = entries.find(entry => entry.name === "first-contentful-paint");
    if (paint) { resolve(performance.timeOrigin + paint.startTime); return true; }
  };
  if (!done(performance.getEntriesByType("paint"))) {
    new PerformanceObserver(list => done(list.getEntries())).observe({type: "paint", buffered: true});
  }
})"""


def partner_page(snippet):
    """A partner's landing page with the form above the fold, as a marketer would paste it."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Partner</title></head>"
        "<body style='margin:0;padding:16px;font-family:sans-serif'>"
        f"<h1>Book a demo</h1>{snippet}<div style='height:3000px'></div><p>footer</p></body></html>"
    )


def snippets(app, public_id, base_url):
    """The script and iframe snippets as the share page gives them, pointing at base_url."""
    with app.test_request_context(base_url=base_url):
        form = db.session.scalars(db.select(Form).where(Form.public_id == public_id)).one()
        return {"script": script_snippet(form), "iframe": iframe_snippet(form)}


def seconds_until_form_shows(browser, url):
    """Load url in a fresh context (cold cache); return (seconds from the page's navigation to the
    frame's first paint of the form, seconds to the frame's own navigation start — what lazy loading
    delays —, both as the browser measured them; seconds as this test waited)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        started = time.monotonic()
        page.goto(url, wait_until="commit")
        frame = page.frame_locator("iframe")
        frame.locator("form.hosted-form button.submit").wait_for(state="visible", timeout=DEADLINE_S * 5_000)
        waited = time.monotonic() - started
        # both clocks are the browser's: the partner page's navigation start, the frame's first paint
        page_start = page.evaluate("performance.timeOrigin")
        painted = frame.locator("body").evaluate(PAINTED_AT)
        requested = frame.locator("body").evaluate("performance.timeOrigin")
        return (painted - page_start) / 1000, (requested - page_start) / 1000, waited
    finally:
        context.close()


def check_loads(app, live_server, browser, accounts, runs):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, FIELDS, name="Book a demo")
    pages = {f"/{kind}.html": partner_page(snippet) for kind, snippet in snippets(app, public_id, live_server).items()}
    assert "lazy" not in pages["/iframe.html"]
    with static_site(pages) as site:
        for kind in ("script", "iframe"):
            measured = [seconds_until_form_shows(browser, f"{site.url}/{kind}.html") for _ in range(runs)]
            times = [painted for painted, _, _ in measured]
            requested = [started for _, started, _ in measured]
            # the form's request must leave at once (lazy loading held it ~10 s); painting it is the
            # machine's speed, so one slow paint on a loaded machine is allowed up to PAINT_SLACK
            late = [round(t, 2) for t in requested if t >= DEADLINE_S]
            slow = [round(t, 2) for t in times if t >= DEADLINE_S * PAINT_SLACK]
            report(f"embed above the fold ({kind}): {runs} loads, navigation to the form's first paint median "
                   f"{statistics.median(times) * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms, "
                   f"{len(late)} over {DEADLINE_S:.0f} s (test's own wait: slowest "
                   f"{max(waited for _, _, waited in measured) * 1000:.0f} ms; frame requested after at most "
                   f"{max(requested) * 1000:.0f} ms)")
            assert not late, f"{kind} embed: {len(late)} of {runs} loads requested the form after 1 s: {late}"
            assert statistics.median(times) < DEADLINE_S, f"{kind} embed: median paint {statistics.median(times)}"
            assert not slow, f"{kind} embed: {len(slow)} of {runs} loads painted the form late: {slow}"


def test_embeds_above_the_fold_show_the_form_within_a_second(app, live_server, browser, accounts):
    check_loads(app, live_server, browser, accounts, runs=10)


@pytest.mark.slow
def test_embeds_above_the_fold_show_the_form_within_a_second_50_times(app, live_server, browser, accounts):
    check_loads(app, live_server, browser, accounts, runs=50)


def test_the_script_embed_is_lazy_only_when_the_page_asks(app, live_server, page, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, FIELDS)
    src = f"{live_server}/f/{public_id}/embed.js"
    pages = {
        "/eager.html": partner_page(f'<script src="{src}" async></script>'),
        "/lazy.html": partner_page(f'<script src="{src}" data-loading="lazy" async></script>'),
    }
    with static_site(pages) as site:
        page.goto(f"{site.url}/eager.html")
        page.locator("iframe").wait_for(state="attached")
        assert page.locator("iframe").get_attribute("loading") is None
        page.goto(f"{site.url}/lazy.html")
        page.locator("iframe").wait_for(state="attached")
        assert page.locator("iframe").get_attribute("loading") == "lazy"
        # lazy still loads the form once it is near the viewport (here: above the fold)
        page.frame_locator("iframe").get_by_label("Full name").wait_for()
