"""The real page in headless Chromium: ask, stream, inspect a source, scope, compare, give feedback, export.

The flow runs on the fake models (fast); one pass with the real models asks a single question and takes the
README screenshot (docs/screenshot.png).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LIKE = re.compile(r"^(Like|Vind ik leuk)$")
# Records every progress line and draft the chat shows, so the test can tell that the answer was streamed.
WATCH_STREAM = """() => {
  window.__seen = [];
  new MutationObserver(() => {
    const p = document.querySelector('#chat .progress');
    if (p) window.__seen.push(p.parentElement.textContent);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PacedAssistant:
    """The fake assistant, paced like a slow model so that progress and draft are visible in the browser."""

    def __init__(self, inner: Any, delay: float = 0.03) -> None:
        self.inner = inner
        self.delay = delay

    @property
    def report(self) -> Any:
        return self.inner.report

    def stream(
        self, question: str, history: Sequence[Any] = (), scenarios: Sequence[str] | None = None
    ) -> Iterator[Any]:
        for event in self.inner.stream(question, history, scenarios):
            time.sleep(self.delay)
            yield event


@contextmanager
def serving(assistant: Any, settings: Settings) -> Iterator[str]:
    """The app on a free loopback port, in this process's background threads."""
    from assistant.ui import build_app, launch

    demo = build_app(assistant, settings)
    launch(demo, settings, block=False)
    try:
        yield f"http://127.0.0.1:{settings.ui_port}/"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("chromium is not installed: apt-get install -y chromium (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def fake_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    from assistant.service import Assistant

    cache = tmp_path_factory.mktemp("ui-e2e")
    settings = Settings(
        cache_dir=cache,
        embedder="fake",
        llm_backend="fake",
        min_relevance=0.0,
        weak_relevance=0.0,
        ui_host="127.0.0.1",
        ui_port=_free_port(),
    )
    assistant = Assistant(settings)
    assistant.ingest()
    with serving(PacedAssistant(assistant), settings) as url:
        yield url, settings


def _ask(page: Any, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")


def _wait_answers(page: Any, count: int, timeout: float = 30_000) -> None:
    """Until the chat holds `count` finished answers (the sources panel has a group per answer)."""
    page.wait_for_function(
        "n => document.querySelectorAll('#sources details.turn').length >= n"
        " && !document.querySelector('#chat .progress')",
        arg=count,
        timeout=timeout,
    )


def test_ui_flow_with_fake_models(browser: Any, fake_app: tuple[str, Settings], tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, settings = fake_app
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="nl-NL")
    page.set_default_timeout(20_000)
    page.goto(url)
    expect(page.locator("#send")).to_have_text("Vraag")  # Dutch browser: Dutch interface
    expect(page.locator("#figure [data-scope]")).to_have_count(5)  # four quadrants and "all"

    # 1. A streamed answer with a citation; the progress state is visible while it is written.
    page.evaluate(WATCH_STREAM)
    _ask(page, "Wat betekent scenario D voor zzp'ers?")
    _wait_answers(page, 1)
    seen = page.evaluate("window.__seen")
    assert any("Passages zoeken" in s for s in seen), seen
    assert any("▌" in s for s in seen), "the draft was not streamed"
    marker = page.locator("#chat a[href='#src-1-1']").first
    expect(marker).to_have_text("[1]")

    # 2. Selecting the citation brings its passage into view, with the supporting words marked.
    page.locator("#sources").evaluate("el => el.scrollIntoView({block: 'end'})")
    marker.click()
    passage = page.locator("#src-1-1")
    expect(passage).to_have_class(re.compile(r"\bactive\b"))
    expect(passage).to_be_in_viewport()
    assert passage.locator("mark").inner_text().strip()
    expect(passage.locator(".src-path")).to_contain_text("›")

    # A follow-up shows its standalone reading, subtly.
    _ask(page, "En wat betekent dat voor hun inkomen?")
    _wait_answers(page, 2)
    expect(page.locator("#chat .standalone").last).to_contain_text("Opgevat als")

    # HTML in a question is shown as text, never rendered.
    _ask(page, "<img src=x onerror=alert(1)> Wat is scenario A?")
    _wait_answers(page, 3)
    expect(page.locator("#chat img[src='x']")).to_have_count(0)
    expect(page.locator("#chat")).to_contain_text("<img src=x onerror=alert(1)>")

    # An empty question is answered with a readable message, not a trace.
    page.locator("#send").click()
    expect(page.locator("#chat .error").last).to_contain_text("Stel een vraag")
    expect(page.locator("#chat")).not_to_contain_text("Traceback")

    # 3. Scenario scope: choose B in the figure; the scope is visible and steers the sources.
    page.locator("#figure [data-scope='B']").click()
    expect(page.locator("#scope")).to_contain_text("Scenario B")
    expect(page.locator("#figure [data-scope='B']")).to_have_class(re.compile(r"\bselected\b"))
    _ask(page, "Hoe ziet het werk eruit?")
    _wait_answers(page, 4)
    expect(page.locator("#chat .scope-chip").last).to_contain_text("B")
    expect(page.locator("#sources details.turn").first.locator(".badge.sc-B").first).to_be_visible()

    # 4. Comparison view: a dimension side by side, every cell cited; one click asks about it.
    page.get_by_role("tab", name="Vergelijken").click()
    page.locator("#dimension").get_by_text("Loopbaangedrag", exact=True).click()
    expect(page.locator("#comparison h3")).to_have_text("Loopbaangedrag")
    cells = page.locator("#comparison .cmp-cell")
    expect(cells).to_have_count(4)
    for i, letter in enumerate("ABCD"):
        expect(cells.nth(i)).to_have_attribute("data-scenario", letter)
        expect(cells.nth(i).locator(".cmp-cite")).to_contain_text("Loopbaangedrag")
    page.locator("#ask-compare").click()
    expect(page.locator("#scope")).to_contain_text("alle vier")
    _wait_answers(page, 5)
    expect(page.locator("#chat")).to_contain_text("Vergelijk de scenario's op loopbaangedrag")
    page.screenshot(path=str(tmp_path / "fake-flow.png"))

    # 5. Feedback with a comment lands in the JSONL; the conversation exports as Markdown with sources.
    page.locator("#comment textarea").fill("Duidelijk, met bron.")
    page.locator("#chat").get_by_role("button", name=LIKE).nth(0).click()
    expect(page.locator("#feedback-status")).to_contain_text("opgeslagen")
    records = _read_feedback(settings.resolved_feedback_path)
    assert records[-1]["verdict"] == "up"
    assert records[-1]["comment"] == "Duidelijk, met bron."
    assert records[-1]["question"] == "Wat betekent scenario D voor zzp'ers?"
    assert records[-1]["citations"] and records[-1]["citations"][0]["n"] == 1
    with page.expect_download() as download:
        page.locator("#export").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## 1. Wat betekent scenario D voor zzp'ers?" in exported
    assert "[1] " in exported and "**Bronnen**" in exported

    # 6. The interface language switches, and with it the labels and examples.
    page.get_by_text("English", exact=True).click()
    expect(page.locator("#send")).to_have_text("Ask")
    expect(page.get_by_role("tab", name="Compare")).to_be_visible()
    expect(page.locator("#chat .standalone").first).to_contain_text("Interpreted as")

    # A new conversation starts empty.
    page.locator("#new-chat").click()
    expect(page.locator("#chat .message")).to_have_count(0)
    expect(page.locator("#sources")).to_contain_text("appear here")
    page.close()


def test_english_browser_gets_english_interface_and_the_page_calls_nothing_outside(
    browser: Any, fake_app: tuple[str, Settings]
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(locale="en-US")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(fake_app[0])
    expect(page.locator("#send")).to_have_text("Ask")
    expect(page.locator("#scope")).to_contain_text("all four scenarios")
    expect(page.locator("#examples-row button").first).to_contain_text("What does scenario D")
    page.wait_for_timeout(1500)  # Gradio keeps a heartbeat open, so "networkidle" never comes
    outside = [u for u in requested if not u.startswith(("http://127.0.0.1:", "data:", "blob:"))]
    assert not outside, outside  # no analytics, fonts or CDNs
    page.close()


def test_login_is_required_when_users_are_configured(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from assistant.service import Assistant

    settings = Settings(
        cache_dir=tmp_path, embedder="fake", llm_backend="fake", ui_port=_free_port(), ui_users="ana:geheim"
    )
    with serving(Assistant(settings), settings) as url:
        page = browser.new_page(locale="nl-NL")
        page.goto(url)
        expect(page.locator("input[type=password]")).to_be_visible()
        expect(page.locator("#send")).to_have_count(0)
        page.locator("input[type=text]").first.fill("ana")
        page.locator("input[type=password]").fill("geheim")
        page.locator("input[type=password]").press("Enter")
        expect(page.locator("#send")).to_have_text("Vraag")
        page.close()


def _read_feedback(path: Path, timeout: float = 10.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(encoding="utf-8").strip():
            return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        time.sleep(0.1)
    raise AssertionError(f"no feedback written to {path}")


def test_ui_real_models_one_question(browser: Any, tmp_path: Path) -> None:
    """One question on the real models; its page is the README screenshot."""
    from playwright.sync_api import expect

    from assistant.models import CHAT_MODEL, EMBEDDER, is_ready
    from assistant.service import Assistant

    base = Settings()
    if not (is_ready(EMBEDDER, base.models_dir) and is_ready(CHAT_MODEL, base.models_dir)):
        pytest.skip("real models not installed: run 'make models'")
    settings = base.model_copy(
        update={"ui_host": "127.0.0.1", "ui_port": _free_port(), "feedback_path": tmp_path / "feedback.jsonl"}
    )
    assistant = Assistant(settings)
    assistant.warm_up()
    with serving(assistant, settings) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="nl-NL")
        page.goto(url)
        _ask(page, "Wat betekent scenario D voor zzp'ers?")
        _wait_answers(page, 1, timeout=300_000)
        expect(page.locator("#sources .src").first).to_be_visible()
        expect(page.locator("#chat a[href^='#src-1-']").first).to_be_visible()
        page.locator("#chat a[href='#src-1-1']").first.click()
        expect(page.locator("#src-1-1")).to_have_class(re.compile(r"\bactive\b"))
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(500)  # let the active passage's outline fade in
        (REPO / "docs").mkdir(exist_ok=True)
        page.screenshot(path=str(REPO / "docs" / "screenshot.png"))
        page.close()
