"""Chroma server mode, for real: `chroma run` on a free loopback port, chosen by configuration alone.

Same search results as the embedded store; the server going away mid-session is a readable IndexError_ (and
exit 3 in the CLI), and the same Assistant recovers when the server is back; several workers share one server.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers_servers import BIN, REPO, ServerProcess, check, chroma_server, free_port

from assistant.config import Settings
from assistant.embeddings import FakeEmbedder
from assistant.index import IndexError_, describe
from assistant.llm import FakeChatModel
from assistant.service import Assistant

pytestmark = pytest.mark.servers

QUERIES = ["Wat betekent scenario D voor zzp'ers?", "Vergelijk A en C op inkomenszekerheid",
           "What does scenario B mean for vulnerable workers?", "Welke beleidsvragen roept de prestatiemaatschappij op?",
           "rol van de vakbond", "scholing en ontwikkeling van werkenden", "technologie en automatisering",
           "werkloosheid in crisistijd", "flexibele contracten", "solidariteit tussen generaties", "zzp", "AI"]


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("chroma-server")
    server = chroma_server(folder / "data", free_port(), folder / "chroma.log")
    server.start()
    yield server
    server.kill()


def _server_assistant(url: str, cache: Path, **overrides: object) -> Assistant:
    settings = Settings(cache_dir=cache, embedder="fake", llm_backend="fake", chroma_url=url, **overrides)
    return Assistant(settings, embedder=FakeEmbedder(), chat_model=FakeChatModel())


def _results(assistant: Assistant) -> list[list[tuple[str, float]]]:
    return [[(h.chunk.id, round(h.dense or 0.0, 5)) for h in assistant.search(q, k=6).hits] for q in QUERIES]


def test_server_mode_by_configuration_gives_the_embedded_results(chroma: ServerProcess, tmp_path: Path) -> None:
    with check("chroma-server-same-results", "Chroma server", "ASSISTANT_CHROMA_URL set to a `chroma run` server "
               "on loopback: index built on demand, 12 searches compared with the embedded store, then 20 "
               "concurrent searches", stage="servers") as row:
        embedded = Assistant(Settings(cache_dir=tmp_path / "embedded", embedder="fake", llm_backend="fake"),
                             embedder=FakeEmbedder(), chat_model=FakeChatModel())
        served = _server_assistant(chroma.url, tmp_path / "served")
        assert describe(served.index.client).startswith(f"the Chroma server at {chroma.url}")
        assert not (tmp_path / "served" / "index").exists(), "server mode must not create an embedded folder"
        expected = _results(embedded)
        got = _results(served)  # the server was empty: the first search builds the index there
        assert [[cid for cid, _ in r] for r in got] == [[cid for cid, _ in r] for r in expected]
        drift = max(abs(a[1] - b[1]) for r, e in zip(got, expected, strict=True) for a, b in zip(r, e, strict=True))
        assert drift < 1e-4
        # 20 threads at once against the server: the same answers as one at a time.
        outcomes: list[object] = [None] * 20

        def search(i: int) -> None:
            try:
                outcomes[i] = [h.chunk.id for h in served.search(QUERIES[i % len(QUERIES)], k=6).hits]
            except Exception as exc:
                outcomes[i] = exc

        threads = [threading.Thread(target=search, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert outcomes == [[cid for cid, _ in expected[i % len(QUERIES)]] for i in range(20)]
        row.times = len(QUERIES) + 20
        row.happened = ("HttpClient chosen by the setting alone; index built on the server on first use; the same "
                        f"passages in the same order as the embedded store (scores within {drift:.0e}); 20 "
                        "concurrent searches identical")


def test_server_going_away_mid_session_is_clear_and_recovers(chroma: ServerProcess, tmp_path: Path) -> None:
    with check("chroma-server-down-and-back", "Chroma server", "server SIGKILLed mid-session (search and ask on "
               "the same Assistant, `assistant search` in the CLI, a new Assistant created while it is down); then "
               "restarted on the same port and folder", stage="servers") as row:
        worker = _server_assistant(chroma.url, tmp_path)
        before = [[cid for cid, _ in r] for r in _results(worker)]
        assert not worker.ask(QUERIES[0]).refused
        chroma.kill()
        messages = []
        for call in (lambda: worker.search(QUERIES[0]), lambda: worker.ask(QUERIES[2])):
            started = time.monotonic()
            with pytest.raises(IndexError_) as info:
                call()
            assert time.monotonic() - started < 5
            messages.append(str(info.value))
        for text in messages:
            assert f"the Chroma server at {chroma.url}" in text and "is the server running?" in text, text
            assert "\n" not in text and len(text) < 400
        late = _server_assistant(chroma.url, tmp_path / "late")
        with pytest.raises(IndexError_, match="cannot reach the Chroma server"):
            late.search(QUERIES[0])
        env = {**os.environ, "ASSISTANT_EMBEDDER": "fake", "ASSISTANT_LLM_BACKEND": "fake",
               "ASSISTANT_CACHE_DIR": str(tmp_path / "cli"), "ASSISTANT_CHROMA_URL": chroma.url}
        done = subprocess.run([str(BIN / "assistant"), "search", QUERIES[0]], env=env, capture_output=True,
                              timeout=60, check=False)
        stderr = done.stderr.decode()
        assert done.returncode == 3 and stderr.startswith("error: cannot reach the Chroma server") \
            and "Traceback" not in stderr, stderr
        seconds = chroma.start()
        assert [[cid for cid, _ in r] for r in _results(worker)] == before, "the same Assistant object recovers"
        assert [[cid for cid, _ in r] for r in _results(late)] == before, "one created while it was down, too"
        done = subprocess.run([str(BIN / "assistant"), "search", QUERIES[0], "--json"], env=env, capture_output=True,
                              timeout=60, check=False)
        assert done.returncode == 0 and json.loads(done.stdout)["hits"]
        row.times = 4
        row.happened = (f"IndexError_ at once: “{messages[0][:120]}…”; CLI exit 3 (“cannot reach the Chroma "
                        f"server …”); after the restart ({seconds:.1f} s) both Assistants and the CLI served the "
                        "same results without a restart of their own")
        row.lost = "nothing (the server's folder holds the index; the answers during the outage were refused with "\
                   "the message)"


def test_workers_sharing_a_server_survive_a_reingest_by_another(chroma: ServerProcess, tmp_path: Path) -> None:
    with check("chroma-server-two-workers", "Chroma server", "two UI workers on one server; worker B ingests a "
               "changed corpus (replacing the collection A serves) while A keeps searching", stage="servers") as row:
        worker_a = _server_assistant(chroma.url, tmp_path / "a")
        assert worker_a.search(QUERIES[0]).hits
        data = json.loads((REPO / "corpus" / "report.json").read_text(encoding="utf-8"))
        data["sections"][0]["text"] += " Aanvulling."
        corpus_v2 = tmp_path / "report-v2.json"
        corpus_v2.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        worker_b = _server_assistant(chroma.url, tmp_path / "b", corpus_path=corpus_v2)
        report = worker_b.ingest()
        assert report.rebuilt and report.embedded >= 1
        searches = 0
        for query in QUERIES:
            assert worker_a.search(query).hits, query  # its collection is gone: it moves to the newest one
            searches += 1
        assert worker_a.index.current().name == report.collection
        row.times = searches
        row.happened = (f"B's ingest reused {report.copied} vectors, embedded {report.embedded}, dropped the old "
                        f"collection; A's {searches} searches found the new collection by itself (no error)")
