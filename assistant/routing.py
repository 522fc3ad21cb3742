"""Understand which scenarios a question is about: letters, names and themes."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.schema import SCENARIOS
from assistant.text import SUPERLATIVES

if TYPE_CHECKING:
    from assistant.corpus import ScenarioInfo

_NAMES: dict[str, tuple[str, ...]] = {
    "A": (r"prestatie\s*maatschappij", r"performance[- ]society", r"achievement society", r"meritocra\w*",
          r"performance[- ]scenario"),
    "B": (r"technologie\s+solidair", r"solidair(e)?\s+technologie", r"tech\w*[\s-]+solidar\w*",
          r"solidarity[\s-]+(with[\s-]+)?tech\w*", r"technology in solidarity", r"solidari\w*[\s-]+scenario"),
    "C": (r"collectieve[\s-]+waarden", r"waarden\s+boven\s+winst", r"collective[\s-]+values",
          r"values\s+(above|over|before)\s+profits?", r"collective[\s-]+scenario(?![s'’])",
          r"collectieve[\s-]+scenario(?![s'’])"),
    "D": (r"solo\s*werk", r"solo[- ]?work", r"crisis\s*tijd", r"times?\s+of\s+crisis", r"crisis[- ]time",
          r"crisis[\s-]*scenario"),
}
_NAME_PATTERNS = {s: re.compile("|".join(p), re.IGNORECASE) for s, p in _NAMES.items()}
# "scenario D", "scenario's A en C", "scenarios A, B and D", "scenario A vs. C"
_LETTER_LIST = re.compile(
    r"\bsc?enari?o(?:'s|’s|s)?\s+((?:[a-d]\b(?:\s*(?:,|&|/|\ben\b|\band\b|\bof\b|\bor\b|\bvs\.?|\bversus\b|\bmet\b|\bwith\b)\s*)?)+)",
    re.IGNORECASE,
)
# "A en C", "A and C", "A vs C" with capital letters only (to avoid the article "a").
_BARE_PAIR = re.compile(r"\b([A-D])\s*(?:,|&|/|en|and|vs\.?|versus|met|with|of|or)\s*([A-D])\b")
# "En in D?", "And for B?": a capital letter after a preposition, typical of follow-ups.
_BARE_SINGLE = re.compile(r"\b(?:in|for|voor|about|over|bij)\s+([A-D])\b(?!['’-])")
_SCENARIO_WORD = r"(?:scenario|futures\b|toekomst(?:beeld)?en\b)"
_ALL = re.compile(
    rf"\b(alle|vier|elk|ieder|welk|welke|which|all|four|each|every|any|enig|een van de|one of the|in which)\b[^?.!]{{0,20}}\b{_SCENARIO_WORD}|"
    r"\b(in|across|over|between|tussen|per)\s+(de\s+|the\s+|alle\s+|all\s+)?(verschillende\s+|different\s+)?"
    r"scenario(?:'s|’s|s)\b|"
    r"\bvergelijk\w*|\bcompar\w*|\bverschil\w*|\bdiffer\w*|\bworst\b|\bslechtst\w*|\bside by side\b",
    re.IGNORECASE,
)
# "Geef een tabel met de vier scenario's op zekerheid", "each scenario": every one of them is asked for.
# So does "How do the scenarios differ on the role of government?" (B, 0.1 further than A, was left out).
_EVERY = re.compile(
    rf"\b(?:alle|vier|elk|ieder|all|four|each|every)\s+(?:\w+\s+)?{_SCENARIO_WORD}|"
    r"\b(?:differ\w*|verschill\w*|compar\w*|vergelijk\w*|contrast\w*)\b",
    re.IGNORECASE,
)


def asks_every_scenario(question: str) -> bool:
    """Whether the question asks for all four scenarios ("de vier scenario's", "each scenario", "how do they
    differ") rather than for those that have something ("In welk scenario is er veel platformwerk?")."""
    return bool(_EVERY.search(question))


# "Where is the pressure to perform highest?", "Waar hebben werkgevers de meeste macht?": in this report "where" is
# "in which scenario", and the answer is the scenarios side by side (asked as a single topic, the model read one
# scenario and called it the lowest).
_WHERE_MOST = re.compile(rf"^\W*(?:(?:and|en|so|dus)\s+)?(?:where|waar)\b[^?]*\b(?:{SUPERLATIVES})\b", re.IGNORECASE)
# Questions about the scenarios as a set, as the method made them ("How were the four scenarios developed?",
# "Are these the only possible futures?"): the method chapter answers them, not a scenario-by-scenario comparison.
_MADE = (r"(?:ontwikkeld|opgesteld|gemaakt|geconstrueerd|gebouwd|gebaseerd|bepaald|gekozen|developed|constructed|built|"
         r"created|made|derived|based|chosen|selected)")
_ABOUT_THE_METHOD = re.compile(
    rf"\b{_SCENARIO_WORD}\S*\s+(?:\w+\s+){{0,3}}{_MADE}\s*(?:[?.!]|$)|"
    r"\b(?:ontwikkel|construe|develop|construct|build|creat|made|make|maak|derive|kies|kozen|choose|chose|select)\w*\s+"
    r"(?:(?:de|the|these|deze|those|die|vier|four|alle|all)\s+)*scenario|"
    r"\b(methode\w*|method\w*|assenkruis\w*|axes|axis|kwadrant\w*|quadrants?|kernonzekerhe\w*|"
    r"(?:key|core) uncertaint\w*|enige mogelijke|volledig|only (?:possible|ones?)\b|exhaustive|"
    r"predict\w*|voorspel\w*|tijdshorizon|time horizon|how (?:far|long) ahead|hoe (?:ver|lang) vooruit|welke periode|hoeveel jaar|"
    r"(?:which|what) (?:time )?period|how many years|(?:which|what|welk) (?:year|jaar)|"
    r"how many (?:scenarios|futures)\s*(?:are there|did|does|do|\?)|hoeveel scenario\S*\s*(?:zijn er|heeft|\?)|why (?:are there )?four|waarom (?:zijn er )?vier)",
    re.IGNORECASE,
)
# "What does the report say about AI?", "Hoe zit het met flexwerk?": a topic, asked of the report as a whole.
_BROAD_TOPIC = re.compile(
    r"\b(wat zegt (?:het rapport|het onderzoek|de studie|tno)\b.*\bover|"
    r"what (?:does|do) (?:the report|the study|tno|the authors) (?:say|tell|write)\b.*\babout|"
    r"hoe zit het met|what about|how about|wat gebeurt er met|what happens (?:to|with)|"
    r"(?:wat is|what is|welke|what) (?:de |the )?rol(?:e)?\b.*\b(?:van|of|speelt|spelen|play|plays)\b|"
    # "Is AI a threat to jobs according to the report?" asks the report's view, not one scenario's.
    r"\b(?:according to|volgens) (?:the report|the study|the authors|tno|het rapport|het onderzoek|de studie)\b)",
    re.IGNORECASE,
)
# Words that refer to the report itself ("het rapport", "the study", "TNO").
REPORT_WORD = re.compile(r"\b(report|study|document|publication|rapport|studie|onderzoek|publicatie|tno)\b", re.IGNORECASE)
# Distinctive name words, matched with a little typo tolerance ("prestatiemaatschapij").
_FUZZY_NAMES = {"prestatiemaatschappij": "A", "solowerk": "D", "crisistijd": "D", "solidair": "B"}


@dataclass(frozen=True)
class Route:
    """The scenarios a question is about, and whether it compares scenarios.

    `named` tells scenarios the user chose (by letter, by name or in the UI's filter) from all four implied by
    a question like "Which scenario is worst for vulnerable workers?".
    """

    scenarios: tuple[str, ...]
    comparison: bool
    named: bool = False

    @property
    def focused(self) -> bool:
        return bool(self.scenarios) and not self.comparison


def detect_scenarios(text: str) -> tuple[str, ...]:
    """Scenario letters named in the text, in A–D order."""
    found: set[str] = set()
    for match in _LETTER_LIST.finditer(text):
        found.update(ch.upper() for ch in re.findall(r"\b([a-dA-D])\b", match.group(1)))
    for match in _BARE_PAIR.finditer(text):
        found.update(match.groups())
    for match in _BARE_SINGLE.finditer(text):
        found.add(match.group(1))
    for scenario, pattern in _NAME_PATTERNS.items():
        if pattern.search(text):
            found.add(scenario)
    for word in re.findall(r"[a-z]{7,}", text.lower()):
        for name, scenario in _FUZZY_NAMES.items():
            if difflib.SequenceMatcher(None, word, name).ratio() >= 0.88:
                found.add(scenario)
    return tuple(s for s in SCENARIOS if s in found)


def is_broad_topic(question: str) -> bool:
    """A topic asked of the report as a whole, with no scenario named ("What does the report say about AI?")."""
    return (bool(_BROAD_TOPIC.search(question)) and not detect_scenarios(question)
            and not _ABOUT_THE_METHOD.search(question))


# What a comparison says besides its scenarios when it names no topic ("What are the main differences between A
# and B?", "Vergelijk scenario A en C").
_COMPARISON_FRAME = re.compile(
    r"\b(vergelijk\w*|verschil\w*|tussen|compar\w*|differ\w*|between|versus|vs|main|key|biggest|major|grootste|"
    r"belangrijkste|voornaamste|what|which|how|do|does|are|is|the|they|these|those|and|or|scenario\S*|futures?|"
    r"toekomst(?:beeld)?en|wat|hoe|welke|zijn|"
    # "What do B and C have in common?", "Wat zijn de overeenkomsten tussen A en D?"
    r"have|has|hebben|heeft|in|common|gemeen|gemeenschappelijk\w*|overeenkomst\w*|overeen|similar\w*|alike|"
    r"shared?|share|delen|komen|waarin|"
    r"het|de|en|of|met|with|elkaar|each|other|van|from|to|all|alle|two|twee|three|drie|four|vier)\b",
    re.IGNORECASE,
)


def is_bare_comparison(question: str) -> bool:
    """A comparison of scenarios as wholes: nothing is asked besides the scenarios and the comparison itself."""
    return not re.search(r"\w{2,}", _COMPARISON_FRAME.sub(" ", strip_scenarios(question)))


def strip_scenarios(text: str) -> str:
    """The text without its scenario references (letters and names), for reuse with another scenario."""
    text = _LETTER_LIST.sub(" ", text)
    for pattern in _NAME_PATTERNS.values():
        text = pattern.sub(" ", text)
    text = re.sub(r"\b(in|for|voor|van|of|the|de|het)\s+(scenario|scenarios?)?\s*(?=[?.!,]|$)", " ", text)
    # What the references leave behind: "(scenario A)" becomes "( )", "vakbonden in scenario C?" "vakbonden ?".
    text = re.sub(r"\(\s*\)|\s+(?=[?.!,])", "", text)
    return re.sub(r"\s+", " ", text).strip()


# A scenario named in full or by its short forms, with its article: "de prestatiemaatschappij", "Solowerk in
# crisistijd", "the crisis scenario".
_NAME_SPAN = re.compile(
    r"(?:\b(?:de|het|the)\s+)?(?:" + "|".join(p for ps in _NAMES.values() for p in ps) + r")(?:\s+in\s+crisis\s*tijd)?",
    re.IGNORECASE,
)


def with_scenarios(text: str, scenarios: tuple[str, ...], language: str) -> str | None:
    """The text about other scenarios: "Wat betekent scenario D voor zzp'ers?" for C is "… scenario C …".

    None when the text does not name exactly one scenario to replace.
    """
    if len(detect_scenarios(text)) != 1 or not scenarios:
        return None
    joiner = " en " if language == "nl" else " and "
    ref = ("scenario " if len(scenarios) == 1 else "scenario's " if language == "nl" else "scenarios ") + joiner.join(scenarios)
    placeholder = "\x00"
    out = _NAME_SPAN.sub(placeholder, _LETTER_LIST.sub(placeholder + " ", text))
    out = re.sub(r"\x00(?:\s*(?:,|in|of|en|and|or)?\s*\x00)+", placeholder, out)
    out = re.sub(r"\s*\x00\s*(?=[?.!,]|$)", "\x00", out)  # no space before the question mark it left
    out = out.replace(placeholder, f" {ref} ").replace("  ", " ")
    out = re.sub(r"\s+([?.!,:;])", r"\1", re.sub(r"\s+", " ", out)).strip()
    return out[:1].upper() + out[1:] if text[:1].isupper() else out


def names_as_letters(text: str) -> str:
    """The text with each scenario name replaced by its letter: "the solidarity-tech scenario" is "scenario B".

    A name's words are not the question's topic: searched, "tech" and "collective values" found the technology
    passages for a question on the government's role in B and C.
    """
    def letter(match: re.Match[str]) -> str:
        found = [s for s, pattern in _NAME_PATTERNS.items() if pattern.search(match.group(0))]
        return f"scenario {found[0]}" if len(found) == 1 else match.group(0)

    out = _NAME_SPAN.sub(letter, text)
    # "the scenario B scenario", "de scenario A", "scenario C boven winst": what is left of the name around it.
    out = re.sub(r"\b(?:the|de|het)\s+(scenario [A-D])\b", r"\1", out, flags=re.IGNORECASE)
    out = re.sub(r"\b(scenario [A-D])\s+(?:scenario|one|boven\s+winst|above\s+profits?|aan\s+zet)\b", r"\1", out,
                 flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", out).strip()


# The report's two axes (its 2×2 figure): technology ("technologiegedreven" or "beperkt technologiegedreven") and
# society ("individueel" or "collectief"). "Which futures are low-tech?" asks for the scenarios on one side: C and D.
# Read as a side only where the question speaks of scenarios, so "low-tech jobs" or "collective agreements" are
# topics, not a choice of scenarios.
_LOW_TECH = re.compile(
    r"\blow[- ]?tech\w*|\b(?:beperkt\w*|weinig|minder|limited|little|less|lower|low)[\s-]+(?:technolog\w*|tech)\b",
    re.IGNORECASE)
_HIGH_TECH = re.compile(
    r"\bhigh[- ]?tech\w*|\btech\w*[\s-]*(?:gedreven|driven|heavy|intensive)\b|"
    r"\b(?:veel|sterk\w*|much|more|heavy|strong\w*)[\s-]+(?:technolog\w*|tech)\b",
    re.IGNORECASE)
_SIDE_WORD = r"(?:individu(?:eel|ele|al|alist\w*|ali[sz]\w*)|collectie(?:f|ve)|collective(?:ly)?|collectivist\w*)"
_ORIENTATION = re.compile(
    # "de individueel gerichte scenario's", "the collective futures", "collectively oriented scenarios"
    rf"\b({_SIDE_WORD})(?:[\s-]+(?:gericht\w*|georiënteerd\w*|oriented|minded))?\s+{_SCENARIO_WORD}\S*|"
    # "Which scenarios are individualistic?", "Welke scenario's zijn collectief gericht?"
    rf"\b{_SCENARIO_WORD}\S*\s+(?:\w+\s+){{0,3}}?({_SIDE_WORD})"
    r"(?=[\s-]*(?:gericht\w*|georiënteerd\w*|oriented|minded)?\s*(?:[?.!,;]|$|\b(?:en|and|of|or)\b))",
    re.IGNORECASE)


def axis_scenarios(question: str, scenarios: Mapping[str, ScenarioInfo]) -> tuple[str, ...]:
    """The scenarios on the side(s) of the report's axes the question asks for ("the low-tech futures": C and D;
    "the individualistic high-tech scenario": A), or () when it asks for none."""
    if not re.search(_SCENARIO_WORD, question, re.IGNORECASE):
        return ()
    chosen = set(scenarios)
    # Both ends of an axis asked ("Welke scenario's zijn collectief gericht en welke individueel?") choose none.
    low = bool(_LOW_TECH.search(question))
    high = bool(_HIGH_TECH.search(_LOW_TECH.sub(" ", question)))
    if low != high:
        chosen &= {s for s, info in scenarios.items() if info.limited_technology == low}
    if _ORIENTATION.search(question):
        ends = {word.lower().startswith("individ") for word in re.findall(_SIDE_WORD, question, re.IGNORECASE)}
        if len(ends) == 1:
            chosen &= {s for s, info in scenarios.items() if info.individual in ends}
    if chosen == set(scenarios):
        return ()
    return tuple(s for s in SCENARIOS if s in chosen)


def axes_divided(question: str) -> tuple[str, ...]:
    """The axes whose two ends the question asks about together ("Welke scenario's zijn collectief gericht en welke
    individueel?": "society"; "high-tech or low-tech futures": "technology"), as the report's axis labels'
    patterns name them; () when it asks for no division."""
    if not re.search(_SCENARIO_WORD, question, re.IGNORECASE):
        return ()
    axes = []
    if _LOW_TECH.search(question) and _HIGH_TECH.search(_LOW_TECH.sub(" ", question)):
        axes.append("technology")
    if _ORIENTATION.search(question):
        ends = {word.lower().startswith("individ") for word in re.findall(_SIDE_WORD, question, re.IGNORECASE)}
        if len(ends) == 2:
            axes.append("society")
    return tuple(axes)


# "Welke twee assen zijn er gekozen?", "What are the two axes of the scenarios?", "Op welke kernonzekerheden zijn de
# scenario's gebaseerd?": which axes, not how the method chooses them.
_WHICH_AXES = re.compile(
    r"\b(?:welke|wat\s+zijn|what\s+(?:are|were)|which|name|noem)\b[^?.!]{0,30}?\b(?:assen|axes|kernonzekerheden|"
    # The overview table has dimensions too: only "two dimensions" are the axes.
    r"(?:core|key|critical|main)\s+uncertainties|(?:two|twee)\s+(?:dimensies|dimensions))\b",
    re.IGNORECASE)


def asks_which_axes(question: str) -> bool:
    """Whether the question asks which axes (core uncertainties) the report's scenarios are built on."""
    return bool(_WHICH_AXES.search(question)) and not detect_scenarios(question)


# The report's own lines that define an axis' two ends ("individueel gerichte: regie ligt bij het individu").
AXIS_ENDS = {
    "technology": re.compile(r"^(?:beperkt\s+)?technologie[\s-]*gedreven\s*:", re.IGNORECASE),
    "society": re.compile(r"^(?:individu\w*|collectie\w*)\s+gericht\w*\s*:", re.IGNORECASE),
}


_ORIENTATION_WORDS = re.compile(rf"\b{_SIDE_WORD}(?:[\s-]+(?:gericht\w*|georiënteerd\w*|oriented|minded))?", re.IGNORECASE)


def strip_axis(question: str) -> str:
    """The question without the axis words that chose its scenarios: "What do the low-tech scenarios mean for
    self-employed workers?" is searched as "What do the scenarios mean for self-employed workers?" (with them, it
    read C's technology cell), and "Welke scenario's zijn individueel gericht en wat betekent dat voor de
    werkzekerheid?" for werkzekerheid (it read the society cells that say "individueel gericht")."""
    text = _HIGH_TECH.sub(" ", _LOW_TECH.sub(" ", question))
    if _ORIENTATION.search(question):
        text = _ORIENTATION_WORDS.sub(" ", text)
    text = re.sub(r"\b(?:met|with)\s+(?=[?.!,]|$)", " ", text)  # "scenario's met (weinig technologie)"
    return re.sub(r"\s+(?=[?.!,;])", "", re.sub(r"\s{2,}", " ", text)).strip()


def route(question: str) -> Route:
    """Which scenarios to steer retrieval to; comparisons spread retrieval over the scenarios concerned."""
    scenarios = detect_scenarios(question)
    wants_comparison = (bool(_ALL.search(question) or _WHERE_MOST.search(question))
                        and not _ABOUT_THE_METHOD.search(question))
    if len(scenarios) >= 2:
        return Route(scenarios, comparison=True, named=True)
    if not scenarios and wants_comparison:
        return Route(SCENARIOS, comparison=True)
    return Route(scenarios, comparison=False, named=bool(scenarios))
