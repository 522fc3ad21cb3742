"""Real components for the reliability tests, all on 127.0.0.1: a Chroma server, llama.cpp's OpenAI-compatible
server, a small misbehaving OpenAI-compatible server, and the log that the tests write docs/RELIABILITY.md from.

Run as a script it is also the child process that some tests kill on purpose:
    python tests/helpers_servers.py slow-ingest <cache_dir> <corpus.json> <delay_s>
    python tests/helpers_servers.py feedback-writer <path> <worker>
and `python tests/helpers_servers.py render` re-renders docs/RELIABILITY.md from the recorded rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"  # every server the tests start binds here, and nowhere else
LOG_PATH = REPO / "evals" / "reports" / "reliability.json"
DOC_PATH = REPO / "docs" / "RELIABILITY.md"


# --- processes and ports ------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (default: this one) in MiB, from /proc."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def wait_for(check: Callable[[], bool], timeout: float, proc: subprocess.Popen | None = None,
              what: str = "condition", log: Path | None = None) -> float:
    """Poll until check() is true; fail early (with the process log) when the process died. Returns seconds."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what}: process exited with {proc.returncode}\n{tail}")
        with contextlib.suppress(Exception):
            if check():
                return time.monotonic() - started
        time.sleep(0.1)
    raise TimeoutError(f"{what} not reached within {timeout} s")


def http_ok(url: str) -> bool:
    import httpx

    return httpx.get(url, timeout=2).status_code == 200


class ServerProcess:
    """A server child process on a loopback port, with its output in a log file; stopped for sure at exit."""

    def __init__(self, name: str, argv: list[str], port: int, ready_url: str, log: Path, ready_timeout: float,
                 env: dict[str, str] | None = None) -> None:
        assert LOOPBACK in argv, "servers in tests bind to 127.0.0.1 only"
        self.name, self.argv, self.port, self.ready_url = name, argv, port, ready_url
        self.log, self.ready_timeout, self.env = log, ready_timeout, env
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> float:
        """Start and wait until it answers; returns the start-up time in seconds."""
        handle = self.log.open("ab")
        env = {**os.environ, **(self.env or {})}
        self.proc = subprocess.Popen(self.argv, stdout=handle, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)
        handle.close()
        self.starts += 1
        return wait_for(lambda: http_ok(self.ready_url), self.ready_timeout, self.proc, f"{self.name} start", self.log)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Stop it now (SIGKILL by default: the server 'goes away'), and wait for the process."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


def chroma_server(data_dir: Path, port: int, log: Path) -> ServerProcess:
    """`chroma run --path DIR --host 127.0.0.1 --port N`."""
    argv = [str(BIN / "chroma"), "run", "--path", str(data_dir), "--host", LOOPBACK, "--port", str(port)]
    return ServerProcess("chroma server", argv, port, f"http://{LOOPBACK}:{port}/api/v2/heartbeat", log, 60)


def llama_server(model: Path, port: int, log: Path, n_ctx: int = 4096, n_threads: int = 2) -> ServerProcess:
    """`python -m llama_cpp.server` on the GGUF; --interrupt_requests False so concurrent users don't cut each other off."""
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", LOOPBACK, "--port", str(port),
            "--n_ctx", str(n_ctx), "--n_threads", str(n_threads), "--interrupt_requests", "False"]
    return ServerProcess("llama.cpp server", argv, port, f"http://{LOOPBACK}:{port}/v1/models", log, 180)


