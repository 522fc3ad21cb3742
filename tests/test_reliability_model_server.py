"""The OpenAI-compatible backend against a small server on 127.0.0.1 that answers well or misbehaves on purpose.

Streaming reaches the caller as Token events; every failure reaches the caller as llm.ModelUnavailable (or its
ModelTimeout) with one readable line, within (max_retries + 1) x request_timeout plus back-off. The in-process
llama.cpp model's deadline is checked with a stand-in for the Llama object (the real one: tests/test_servers_llama.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_servers import FakeOpenAIServer, check, free_port

from assistant.config import Settings
from assistant.embeddings import FakeEmbedder
from assistant.llm import LlamaCppChat, ModelTimeout, ModelUnavailable, make_chat_model
from assistant.service import Assistant, Final, Status, Token

QUESTION = "Wat betekent scenario D voor zzp'ers?"


@pytest.fixture(scope="module")
def index_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One embedded Chroma with the fake index, shared by the assistants of this module."""
    from assistant.index import make_client

    settings = Settings(cache_dir=tmp_path_factory.mktemp("openai-cache"), embedder="fake", llm_backend="fake")
    client = make_client(settings)
    Assistant(settings, embedder=FakeEmbedder(), client=client).ingest()
    return client


def _assistant(client: Any, base_url: str, **overrides: Any) -> Assistant:
    settings = Settings(cache_dir=Path("/nonexistent-not-used"), embedder="fake", llm_backend="openai",
                        openai_base_url=base_url, **{"request_timeout": 1.0, "max_retries": 1, **overrides})
    return Assistant(settings, embedder=FakeEmbedder(), client=client)


def test_streaming_through_an_openai_compatible_server(index_client: Any) -> None:
    with check("openai-fake-stream", "Model server", "streamed answer from an OpenAI-compatible server "
               "(stand-in on loopback) through Assistant.stream", stage="fast") as row, \
            FakeOpenAIServer(mode="ok") as server:
        assistant = _assistant(index_client, server.base_url, max_answer_tokens=77)
        events = list(assistant.stream(QUESTION))
        tokens = [e for e in events if isinstance(e, Token)]
        final = events[-1]
        assert isinstance(final, Final) and not final.answer.refused and final.answer.citations
        assert len(tokens) > 3
        assert "".join(t.text for t in tokens).strip()
        body = server.requests[-1]
        assert body["stream"] is True and body["max_tokens"] == 77 and body["temperature"] == 0.0
        assert "max_completion_tokens" not in body  # llama_cpp.server ignores that name: the limit would be lost
        row.times = 1
        row.happened = (f"{len(tokens)} Token events, then a verified answer with {len(final.answer.citations)} "
                        "citation(s); the request carried stream=true and max_tokens=ASSISTANT_MAX_ANSWER_TOKENS (not "
                        "max_completion_tokens, which llama_cpp.server ignores)")


FAILURES = [
    # mode, what it does, expected error type, text in the message, attempts with max_retries=1
    ("status500", "answers HTTP 500 to every request", ModelUnavailable, "answered HTTP 500", 2),
    ("junk", "answers HTTP 200 with an HTML/binary body", ModelUnavailable, "not an OpenAI-compatible", 1),
    ("junkjson", "answers HTTP 200 with JSON that is no completion", ModelUnavailable, "sent no chat completion", 1),
    ("cut", "ends a stream without a finish_reason", ModelUnavailable, "before it was complete", 1),
    ("drop", "sends one token, then closes the connection", ModelUnavailable, "before it was complete", 1),
    ("hang", "accepts the request and never answers", ModelTimeout, "did not answer within 1 s", 2),
    ("stall", "sends one token, then nothing on an open connection", ModelTimeout, "did not answer within 1 s", 1),
    ("endless", "streams tokens forever, ignoring max_tokens (limit 8)", ModelUnavailable,
     "ignored the answer limit of 8 tokens", 1),
]


