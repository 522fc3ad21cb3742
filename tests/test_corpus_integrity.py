"""Integrity of the structured corpus (corpus/report.json) against the raw report text."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.corpus_build import build, dumps

REPO_ROOT = Path(__file__).resolve().parents[1]
REPORT_PATH = REPO_ROOT / "corpus" / "report.json"
RAW_PATH = REPO_ROOT.parent / "shared" / "corpus" / "veerkracht-toekomstscenarios.txt"
PUA = "\uf0df"
SCENARIOS = ("A", "B", "C", "D")
KINDS = {
    "background",
    "method",
    "development",
    "summary",
    "overview_cell",
    "policy_intro",
    "policy_question",
    "scenario_text",
    "conclusion",
    "experts",
}

# Bijlage A subsection headings after "Inleiding" (each keeps its own subtitle, e.g. "Technologie: data als munt").
APPENDIX_A_SUBSECTIONS = ("Technologie: ", "Samenleving: ", "Arbeidsmarkt: ", "Loopbaangedrag: ", "Rol ")

# Raw text the corpus leaves out on purpose; removed from the raw text before fragments are checked.
DROPPED = (
    r"(?:\d+\s*)?Ga terug naar inhoudsopgave",  # back links (two carry a page number: 34, 36)
    r"Klik op een scenario om deze te bekijken\.",  # navigation hint
    r"Veerkracht in een veranderende arbeidsmarkt\s+Toekomstscenario’s",  # running header
    r"Op deze slide worden de belangrijkste beleidsvraagstukken weergegeven voor scenario [A-D]:[ \t]*\n[^\n]*",
    r"Ontwikkeling Beschrijving",  # column headers of the Bijlage B1 table (rows become sections)
    r"Loopbaan -\s*gedrag",  # overview row label, hyphenated by the layout: dimension "Loopbaangedrag"
)
# Where fragments end: sentence terminators, bullets, "o "/"-" list markers at a line start, and line
# breaks before a capital (headings, table labels and cells, list items all start on a new line).
FRAGMENT_SPLIT = re.compile(r"[.?!;•]|\n\s*[o-]\s|\n\s*(?=[A-ZÀ-ÖØ-Þ])")
# The expert and project team tables (checked line by line in test_people_tables).
PEOPLE_HEADER = "Betrokken expert Organisatie"
PEOPLE_TABLE_HEADERS = {"betrokkenexpertorganisatie", "projectteamledenorganisatie"}


def squash(text: str) -> str:
    """How quotes are matched against the corpus: no whitespace, lower case."""
    return re.sub(r"\s+", "", text.replace(PUA, "")).lower()


@pytest.fixture(scope="module")
def raw_text() -> str:
    if not RAW_PATH.is_file():
        pytest.skip(f"raw report not found at {RAW_PATH} (the shared corpus folder is not mounted)")
    return RAW_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report() -> dict:
    return json.loads(REPORT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sections(report: dict) -> list[dict]:
    return report["sections"]


def by_id(sections: list[dict]) -> dict[str, dict]:
    return {section["id"]: section for section in sections}


def raw_fragments(raw_text: str) -> list[str]:
    """Sentence-like pieces of the raw text (before the people tables), normalised like quotes."""
    text = raw_text[: raw_text.index(PEOPLE_HEADER)].replace(PUA, "")
    for pattern in DROPPED:
        text = re.sub(pattern, "\n", text)
    pieces = (squash(piece).strip(":,") for piece in FRAGMENT_SPLIT.split(text))
    return [piece for piece in pieces if len(piece) > 3]


def test_nothing_lost(raw_text: str, sections: list[dict]) -> None:
    haystack = "".join(squash("".join(s["path"]) + s["text"]) for s in sections)
    fragments = raw_fragments(raw_text)
    assert len(fragments) > 500
    missing = [fragment for fragment in fragments if fragment not in haystack]
    assert not missing, f"{len(missing)} raw fragments missing from the corpus:\n" + "\n".join(missing)


def test_people_tables(raw_text: str, sections: list[dict]) -> None:
    """Every expert/project team row is one 'Name (Organisation)' item of the list, in order."""
    raw_rows = [squash(line) for line in raw_text[raw_text.index(PEOPLE_HEADER) :].splitlines()]
    expected = [row for row in raw_rows if row and row not in PEOPLE_TABLE_HEADERS]
    people = [s for s in sections if s["kind"] == "experts"]
    assert [s["id"] for s in people] == ["betrokken-experts", "projectteam"]
    assert all(s["text"].endswith(".") and "\n" not in s["text"] for s in people)
    lines = [line for s in people for line in s["text"].removesuffix(".").split("; ")]
    assert all(re.fullmatch(r"[^()]+ \([^()]+\)", line) for line in lines), lines
    assert [squash(re.sub(r"[()]", "", line)) for line in lines] == expected
    assert "Tinne van der Elst (Tilburg University)" in lines
    assert "Patrick van der Duin (Foresight & Innovation)" in lines


def test_policy_questions(sections: list[dict]) -> None:
    questions = [s for s in sections if s["kind"] == "policy_question"]
    assert len(questions) == 16
    assert Counter(s["scenario"] for s in questions) == dict.fromkeys(SCENARIOS, 4)
    for s in questions:
        assert s["path"][0] == "Beleidsvraagstukken per scenario"
        assert s["path"][1].startswith(f"Scenario {s['scenario']}: ")
        assert re.fullmatch(r"Vraag [1-4]", s["path"][2])
        assert s["text"].endswith("?") and "•" not in s["text"]
    intros = [s for s in sections if s["kind"] == "policy_intro"]
    assert [s["scenario"] for s in intros] == list(SCENARIOS)


def test_overview_cells(report: dict, sections: list[dict]) -> None:
    cells = [s for s in sections if s["kind"] == "overview_cell"]
    assert len(cells) == 24
    pairs = {(s["dimension"], s["scenario"]) for s in cells}
    assert pairs == {(d, x) for d in report["dimensions"] for x in SCENARIOS}
    for s in cells:
        assert s["path"][0] == "Verschillen en overeenkomsten tussen scenario’s"
        assert s["path"][1] == s["dimension"]
        assert s["path"][2] == f"Scenario {s['scenario']}: {report['scenarios'][s['scenario']]['name']}"
        assert all(line.startswith("• ") for line in s["text"].split("\n")), s["text"]
    cell = {(s["dimension"].split()[0], s["scenario"]): s["text"] for s in cells}
    assert "gegarandeerd minimuminkomen" in cell["Zekerheid", "B"]
    assert "zzp" in cell["Rol", "D"]
    assert "Europa" not in cell["Technologie", "A"]
    assert "data als valuta" in cell["Technologie", "A"]
    assert "onafhankelijk Europa" in cell["Technologie", "B"]
    assert "t.b.v. duurzaamheid/brede welvaart" in cell["Technologie", "C"]
    assert "defensie-gedreven" in cell["Technologie", "D"]
    assert "alternatieve netwerken" in cell["Samenleving", "A"]
    assert "bewuste arbeidsmarktkeuzes" in cell["Arbeidsmarkt", "C"]
    assert "afhankelijk van sectorkansen" in cell["Loopbaangedrag", "B"]
    assert "coöperaties als vangnet" in cell["Rol", "A"]
    assert "vaste banen" not in cell["Zekerheid", "B"]


def test_overview_cells_partition_the_table(raw_text: str, sections: list[dict]) -> None:
    """The cells, in order, are exactly the table's bullets: nothing mixed, lost or doubled."""
    table = raw_text[raw_text.index("Technologie •") : raw_text.index("Op de volgende pagina’s")]
    table = re.sub(r"Deze tabel biedt.*?Solowerk in crisistijd", "", table, flags=re.S)  # page 2 header
    table = re.sub(r"(?m)^(?:Technologie|Samenleving|Arbeidsmarkt|Zekerheid) (?=•)", "", table)
    table = re.sub(r"Loopbaan -\s*gedrag|Rol werkgever,\s*overheid,\s*vakbonden en\s*onderwijs", "", table)
    cells = "".join(s["text"] for s in sections if s["kind"] == "overview_cell")
    assert squash(cells).replace("•", "") == squash(table).replace("•", "")


