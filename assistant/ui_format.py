"""Pure formatting of the conversation: chat messages, the sources panel and the Markdown export.

Everything that comes from a user, the model or the report is HTML-escaped here; only markup built in this
module reaches the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from assistant.schema import Answer, Citation
from assistant.ui_i18n import UiLanguage, text
from assistant.ui_state import ALL, Exchange

_MARKER = re.compile(r"\[(\d+)\]")
_WORD = re.compile(r"\S+")


def escape(value: str) -> str:
    """Escape HTML so that questions, answers and passages are shown as text, never rendered as markup."""
    return html.escape(value, quote=True)


def source_id(turn: int, n: int) -> str:
    """The element id of citation `n` of exchange `turn` (1-based) in the sources panel."""
    return f"src-{turn}-{n}"


def link_markers(escaped: str, turn: int, citations: Sequence[Citation]) -> str:
    """Turn the [n] markers of an escaped answer into links to their passage in the sources panel."""
    known = {c.n: c for c in citations}

    def link(match: re.Match[str]) -> str:
        citation = known.get(int(match.group(1)))
        if citation is None:
            return match.group(0)
        target = source_id(turn, citation.n)
        return (
            f'<a class="cite" href="#{target}" data-target="{target}" '
            f'title="{escape(citation.chunk.heading)}">[{citation.n}]</a>'
        )

    return _MARKER.sub(link, escaped)


def find_quote(passage: str, quote: str) -> tuple[int, int] | None:
    """Where the supporting sentence lies in the passage, tolerant of line breaks and spacing."""
    words = _WORD.findall(quote)
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern, passage) or re.search(pattern, passage, re.IGNORECASE)
    return match.span() if match else None


def highlight(passage: str, quote: str) -> str:
    """The passage as escaped HTML with its supporting sentence marked."""
    span = find_quote(passage, quote)
    if span is None:
        return escape(passage)
    start, end = span
    return f"{escape(passage[:start])}<mark>{escape(passage[start:end])}</mark>{escape(passage[end:])}"


def scenario_badge(scenario: str | None, language: UiLanguage) -> str:
    """A small coloured label for a scenario letter (empty for passages about no single scenario)."""
    if not scenario:
        return ""
    return f'<span class="badge sc-{escape(scenario)}">{text("scenario", language)} {escape(scenario)}</span>'


def user_message(exchange: Exchange, language: UiLanguage) -> str:
    """The user's question as shown in the chat, with the scope it was asked in."""
    chip = ""
    if exchange.scope != ALL:
        chip = f' <span class="scope-chip">{text("scenario", language)} {escape(exchange.scope)}</span>'
    return (escape(exchange.question) or "…") + chip


def answer_message(answer: Answer, turn: int, language: UiLanguage) -> str:
    """The chat message of a verified answer: notice, the standalone rewrite if any, linked answer text."""
    parts = []
    if answer.notice:
        parts.append(f'<div class="notice">{escape(answer.notice)}</div>')
    if _differs(answer.standalone_question, answer.question):
        parts.append(
            f'<div class="standalone">↪ {text("interpreted", language)}: “{escape(answer.standalone_question)}”</div>'
        )
    parts.append(link_markers(escape(answer.answer), turn, answer.citations))
    if answer.dropped and not answer.refused:
        parts.append(f'<div class="dropped">{text("dropped", language, count=len(answer.dropped))}</div>')
    return "\n\n".join(parts)


def pending_message(status: str, draft: str) -> str:
    """The assistant's message while it works: the progress state and the draft so far."""
    line = f'<div class="progress"><span class="spinner"></span> {escape(status)}</div>'
    return f"{line}\n\n{escape(draft)} ▌" if draft else line


def error_message(message: str) -> str:
    """A readable error in the chat."""
    return f'<div class="error">⚠ {escape(message)}</div>'


def chat_messages(
    exchanges: Sequence[Exchange], language: UiLanguage, pending: str | None = None
) -> list[dict[str, Any]]:
    """The chat as the Chatbot's messages; `pending` is the in-progress reply to the last exchange."""
    messages: list[dict[str, Any]] = []
    for turn, exchange in enumerate(exchanges, 1):
        messages.append({"role": "user", "content": user_message(exchange, language)})
        if exchange.answer is not None:
            content = answer_message(exchange.answer, turn, language)
        elif exchange.error is not None:
            content = error_message(exchange.error)
        else:
            content = pending or pending_message(text("working", language), "")
        messages.append({"role": "assistant", "content": content})
    return messages


def source_card(citation: Citation, turn: int, language: UiLanguage) -> str:
    """One cited passage: number, scenario, section path and the passage with the supporting words marked."""
    chunk = citation.chunk
    return (
        f'<article class="src" id="{source_id(turn, citation.n)}">'
        f'<div class="src-head"><span class="src-n">[{citation.n}]</span> {scenario_badge(chunk.scenario, language)}'
        f'<span class="src-path">{escape(chunk.heading)}</span></div>'
        f'<div class="src-text">{highlight(chunk.text, citation.quote)}</div></article>'
    )


def sources_panel(exchanges: Sequence[Exchange], language: UiLanguage) -> str:
    """The sources of every answer, newest first; only the newest group is unfolded."""
    groups = []
    numbered = list(enumerate(exchanges, 1))
    for turn, exchange in reversed(numbered):
        if exchange.answer is None:
            continue
        cards = "".join(source_card(c, turn, language) for c in exchange.answer.citations)
        body = cards or f'<p class="muted">{text("sources_none", language)}</p>'
        opened = " open" if not groups else ""
        groups.append(
            f'<details class="turn" id="turn-{turn}"{opened}><summary>{turn}. '
            f"{escape(_shorten(exchange.question, 90))}</summary>{body}</details>"
        )
    if not groups:
        return f'<div class="sources"><p class="muted">{text("sources_empty", language)}</p></div>'
    return f'<div class="sources">{"".join(groups)}</div>'


def conversation_markdown(exchanges: Sequence[Exchange], language: UiLanguage, report_title: str, stamp: str) -> str:
    """The conversation with its sources as a Markdown document."""
    lines = [f"# {text('export_title', language)}", "", f"_{report_title}_ · {stamp}", ""]
    if not exchanges:
        lines.append(text("export_empty", language))
    for turn, exchange in enumerate(exchanges, 1):
        scope = "" if exchange.scope == ALL else f" ({text('scenario', language)} {exchange.scope})"
        lines += [f"## {turn}. {exchange.question}{scope}", ""]
        if exchange.error is not None:
            lines += [f"> {exchange.error}", ""]
        if exchange.answer is None:
            continue
        answer = exchange.answer
        if _differs(answer.standalone_question, answer.question):
            lines += [f"_{text('interpreted', language)}: {answer.standalone_question}_", ""]
        lines += [answer.answer, ""]
        if answer.citations:
            lines += [f"**{text('sources', language)}**", ""]
        for c in answer.citations:
            scenario = f" ({text('scenario', language)} {c.chunk.scenario})" if c.chunk.scenario else ""
            lines += [f"[{c.n}] {c.chunk.heading}{scenario}", ""]
            lines += [f"> {line}" if line.strip() else ">" for line in c.chunk.text.splitlines()]
            lines += ["", f"“{c.quote}”", ""]
    return "\n".join(lines).rstrip() + "\n"


def _differs(standalone: str, question: str) -> bool:
    def norm(value: str) -> str:
        return re.sub(r"\W+", " ", value).strip().lower()

    return bool(standalone) and norm(standalone) != norm(question)


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
