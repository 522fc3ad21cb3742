"""Ingest is idempotent, replaces changed content, and a half-built index never goes into service."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.config import Settings
from assistant.corpus import chunk_report, chunk_section, load_report
from assistant.embeddings import FakeEmbedder
from assistant.index import VectorIndex, make_client

REPO = Path(__file__).resolve().parents[1]


def _index(tmp_path: Path, embedder: FakeEmbedder) -> VectorIndex:
    settings = Settings(cache_dir=tmp_path, embedder="fake", llm_backend="fake")
    return VectorIndex(make_client(settings), embedder, "test", embedder.fingerprint)


def test_chunks_stay_inside_sections_with_stable_ids() -> None:
    report = load_report(REPO / "corpus" / "report.json")
    chunks = chunk_report(report)
    assert len({c.id for c in chunks}) == len(chunks)
    by_section = {s.id: s for s in report.sections}
    for chunk in chunks:
        section = by_section[chunk.section_id]
        assert chunk.text == section.text[chunk.start : chunk.end].strip()
        assert chunk.path == section.path and chunk.scenario == section.scenario
    assert [c.id for c in chunk_report(report)] == [c.id for c in chunks]


def test_reingest_of_unchanged_content_embeds_nothing(tmp_path: Path) -> None:
    chunks = chunk_report(load_report(REPO / "corpus" / "report.json"))
    embedder = FakeEmbedder()
    first = _index(tmp_path, embedder).sync(chunks)
    assert first.embedded == len(chunks)
    again = _index(tmp_path, embedder).sync(chunks)  # a new process: fresh VectorIndex, same folder
    assert (again.embedded, again.rebuilt) == (0, False)
    assert embedder.embedded == len(chunks)


def test_changed_content_replaces_its_chunks_without_duplicates(tmp_path: Path) -> None:
    report = load_report(REPO / "corpus" / "report.json")
    chunks = chunk_report(report)
    embedder = FakeEmbedder()
    index = _index(tmp_path, embedder)
    index.sync(chunks)
    section = report.sections[0]
    edited = replace(section, text=section.text + " Een zin die er later bij kwam.")
    new_chunks = [c for c in chunks if c.section_id != section.id] + chunk_section(edited)
    before = embedder.embedded
    result = index.sync(new_chunks)
    changed = {c.id for c in new_chunks} - {c.id for c in chunks}
    assert result.embedded == len(changed) == embedder.embedded - before
    collection = index.current()
    stored = set(collection.get()["ids"])
    assert stored == {c.id for c in new_chunks}
    # Only one collection remains: the old one was dropped after the switch.
    names = [c if isinstance(c, str) else c.name for c in index.client.list_collections()]
    assert len(names) == 1


def test_half_built_collection_is_not_served(tmp_path: Path) -> None:
    chunks = chunk_report(load_report(REPO / "corpus" / "report.json"))
    index = _index(tmp_path, FakeEmbedder())
    index.sync(chunks)
    served = index.current().name
    # What a killed ingest leaves behind: a newer collection that was never marked complete.
    index.client.create_collection(f"{index._family}-deadbeef-1", metadata={"complete": False, "built_at": 9e12})
    fresh = _index(tmp_path, FakeEmbedder())
    assert fresh.current().name == served
    result = fresh.sync(chunks)
    assert not result.rebuilt
