"""Gradio chat UI on the Assistant API. Formatting lives in pure functions that tests call directly."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from assistant.config import Settings
from assistant.schema import Answer, Turn

EXAMPLES = [
    "Wat betekent scenario D voor zzp'ers?",
    "Vergelijk A en C op inkomenszekerheid",
    "What does scenario B mean for vulnerable workers?",
    "Welke beleidsvragen roept de prestatiemaatschappij op?",
]


def escape(text: str) -> str:
    """Escape HTML so that questions and answers are shown as text, never rendered as markup."""
    return html.escape(text, quote=False)


def format_sources(answer: Answer) -> str:
    """Markdown list of the cited passages with their section path and supporting words."""
    if not answer.citations:
        return ""
    lines = []
    for c in answer.citations:
        scenario = f" · scenario {c.chunk.scenario}" if c.chunk.scenario else ""
        lines.append(f"**[{c.n}]** {escape(c.chunk.heading)}{scenario}  \n> {escape(c.quote)}")
    return "\n\n".join(lines)


def format_answer(answer: Answer) -> str:
    """The chat message: notice, answer text, and a compact sources block."""
    parts = []
    if answer.notice:
        parts.append(f"_{escape(answer.notice)}_")
    parts.append(escape(answer.answer))
    sources = format_sources(answer)
    if sources:
        parts.append(("**Bronnen**" if answer.language == "nl" else "**Sources**") + "\n\n" + sources)
    return "\n\n".join(parts)


def history_turns(messages: list[dict[str, Any]]) -> list[Turn]:
    """Gradio 'messages' history -> our typed turns (user question + assistant answer text)."""
    turns: list[Turn] = []
    pending: str | None = None
    for m in messages:
        content = m.get("content")
        text = content if isinstance(content, str) else str(content)
        if m.get("role") == "user":
            pending = text
        elif m.get("role") == "assistant" and pending is not None:
            turns.append(Turn(pending, text.split("\n\n**")[0]))
            pending = None
    return turns


def respond(assistant: Any, question: str, messages: list[dict[str, Any]]) -> Iterator[str]:
    """Stream a reply: progress, draft tokens, then the verified answer with its sources."""
    from assistant.corpus import CorpusError
    from assistant.index import IndexError_
    from assistant.llm import ModelUnavailable
    from assistant.models import ProvisioningError
    from assistant.service import Final, InputError, Status, Token

    draft = ""
    try:
        for event in assistant.stream(question, history_turns(messages)):
            if isinstance(event, Status):
                yield f"_{event.stage}…_" if not draft else escape(draft)
            elif isinstance(event, Token):
                draft += event.text
                yield escape(draft) + " ▌"
            elif isinstance(event, Final):
                yield format_answer(event.answer)
    except InputError as exc:
        yield escape(str(exc))
    except (ModelUnavailable, IndexError_, ProvisioningError, CorpusError, OSError, TimeoutError) as exc:
        yield f"⚠️ {escape(str(exc))}"


def build_app(assistant: Any, settings: Settings):  # noqa: ANN201 - gradio type is a heavy import
    """The Gradio Blocks app."""
    import gradio as gr

    def chat(question: str, messages: list[dict[str, Any]]) -> Iterator[str]:
        yield from respond(assistant, question, messages)

    with gr.Blocks(title="Scenario Assistant") as demo:
        gr.Markdown("## Veerkracht in een veranderende arbeidsmarkt — Toekomstscenario's\n"
                    "Vraag het rapport iets, in het Nederlands of Engels. Elke bewering heeft een bron.")
        gr.ChatInterface(chat, examples=EXAMPLES, cache_examples=False)
    demo.queue(default_concurrency_limit=settings.ui_concurrency)
    return demo


def serve(settings: Settings) -> None:
    """Load the models once, then serve the UI on the configured host and port."""
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.service import Assistant

    assistant = Assistant(settings)
    assistant.warm_up()
    demo = build_app(assistant, settings)
    auth = None
    if settings.ui_users:
        auth = [tuple(pair.split(":", 1)) for pair in settings.ui_users.split(",") if ":" in pair]
    demo.launch(server_name=settings.ui_host, server_port=settings.ui_port, share=False, auth=auth,
                show_error=False)
