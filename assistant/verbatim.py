"""Answers the report gives as a list of its own: built from its text, each item cited to its passage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.citations import split_sentences
from assistant.prompts import message
from assistant.routing import detect_scenarios
from assistant.schema import SCENARIOS, Chunk, Citation, Language

# The quadrant summaries (130-180 characters, section "kwadrant-a" ...), not the page-long summary of each scenario,
# whose second chunk (230-300 characters) is as short.
_QUADRANT_SECTION = "kwadrant-"
_DEVELOPMENT_LIST_SECTION = "relevante-externe-ontwikkelingen"


def is_quadrant_summary(chunk: Chunk) -> bool:
    """Whether the chunk is a scenario's quadrant summary: its few defining lines."""
    return chunk.kind == "summary" and chunk.section_id.startswith(_QUADRANT_SECTION)


def is_development_list(chunk: Chunk) -> bool:
    """Whether the chunk is the report's list of the external developments it selected (their names only)."""
    return chunk.section_id == _DEVELOPMENT_LIST_SECTION


def scenario_label(letter: str, names: Mapping[str, str]) -> str:
    """How an answer names a scenario: "Scenario A (Prestatiemaatschappij)"."""
    return f"Scenario {letter} ({names[letter]})" if letter in names else f"Scenario {letter}"


def _cite(citations: list[Citation], chunk: Chunk) -> int:
    n = len(citations) + 1
    citations.append(Citation(n=n, chunk=chunk, quote=chunk.text, support=1.0))
    return n


def policy_questions(chunks: Sequence[Chunk], names: Mapping[str, str], scenarios: Sequence[str],
                     language: Language) -> tuple[str, tuple[Citation, ...]]:
    """The policy questions of each scenario, with its introduction to them when one scenario is asked."""
    lines: list[str] = []
    citations: list[Citation] = []
    for letter in scenarios:
        kinds = ("policy_intro", "policy_question") if len(scenarios) == 1 else ("policy_question",)
        lines.append(f"**{message('policy_list', language, scenario=scenario_label(letter, names))}**")
        for chunk in (c for c in chunks if c.scenario == letter and c.kind in kinds):
            bullet = "- " if chunk.kind == "policy_question" else ""
            lines.append(f"{bullet}“{chunk.text}” [{_cite(citations, chunk)}]")
        lines.append("")
    return "\n".join(lines).strip(), tuple(citations)


def scenarios_overview(chunks: Sequence[Chunk], names: Mapping[str, str],
                       language: Language) -> tuple[str, tuple[Citation, ...]]:
    """Each scenario's quadrant summary, its list items joined in one quote."""
    heading = "scenarios_overview" if len(names) == len(SCENARIOS) else "scenarios_compared"
    lines = [f"**{message(heading, language)}**"]
    citations: list[Citation] = []
    if 1 < len(names) < len(SCENARIOS):
        # "What do B and C have in common?": the report says it itself of these scenarios together, in its conclusion
        # ("Scenario's waarin samenwerking … centraal staan (B en C) bieden meer stabiliteit …").
        for chunk in (c for c in chunks if c.scenario is None):
            together = [s for s in split_sentences(chunk.text) if set(detect_scenarios(s)) == set(names)]
            if together:
                n = _cite(citations, chunk)
                quotes = " ".join(f"“{sentence.rstrip('.')}”" for sentence in together)
                lines.append(f"- **{message('across_scenarios', language)}**: {quotes} [{n}]")
    for letter in names:
        summary = next((c for c in chunks if c.scenario == letter and is_quadrant_summary(c)), None)
        if summary is not None:
            items = (item.strip(" :") for item in split_sentences(summary.text))  # without "o " and "•" markers
            quote = "; ".join(item for item in items if item)
            lines.append(f"- **{scenario_label(letter, names)}**: “{quote}” [{_cite(citations, summary)}]")
    return "\n".join(lines), tuple(citations)


def developments(chunks: Sequence[Chunk], language: Language) -> tuple[str, tuple[Citation, ...]]:
    """The external developments the report selected, in its list's order and words."""
    found = next((c for c in chunks if is_development_list(c)), None)
    if found is None:
        return "", ()
    citations: list[Citation] = []
    n = _cite(citations, found)
    lines = [f"**{message('developments_list', language)}**"]
    lines += [f"- “{item.strip()}” [{n}]" for item in split_sentences(found.text) if item.strip()]
    return "\n".join(lines), tuple(citations)
