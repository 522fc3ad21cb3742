"""Feedback is append-only JSONL: nothing lost under concurrent writers, nothing truncated by a kill."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from assistant.feedback import FeedbackStore


def _writer(path: str, worker: int, count: int) -> None:
    store = FeedbackStore(Path(path))
    for i in range(count):
        store.append(question=f"q{worker}-{i}", answer="x" * 5000, citations=[{"n": 1}], verdict="up", comment="")


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    procs = [multiprocessing.Process(target=_writer, args=(str(path), w, 40)) for w in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    records, skipped = FeedbackStore(path).read()
    assert skipped == 0
    assert sorted(r["question"] for r in records) == sorted(f"q{w}-{i}" for w in range(8) for i in range(40))


def test_partial_line_from_a_killed_writer_is_skipped_and_not_glued(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    store = FeedbackStore(path)
    store.append(question="first", answer="a", citations=[], verdict="up")
    with path.open("ab") as handle:
        handle.write(b'{"question": "half a rec')  # what a kill mid-write can leave
    store.append(question="second", answer="b", citations=[], verdict="down", comment="te vaag")
    records, skipped = store.read()
    assert [r["question"] for r in records] == ["first", "second"]
    assert skipped == 1
    summary = store.summary()
    assert (summary.total, summary.up, summary.down) == (2, 1, 1)