# --- a small OpenAI-compatible server that answers well or misbehaves on purpose -----------------------------------
@dataclass
class FakeOpenAIServer:
    """Chat completions on loopback. `mode` says how it answers:

    ok        a real completion (streamed or not), written by FakeChatModel from the prompt it receives
    status500 HTTP 500 with a JSON error             junk    HTTP 200 with an HTML/binary body
    junkjson  HTTP 200 JSON that is no completion     cut     a stream that ends without a finish_reason
    hang      accepts the request and never answers   endless streams tokens forever, ignoring max_tokens
    drop      sends one chunk, then closes the connection
    stall     sends one chunk, then nothing (the connection stays open)
    """

    mode: str = "ok"
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, "application/json", json.dumps({"object": "list", "data": [{"id": "fake"}]}).encode())

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                owner.requests.append(body)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    owner._answer(self, body)

            def _send(self, code: int, ctype: str, data: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @staticmethod
    def _chunk(content: str | None, finish: str | None = None) -> bytes:
        delta = {"content": content} if content is not None else {}
        payload = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return b"data: " + json.dumps(payload).encode() + b"\n\n"

    def _reply_text(self, body: dict[str, Any]) -> str:
        from langchain_core.messages import HumanMessage, SystemMessage

        from assistant.llm import FakeChatModel

        messages = [SystemMessage(m["content"]) if m["role"] == "system" else HumanMessage(m["content"])
                    for m in body.get("messages", [])]
        return FakeChatModel()._reply(messages)

    def _answer(self, handler: Any, body: dict[str, Any]) -> None:
        mode, stream = self.mode, bool(body.get("stream"))
        if mode == "status500":
            handler._send(500, "application/json", b'{"error": {"message": "internal failure (on purpose)"}}')
        elif mode == "junk":
            handler._send(200, "text/html", b"<html><body>\x00\xff not an API \xfe</body></html>")
        elif mode == "junkjson":
            handler._send(200, "application/json", b'{"hello": "this is not a chat completion"}')
        elif mode == "hang":
            time.sleep(30)
        elif mode == "ok" and not stream:
            text = self._reply_text(body)
            handler._send(200, "application/json", json.dumps({
                "id": "c1", "object": "chat.completion", "created": 0, "model": "fake",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": len(text.split()), "total_tokens": 1},
            }).encode())
        else:  # streamed modes
            handler.send_response(200)
            handler.send_header("Content-Type", "text/event-stream")
            handler.send_header("Connection", "close")
            handler.end_headers()
            words = re.findall(r"\S+\s*", self._reply_text(body)) if mode == "ok" else ["Scenario ", "D ", "is "]
            if mode == "endless":
                for _ in range(2000):
                    handler.wfile.write(self._chunk("word "))
                    handler.wfile.flush()
                    time.sleep(0.02)
                return
            if mode == "stall":
                handler.wfile.write(self._chunk(words[0]))
                handler.wfile.flush()
                time.sleep(30)
                return
            if mode == "drop":
                handler.wfile.write(self._chunk(words[0]))
                handler.wfile.flush()
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            for word in words:
                handler.wfile.write(self._chunk(word))
            if mode == "ok":
                handler.wfile.write(self._chunk(None, "stop"))
            handler.wfile.write(b"data: [DONE]\n\n")
            handler.wfile.flush()


# --- the reliability log and the document rendered from it ------------------------------------------------------
AREAS = ["Chroma server", "Model server", "Concurrency", "Bad input", "Faults", "Limits"]
RESULTS = {"pass": "✅ pass", "known gap": "⚠️ known gap", "skipped": "⏭ skipped", "FAIL": "❌ FAIL"}


@dataclass
class Check:
    """One row of docs/RELIABILITY.md: what was tried, how often, what happened, what was lost."""

    id: str
    area: str
    tried: str
    times: int = 0
    happened: str = ""
    lost: str = "nothing"
    result: str = "pass"
    test: str = ""
    stage: str = ""
    run_at: str = ""


@contextlib.contextmanager
def check(id: str, area: str, tried: str, stage: str = "fast") -> Iterator[Check]:
    """Record one row whatever happens: the test fills in times/happened/lost; a failure is recorded as FAIL."""
    assert area in AREAS, area
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    row = Check(id=id, area=area, tried=tried, test=test, stage=stage)
    try:
        yield row
    except BaseException as exc:
        if type(exc).__name__ == "Skipped":
            row.result, row.happened = "skipped", _one_line(str(exc), 300)
            raise
        if row.result != "known gap":  # a known gap is an expected failure (xfail): keep its label
            row.result = "FAIL"
            row.happened = (row.happened + " — " if row.happened else "") + _one_line(
                "".join(traceback.format_exception_only(type(exc), exc)), 300)
        raise
    finally:
        row.run_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        record(row)


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record(row: Check) -> None:
    """Merge the row into evals/reports/reliability.json (under a lock) and re-render docs/RELIABILITY.md."""
    LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    with LOG_PATH.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        try:
            rows = json.loads(handle.read() or "{}")
        except json.JSONDecodeError:
            rows = {}
        rows[row.id] = row.__dict__
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(rows, indent=1, ensure_ascii=False, sort_keys=True))
        handle.flush()
        render(rows)