@pytest.mark.parametrize(("mode", "what", "error", "text", "attempts"), FAILURES, ids=[f[0] for f in FAILURES])
def test_a_failing_model_server_gives_a_readable_bounded_error(index_client: Any, mode: str, what: str,
                                                                 error: type[Exception], text: str,
                                                                 attempts: int) -> None:
    with check(f"openai-fake-{mode}", "Model server", f"an OpenAI-compatible server that {what} "
               "(request_timeout 1 s, max_retries 1), through Assistant.stream", stage="fast") as row, \
            FakeOpenAIServer(mode=mode) as server:
        assistant = _assistant(index_client, server.base_url, max_answer_tokens=8)
        seen: list[Any] = []
        started = time.monotonic()
        with pytest.raises(ModelUnavailable) as info:
            for event in assistant.stream(QUESTION):
                seen.append(event)
        seconds = time.monotonic() - started
        message = str(info.value)
        assert isinstance(info.value, error), message
        assert message.startswith(f"the model server at {server.base_url}"), message
        assert text in message and "\n" not in message and len(message) < 400, message
        assert len(server.requests) == attempts, server.requests
        assert seconds < attempts * 1.0 + 4.0, seconds  # retries, back-off, a loaded machine
        assert any(isinstance(e, Status) and e.stage == "generating" for e in seen)
        row.times = 1
        said = message.split(server.base_url, 1)[1].lstrip(": ")
        row.happened = f"{type(info.value).__name__} after {len(server.requests)} attempt(s), {seconds:.1f} s: " \
                       f"“…{said[:100]}”"
        row.lost = "the answer (the user is told why); nothing stored"


def test_a_model_server_that_is_down(index_client: Any) -> None:
    port = free_port()
    with check("openai-down", "Model server", "model server address where nothing listens (max_retries 1)",
               stage="fast") as row:
        assistant = _assistant(index_client, f"http://127.0.0.1:{port}/v1")
        started = time.monotonic()
        with pytest.raises(ModelUnavailable, match=r"cannot be reached .*Connection refused.*2 attempt") as info:
            assistant.ask(QUESTION)
        seconds = time.monotonic() - started
        assert seconds < 8
        row.times = 1
        row.happened = f"ModelUnavailable in {seconds:.1f} s: “{str(info.value)[:120]}…”"
        row.lost = "the answer (the user is told why)"


def test_the_model_server_recovers_without_restarting_the_assistant(index_client: Any) -> None:
    with check("openai-recover", "Model server", "server answers HTTP 500, then is fixed; the same Assistant "
               "object asks again", stage="fast") as row, FakeOpenAIServer(mode="status500") as server:
        assistant = _assistant(index_client, server.base_url)
        with pytest.raises(ModelUnavailable):
            assistant.ask(QUESTION)
        server.mode = "ok"
        answer = assistant.ask(QUESTION)
        assert not answer.refused and answer.citations
        row.times = 2
        row.happened = "first ask: ModelUnavailable; after the fix the next ask answered with citations"


# --- the in-process llama.cpp model's deadline (a stand-in for llama_cpp.Llama) ----------------------------------
class SlowLlama:
    """Streams `parts` tokens, one every `gap` seconds; counts the streams that were closed before the end."""

    def __init__(self, gap: float, parts: int = 10**6) -> None:
        self.gap, self.parts = gap, parts
        self.closed = 0

    def create_chat_completion(self, stream: bool = False, **kwargs: Any) -> Any:
        if not stream:
            time.sleep(self.gap)
            return {"choices": [{"message": {"content": "ok"}}], "usage": {}}
        return self._stream()

    def _stream(self) -> Iterator[dict[str, Any]]:
        sent = 0
        try:
            while sent < self.parts:
                time.sleep(self.gap)
                sent += 1
                yield {"choices": [{"delta": {"content": "woord "}}]}
        finally:
            if sent < self.parts:
                self.closed += 1


def test_in_process_model_timeout_is_a_progress_deadline() -> None:
    with check("llamacpp-timeout", "Limits", "in-process llama.cpp model (stand-in), request_timeout 0.6 s: a "
               "steady 1.2 s answer with a second request queued behind it; a model that stalls 1 s before its "
               "first token", stage="fast") as row:
        model = LlamaCppChat(model_path="unused.gguf", request_timeout=0.6)
        model._llama = SlowLlama(gap=0.1, parts=12)
        queued: list[BaseException] = []

        def second() -> None:
            time.sleep(0.1)  # arrives while the first one holds the model
            try:
                list(model.stream("tweede vraag"))
            except ModelTimeout as exc:
                queued.append(exc)

        waiter = threading.Thread(target=second)
        waiter.start()
        started = time.monotonic()
        pieces = sum(1 for chunk in model.stream("eerste vraag") if chunk.content)
        long_answer = time.monotonic() - started
        waiter.join(5)
        assert pieces == 12 and long_answer > 1.0, "a steady answer longer than the timeout must not be cut"
        assert len(queued) == 1, "the queued request must give up after request_timeout"
        stalled = SlowLlama(gap=1.0)
        model._llama = stalled
        started = time.monotonic()
        with pytest.raises(ModelTimeout, match=r"no progress for 0\.6 s"):
            list(model.stream("derde vraag"))
        stall_seconds = time.monotonic() - started
        assert stalled.closed == 1, "the stalled generation must be stopped, not left running"
        assert not model._lock.locked()
        model._llama = SlowLlama(gap=0.01)
        assert model.invoke("daarna").content == "ok"  # the model is free again
        row.times = 4
        row.happened = (f"the steady answer ran its full {long_answer:.1f} s (12 tokens); the queued request got "
                        f"ModelTimeout after 0.6 s of waiting; the stalled one after {stall_seconds:.1f} s (its "
                        "generation closed); the next request was served")
        row.lost = "the timed-out answers (the user is told why)"


