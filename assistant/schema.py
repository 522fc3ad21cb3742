"""Frozen domain types passed between the stages of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Language = Literal["nl", "en"]
SCENARIOS = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Section:
    """One section of the cleaned report, with its heading path and tags."""

    id: str
    path: tuple[str, ...]
    scenario: str | None
    kind: str
    dimension: str | None
    text: str

    @property
    def heading(self) -> str:
        return " › ".join(self.path)


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: never spans two sections."""

    id: str
    section_id: str
    path: tuple[str, ...]
    scenario: str | None
    kind: str
    dimension: str | None
    text: str
    start: int
    end: int

    @property
    def heading(self) -> str:
        return " › ".join(self.path)

    @property
    def embed_text(self) -> str:
        """The text that is embedded and lexically indexed: heading path plus passage."""
        return f"{self.heading}\n{self.text}"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the ranks that produced it."""

    chunk: Chunk
    score: float
    dense: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: the passage and the words in it that support the claim."""

    n: int
    chunk: Chunk
    quote: str
    support: float

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "section": self.chunk.heading,
            "scenario": self.chunk.scenario,
            "text": self.chunk.text,
            "chunk_id": self.chunk.id,
            "quote": self.quote,
            "support": round(self.support, 3),
        }


@dataclass(frozen=True)
class Sentence:
    """One sentence of the answer and the citation numbers that support it."""

    text: str
    markers: tuple[int, ...]
    quote: bool = False  # a verbatim sentence of the report, not the model's words


@dataclass(frozen=True)
class Timings:
    retrieval_s: float = 0.0
    first_token_s: float | None = None
    total_s: float = 0.0


@dataclass(frozen=True)
class Answer:
    """The final, verified answer."""

    question: str
    language: Language
    answer: str
    refused: bool
    citations: tuple[Citation, ...]
    standalone_question: str
    sentences: tuple[Sentence, ...] = ()
    dropped: tuple[str, ...] = ()
    hits: tuple[Hit, ...] = ()
    notice: str | None = None
    timings: Timings = field(default_factory=Timings)
    prompt_tokens: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "language": self.language,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_json() for c in self.citations],
            "standalone_question": self.standalone_question,
            "dropped_sentences": list(self.dropped),
            "notice": self.notice,
            "retrieved": [h.chunk.id for h in self.hits],
            "timings": {
                "retrieval_s": round(self.timings.retrieval_s, 3),
                "first_token_s": None if self.timings.first_token_s is None else round(self.timings.first_token_s, 3),
                "total_s": round(self.timings.total_s, 3),
            },
            "prompt_tokens": self.prompt_tokens,
        }


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation."""

    user: str
    assistant: str
