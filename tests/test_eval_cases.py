"""Checks on the evaluation set evals/cases.yaml.

The cases are written from the TNO report "Veerkracht in een veranderende arbeidsmarkt —
Toekomstscenario's". These tests check the schema, the minimum counts, the coverage of the
report (every scenario x every Bijlage A subsection, all 16 policy questions, the overview
table, method, developments, conclusion, background, experts) and that every gold quote is
found verbatim in the raw report (after removing all whitespace and lowercasing both sides),
inside one extraction block (no page/column break) and inside the section the case is about.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
CASES_PATH = REPO_ROOT / "evals" / "cases.yaml"
RAW_REPORT = REPO_ROOT.parent / "shared" / "corpus" / "veerkracht-toekomstscenarios.txt"

LANGUAGES = {"nl", "en"}
TYPES = {"answerable", "unanswerable", "comparison", "multiturn"}
PARTS = {
    "background",
    "method",
    "developments",
    "summary",
    "overview",
    "policy",
    "scenario_text",
    "conclusion",
    "experts",
    "none",
}
SCENARIOS = ("A", "B", "C", "D")
SUBSECTIONS = ("inleiding", "technologie", "samenleving", "arbeidsmarkt", "loopbaangedrag", "rol")
DIMENSIONS = ("technologie", "samenleving", "arbeidsmarkt", "zekerheid", "loopbaangedrag", "rol")
REQUIRED_KEYS = {
    "id",
    "language",
    "type",
    "part",
    "scenarios",
    "question",
    "history",
    "reference_answer",
    "key_facts",
    "gold_quotes",
}
OPTIONAL_KEYS = {"subsection", "dimension", "policy_question"}
ANSWERED_TYPES = {"answerable", "comparison", "multiturn"}

MIN_TOTAL = 80
MIN_NL = 40
MIN_EN = 30
MIN_UNANSWERABLE = 10
MIN_MULTITURN = 8
MIN_COMPARISON = 6
MIN_OVERVIEW_DIMENSIONS = 5
MIN_POLICY_PER_SCENARIO = 4

# Parts whose cases must be asked in both languages.
BILINGUAL_PARTS = (
    "background",
    "method",
    "developments",
    "summary",
    "overview",
    "policy",
    "scenario_text",
    "conclusion",
    "experts",
)

# Quote length in words (as written in the case). Expert/team table rows are only 2-4 words long.
QUOTE_MIN_WORDS = 5
QUOTE_MIN_WORDS_TABLE_ROWS = 2
QUOTE_MAX_WORDS = 25
KEY_FACT_MAX_WORDS = 4
MULTITURN_MAX_QUESTION_CHARS = 60

NL_STOPWORDS = {"de", "het", "een", "en", "van", "is", "zijn", "voor", "op", "niet", "met", "er", "wordt"}
EN_STOPWORDS = {"the", "a", "and", "of", "is", "are", "for", "on", "not", "with", "there", "to", "it"}


def normalise(text: str) -> str:
    """Remove all whitespace and lowercase (applied to quotes and to the report alike)."""
    return re.sub(r"\s+", "", text).lower()


@cache
def load_cases() -> list[dict]:
    with CASES_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, list), "evals/cases.yaml must be a YAML list of cases"
    return data


def answered(cases: list[dict]) -> list[dict]:
    return [c for c in cases if c.get("type") in ANSWERED_TYPES]


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return load_cases()


@pytest.fixture(scope="module")
def raw_text() -> str:
    if not RAW_REPORT.is_file():
        pytest.skip(f"raw report not found at {RAW_REPORT}")
    return RAW_REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def norm_report(raw_text: str) -> str:
    return normalise(raw_text)


# ----------------------------------------------------------------------------- schema


def test_cases_file_exists() -> None:
    assert CASES_PATH.is_file(), f"missing {CASES_PATH}"


def test_required_keys_and_allowed_values(cases: list[dict]) -> None:
    problems: list[str] = []
    for i, case in enumerate(cases):
        cid = case.get("id", f"<case #{i}>")
        missing = REQUIRED_KEYS - case.keys()
        if missing:
            problems.append(f"{cid}: missing keys {sorted(missing)}")
        unknown = case.keys() - REQUIRED_KEYS - OPTIONAL_KEYS
        if unknown:
            problems.append(f"{cid}: unknown keys {sorted(unknown)}")
        if not isinstance(case.get("id"), str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", case.get("id", "")):
            problems.append(f"{cid}: id must be a lowercase slug")
        if case.get("language") not in LANGUAGES:
            problems.append(f"{cid}: language {case.get('language')!r} not in {sorted(LANGUAGES)}")
        if case.get("type") not in TYPES:
            problems.append(f"{cid}: type {case.get('type')!r} not in {sorted(TYPES)}")
        if case.get("part") not in PARTS:
            problems.append(f"{cid}: part {case.get('part')!r} not in {sorted(PARTS)}")
        scen = case.get("scenarios")
        if not isinstance(scen, list) or any(s not in SCENARIOS for s in scen) or len(set(scen)) != len(scen):
            problems.append(f"{cid}: scenarios must be a list of distinct letters A-D, got {scen!r}")
        question = case.get("question")
        if not isinstance(question, str) or not question.strip():
            problems.append(f"{cid}: empty question")
        for key in ("reference_answer",):
            if not isinstance(case.get(key), str):
                problems.append(f"{cid}: {key} must be a string")
        for key in ("key_facts", "gold_quotes", "history"):
            if not isinstance(case.get(key), list):
                problems.append(f"{cid}: {key} must be a list")
    assert not problems, "\n".join(problems)


def test_ids_unique(cases: list[dict]) -> None:
    counts = Counter(c.get("id") for c in cases)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    assert not dupes, f"duplicate ids: {dupes}"


def test_answered_cases_have_reference_quotes_and_facts(cases: list[dict]) -> None:
    problems: list[str] = []
    for case in answered(cases):
        cid = case["id"]
        if not case["reference_answer"].strip():
            problems.append(f"{cid}: empty reference_answer")
        if not 1 <= len(case["gold_quotes"]) <= 3:
            problems.append(f"{cid}: needs 1-3 gold quotes, has {len(case['gold_quotes'])}")
        if not 1 <= len(case["key_facts"]) <= 4:
            problems.append(f"{cid}: needs 1-4 key facts, has {len(case['key_facts'])}")
        for quote in case["gold_quotes"]:
            if not isinstance(quote, str) or not quote.strip():
                problems.append(f"{cid}: empty gold quote")
        for fact in case["key_facts"]:
            if not isinstance(fact, list) or not 2 <= len(fact) <= 6:
                problems.append(f"{cid}: key fact must be a list of 2-6 phrasings: {fact!r}")
                continue
            for phrase in fact:
                if not isinstance(phrase, str) or not phrase.strip():
                    problems.append(f"{cid}: empty key-fact phrasing in {fact!r}")
                elif phrase != phrase.lower():
                    problems.append(f"{cid}: key-fact phrasing must be lowercase: {phrase!r}")
                elif len(phrase.split()) > KEY_FACT_MAX_WORDS:
                    problems.append(f"{cid}: key-fact phrasing too long: {phrase!r}")
    assert not problems, "\n".join(problems)


def test_unanswerable_cases_have_no_answer_material(cases: list[dict]) -> None:
    problems = [
        c["id"]
        for c in cases
        if c["type"] == "unanswerable" and (c["gold_quotes"] or c["key_facts"] or c["reference_answer"].strip())
    ]
    assert not problems, f"unanswerable cases must have no quotes, key facts or reference answer: {problems}"


def test_history_only_and_always_for_multiturn(cases: list[dict]) -> None:
    problems: list[str] = []
    for case in cases:
        cid, history = case["id"], case["history"]
        if case["type"] == "multiturn":
            if not history:
                problems.append(f"{cid}: multiturn case without history")
            if len(case["question"]) > MULTITURN_MAX_QUESTION_CHARS:
                problems.append(f"{cid}: multiturn follow-up should be a short, history-dependent question")
            for turn in history:
                if (
                    not isinstance(turn, dict)
                    or set(turn) != {"user", "assistant"}
                    or not all(isinstance(v, str) and v.strip() for v in turn.values())
                ):
                    problems.append(f"{cid}: history turns need non-empty 'user' and 'assistant': {turn!r}")
        elif history:
            problems.append(f"{cid}: only multiturn cases have a history")
    assert not problems, "\n".join(problems)


def test_optional_fields_are_consistent(cases: list[dict]) -> None:
    problems: list[str] = []
    for case in cases:
        cid, part, kind = case["id"], case["part"], case["type"]
        if "subsection" in case:
            if part != "scenario_text" or case["subsection"] not in SUBSECTIONS:
                problems.append(
                    f"{cid}: subsection {case['subsection']!r} only for scenario_text, one of {SUBSECTIONS}"
                )
        elif part == "scenario_text" and kind != "unanswerable":
            problems.append(f"{cid}: scenario_text case without subsection")
        if "dimension" in case:
            if part != "overview" or case["dimension"] not in DIMENSIONS:
                problems.append(f"{cid}: dimension {case['dimension']!r} only for overview, one of {DIMENSIONS}")
        elif part == "overview" and kind != "unanswerable":
            problems.append(f"{cid}: overview case without dimension")
        if "policy_question" in case and (
            part != "policy" or case["policy_question"] not in (1, 2, 3, 4) or len(case["scenarios"]) != 1
        ):
            problems.append(f"{cid}: policy_question must be 1-4 on a policy case about one scenario")
        if part in {"scenario_text", "summary", "policy"} and kind != "unanswerable" and not case["scenarios"]:
            problems.append(f"{cid}: part {part} needs at least one scenario")
        if kind == "comparison" and len(case["scenarios"]) < 2:
            problems.append(f"{cid}: a comparison concerns at least two scenarios")
    assert not problems, "\n".join(problems)


def test_reference_answers_contain_their_key_facts(cases: list[dict]) -> None:
    """The reference answer is a correct answer, so it must satisfy its own key facts."""
    problems: list[str] = []
    for case in answered(cases):
        ref = case["reference_answer"].lower()
        for fact in case["key_facts"]:
            if not any(phrase in ref for phrase in fact):
                problems.append(f"{case['id']}: reference answer matches none of {fact!r}")
    assert not problems, "\n".join(problems)


def test_reference_answers_are_in_the_question_language(cases: list[dict]) -> None:
    problems: list[str] = []
    for case in answered(cases):
        words = re.findall(r"[a-zà-ÿ]+", case["reference_answer"].lower())
        nl = sum(w in NL_STOPWORDS for w in words)
        en = sum(w in EN_STOPWORDS for w in words)
        detected = "nl" if nl > en else "en"
        if detected != case["language"]:
            problems.append(f"{case['id']}: reference answer looks {detected}, question is {case['language']}")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- counts


def test_minimum_counts(cases: list[dict]) -> None:
    by_lang = Counter(c["language"] for c in cases)
    by_type = Counter(c["type"] for c in cases)
    summary = f"total={len(cases)} languages={dict(by_lang)} types={dict(by_type)}"
    assert len(cases) >= MIN_TOTAL, summary
    assert by_lang["nl"] >= MIN_NL, summary
    assert by_lang["en"] >= MIN_EN, summary
    assert by_type["unanswerable"] >= MIN_UNANSWERABLE, summary
    assert by_type["multiturn"] >= MIN_MULTITURN, summary
    assert by_type["comparison"] >= MIN_COMPARISON, summary


# ----------------------------------------------------------------------------- coverage


def test_every_scenario_subsection_is_covered(cases: list[dict]) -> None:
    covered = {
        (s, c["subsection"])
        for c in answered(cases)
        if c["part"] == "scenario_text" and "subsection" in c
        for s in c["scenarios"]
    }
    missing = [f"{s}/{sub}" for s in SCENARIOS for sub in SUBSECTIONS if (s, sub) not in covered]
    assert not missing, f"Bijlage A subsections without a case: {missing}"


def test_every_scenario_has_six_scenario_text_cases(cases: list[dict]) -> None:
    counts = Counter(s for c in answered(cases) if c["part"] == "scenario_text" for s in c["scenarios"])
    short = {s: counts[s] for s in SCENARIOS if counts[s] < len(SUBSECTIONS)}
    assert not short, f"scenarios with fewer than {len(SUBSECTIONS)} scenario_text cases: {short}"


def test_every_policy_question_is_covered(cases: list[dict]) -> None:
    policy = [c for c in answered(cases) if c["part"] == "policy"]
    problems: list[str] = []
    for s in SCENARIOS:
        n = sum(s in c["scenarios"] for c in policy)
        if n < MIN_POLICY_PER_SCENARIO:
            problems.append(f"scenario {s}: {n} policy cases (< {MIN_POLICY_PER_SCENARIO})")
        numbers = {c["policy_question"] for c in policy if "policy_question" in c and c["scenarios"] == [s]}
        if numbers != {1, 2, 3, 4}:
            problems.append(f"scenario {s}: policy questions covered {sorted(numbers)}, need [1, 2, 3, 4]")
    assert not problems, "\n".join(problems)


def test_every_scenario_has_a_summary_case(cases: list[dict]) -> None:
    covered = {s for c in answered(cases) if c["part"] == "summary" for s in c["scenarios"]}
    missing = [s for s in SCENARIOS if s not in covered]
    assert not missing, f"scenarios without a summary case: {missing}"


def test_overview_table_dimensions_are_covered(cases: list[dict]) -> None:
    dims = {c["dimension"] for c in answered(cases) if c["part"] == "overview" and "dimension" in c}
    assert len(dims) >= MIN_OVERVIEW_DIMENSIONS, f"overview dimensions covered: {sorted(dims)}"


@pytest.mark.parametrize("part", ["background", "method", "developments", "conclusion", "experts"])
def test_general_parts_are_covered(cases: list[dict], part: str) -> None:
    assert any(c["part"] == part for c in answered(cases)), f"no case about {part}"


@pytest.mark.parametrize("part", BILINGUAL_PARTS)
def test_parts_are_asked_in_both_languages(cases: list[dict], part: str) -> None:
    langs = {c["language"] for c in answered(cases) if c["part"] == part}
    assert langs == LANGUAGES, f"part {part} is only asked in {sorted(langs)}"


def test_user_phrasings_are_varied(cases: list[dict]) -> None:
    """Real users say zzp/ZZP'ers/freelancers/self-employed/flexwerkers and name scenarios by theme."""
    questions = " ".join(c["question"] for c in cases).lower()
    for needle in ("zzp", "freelancer", "self-employed", "flexwerkers", "prestatiemaatschappij"):
        assert needle in questions, f"no question mentions {needle!r}"
    assert "ZZP" in " ".join(c["question"] for c in cases), "no question writes ZZP in capitals"
    without_letter = [
        c
        for c in answered(cases)
        if c["scenarios"]
        and not re.search(r"\bscenar\w*\s+[A-D]\b", c["question"] + " ".join(t["user"] for t in c["history"]))
    ]
    assert len(without_letter) >= 10, "too few questions that name a scenario by name or theme only"