def _limits_table() -> list[str]:
    from assistant.config import Settings

    names = ["max_question_chars", "max_answer_tokens", "request_timeout", "max_retries", "n_ctx", "context_k",
             "ui_concurrency", "chroma_url", "openai_base_url", "index_dir"]
    lines = ["| Setting | Environment variable | Default | Meaning |", "|---|---|---|---|"]
    for name in names:
        info = Settings.model_fields[name]
        default = info.default if info.default_factory is None else "(computed)"
        lines.append(f"| `{name}` | `ASSISTANT_{name.upper()}` | `{default}` | {info.description} |")
    return lines


def render(rows: dict[str, dict[str, Any]]) -> None:
    """Write docs/RELIABILITY.md from the recorded rows (atomically)."""
    ordered = sorted(rows.values(), key=lambda r: (AREAS.index(r["area"]) if r["area"] in AREAS else 99, r["id"]))
    failed = [r for r in ordered if r["result"] not in ("pass", "known gap")]
    gaps = [r for r in ordered if r["result"] == "known gap"]
    out = [
        "# Reliability: what was tried, and what happened",
        "",
        "<!-- Generated by the tests (tests/helpers_servers.py renders evals/reports/reliability.json);"
        " do not edit by hand: run `make test`. -->",
        "",
        "Every row is one test that started real components on 127.0.0.1 (an embedded Chroma folder or a",
        "`chroma run` server, `python -m llama_cpp.server` with the default GGUF, a deliberately broken",
        "OpenAI-compatible server, the `assistant` CLI as a subprocess) and then abused them. *Times* is how often",
        "the abuse was repeated in that run; *Lost* is what a user or the data lost because of it.",
        "",
        f"Rows recorded from {min(r['run_at'] for r in ordered)} to {max(r['run_at'] for r in ordered)} "
        "(a row is rewritten each time its test runs).",
        "",
        f"**{len(ordered) - len(failed) - len(gaps)} of {len(ordered)} checks passed**"
        + (f"; known gaps (marked xfail, owner named in the row): {', '.join(r['id'] for r in gaps)}" if gaps else "")
        + (f"; failing: {', '.join(r['id'] for r in failed)}." if failed else "."),
        "",
    ]
    for area in [a for a in AREAS if any(r["area"] == a for r in ordered)]:
        out += [f"## {area}", "", "| Check | What was tried | Times | What happened | Lost | Result | Stage |",
                "|---|---|---|---|---|---|---|"]
        for r in (r for r in ordered if r["area"] == area):
            cells = [f"`{r['id']}`", r["tried"], str(r["times"]), r["happened"], r["lost"],
                     RESULTS.get(r["result"], "❌ " + r["result"]), r["stage"]]
            out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        out.append("")
    out += [
        "## Limits (all configurable)",
        "",
        *_limits_table(),
        "",
        "`request_timeout` is a progress deadline, the same for both chat backends: a request may wait at most",
        "that long for the model (its queue and the prompt) until the first token, and at most that long between two",
        "tokens; a long answer that keeps coming is not cut (on a busy 2-core machine a healthy answer can take",
        "minutes), its length is bounded by `max_answer_tokens` instead. Against a model server it is also the",
        "connect and read timeout of each attempt, and `max_retries` retries follow an attempt that failed before",
        "the answer began (connection errors, HTTP 408/409/429/5xx); a server that ignores the answer limit is",
        "stopped at twice `max_answer_tokens`. The in-process condense step (non-streamed, 60 tokens at most) is",
        "bounded in its wait.",
        "",
        "## What the user sees",
        "",
        "| Condition | Python exception | CLI | UI |",
        "|---|---|---|---|",
        "| empty, whitespace-only, control characters only, too long | `service.InputError` | exit 2, `error: …` |"
        " the sentence in the chat |",
        "| model file missing or checksum mismatch | `models.ProvisioningError` | exit 3 | the message in the chat |",
        "| model server down, HTTP error, garbage, cut-off stream | `llm.ModelUnavailable` | exit 3 |"
        " the message in the chat |",
        "| model request over `request_timeout` | `llm.ModelTimeout` (a `ModelUnavailable`) | exit 3 |"
        " the message in the chat |",
        "| Chroma server down, index unreadable | `index.IndexError_` | exit 3 | the message in the chat |",
        "| corrupt or incompatible index folder | none: moved aside to `<dir>.corrupt-<time>`, rebuilt | a warning"
        " line on stderr | nothing to see |",
        "| some lines of an `assistant ask -` batch failed | one JSON object per non-empty line, in order, with"
        " `line`; failing ones carry `error` and `code` | exit 1 (3 if nothing could be answered because a component"
        " is down) | — |",
        "",
        "## Known limits",
        "",
        "- chromadb's HttpClient has no request timeout: a Chroma server that accepts connections but never",
        "  answers (e.g. stopped with SIGSTOP) blocks the request. A server that is down fails at once.",
        "- `python -m llama_cpp.server` interrupts a running stream when another request arrives unless it is",
        "  started with `--interrupt_requests False`; the assistant reports such a cut-off stream as an error",
        "  instead of showing half an answer. The server answers one request at a time; requests queue.",
        "- The in-process llama.cpp model answers one request at a time per process (a lock); the UI runs",
        "  `ui_concurrency` answers at once per process, the rest queue in Gradio. Scale out with more UI",
        "  processes sharing one model server and one Chroma server.",
        "- After a corpus change, run `assistant ingest` once and then restart the UI processes: a process keeps the",
        "  chunk list it started with, and `Assistant.retriever` builds the index only when there is none.",
        "- Embedded Chroma is for one process; several processes (UI workers) share a `chroma run` server.",
        "",
    ]
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    tmp = DOC_PATH.with_suffix(".md.tmp")
    tmp.write_text("\n".join(out), encoding="utf-8")
    os.replace(tmp, DOC_PATH)


