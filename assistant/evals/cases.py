"""Typed eval cases loaded from evals/cases.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.config import REPO_ROOT
from assistant.schema import Turn

DEFAULT_CASES = REPO_ROOT / "evals" / "cases.yaml"


@dataclass(frozen=True)
class EvalCase:
    id: str
    language: str
    type: str  # answerable | unanswerable | comparison | multiturn
    part: str
    scenarios: tuple[str, ...]
    question: str
    history: tuple[Turn, ...]
    reference_answer: str
    key_facts: tuple[tuple[str, ...], ...]
    gold_quotes: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_cases(path: Path | None = None) -> list[EvalCase]:
    """Read the YAML cases into typed objects."""
    raw = yaml.safe_load((path or DEFAULT_CASES).read_text(encoding="utf-8"))
    return [
        EvalCase(
            id=c["id"], language=c["language"], type=c["type"], part=c.get("part", ""),
            scenarios=tuple(c.get("scenarios") or ()), question=c["question"],
            history=tuple(Turn(h["user"], h["assistant"]) for h in c.get("history") or ()),
            reference_answer=c.get("reference_answer") or "",
            key_facts=tuple(tuple(str(p).lower() for p in fact) for fact in c.get("key_facts") or ()),
            gold_quotes=tuple(c.get("gold_quotes") or ()),
        )
        for c in raw
    ]


def normalise(text: str) -> str:
    """Whitespace removed and lowercased: how gold quotes are matched against passages."""
    return re.sub(r"[\s()]+", "", text).lower()


def _pieces(quote: str) -> list[str]:
    """A quote and its sentence-sized parts (a long quote may straddle a chunk boundary)."""
    parts = [normalise(p) for p in re.split(r"(?<=[.;:?!])\s+", quote)]
    return [normalise(quote)] + [p for p in parts if len(p) >= 30]


def contains_gold(text: str, quotes: tuple[str, ...]) -> bool:
    """Whether a passage holds (a sentence-sized part of) any gold quote."""
    haystack = normalise(text)
    return any(piece in haystack for quote in quotes for piece in _pieces(quote))