# ----------------------------------------------------------------------------- gold quotes vs report


def test_gold_quotes_are_verbatim_in_report(cases: list[dict], norm_report: str) -> None:
    failures = [f"{c['id']}: {q!r}" for c in cases for q in c["gold_quotes"] if normalise(q) not in norm_report]
    assert not failures, "gold quotes not found verbatim in the raw report:\n" + "\n".join(failures)


def test_gold_quote_length(cases: list[dict]) -> None:
    failures: list[str] = []
    for case in cases:
        low = QUOTE_MIN_WORDS_TABLE_ROWS if case["part"] == "experts" else QUOTE_MIN_WORDS
        for quote in case["gold_quotes"]:
            n = len(quote.split())
            if not low <= n <= QUOTE_MAX_WORDS:
                failures.append(f"{case['id']}: {n} words: {quote!r}")
    assert not failures, f"quotes must be {QUOTE_MIN_WORDS}-{QUOTE_MAX_WORDS} words:\n" + "\n".join(failures)


def test_gold_quotes_do_not_span_page_breaks(cases: list[dict], raw_text: str) -> None:
    """A line starting with a space opens a new PDF page or column: a quote must lie within one block."""
    blocks = [normalise(b) for b in re.split(r"\n(?= )", raw_text)]
    failures = [
        f"{c['id']}: {q!r}"
        for c in cases
        for q in c["gold_quotes"]
        if normalise(q) in normalise(raw_text) and not any(normalise(q) in b for b in blocks)
    ]
    assert not failures, "gold quotes spanning a page/column break:\n" + "\n".join(failures)


