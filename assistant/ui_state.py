"""The state of one browser session's conversation, and pure functions over it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.schema import SCENARIOS, Answer, Turn

ALL = "all"


@dataclass(frozen=True)
class Exchange:
    """One question of the conversation and what came back: a verified answer or a readable error."""

    question: str
    scope: str = ALL
    answer: Answer | None = None
    error: str | None = None


def normalize_scope(scope: str | None) -> str:
    """'A'…'D' or 'all' (anything else means all scenarios)."""
    value = (scope or "").strip().upper()
    return value if value in SCENARIOS else ALL


def scope_filter(scope: str) -> list[str] | None:
    """The `scenarios` argument for Assistant.stream: None lets the question's own wording decide."""
    scope = normalize_scope(scope)
    return None if scope == ALL else [scope]


def history(exchanges: Sequence[Exchange]) -> list[Turn]:
    """Earlier answered exchanges as typed turns for condensing a follow-up (errors are left out)."""
    return [Turn(e.question, e.answer.answer) for e in exchanges if e.answer is not None]


def exchange_at_message(exchanges: Sequence[Exchange], index: Any) -> tuple[int, Exchange] | None:
    """(1-based turn, exchange) behind a chat message index; each exchange shows as two messages."""
    if isinstance(index, (list, tuple)):
        index = index[0] if index else None
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        return None
    position = index // 2
    return (position + 1, exchanges[position]) if position < len(exchanges) else None


def feedback_record(exchange: Exchange, liked: Any, comment: str) -> dict[str, Any] | None:
    """The FeedbackStore.append arguments for a 👍/👎 on an answer; None when there is nothing to record.

    `liked` is what the chat component reports: True/False (or "Like"/"Dislike"); anything else, such as
    un-clicking a thumb, records nothing (the store is append-only: an earlier verdict stays).
    """
    if exchange.answer is None:
        return None
    verdict = {True: "up", "Like": "up", False: "down", "Dislike": "down"}.get(liked)
    if verdict is None:
        return None
    answer = exchange.answer
    return {
        "question": exchange.question,
        "answer": answer.answer,
        "citations": [c.to_json() for c in answer.citations],
        "verdict": verdict,
        "comment": comment.strip(),
        "language": answer.language,
    }


def parse_users(spec: str | None) -> list[tuple[str, str]] | None:
    """'user:pass,user2:pass2' -> [(user, pass), …]; None when no login is configured.

    A malformed entry raises ValueError rather than silently serving without the login that was asked for.
    """
    if spec is None or not spec.strip():
        return None
    users = []
    for entry in (e.strip() for e in spec.split(",")):
        if not entry:
            continue
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password:
            raise ValueError("ASSISTANT_UI_USERS must look like 'user:password,user2:password2'")
        users.append((user.strip(), password))
    if not users:
        raise ValueError("ASSISTANT_UI_USERS is set but names no 'user:password' pair")
    return users


def is_loopback(host: str) -> bool:
    """Whether the UI is reachable from this machine only."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