def test_scenarios(report: dict, sections: list[dict]) -> None:
    scenarios = report["scenarios"]
    assert list(scenarios) == list(SCENARIOS)
    axes = {x: (info["technology"], info["orientation"]) for x, info in scenarios.items()}
    assert axes == {
        "A": ("technologiegedreven", "individueel"),
        "B": ("technologiegedreven", "collectief"),
        "C": ("beperkt technologiegedreven", "collectief"),
        "D": ("beperkt technologiegedreven", "individueel"),
    }
    assert scenarios["A"]["subtitle"] == "Overleven door kansen te benutten in een data gedreven wereld"
    assert scenarios["C"]["subtitle"] == "Het algemene belang centraal"
    assert scenarios["A"]["keywords"][0] == "overheden verliezen grip"
    assert all(3 <= len(info["keywords"]) <= 4 for info in scenarios.values())
    for x, info in scenarios.items():
        summaries = [s for s in sections if s["kind"] == "summary" and s["scenario"] == x]
        assert len(summaries) == 2  # the quadrant bullets and the summary page
        assert any(info["subtitle"] in s["path"] for s in summaries)
        texts = [s for s in sections if s["kind"] == "scenario_text" and s["scenario"] == x]
        assert [s["path"][1] for s in texts] == [f"Scenario {x}: {info['name']}"] * 6
        heads = [s["path"][2] for s in texts]
        assert heads[0] == "Inleiding"
        for head, expected in zip(heads[1:], APPENDIX_A_SUBSECTIONS, strict=True):
            assert head.startswith(expected), head


