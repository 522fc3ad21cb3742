"""Model server mode, for real: `python -m llama_cpp.server` on loopback serving the default GGUF.

Streaming reaches Assistant.stream as Token events; two workers (this process and a CLI process) share the server
at once; the answer-token limit and the request timeout hold; the server dying mid-answer is a readable
ModelUnavailable, and the same Assistant recovers when the server is back. The embedder is the fake one (speed).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_servers import BIN, ServerProcess, check, free_port, llama_server

from assistant.config import Settings
from assistant.embeddings import FakeEmbedder
from assistant.llm import ModelTimeout, ModelUnavailable, make_chat_model
from assistant.models import CHAT_MODEL, is_ready, llm_path
from assistant.service import Assistant, Final, Token

pytestmark = pytest.mark.servers

NL = "Wat betekent scenario D voor zzp'ers?"
EN = "What does scenario B mean for vulnerable workers?"


@pytest.fixture(scope="module")
def gguf() -> Path:
    settings = Settings()
    if not is_ready(CHAT_MODEL, settings.models_dir):
        pytest.skip("the default GGUF is not installed: run 'make models'")
    return llm_path(settings)


@pytest.fixture(scope="module")
def server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("llama-server")
    process = llama_server(gguf, free_port(), folder / "llama.log")
    process.start()
    yield process
    process.kill()


@pytest.fixture(scope="module")
def index_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from assistant.index import make_client

    settings = Settings(cache_dir=tmp_path_factory.mktemp("llama-cache"), embedder="fake", llm_backend="fake")
    client = make_client(settings)
    Assistant(settings, embedder=FakeEmbedder(), client=client).ingest()
    return client


def _assistant(client: Any, server: ServerProcess, **overrides: Any) -> Assistant:
    # One short passage and a short answer: the model's speed is not under test here (prompt tokens cost time).
    values = {"request_timeout": 300.0, "max_retries": 1, "max_answer_tokens": 24, "min_relevance": 0.0, "weak_relevance": 0.0,
              "context_k": 1, **overrides}
    settings = Settings(cache_dir=Path("/nonexistent-not-used"), embedder="fake", llm_backend="openai",
                        openai_base_url=f"{server.url}/v1", **values)
    return Assistant(settings, embedder=FakeEmbedder(), client=client)


def _stream(assistant: Assistant, question: str, on_token: Any = None) -> tuple[int, Any]:
    tokens, final = 0, None
    for event in assistant.stream(question):
        if isinstance(event, Token) and event.text:
            tokens += 1
            if on_token:
                on_token(tokens)
        elif isinstance(event, Final):
            final = event.answer
    return tokens, final


def test_two_workers_stream_from_one_model_server_at_once(server: ServerProcess, index_client: Any,
                                                          tmp_path: Path) -> None:
    with check("llama-server-stream", "Model server", "Assistant.stream (this process) and `assistant ask --json` "
               "(a second process) at the same time against llama_cpp.server with the default GGUF",
               stage="servers") as row:
        env = {**os.environ, "ASSISTANT_EMBEDDER": "fake", "ASSISTANT_LLM_BACKEND": "openai",
               "ASSISTANT_OPENAI_BASE_URL": f"{server.url}/v1", "ASSISTANT_CACHE_DIR": str(tmp_path),
               "ASSISTANT_MAX_ANSWER_TOKENS": "24", "ASSISTANT_MIN_RELEVANCE": "0", "ASSISTANT_CONTEXT_K": "1",
               "ASSISTANT_REQUEST_TIMEOUT": "300"}
        interrupted_before = server.log.read_text(errors="replace").count("Disconnected")
        started = time.monotonic()
        cli = subprocess.Popen([str(BIN / "assistant"), "ask", EN, "--json"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        tokens, final = _stream(_assistant(index_client, server), NL)
        out, err = cli.communicate(timeout=300)
        seconds = time.monotonic() - started
        assert cli.returncode == 0, err.decode()[-2000:]
        other = json.loads(out)
        assert tokens >= 3 and final is not None
        assert final.question == NL and final.language == "nl"
        assert other["question"] == EN and other["language"] == "en"
        interrupted = server.log.read_text(errors="replace").count("Disconnected") - interrupted_before
        assert interrupted == 0, "a request was interrupted by another one"
        row.times = 2
        row.happened = (f"both answered in {seconds:.0f} s (the server queues them): this process got {tokens} Token "
                        f"events then its verified answer (refused={final.refused}); the CLI's answer is its own "
                        "(question and language); no stream was cut off (--interrupt_requests False)")


def test_the_answer_token_limit_reaches_the_server(server: ServerProcess) -> None:
    import httpx

    with check("llama-server-max-tokens", "Limits", "ASSISTANT_MAX_ANSWER_TOKENS=8 against llama_cpp.server, "
               "beside the `max_completion_tokens` field that langchain-openai sends by default",
               stage="servers") as row:
        # What langchain-openai sends on its own: llama_cpp.server ignores the field and keeps generating.
        ignored = 0
        body = {"messages": [{"role": "user", "content": "Schrijf een lang verhaal over de arbeidsmarkt."}],
                "max_completion_tokens": 8, "stream": True}
        with httpx.stream("POST", f"{server.url}/v1/chat/completions", json=body, timeout=120) as response:
            for line in response.iter_lines():
                ignored += line.startswith("data: {")
                if ignored >= 24:
                    break
        model = make_chat_model(Settings(llm_backend="openai", openai_base_url=f"{server.url}/v1",
                                         max_answer_tokens=8, request_timeout=120))
        reply = model.invoke("Schrijf een lang verhaal over de arbeidsmarkt.")
        used = (reply.usage_metadata or {}).get("output_tokens")
        assert ignored >= 24
        assert used is not None and used <= 8
        assert reply.response_metadata.get("finish_reason") == "length"
        row.times = 2
        row.happened = (f"`max_completion_tokens: 8` alone: the server streamed {ignored}+ tokens (ignored); the "
                        f"assistant sends `max_tokens`: {used} tokens, finish_reason 'length'")
        row.lost = "nothing (before the fix: the limit, so answers ran to the context size)"


def test_the_request_timeout_holds_against_a_busy_server(server: ServerProcess, index_client: Any) -> None:
    with check("llama-server-timeout", "Limits", "ASSISTANT_REQUEST_TIMEOUT=1 s, ASSISTANT_MAX_RETRIES=1 on a real "
               "question (the prompt takes the server several seconds)", stage="servers") as row:
        assistant = _assistant(index_client, server, request_timeout=1.0, max_retries=1)
        started = time.monotonic()
        with pytest.raises(ModelTimeout) as info:
            list(assistant.stream(NL))
        seconds = time.monotonic() - started
        assert seconds < 8, seconds  # 2 attempts of 1 s and a back-off, on a possibly loaded machine
        row.times = 1
        row.happened = f"ModelTimeout after {seconds:.1f} s: “{str(info.value).split('/v1', 1)[1].lstrip(': ')}”"
        row.lost = "that answer (the user is told why)"


def test_the_model_server_dying_mid_answer_is_clear_and_recovers(server: ServerProcess, index_client: Any) -> None:
    with check("llama-server-killed", "Model server", "llama_cpp.server SIGKILLed while streaming an answer; a "
               "question while it is down; restarted; the same Assistant asks again", stage="servers") as row:
        assistant = _assistant(index_client, server)
        first_token = threading.Event()
        killer = threading.Thread(target=lambda: first_token.wait(240) and server.kill())
        killer.start()
        with pytest.raises(ModelUnavailable) as during:
            _stream(assistant, NL, on_token=lambda n: first_token.set())
        killer.join(30)
        assert first_token.is_set(), "the answer had started streaming before the kill"
        started = time.monotonic()
        with pytest.raises(ModelUnavailable, match="cannot be reached") as down:
            assistant.ask(EN)
        down_seconds = time.monotonic() - started
        assert down_seconds < 10
        for text in (str(during.value), str(down.value)):
            assert text.startswith(f"the model server at {server.url}/v1") and "\n" not in text, text
        restart = server.start()
        tokens, final = _stream(assistant, NL)
        assert tokens >= 3 and final is not None and final.question == NL
        row.times = 3
        row.happened = (f"mid-answer: “…{str(during.value).split('/v1 ', 1)[1][:90]}…”; while down: "
                        f"ModelUnavailable in {down_seconds:.1f} s; after the restart ({restart:.0f} s) the same "
                        "Assistant streamed a full answer")
        row.lost = "the interrupted answer (the user is told why)"
