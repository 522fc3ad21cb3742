"""Append-only feedback store (JSONL): one whole line per record, never truncated, safe under concurrency."""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FeedbackSummary:
    total: int
    up: int
    down: int
    skipped: int
    latest: list[dict[str, Any]]


class FeedbackStore:
    """Thumbs up/down with optional comment, appended as JSON lines."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, *, question: str, answer: str, citations: list[dict[str, Any]], verdict: str,
               comment: str = "", language: str = "") -> dict[str, Any]:
        """Write one record with a single write() on an O_APPEND descriptor under an exclusive lock.

        A reader never sees a partial record from a live writer; a writer killed mid-write leaves at most
        one unterminated line, which `read` skips and the next append starts on a fresh line.
        """
        if verdict not in ("up", "down"):
            raise ValueError("verdict must be 'up' or 'down'")
        record = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"), "question": question, "answer": answer,
            "citations": citations, "verdict": verdict, "comment": comment, "language": language,
        }
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if size:
                with self.path.open("rb") as handle:
                    handle.seek(size - 1)
                    if handle.read(1) != b"\n":
                        line = b"\n" + line  # a killed writer left a partial line: do not glue onto it
            os.write(fd, line)
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return record

    def read(self) -> tuple[list[dict[str, Any]], int]:
        """All complete records, and the number of unreadable lines skipped."""
        if not self.path.exists():
            return [], 0
        records, skipped = [], 0
        for raw in self.path.read_bytes().split(b"\n"):
            if not raw.strip():
                continue
            try:
                records.append(json.loads(raw))
            except (json.JSONDecodeError, UnicodeDecodeError):
                skipped += 1
        return records, skipped

    def summary(self, last: int = 5) -> FeedbackSummary:
        records, skipped = self.read()
        up = sum(r.get("verdict") == "up" for r in records)
        return FeedbackSummary(len(records), up, len(records) - up, skipped, records[-last:] if last else [])