def test_developments(sections: list[dict]) -> None:
    developments = [s for s in sections if s["kind"] == "development"]
    assert len(developments) == 10
    assert all(s["path"][0] == "Bijlage B1: Relevante externe ontwikkelingen" for s in developments)
    names = [s["path"][1] for s in developments]
    assert names[0] == "Omvang beroeps-bevolking (neemt toe/af)"
    assert names[-1] == "Arbeidsmarkt- en opleidingsbeleid (veel, weinig)"


def test_sections_well_formed(report: dict, sections: list[dict]) -> None:
    ids = [s["id"] for s in sections]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", sid) for sid in ids)
    for s in sections:
        assert list(s) == ["id", "path", "scenario", "kind", "dimension", "text"]
        assert s["kind"] in KINDS
        assert s["scenario"] in (None, *SCENARIOS)
        assert (s["dimension"] is not None) == (s["kind"] == "overview_cell")
        assert s["text"].strip() and all(part.strip() for part in s["path"])
        assert s["text"] == s["text"].strip() and "  " not in s["text"] and "\n\n\n" not in s["text"]
        for residue in ("Ga terug naar inhoudsopgave", "Klik op een scenario", "Op deze slide", PUA):
            assert residue not in s["text"] and residue not in "".join(s["path"])
        assert "arbeidsmarkt Toekomstscenario’s" not in s["text"]  # the running header
    sections_by_id = by_id(sections)
    assert sections_by_id["scenario-c-inleiding"]["path"][1] == "Scenario C: Collectieve waarden boven winst"
    assert "dataprofielen" in sections_by_id["beleid-a-intro"]["text"]
    assert "zon- en windenergie" in sections_by_id["scenario-b-technologie"]["text"]
    assert "sociaal-economische" in sections_by_id["scenario-a-inleiding"]["text"]


def test_build_is_deterministic(raw_text: str) -> None:
    committed = REPORT_PATH.read_text(encoding="utf-8")
    assert dumps(build(raw_text)) == committed
    assert dumps(build(raw_text)) == committed