def _find(norm_report: str, marker: str, occurrence: int = 1) -> int:
    start = -1
    for _ in range(occurrence):
        start = norm_report.find(normalise(marker), start + 1)
        assert start >= 0, f"section marker not found in report: {marker!r} (occurrence {occurrence})"
    return start


def section_spans(norm_report: str) -> dict[str, list[tuple[int, int]]]:
    """Character spans (in the normalised report) of each part, and of each scenario's texts."""
    f = lambda marker, occ=1: _find(norm_report, marker, occ)  # noqa: E731
    end = len(norm_report)
    kern = f("Kernonzekerheden In maart 2025")
    dev_list = f("Relevante externe ontwikkelingen Omvang beroepsbevolking")
    quadrant = f("Er zijn vier scenario’s te beschrijven")
    sum_a = f("Samenvatting scenario A: Prestatiemaatschappij")
    sum_b = f("Samenvatting scenario B")
    sum_c = f("Samenvatting scenario C")
    sum_d = f("Samenvatting scenario D")
    overview = f("Verschillen en overeenkomsten tussen scenario’s")
    policy = f("Op de volgende pagina’s worden de belangrijkste beleidsvraagstukken")
    pol_a = f("weergegeven voor scenario A")
    pol_b = f("weergegeven voor scenario B")
    pol_c = f("weergegeven voor scenario C")
    pol_d = f("weergegeven voor scenario D")
    conclusion = f("Conclusie De vier scenario’s")
    appendix_a = f("Bijlage A: Volledige toekomstscenario’s")
    full_b = f("Scenario B: Technologie solidair aan zet Samen vooruit, en ieder aan werk Inleiding")
    full_c = f("Het algemene belang centraal Inleiding")
    full_d = f("Scenario D: Solowerk in crisistijd Gedwongen zelfredzaamheid: afgebouwd vangnet Inleiding")
    b1 = f("Ontwikkeling Beschrijving")
    b2 = f("De assenkruismethode is een techniek")
    experts = f("Betrokken expert Organisatie")
    spans = {
        "background": [(0, kern)],
        "method": [(kern, dev_list), (quadrant, sum_a), (b2, experts)],
        "developments": [(dev_list, quadrant), (b1, b2)],
        "summary": [(quadrant, overview)],
        "overview": [(overview, policy)],
        "policy": [(policy, conclusion)],
        "conclusion": [(conclusion, appendix_a)],
        "scenario_text": [(appendix_a, b1)],
        "experts": [(experts, end)],
        "summary:A": [(sum_a, sum_b)],
        "summary:B": [(sum_b, sum_c)],
        "summary:C": [(sum_c, sum_d)],
        "summary:D": [(sum_d, overview)],
        "policy:A": [(pol_a, pol_b)],
        "policy:B": [(pol_b, pol_c)],
        "policy:C": [(pol_c, pol_d)],
        "policy:D": [(pol_d, conclusion)],
        "scenario_text:A": [(appendix_a, full_b)],
        "scenario_text:B": [(full_b, full_c)],
        "scenario_text:C": [(full_c, full_d)],
        "scenario_text:D": [(full_d, b1)],
    }
    for name, ranges in spans.items():
        for lo, hi in ranges:
            assert lo < hi, f"section {name} has an empty span ({lo}, {hi}); check the markers"
    return spans


