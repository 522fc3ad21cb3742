"""The Gradio app on the Assistant API: what happens on each event, and serving it with safe defaults.

The page itself is in ui_layout; formatting and state are pure functions (ui_format, ui_scenarios,
ui_state, ui_chat) tested without a browser. No `from __future__ import annotations` here: Gradio reads the
real annotation objects (gr.Request, gr.EventData, gr.LikeData) to inject event data.
"""

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.ui_i18n import UiLanguage, text

EXPORT_NAMES = {"nl": "scenario-assistent-gesprek.md", "en": "scenario-assistant-conversation.md"}
QUICK = {"concurrency_limit": None, "show_progress": "hidden"}  # light events never wait behind an answer


def _gradio() -> Any:
    """Import gradio with its analytics off (it reads the variable at import)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import gradio

    return gradio


def write_export(markdown: str, folder: str | None, language: UiLanguage) -> tuple[str, str]:
    """Write the conversation export into the session's temp folder, replacing the last one; (folder, path)."""
    folder = folder or tempfile.mkdtemp(prefix="scenario-assistant-")
    for old in Path(folder).glob("*.md"):
        old.unlink()
    path = Path(folder) / EXPORT_NAMES[language]
    path.write_text(markdown, encoding="utf-8")
    return folder, str(path)


def build_app(assistant: Any, settings: Settings) -> Any:
    """The Gradio Blocks app (serve it with `launch`)."""
    gr = _gradio()
    from assistant.feedback import FeedbackStore
    from assistant.ui_layout import build_page

    with gr.Blocks(title="Scenario Assistant", analytics_enabled=False, fill_width=True) as demo:
        page = build_page(gr, assistant.report)
        _wire_answers(gr, page, assistant, settings)
        _wire_navigation(gr, demo, page, assistant.report)
        _wire_feedback(gr, page, FeedbackStore(settings.resolved_feedback_path))
    demo.queue(default_concurrency_limit=settings.ui_concurrency)
    return demo


def _wire_answers(gr: Any, page: Any, assistant: Any, settings: Settings) -> None:
    """Questions from the box, the examples and the comparison button stream into the chat."""
    from assistant.ui_chat import run_turn
    from assistant.ui_format import chat_messages, conversation_markdown, sources_panel
    from assistant.ui_i18n import comparison_question
    from assistant.ui_scenarios import axes_figure, scope_line
    from assistant.ui_state import ALL

    report = assistant.report

    def respond(asked: str, past: tuple, scope: str, lang: UiLanguage, folder: str | None) -> Iterator[tuple]:
        keep = gr.update()
        view = None
        for step, view in enumerate(run_turn(assistant, past, asked or "", scope, lang)):
            if not view.done:  # the question box is cleared once, so that typing ahead is kept
                pending = chat_messages(view.exchanges, lang, view.pending)
                yield pending, keep, view.exchanges, "" if step == 0 else keep, keep, keep, ""
        if view is None:  # pragma: no cover - run_turn always yields
            return
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
        folder, path = write_export(conversation_markdown(view.exchanges, lang, report.title, stamp), folder, lang)
        export = gr.update(value=path, interactive=True)
        yield (
            chat_messages(view.exchanges, lang),
            sources_panel(view.exchanges, lang),
            view.exchanges,
            keep,
            export,
            folder,
            "",
        )

    answer = {
        "fn": respond,
        "outputs": [
            page.chatbot,
            page.sources,
            page.exchanges,
            page.question,
            page.download,
            page.export_folder,
            page.feedback_status,
        ],
        "concurrency_id": "answer",
        "concurrency_limit": settings.ui_concurrency,
        "show_progress": "hidden",
    }
    context = [page.exchanges, page.scope, page.language, page.export_folder]
    page.question.submit(inputs=[page.question, *context], **answer)
    page.send.click(inputs=[page.question, *context], **answer)
    for button in page.examples:
        button.click(inputs=[button, *context], **answer)

    def compare_in_chat(dimension: str, lang: UiLanguage) -> tuple:
        """Back to the chat, about all scenarios, with the comparison question ready."""
        return (
            gr.Tabs(selected="chat"),
            ALL,
            axes_figure(report, ALL, lang),
            scope_line(report, ALL, lang),
            comparison_question(dimension, lang),
        )

    page.ask_compare.click(
        compare_in_chat,
        [page.dimension, page.language],
        [page.tabs, page.scope, page.figure, page.scope_line, page.pending_question],
        **QUICK,
    ).then(inputs=[page.pending_question, *context], **answer)


