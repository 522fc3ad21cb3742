"""Load the structured report from corpus/ and cut it into section-aware chunks."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.schema import Chunk, Section

# Chunks stay small: the chat model reads ~13 ms per prompt token, so a compact passage is a fast one.
MAX_CHUNK_CHARS = 700
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“‘\"(•])")


@dataclass(frozen=True)
class ScenarioInfo:
    letter: str
    name: str
    subtitle: str
    technology: str
    orientation: str
    keywords: tuple[str, ...]

    @property
    def limited_technology(self) -> bool:
        """On the low end of the report's technology axis ("beperkt technologiegedreven")."""
        return self.technology.lower().startswith(("beperkt", "limited"))

    @property
    def individual(self) -> bool:
        """On the individual end of the report's society axis (against "collectief")."""
        return self.orientation.lower().startswith("individ")


@dataclass(frozen=True)
class Report:
    title: str
    scenarios: dict[str, ScenarioInfo]
    dimensions: tuple[str, ...]
    sections: tuple[Section, ...]


class CorpusError(RuntimeError):
    """The corpus file is missing or malformed."""


def load_report(path: Path) -> Report:
    """Read corpus/report.json into typed objects."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorpusError(f"corpus file not found: {path}") from exc
    except json.JSONDecodeError as exc:
        raise CorpusError(f"corpus file is not valid JSON: {path}: {exc}") from exc
    scenarios = {
        letter: ScenarioInfo(
            letter=letter,
            name=info["name"],
            subtitle=info.get("subtitle", ""),
            technology=info.get("technology", ""),
            orientation=info.get("orientation", ""),
            keywords=tuple(info.get("keywords", ())),
        )
        for letter, info in data["scenarios"].items()
    }
    sections = tuple(
        Section(
            id=s["id"],
            path=tuple(s["path"]),
            scenario=s.get("scenario"),
            kind=s["kind"],
            dimension=s.get("dimension"),
            text=s["text"],
        )
        for s in data["sections"]
    )
    return Report(title=data["title"], scenarios=scenarios, dimensions=tuple(data["dimensions"]), sections=sections)


def _pieces(text: str) -> list[tuple[int, int]]:
    """Split a section into paragraph/sentence spans (start, end) that chunks are packed from."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        start, end = para.span()
        if end - start <= MAX_CHUNK_CHARS:
            spans.append((start, end))
            continue
        cursor = start
        for boundary in _SENTENCE_END.finditer(text, start, end):
            spans.append((cursor, boundary.start()))
            cursor = boundary.end()
        spans.append((cursor, end))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def chunk_section(section: Section) -> list[Chunk]:
    """Pack a section's paragraphs and sentences into chunks of at most MAX_CHUNK_CHARS (one overlong sentence stays whole)."""
    groups: list[tuple[int, int]] = []
    for start, end in _pieces(section.text):
        if groups and end - groups[-1][0] <= MAX_CHUNK_CHARS:
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    chunks = []
    for ordinal, (start, end) in enumerate(groups):
        text = section.text[start:end].strip()
        digest = hashlib.sha1(f"{section.heading}\n{text}".encode()).hexdigest()[:10]
        chunks.append(
            Chunk(
                id=f"{section.id}-{ordinal}-{digest}",
                section_id=section.id,
                path=section.path,
                scenario=section.scenario,
                kind=section.kind,
                dimension=section.dimension,
                text=text,
                start=start,
                end=end,
            )
        )
    return chunks


def chunk_report(report: Report) -> list[Chunk]:
    """All chunks of the report, in report order."""
    return [chunk for section in report.sections for chunk in chunk_section(section)]