def allowed_spans(case: dict, spans: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    part, scen = case["part"], case["scenarios"]
    if case["type"] == "comparison":
        # A comparison may draw on everything the report says about the scenarios it compares.
        names = [part, "summary", "overview", "conclusion"]
        names += [f"scenario_text:{s}" for s in scen] + [f"policy:{s}" for s in scen]
        return [r for n in names if n in spans for r in spans[n]]
    if part in {"summary", "policy", "scenario_text"} and scen:
        # Quotes must come from the page(s) of the scenario(s) the case is about.
        return [r for s in scen for r in spans[f"{part}:{s}"]]
    return spans.get(part, [])


def test_gold_quotes_lie_in_the_section_of_the_case(cases: list[dict], norm_report: str) -> None:
    spans = section_spans(norm_report)
    failures: list[str] = []
    for case in answered(cases):
        ranges = allowed_spans(case, spans)
        for quote in case["gold_quotes"]:
            q = normalise(quote)
            if q not in norm_report:
                continue  # reported by test_gold_quotes_are_verbatim_in_report
            if not any(norm_report.find(q, lo, hi) != -1 for lo, hi in ranges):
                failures.append(f"{case['id']} ({case['part']} {case['scenarios']}): {quote!r}")
    assert not failures, "gold quotes outside the section the case is about:\n" + "\n".join(failures)