def _wire_navigation(gr: Any, demo: Any, page: Any, report: Any) -> None:
    """Scenario scope from the figure, the comparison's dimension, the interface language (browser's first)."""
    from assistant.ui_i18n import comparison_question, language_from_header
    from assistant.ui_layout import texts
    from assistant.ui_scenarios import axes_figure, comparison_view, scope_line
    from assistant.ui_state import normalize_scope

    def choose_scope(lang: UiLanguage, evt: gr.EventData) -> tuple:
        chosen = normalize_scope((getattr(evt, "_data", None) or {}).get("scope"))
        return chosen, axes_figure(report, chosen, lang), scope_line(report, chosen, lang)

    page.figure.click(choose_scope, [page.language], [page.scope, page.figure, page.scope_line], **QUICK)

    def show_dimension(dimension: str, lang: UiLanguage) -> tuple:
        ask = text("ask_compare", lang, question=comparison_question(dimension, lang))
        return comparison_view(report, dimension, lang), gr.update(value=ask)

    page.dimension.change(show_dimension, [page.dimension, page.language], [page.comparison, page.ask_compare], **QUICK)

    def relabel(lang: UiLanguage, past: tuple, scope: str, dimension: str) -> list:
        return texts(gr, report, lang, past, scope, dimension)

    page.language.change(relabel, [page.language, page.exchanges, page.scope, page.dimension], page.labelled(), **QUICK)

    def browser_language(request: gr.Request) -> str:
        headers = getattr(request, "headers", None) or {}
        return language_from_header(headers.get("accept-language"))

    demo.load(browser_language, None, [page.language], **QUICK)


def _wire_feedback(gr: Any, page: Any, store: Any) -> None:
    """Thumbs on an answer (with the optional comment) go to the feedback store; a fresh conversation."""
    from assistant.ui_format import sources_panel
    from assistant.ui_state import exchange_at_message, feedback_record

    def on_like(past: tuple, comment: str, lang: UiLanguage, evt: gr.LikeData) -> tuple:
        found = exchange_at_message(past, evt.index)
        if found is None or found[1].answer is None:
            return text("feedback_nothing", lang), gr.update()
        turn, exchange = found
        record = feedback_record(exchange, evt.liked, comment or "")
        if record is None:
            return text("feedback_cleared", lang), gr.update()
        store.append(**record)
        verdict = text(f"verdict_{record['verdict']}", lang)
        return text("feedback_saved", lang, verdict=verdict, turn=turn), ""

    page.chatbot.like(
        on_like, [page.exchanges, page.comment, page.language], [page.feedback_status, page.comment], **QUICK
    )

    def clear(lang: UiLanguage) -> tuple:
        return [], sources_panel((), lang), (), gr.update(value=None, interactive=False), ""

    gr.on(
        [page.chatbot.clear, page.new_chat.click],
        clear,
        [page.language],
        [page.chatbot, page.sources, page.exchanges, page.download, page.feedback_status],
        **QUICK,
    )


def theme() -> Any:
    """A calm theme with system fonts only (no web-font downloads)."""
    gr = _gradio()
    system = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"]
    return gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=system, font_mono=mono)


def launch(demo: Any, settings: Settings, *, block: bool = True) -> Any:
    """Serve with safe defaults: the configured host (127.0.0.1 unless told), no share link, optional login."""
    from assistant.ui_assets import CSS
    from assistant.ui_state import parse_users

    return demo.launch(
        server_name=settings.ui_host,
        server_port=settings.ui_port,
        share=False,
        auth=parse_users(settings.ui_users),
        show_error=False,
        prevent_thread_lock=not block,
        quiet=not block,
        footer_links=[],
        ssr_mode=False,
        mcp_server=False,
        enable_monitoring=False,
        theme=theme(),
        css=CSS,
    )


def serve(settings: Settings) -> None:
    """Load the models once, then serve the UI on the configured host and port."""
    import sys

    from assistant.service import Assistant
    from assistant.ui_state import is_loopback, parse_users

    try:
        users = parse_users(settings.ui_users)  # a bad login setting fails before the models load
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from exc
    if not users and not is_loopback(settings.ui_host):
        print(f"warning: serving on {settings.ui_host} without a login (set ASSISTANT_UI_USERS)", file=sys.stderr)
    _gradio()
    assistant = Assistant(settings)
    assistant.warm_up()
    launch(build_app(assistant, settings), settings)
