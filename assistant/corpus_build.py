"""Build the structured corpus (corpus/report.json) from the raw text of the report.

The raw file is a PDF text extraction of one fixed document, so its structure is described by an
explicit, ordered map of anchor lines (:func:`layout`) instead of heuristics. Each anchor opens a
span of lines that one handler turns into sections. Cleaning changes only whitespace (plus the
private-use glyph U+F0DF), so quotes can be matched against the corpus once all whitespace is
removed; :func:`clean` enforces that.

Run once and commit the output: ``python -m assistant.corpus_build RAW_PATH OUT_PATH``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

TITLE = "Veerkracht in een veranderende arbeidsmarkt — Toekomstscenario's"
SOURCE = "veerkracht-toekomstscenarios.txt"
PUA = "\uf0df"  # private-use arrow glyph of the "Ga terug naar inhoudsopgave" links

# Fixed facts of the document: the scenario names and their quadrant in the 2x2 figure
# (top = technologiegedreven, left = individueel gericht).
SCENARIOS: dict[str, tuple[str, str, str]] = {
    "A": ("Prestatiemaatschappij", "technologiegedreven", "individueel"),
    "B": ("Technologie solidair aan zet", "technologiegedreven", "collectief"),
    "C": ("Collectieve waarden boven winst", "beperkt technologiegedreven", "collectief"),
    "D": ("Solowerk in crisistijd", "beperkt technologiegedreven", "individueel"),
}
DIMENSIONS = (
    "Technologie",
    "Samenleving",
    "Arbeidsmarkt",
    "Zekerheid",
    "Loopbaangedrag",
    "Rol werkgever, overheid, vakbonden en onderwijs",
)

# Top-level headings (as printed, with the report's typographic apostrophes).
SUMMARY = "Samenvatting scenario’s"
OVERVIEW = "Verschillen en overeenkomsten tussen scenario’s"
OVERVIEW_TABLE = "Overzicht scenario’s"
POLICY = "Beleidsvraagstukken per scenario"
CONCLUSION = "Conclusie"
APPENDIX_A = "Bijlage A: Volledige toekomstscenario’s"
APPENDIX_B1 = "Bijlage B1: Relevante externe ontwikkelingen"  # not printed in the extraction
APPENDIX_B2 = "Bijlage B2: Assenkruismethode"  # not printed in the extraction

# Overview table: how each row label starts, and the first bullet of each cell (A, B, C, D).
# The table is linearised row by row, so these anchors are the cell boundaries; they were
# decided by reading the full scenario texts in Bijlage A.
OVERVIEW_ROWS: tuple[tuple[str, str, tuple[str, str, str, str]], ...] = (
    (
        "Technologie",
        "Technologie",
        (
            "sterk technologie-gedreven",
            "technologie als katalysator",
            "beperkt technologie-gedreven",
            "innovatie gestagneerd",
        ),
    ),
    (
        "Samenleving",
        "Samenleving",
        ("individueel gericht;", "collectief verbonden; solidariteit", "collectief verbonden;", "individueel gericht;"),
    ),
    (
        "Arbeidsmarkt",
        "Arbeidsmarkt",
        ("competitieve arbeidsmarkt", "werkgeverspool", "bewuste arbeidsmarktkeuzes", "weinig werk, grote"),
    ),
    (
        "Zekerheid",
        "Zekerheid",
        ("werkzekerheid afhankelijk", "werkzekerheid door brede", "baanzekerheid", "weinig werk- en"),
    ),
    (
        "Loopbaangedrag",
        "Loopbaan -",
        ("modulair & continu leren", "skill-paspoorten", "afgestemd op maatschappelijke", "Korte termijngericht"),
    ),
    (
        "Rol werkgever, overheid, vakbonden en onderwijs",
        "Rol werkgever,",
        ("techbedrijven als", "collectieve regie", "overheid coördineert", "werkgevers: flexibel"),
    ),
)

# Bijlage B1: the development names as extracted (whitespace collapsed), with stable id suffixes.
DEVELOPMENTS = (
    ("omvang-beroepsbevolking", "Omvang beroeps -bevolking (neemt toe/af)"),
    ("migratie", "Migratie (neemt toe/af)"),
    ("globalisering", "(de)globalisering"),
    ("arbeidsmarkt-krap-ruim", "Arbeidsmarkt (krap/ruim)"),
    ("economische-ongelijkheid", "Economische ongelijkheid (neemt toe/af)"),
    ("technologische-transformatie", "Technologische transformatie (versnelt/vertraagd)"),
    ("duurzaamheidstransitie", "Duurzaamheidstransitie (versnelt/vertraagd)"),
    ("sociale-zekerheid", "Sociale zekerheid (wel/geen hervorming)"),
    ("regulering-arbeidsmarkt", "(de)regulering arbeidsmarkt"),
    ("arbeidsmarkt-en-opleidingsbeleid", "Arbeidsmarkt - en opleidingsbeleid (veel, weinig)"),
)

# Bijlage A: subsection heading anchors (id suffix, line prefix), in order, and the line that
# opens each scenario (scenario C's title line is missing: only its subtitle is printed).
APPENDIX_A_SUBSECTIONS = (
    ("inleiding", "Inleiding"),
    ("technologie", "Technologie :"),
    ("samenleving", "Samenleving :"),
    ("arbeidsmarkt", "Arbeidsmarkt :"),
    ("loopbaangedrag", "Loopbaangedrag :"),
    ("rol", "Rol "),
)
APPENDIX_A_STARTS = {
    "A": "Scenario A: Prestatiemaatschappij",
    "B": "Scenario B: Technologie solidair aan zet",
    "C": "Het algemene belang centraal",
    "D": "Scenario D: Solowerk in crisistijd",
}

# Navigation residue, removed before anything else.
_RESIDUE_LINES = frozenset(
    {
        "Klik op een scenario om deze te bekijken.",
        "Veerkracht in een veranderende arbeidsmarkt Toekomstscenario’s",  # running header
    }
)
_BACK_LINK = re.compile(r"\s*(?:\d+\s*)?Ga terug naar inhoudsopgave\s*$")  # "34 Ga terug ..."
_SLIDE_INTRO = "Op deze slide worden de belangrijkste beleidsvraagstukken weergegeven voor scenario"

# Whitespace-only repairs of the layout.
_SPLIT_WORDS = (("aanda cht", "aandacht"), ("datapro fiel", "dataprofiel"))
_GLUED_HYPHEN = re.compile(r"(\S+) -(?=[^\s-])")  # "sociaal -economische", "AI -coaches"
_SUSPENDED_HYPHEN = re.compile(r"(?<=\S) - (?=(?:en|of|naar) (?!toegang))")  # "zon - en wind"; not the dash pair
_SPACE_BEFORE = re.compile(r"\s+(?=[.,;:?!)])")
_SPACE_AFTER_PAREN = re.compile(r"\(\s+")
_SLASH = re.compile(r"(?<=\S) /(?=\S)|(?<=\S)/ (?=\S)")  # "krap /ruim", "overheid/ vakbond"; keeps "a / b"
_TERMINATORS = (".", "?", "!")
_SHORT_LINE = 0.85  # a sentence-final line shorter than this share of the block width ends a paragraph
_EXPERT_NAME_PARTICLES = frozenset({"van", "der", "de", "den", "ten", "ter"})


class Section(TypedDict):
    """One section of report.json."""

    id: str
    path: list[str]
    scenario: str | None
    kind: str
    dimension: str | None
    text: str


class Scenario(TypedDict):
    """One scenario of report.json: name, subtitle, quadrant position and figure keywords."""

    name: str
    subtitle: str
    technology: str
    orientation: str
    keywords: list[str]


class Report(TypedDict):
    """The whole of report.json."""

    title: str
    source: str
    scenarios: dict[str, Scenario]
    dimensions: list[str]
    sections: list[Section]


def _section(
    sid: str, path: Iterable[str], kind: str, text: str, scenario: str | None = None, dimension: str | None = None
) -> Section:
    return Section(id=sid, path=list(path), scenario=scenario, kind=kind, dimension=dimension, text=text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace(PUA, ""))


def collapse(line: str) -> str:
    """Collapse all whitespace runs to single spaces and strip."""
    return " ".join(line.replace(PUA, "").split())


def clean(text: str) -> str:
    """Clean one paragraph or list item: only whitespace changes (verified)."""
    out = collapse(text)
    for broken, whole in _SPLIT_WORDS:
        out = out.replace(broken, whole)
    out = _GLUED_HYPHEN.sub(lambda m: m[0] if m[1] in ("en", "of") else f"{m[1]}-", out)  # keep "caps en -prikkels"
    out = _SUSPENDED_HYPHEN.sub("- ", out)
    out = _SPACE_BEFORE.sub("", out)
    out = _SPACE_AFTER_PAREN.sub("(", out)
    out = _SLASH.sub("/", out)
    if _squash(out) != _squash(text):
        raise ValueError(f"cleaning changed more than whitespace: {text!r}")
    return out


def heading(line: str) -> str:
    """A heading line as a path element (cleaned, without a trailing colon)."""
    return clean(line).rstrip(":").rstrip()


def scenario_title(letter: str) -> str:
    return f"Scenario {letter}: {SCENARIOS[letter][0]}"


def _join_wrapped(head: str, tail: str) -> str:
    """Join two layout lines; a line-final hyphen glues to the next word unless it is "X- en Y"."""
    if head.endswith("-") and not tail.startswith(("en ", "of ")):
        return head + tail
    return f"{head} {tail}"


@dataclass
class _Block:
    text: str
    item: bool  # a list item (rendered on its own line) rather than a paragraph


def _blocks(
    lines: Sequence[str], markers: tuple[str, ...] = ("•",), *, paragraphs: bool = True, items: bool = False
) -> list[_Block]:
    """Group layout lines into paragraphs and list items (uncleaned).

    A line starting with a marker opens a list item; with ``items`` every line is one. With
    ``paragraphs`` a paragraph also ends at a blank line next to single-spaced lines (most of the
    extraction is double-spaced, so there a blank line means nothing) and after a sentence-final
    line that is clearly shorter than the block. A line starting with a space begins a new page.
    """
    raw = [line.replace(PUA, "") for line in lines]
    filled = [bool(line.strip()) for line in raw]

    def single_spaced(i: int) -> bool:
        above = i > 0 and filled[i - 1] and not raw[i].startswith(" ")
        below = i + 1 < len(raw) and filled[i + 1] and not raw[i + 1].startswith(" ")
        return above or below

    width = max((len(collapse(line)) for line in raw), default=0)
    blocks: list[_Block] = []
    closed, gap, tight = True, False, False
    for i, line in enumerate(raw):
        if not filled[i]:
            gap = True
            continue
        row = collapse(line)
        starts_item = items or row.startswith(markers)
        breaks = paragraphs and gap and (tight or single_spaced(i))
        if blocks and not (closed or starts_item or breaks):
            blocks[-1].text = _join_wrapped(blocks[-1].text, row)
        else:
            blocks.append(_Block(row, starts_item))
        closed = items or (paragraphs and row.endswith(_TERMINATORS) and len(row) < _SHORT_LINE * width)
        gap, tight = False, single_spaced(i)
    return blocks


def _render(blocks: Sequence[_Block]) -> str:
    """Cleaned text: paragraphs separated by blank lines, consecutive list items by newlines."""
    out = ""
    for i, block in enumerate(blocks):
        if i:
            out += "\n" if block.item and blocks[i - 1].item else "\n\n"
        out += clean(block.text)
    return out


def format_lines(lines: Sequence[str], markers: tuple[str, ...] = ("•",), **options: bool) -> str:
    """Layout lines to cleaned text (see :func:`_blocks`)."""
    return _render(_blocks(lines, markers, **options))


@dataclass
class _Doc:
    """What handlers learn along the way and later handlers or the scenario table need."""

    subtitles: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)

    @property
    def running_titles(self) -> set[str]:
        """Scenario title and subtitle lines repeated at the top of columns."""
        return {scenario_title(x) for x in SCENARIOS} | set(self.subtitles.values())


Handler = Callable[[list[str], _Doc], list[Section]]


@dataclass(frozen=True)
class Prose:
    """Paragraphs under the anchor line, which is the heading unless ``title`` is given."""

    sid: str
    kind: str
    parent: tuple[str, ...] = ()
    scenario: str | None = None
    title: str | None = None
    stop: str | None = None  # the text ends before the first line starting with this
    items: bool = False  # one list item per line

    def __call__(self, span: list[str], doc: _Doc) -> list[Section]:
        head, body = (self.title, span) if self.title else (heading(span[0]), span[1:])
        if self.stop:
            body = body[: next((i for i, line in enumerate(body) if collapse(line).startswith(self.stop)), len(body))]
        body = ["" if collapse(line) in doc.running_titles else line for line in body]
        text = format_lines(body, items=self.items)
        return [_section(self.sid, (*self.parent, head), self.kind, text, self.scenario)]


def skip(span: list[str], doc: _Doc) -> list[Section]:
    """Navigation only (tables of contents, title pages)."""
    return []


def quadrant(span: list[str], doc: _Doc) -> list[Section]:
    """The 2x2 figure: intro text and axes (method), then one summary per quadrant (raw order)."""
    rows = [collapse(line) for line in span]
    axes_at = rows.index("Technologie gedreven")
    first_label = next(i for i, row in enumerate(rows) if re.match(r"[A-D]: ", row))
    axis_labels = [" ".join(group.split()) for group in "\n".join(rows[axes_at:first_label]).split("\n\n")]
    intro = format_lines(span[:axes_at], ("•", "-")) + "\n\n" + "\n".join(label for label in axis_labels if label)
    sections = [_section("samenvatting-scenarios", [SUMMARY], "method", intro)]

    quadrants: dict[str, tuple[str, list[str]]] = {}
    current = ""
    for row, line in zip(rows[first_label:], span[first_label:], strict=True):
        if row == SUMMARY:  # the page title, printed below the figure
            break
        if match := re.match(r"([A-D]): ", row):
            current = match[1]
            quadrants[current] = (clean(row), [])
        else:
            quadrants[current][1].append(line)
    for letter, (label, lines) in quadrants.items():
        blocks = _blocks(lines, ("o ", "•"), paragraphs=False)
        keywords: list[str] = []
        for block in blocks:
            text = clean(block.text)
            if text.startswith("o "):
                keywords.append(text[2:])
            else:  # a sub-bullet of the previous keyword
                keywords[-1] += (" " if keywords[-1].endswith(":") else ", ") + text.lstrip("• ")
        doc.keywords[letter] = keywords
        path = [SUMMARY, f"Kwadrant {label}"]
        sections.append(_section(f"kwadrant-{letter.lower()}", path, "summary", _render(blocks), letter))
    return sections


@dataclass(frozen=True)
class Summary:
    """One summary page: heading, subtitle line, bullets."""

    letter: str

    def __call__(self, span: list[str], doc: _Doc) -> list[Section]:
        filled = [i for i, line in enumerate(span) if collapse(line)]
        title, subtitle = heading(span[filled[0]]), clean(span[filled[1]])
        if title != f"Samenvatting scenario {self.letter}: {SCENARIOS[self.letter][0]}":
            raise ValueError(f"unexpected summary heading: {title!r}")
        doc.subtitles[self.letter] = subtitle
        text = format_lines(span[filled[1] + 1 :])
        sid = f"samenvatting-{self.letter.lower()}"
        return [_section(sid, [SUMMARY, title, subtitle], "summary", text, self.letter)]


def _in_order(rows: Sequence[str], prefixes: Iterable[str], key: Callable[[str], str] = collapse) -> list[int]:
    """Index of the first row starting with each prefix, each searched after the previous find."""
    found: list[int] = []
    for prefix in prefixes:
        after = found[-1] + 1 if found else 0
        index = next((i for i in range(after, len(rows)) if key(rows[i]).startswith(prefix)), None)
        if index is None:
            raise ValueError(f"{prefix!r} not found after row {after}")
        found.append(index)
    return found


def _ranges(starts: list[int], end: int) -> list[tuple[int, int]]:
    """(start, end) of each run that begins at one of ``starts`` and ends at the next one."""
    return list(zip(starts, [*starts[1:], end], strict=True))


def _cut(rows: list[str], start: str, end: str) -> list[str]:
    """Remove the rows from the first one starting with ``start`` up to the next one equal to ``end``."""
    i = next(i for i, row in enumerate(rows) if row.startswith(start))
    j = rows.index(end, i)
    return rows[:i] + rows[j + 1 :]


def overview(span: list[str], doc: _Doc) -> list[Section]:
    """The two-page overview table, rebuilt as one section per (dimension, scenario) cell."""
    rows = [row for row in (collapse(line) for line in span) if row]
    last_column_header = SCENARIOS["D"][0]
    table_at = rows.index(OVERVIEW_TABLE)
    intro = format_lines(rows[1:table_at])
    sections = [_section("overzicht-intro", [OVERVIEW, OVERVIEW_TABLE], "method", intro)]
    body = rows[rows.index(last_column_header, table_at) + 1 :]
    body = _cut(body, "Deze tabel biedt", last_column_header)  # the second page repeats the header

    row_starts = _in_order(body, (label for _, label, _ in OVERVIEW_ROWS))
    for (dimension, _, cell_starts), (begin, end) in zip(OVERVIEW_ROWS, _ranges(row_starts, len(body)), strict=True):
        lines = body[begin:end]
        first = next(i for i, line in enumerate(lines) if "•" in line)  # the label ends at the first bullet
        lines = [lines[first][lines[first].index("•") :], *lines[first + 1 :]]
        bullets = [clean(block.text) for block in _blocks(lines, paragraphs=False)]
        cells = _in_order(bullets, cell_starts, key=lambda bullet: bullet.removeprefix("• "))
        if cells[0] != 0:
            raise ValueError(f"row {dimension!r}: bullets before scenario A's cell")
        for letter, (cell_begin, cell_end) in zip(SCENARIOS, _ranges(cells, len(bullets)), strict=True):
            sid = f"overzicht-{dimension.split()[0].lower()}-{letter.lower()}"
            path = [OVERVIEW, dimension, scenario_title(letter)]
            text = "\n".join(bullets[cell_begin:cell_end])
            sections.append(_section(sid, path, "overview_cell", text, letter, dimension))
    return sections


@dataclass(frozen=True)
class Policy:
    """One policy page: an introduction paragraph and four questions."""

    letter: str

    def __call__(self, span: list[str], doc: _Doc) -> list[Section]:
        title = heading(span[0])
        if title != scenario_title(self.letter):
            raise ValueError(f"unexpected policy heading: {title!r}")
        body = ["" if collapse(line) == POLICY else line for line in span[1:]]  # page titles
        blocks = _blocks(body)
        intro = [block for block in blocks if not block.item]
        questions = [block for block in blocks if block.item]
        if len(questions) != 4 or blocks[: len(intro)] != intro:
            raise ValueError(f"unexpected policy page layout for scenario {self.letter}")
        x = self.letter.lower()
        sections = [_section(f"beleid-{x}-intro", [POLICY, title], "policy_intro", _render(intro), self.letter)]
        for n, question in enumerate(questions, 1):
            path = [POLICY, title, f"Vraag {n}"]
            text = clean(question.text.removeprefix("•"))
            sections.append(_section(f"beleid-{x}-vraag-{n}", path, "policy_question", text, self.letter))
        return sections


def developments(span: list[str], doc: _Doc) -> list[Section]:
    """Bijlage B1, a two-column table (Ontwikkeling, Beschrijving): one section per row."""
    joined = ""
    for row in (collapse(line) for line in span[1:]):  # span[0] holds the column headers
        if row:
            joined = _join_wrapped(joined, row) if joined else row
    starts: list[int] = []
    for _, name in DEVELOPMENTS:
        starts.append(joined.index(name, starts[-1] if starts else 0))
    sections = []
    for (suffix, name), (begin, end) in zip(DEVELOPMENTS, _ranges(starts, len(joined)), strict=True):
        path = [APPENDIX_B1, clean(name)]
        text = clean(joined[begin + len(name) : end])
        sections.append(_section(f"ontwikkeling-{suffix}", path, "development", text))
    return sections


@dataclass(frozen=True)
class People:
    """A two-column name/organisation table, as one list "Name (Organisation); Name (Organisation); …"."""

    sid: str
    title: str

    def __call__(self, span: list[str], doc: _Doc) -> list[Section]:
        lines = []
        for row in (collapse(line) for line in span[1:]):  # span[0] holds the column headers
            if not row:
                continue
            words = row.split(" ")
            end = 1
            while words[end] in _EXPERT_NAME_PARTICLES:
                end += 1
            name, organisation = " ".join(words[: end + 1]), " ".join(words[end + 1 :])
            lines.append(f"{clean(name)} ({clean(organisation)})")
        # One sentence: "who took part?" is answered by the whole list, and a quote is one sentence.
        return [_section(self.sid, [self.title], "experts", "; ".join(lines) + ".")]


def layout() -> list[tuple[str, Handler]]:
    """The document map: (anchor, handler) in report order.

    An anchor is the start of a line (whitespace collapsed), searched from the previous anchor on;
    its span runs up to the next anchor.
    """
    spans: list[tuple[str, Handler]] = [
        ("Over ‘Veerkracht", Prose("over-het-project", "background")),
        ("Aanleiding en onderzoeksvraag", Prose("aanleiding-en-onderzoeksvraag", "background")),
        ("Kernonzekerheden", Prose("kernonzekerheden", "method")),
        (
            "Relevante externe ontwikkelingen",
            Prose("relevante-externe-ontwikkelingen", "method", ("Kernonzekerheden",), items=True),
        ),
        ("Er zijn vier scenario’s te beschrijven", quadrant),
        *((f"Samenvatting scenario {x}", Summary(x)) for x in SCENARIOS),
        (OVERVIEW, overview),
        (
            "Op de volgende pagina’s",
            Prose("beleidsvraagstukken-intro", "method", title=POLICY, stop="Technologie gedreven"),
        ),
        # A's policy heading ends in ":", which tells it apart from the navigation buttons above it.
        *((f"{scenario_title(x)}:" if x == "A" else scenario_title(x), Policy(x)) for x in SCENARIOS),
        (CONCLUSION, Prose("conclusie", "conclusion")),
        ("Kernboodschap", Prose("kernboodschap", "conclusion", (CONCLUSION,))),
        ("Implicaties voor beleid", Prose("implicaties-voor-beleid", "conclusion", (CONCLUSION,))),
        (APPENDIX_A, skip),
    ]
    for x in SCENARIOS:
        spans.append((APPENDIX_A_STARTS[x], skip))
        for key, anchor in APPENDIX_A_SUBSECTIONS:
            handler = Prose(f"scenario-{x.lower()}-{key}", "scenario_text", (APPENDIX_A, scenario_title(x)), x)
            spans.append((anchor, handler))
    spans += [
        ("Ontwikkeling Beschrijving", developments),
        ("De assenkruismethode", Prose("assenkruismethode", "method", title=APPENDIX_B2)),
        ("Betrokken expert Organisatie", People("betrokken-experts", "Betrokken experts")),
        ("Projectteamleden Organisatie", People("projectteam", "Projectteamleden")),
    ]
    return spans


def strip_residue(raw_text: str) -> list[str]:
    """The raw lines with navigation residue blanked out (line numbers are kept)."""
    lines = raw_text.split("\n")
    for i, line in enumerate(lines):
        row = collapse(line)
        if row.startswith(_SLIDE_INTRO):  # "... voor scenario X:" + the wrapped scenario name
            lines[i] = lines[i + 1] = ""
        elif row in _RESIDUE_LINES:
            lines[i] = ""
        else:
            lines[i] = _BACK_LINK.sub("", line.replace(PUA, ""))
    return lines


def build(raw_text: str) -> Report:
    """Turn the raw report text into the structured corpus (deterministic)."""
    lines = strip_residue(raw_text)
    plan = layout()
    starts = _in_order(lines, (anchor for anchor, _ in plan))
    doc = _Doc()
    sections: list[Section] = []
    for (_, handler), (begin, end) in zip(plan, _ranges(starts, len(lines)), strict=True):
        sections += handler(lines[begin:end], doc)
    scenarios = {
        x: Scenario(
            name=name,
            subtitle=doc.subtitles[x],
            technology=technology,
            orientation=orientation,
            keywords=doc.keywords[x],
        )
        for x, (name, technology, orientation) in SCENARIOS.items()
    }
    return Report(title=TITLE, source=SOURCE, scenarios=scenarios, dimensions=list(DIMENSIONS), sections=sections)


def dumps(report: Report) -> str:
    """The committed serialisation of report.json."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m assistant.corpus_build RAW_PATH OUT_PATH``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m assistant.corpus_build RAW_PATH OUT_PATH", file=sys.stderr)
        return 2
    raw_path, out_path = (Path(arg) for arg in args)
    report = build(raw_path.read_text(encoding="utf-8"))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(dumps(report), encoding="utf-8")
    print(f"wrote {len(report['sections'])} sections to {out_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
