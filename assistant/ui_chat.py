"""One chat turn as a generator of views: progress, streamed draft, then the verified answer or an error."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.ui_format import pending_message
from assistant.ui_i18n import UiLanguage, stage_text, text
from assistant.ui_state import Exchange, history, normalize_scope, scope_filter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnView:
    """The conversation after one step of a turn; `pending` is the in-progress reply (None when done)."""

    exchanges: tuple[Exchange, ...]
    pending: str | None

    @property
    def done(self) -> bool:
        return self.pending is None


def _user_error_types() -> tuple[type[Exception], ...]:
    from assistant.corpus import CorpusError
    from assistant.index import IndexError_
    from assistant.llm import ModelUnavailable
    from assistant.models import ProvisioningError

    return ProvisioningError, IndexError_, ModelUnavailable, CorpusError


def describe_error(exc: BaseException, language: UiLanguage) -> str:
    """A readable sentence for an error, never a trace."""
    from assistant.service import InputError

    if isinstance(exc, InputError):
        return str(exc)
    # Our own typed errors carry a readable message (ModelTimeout included): show it, before any guessing.
    if isinstance(exc, _user_error_types()):
        return text("unavailable", language, detail=str(exc) or type(exc).__name__)
    names = {cls.__name__ for cls in type(exc).__mro__}
    # openai.APIConnectionError, httpx.ConnectError, …: the model server is down or unreachable.
    if any("Connect" in n or "Timeout" in n for n in names) or isinstance(exc, (ConnectionError, TimeoutError)):
        return text("server_down", language, kind=type(exc).__name__)
    if isinstance(exc, OSError):
        return text("unavailable", language, detail=str(exc) or type(exc).__name__)
    return text("error", language, kind=type(exc).__name__)


def run_turn(
    assistant: Any, exchanges: Sequence[Exchange], question: str, scope: str, language: UiLanguage
) -> Iterator[TurnView]:
    """Ask the assistant within the scope and yield the conversation at every step."""
    from assistant.service import Final, InputError, Status, Token

    earlier = tuple(exchanges)
    current = Exchange(question=question, scope=normalize_scope(scope))
    status, draft = text("working", language), ""
    yield TurnView((*earlier, current), pending_message(status, draft))
    try:
        for event in assistant.stream(question, history(earlier), scope_filter(current.scope)):
            if isinstance(event, Final):
                yield TurnView((*earlier, replace(current, answer=event.answer)), None)
                return
            if isinstance(event, Status):
                status = stage_text(event.stage, event.detail, language)
                if event.detail == "language":
                    draft = ""  # the draft is being rewritten
            elif isinstance(event, Token):
                draft += event.text
            yield TurnView((*earlier, current), pending_message(status, draft))
        error = text("error", language, kind="no answer")
    except InputError as exc:
        error = describe_error(exc, language)
    except Exception as exc:  # the last line of defence: a readable message in the chat, the trace in the log
        if not isinstance(exc, _user_error_types()):
            logger.exception("answering %r failed", question[:200])
        error = describe_error(exc, language)
    yield TurnView((*earlier, replace(current, error=error)), None)