def test_answer_token_limit_and_timeout_reach_the_backends() -> None:
    with check("limit-answer-tokens", "Limits", "ASSISTANT_MAX_ANSWER_TOKENS / ASSISTANT_REQUEST_TIMEOUT / "
               "ASSISTANT_MAX_RETRIES reach both backends", stage="fast") as row:
        settings = Settings(llm_backend="openai", max_answer_tokens=33, request_timeout=7.5, max_retries=4)
        remote = make_chat_model(settings)
        assert (remote.max_tokens, remote.request_timeout, remote.max_retries) == (33, 7.5, 4)  # type: ignore[attr-defined]
        local = LlamaCppChat(model_path="x.gguf", max_tokens=33, request_timeout=7.5)
        assert local._payload([], None, {})["max_tokens"] == 33
        row.times = 2
        row.happened = "openai client: max_tokens 33, timeout 7.5 s, 4 retries; llama.cpp payload: max_tokens 33 " \
                       "(the real GGUF honours it: see model-server rows)"


# --- the CLI against a model server that is down or failing (child processes: the servers stage) ---------------
@pytest.mark.servers
def test_cli_model_server_down_or_failing_exits_3(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    from helpers_servers import BIN

    closed = free_port()  # nothing listens here
    with check("cli-model-unavailable", "Model server", "`assistant ask` with ASSISTANT_LLM_BACKEND=openai against "
               "a closed port and against a server answering HTTP 500; an `ask -` batch against the closed port",
               stage="servers") as row, FakeOpenAIServer(mode="status500") as failing:
        base = {**os.environ, "ASSISTANT_EMBEDDER": "fake", "ASSISTANT_LLM_BACKEND": "openai",
                "ASSISTANT_REQUEST_TIMEOUT": "2", "ASSISTANT_MIN_RELEVANCE": "0"}
        runs = {
            "down": (["ask", QUESTION], {"ASSISTANT_OPENAI_BASE_URL": f"http://127.0.0.1:{closed}/v1"}, b""),
            "500": (["ask", QUESTION], {"ASSISTANT_OPENAI_BASE_URL": failing.base_url}, b""),
            "batch": (["ask", "-", "--json"], {"ASSISTANT_OPENAI_BASE_URL": f"http://127.0.0.1:{closed}/v1",
                                               "ASSISTANT_MAX_RETRIES": "0"},
                      QUESTION.encode() + b"\nWat betekent scenario A?\n"),
        }

        def run(name: str) -> subprocess.CompletedProcess[bytes]:
            args, env, stdin = runs[name]
            return subprocess.run([str(BIN / "assistant"), *args], input=stdin, capture_output=True, timeout=120,
                                  check=False, env={**base, **env, "ASSISTANT_CACHE_DIR": str(tmp_path / name)})

        with ThreadPoolExecutor(max_workers=3) as pool:
            done = dict(zip(runs, pool.map(run, runs), strict=True))
        for name in ("down", "500"):
            stderr = done[name].stderr.decode()
            assert done[name].returncode == 3, stderr
            assert stderr.startswith("error: the model server at http://127.0.0.1:") and stderr.count("\n") == 1
            assert "Traceback" not in stderr
        assert "cannot be reached" in done["down"].stderr.decode()
        assert "HTTP 500" in done["500"].stderr.decode()
        assert len(failing.requests) == 2  # 1 try + ASSISTANT_MAX_RETRIES=1 (the default)
        objects = [json.loads(line) for line in done["batch"].stdout.decode().splitlines()]
        assert [o["code"] for o in objects] == [3, 3] and all("cannot be reached" in o["error"] for o in objects)
        assert done["batch"].returncode == 3 and b"Traceback" not in done["batch"].stderr
        row.times = 3
        row.happened = ("exit 3 with one line “error: the model server at … cannot be reached …” / “… answered HTTP "
                        "500 …” (2 attempts); the batch printed one error object per line (code 3) and exited 3")
