"""Chat-model factory: local llama.cpp (default), any OpenAI-compatible server, or a deterministic fake."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr

from assistant.config import Settings


class ModelUnavailable(RuntimeError):
    """The chat model cannot be loaded or reached; the message is for the user."""


class ModelTimeout(ModelUnavailable):
    """A model request made no progress for ASSISTANT_REQUEST_TIMEOUT seconds; the message is for the user."""


def _stalled_message(seconds: float) -> str:
    return (f"the model made no progress for {seconds:g} s (ASSISTANT_REQUEST_TIMEOUT); it may be busy with other "
            "questions: try again, or ask a shorter question")


class _Progress:
    """request_timeout as a progress deadline: until the first token (queue and prompt included), then between
    two tokens. A long answer that keeps coming is never cut; a stalled or endless queue is. Answer length is
    bounded by max_tokens, not by the clock (a slow, busy machine must not fail a long but healthy answer)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds if seconds else None

    def remaining(self) -> float:
        return -1 if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def tick(self) -> bool:
        """A token arrived: False when it came too late; otherwise the clock starts again."""
        if self.deadline is None:
            return True
        now = time.monotonic()
        if now > self.deadline:
            return False
        self.deadline = now + (self.seconds or 0)
        return True


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


class LlamaCppChat(BaseChatModel):
    """A GGUF model run in-process by llama.cpp, loaded once and shared by all callers.

    llama.cpp contexts are not thread-safe, so generations are serialised with a lock; the model reuses
    its KV cache for the prompt prefix it saw last (our fixed system prompt).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 220
    temperature: float = 0.0
    request_timeout: float | None = None  # seconds without progress: queue + prompt, then between tokens
    _llama: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    def load(self) -> Any:
        """Load the GGUF file now (otherwise on first use)."""
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise ModelUnavailable("llama-cpp-python is not installed: run 'make setup'") from exc
            try:
                self._llama = Llama(
                    model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads, verbose=False,
                    seed=0,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelUnavailable(f"cannot load the GGUF model {self.model_path}: {exc}") from exc
        return self._llama

    def count_tokens(self, text: str) -> int:
        return len(self.load().tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _payload(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {
            "messages": [{"role": _role(m), "content": str(m.content)} for m in messages],
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": self.temperature,
            "stop": stop,
        }

    def _acquire(self, progress: _Progress) -> None:
        """Wait for the model (one generation at a time), at most request_timeout seconds."""
        if not self._lock.acquire(timeout=progress.remaining()):
            raise ModelTimeout(_stalled_message(self.request_timeout or 0))

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        # Non-streaming calls (the condense step) are short by their token cap; only the wait is bounded.
        llama = self.load()
        self._acquire(_Progress(self.request_timeout))
        try:
            out = llama.create_chat_completion(**self._payload(messages, stop, kwargs))
        finally:
            self._lock.release()
        text = out["choices"][0]["message"]["content"] or ""
        usage = out.get("usage") or {}
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text, usage_metadata={
            "input_tokens": usage.get("prompt_tokens", 0), "output_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0)}))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        llama = self.load()
        progress = _Progress(self.request_timeout)
        self._acquire(progress)
        try:
            parts = llama.create_chat_completion(stream=True, **self._payload(messages, stop, kwargs))
            try:
                for part in parts:
                    if not progress.tick():
                        raise ModelTimeout(_stalled_message(self.request_timeout or 0))
                    delta = part["choices"][0].get("delta", {}).get("content")
                    if delta:
                        chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                        if run_manager:
                            run_manager.on_llm_new_token(delta, chunk=chunk)
                        yield chunk
            finally:
                parts.close()  # a consumer that stops early, or a timeout, ends the generation here
        finally:
            self._lock.release()


_PASSAGE = re.compile(r"^\[(\d+)\][^\n]*\n(.+?)(?=\n\[\d+\]|\n\n|\Z)", re.MULTILINE | re.DOTALL)


class FakeChatModel(BaseChatModel):
    """Deterministic stand-in for tests: answers by restating the first sentence of the first passages.

    It behaves like a faithful small model (extractive, no markers), so the real citation and refusal
    code runs on its output. `script` replaces the reply outright; `calls` records every prompt.
    """

    script: list[str] | None = None
    sentences: int = 2
    calls: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "fake"

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def _reply(self, messages: list[BaseMessage]) -> str:
        prompt = "\n".join(str(m.content) for m in messages)
        self.calls.append(prompt)
        if self.script:
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if "STANDALONE" in prompt:
            follow = re.search(r"(?:Vervolgvraag|Follow-up question):\s*(.+)", prompt)
            previous = re.findall(r"(?:Gebruiker|User):\s*(.+)", prompt)
            return f"{follow.group(1).strip() if follow else ''} {previous[-1] if previous else ''}".strip()
        passages = [m.group(2).strip() for m in _PASSAGE.finditer(prompt)]
        if not passages:
            return "NOT_IN_REPORT"
        # The first sentence (or list item) of each passage, each a sentence of its own.
        firsts = [re.split(r"(?<=[.!?])\s|\n", p.strip())[0].lstrip("• ").strip() for p in passages[: self.sentences]]
        return " ".join(f if f.endswith((".", "!", "?")) else f"{f}." for f in firsts if f)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._reply(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for token in re.findall(r"\S+\s*", self._reply(messages)):
            yield ChatGenerationChunk(message=AIMessageChunk(content=token))


@lru_cache(maxsize=1)
def _openai_chat_class() -> type[BaseChatModel]:
    """ChatOpenAI whose failures reach callers as ModelUnavailable / ModelTimeout with a readable message.

    The openai client already bounds each attempt (`timeout`: connect and every read) and the number of retries
    (`max_retries`, on connection errors, 408/409/429 and 5xx). This wrapper adds: the progress deadline of
    `_Progress` (a server's queue keeps the connection alive with pings, so reads alone never time out there),
    a cap on the streamed length for a server that ignores max_tokens, and a check that the stream really ended
    (a finish_reason), so a cut-off or garbage reply is an error instead of a silently short answer.
    """
    import openai
    from langchain_openai import ChatOpenAI

    garbage = (ValueError, TypeError, KeyError)  # what langchain-openai/openai raise on a non-OpenAI reply
    transport = _transport_errors()  # raised unwrapped while a stream is read (e.g. the server died mid-answer)
    timeouts = (openai.APITimeoutError, *_timeout_errors())

    class OpenAIChat(ChatOpenAI):
        def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
            # langchain-openai sends the newer `max_completion_tokens`, which llama_cpp.server (and other
            # OpenAI-compatible servers) silently ignore: the answer limit must go out as `max_tokens`.
            payload = super()._get_request_payload(input_, stop=stop, **kwargs)
            if "max_completion_tokens" in payload:
                payload["max_tokens"] = payload.pop("max_completion_tokens")
            return payload

        def _where(self) -> str:
            return f"the model server at {self.openai_api_base}"

        def _translate(self, exc: Exception) -> ModelUnavailable:
            if isinstance(exc, ModelUnavailable):
                return exc
            tries = (self.max_retries or 0) + 1
            if isinstance(exc, timeouts):
                return ModelTimeout(f"{self._where()} did not answer within {self.request_timeout:g} s "
                                    "(ASSISTANT_REQUEST_TIMEOUT)")
            if isinstance(exc, (openai.APIConnectionError, *transport)):
                return ModelUnavailable(f"{self._where()} cannot be reached or dropped the connection "
                                        f"({_one_line(_root(exc))}), {tries} attempt(s): is it running? "
                                        "(ASSISTANT_OPENAI_BASE_URL)")
            if isinstance(exc, openai.APIStatusError):
                return ModelUnavailable(f"{self._where()} answered HTTP {exc.status_code}: {_one_line(exc.message)}")
            return ModelUnavailable(f"{self._where()} sent a reply that is not an OpenAI-compatible chat completion "
                                    f"({type(exc).__name__}: {_one_line(exc)})")

        def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                      run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
            try:
                return super()._generate(messages, stop, run_manager, **kwargs)
            except (openai.APIError, *transport, *garbage) as exc:
                raise self._translate(exc) from exc

        def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                    run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            seconds = float(self.request_timeout) if isinstance(self.request_timeout, int | float) else None
            progress = _Progress(seconds)
            limit = kwargs.get("max_tokens") or self.max_tokens
            cap = 2 * limit + 16 if limit else None  # chunks: a server that ignores max_tokens is cut off here
            finished, received = False, 0
            try:
                for chunk in super()._stream(messages, stop, run_manager, **kwargs):
                    received += 1
                    finished = finished or bool((chunk.generation_info or {}).get("finish_reason"))
                    if not progress.tick():
                        raise ModelTimeout(f"{self._where()}: " + _stalled_message(seconds or 0))
                    if cap is not None and received > cap and not finished:
                        raise ModelUnavailable(f"{self._where()} ignored the answer limit of {limit} tokens "
                                               "(ASSISTANT_MAX_ANSWER_TOKENS) and kept generating: stopped")
                    yield chunk
            except (openai.APIError, *transport, *garbage) as exc:
                raise self._translate(exc) from exc
            if not received:
                raise ModelUnavailable(f"{self._where()} sent no chat completion (the reply was not an "
                                       "OpenAI-compatible event stream)")
            if not finished:
                raise ModelUnavailable(
                    f"{self._where()} ended the answer before it was complete (no finish_reason); if it is "
                    "llama_cpp.server, start it with --interrupt_requests False so that requests do not cut each "
                    "other off")

    return OpenAIChat


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Network errors of the HTTP clients under openai (httpx2 in recent openai, httpx before) and the OS."""
    import importlib

    found: list[type[BaseException]] = [OSError]
    for name in ("httpx", "httpx2"):
        try:
            found.append(importlib.import_module(name).TransportError)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def _timeout_errors() -> tuple[type[BaseException], ...]:
    import importlib

    found: list[type[BaseException]] = [TimeoutError]
    for name in ("httpx", "httpx2"):
        try:
            found.append(importlib.import_module(name).TimeoutException)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def _root(exc: BaseException) -> BaseException:
    """The innermost cause of an exception chain (e.g. the ConnectionRefusedError under the client's error)."""
    seen = [exc]
    while (nxt := seen[-1].__cause__ or seen[-1].__context__) is not None and len(seen) < 12:
        seen.append(nxt)
    return seen[-1]


def _one_line(value: object, limit: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model the settings ask for; heavy backends are imported only here."""
    match settings.llm_backend:
        case "llamacpp":
            from assistant.models import require_chat_model

            return LlamaCppChat(
                model_path=str(require_chat_model(settings)), n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                max_tokens=settings.max_answer_tokens, temperature=settings.temperature,
                request_timeout=settings.request_timeout,
            )
        case "openai":
            try:
                chat_openai = _openai_chat_class()
            except ImportError as exc:  # pragma: no cover
                raise ModelUnavailable("langchain-openai is not installed: run 'make setup'") from exc
            return chat_openai(
                base_url=settings.openai_base_url, api_key=settings.openai_api_key, model=settings.openai_model,
                temperature=settings.temperature, max_tokens=settings.max_answer_tokens,
                timeout=settings.request_timeout, max_retries=settings.max_retries,
            )
        case "fake":
            return FakeChatModel()
    raise ModelUnavailable(f"unknown chat backend {settings.llm_backend!r}")