# --- child processes that the tests kill -------------------------------------------------------------------------
def _slow_ingest(cache_dir: str, corpus: str, delay: str) -> None:
    """Ingest with the fake embedder slowed down per batch, printing progress, so a test can kill it mid-way."""
    from assistant.config import Settings
    from assistant.embeddings import FakeEmbedder
    from assistant.llm import FakeChatModel
    from assistant.service import Assistant

    class SlowFakeEmbedder(FakeEmbedder):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            time.sleep(float(delay))
            return super().embed_documents(texts)

    settings = Settings(cache_dir=Path(cache_dir), corpus_path=Path(corpus), embedder="fake", llm_backend="fake")
    assistant = Assistant(settings, embedder=SlowFakeEmbedder(), chat_model=FakeChatModel())
    print("started", flush=True)
    report = assistant.ingest(progress=lambda done, total: print(f"embedded {done}/{total}", flush=True))
    print(f"complete {report.collection}", flush=True)


def _feedback_writer(path: str, worker: str) -> None:
    """Append feedback records forever, acknowledging each on stdout after append() returned."""
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(Path(path))
    for i in range(10**9):
        store.append(question=f"w{worker}-{i}", answer="x" * (20000 + i % 7), citations=[{"n": 1}], verdict="up",
                     comment=f"{worker}:{i}")
        print(i, flush=True)


def _render_again() -> None:
    """Re-render docs/RELIABILITY.md from evals/reports/reliability.json (the tests do this after every row)."""
    render(json.loads(LOG_PATH.read_text(encoding="utf-8")))


if __name__ == "__main__":
    commands = {"slow-ingest": _slow_ingest, "feedback-writer": _feedback_writer, "render": _render_again}
    commands[sys.argv[1]](*sys.argv[2:])
