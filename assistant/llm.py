"""Chat-model factory: local llama.cpp (default), any OpenAI-compatible server, or a deterministic fake."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr

from assistant.config import Settings


class ModelUnavailable(RuntimeError):
    """The chat model cannot be loaded or reached; the message is for the user."""


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

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        llama = self.load()
        with self._lock:
            out = llama.create_chat_completion(**self._payload(messages, stop, kwargs))
        text = out["choices"][0]["message"]["content"] or ""
        usage = out.get("usage") or {}
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text, usage_metadata={
            "input_tokens": usage.get("prompt_tokens", 0), "output_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0)}))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        llama = self.load()
        with self._lock:
            for part in llama.create_chat_completion(stream=True, **self._payload(messages, stop, kwargs)):
                delta = part["choices"][0].get("delta", {}).get("content")
                if delta:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk


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
        firsts = [re.split(r"(?<=[.!?])\s", p.replace("\n", " "))[0] for p in passages[: self.sentences]]
        return " ".join(s.lstrip("• ").strip() for s in firsts)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._reply(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for token in re.findall(r"\S+\s*", self._reply(messages)):
            yield ChatGenerationChunk(message=AIMessageChunk(content=token))


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model the settings ask for; heavy backends are imported only here."""
    match settings.llm_backend:
        case "llamacpp":
            from assistant.models import require_chat_model

            return LlamaCppChat(
                model_path=str(require_chat_model(settings)), n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                max_tokens=settings.max_answer_tokens, temperature=settings.temperature,
            )
        case "openai":
            try:
                from langchain_openai import ChatOpenAI
            except ImportError as exc:  # pragma: no cover
                raise ModelUnavailable("langchain-openai is not installed: run 'make setup'") from exc
            return ChatOpenAI(
                base_url=settings.openai_base_url, api_key=settings.openai_api_key, model=settings.openai_model,
                temperature=settings.temperature, max_tokens=settings.max_answer_tokens,
                timeout=settings.request_timeout, max_retries=settings.max_retries,
            )
        case "fake":
            return FakeChatModel()
    raise ModelUnavailable(f"unknown chat backend {settings.llm_backend!r}")
