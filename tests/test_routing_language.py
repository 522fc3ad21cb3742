"""Scenario routing and language detection on the phrasings users actually type."""

from __future__ import annotations

import pytest

from assistant.corpus import ScenarioInfo
from assistant.glossary import add_glosses, expand_query
from assistant.language import detect, is_dutch_word
from assistant.retrieval import search_text
from assistant.routing import (
    asks_every_scenario,
    asks_which_axes,
    axes_divided,
    axis_scenarios,
    detect_scenarios,
    is_bare_comparison,
    is_broad_topic,
    names_as_letters,
    route,
    strip_axis,
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Wat betekent scenario D voor zzp'ers?", ("D",)),
        ("wat betekent scenario d voor zzp", ("D",)),
        ("Vergelijk A en C op inkomenszekerheid", ("A", "C")),
        ("Compare scenarios A and C on income security", ("A", "C")),
        ("scenario's B, C en D", ("B", "C", "D")),
        ("Hoe ziet de arbeidsmarkt eruit in de prestatiemaatschappij?", ("A",)),
        ("Wat zijn de gevolgen van solowerk in crisistijd?", ("D",)),
        ("What about collective values above profit?", ("C",)),
        ("Technologie solidair aan zet: wat doen vakbonden?", ("B",)),
        ("Welke beleidsvragen roept scenaro C op?", ("C",)),  # a typo in "scenario"
        ("What is a scenario?", ()),
        ("Is a job guarantee part of it?", ()),
    ],
)
def test_detect_scenarios(question: str, expected: tuple[str, ...]) -> None:
    assert detect_scenarios(question) == expected


def test_comparisons_spread_over_scenarios() -> None:
    assert route("Vergelijk A en C op inkomenszekerheid").comparison
    assert route("Which scenario is worst for vulnerable workers?").scenarios == ("A", "B", "C", "D")
    assert not route("Wat betekent scenario D voor zzp'ers?").comparison
    # Scenarios the user named are all answered; the four a question implies are answered where they apply.
    assert route("Vergelijk A en C op inkomenszekerheid").named
    assert route("Compare all scenarios on income security").named is False
    assert route("Wat is werkzekerheid?").named is False


@pytest.mark.parametrize(
    "question",
    [
        "Welke rol speelt de overheid in de scenario's?",
        "What is the role of unions across the scenarios?",
        "Which futures are low-tech, and what does technology look like there?",
        "How are skills developed in each scenario?",
        "Which scenarios are based on solidarity?",
        "In which scenario is job uncertainty highest?",
        "Is there a basic income in any scenario?",
        "Is er in een van de scenario's een basisinkomen?",
        "where is the pressure to perform highest, and where lowest?",
        "Waar hebben werkgevers de meeste macht?",
    ],
)
def test_questions_over_the_scenarios_are_comparisons(question: str) -> None:
    assert route(question).comparison


@pytest.mark.parametrize(
    "question",
    [
        "How were the four scenarios developed?",
        "Hoe zijn de scenario's ontwikkeld?",
        "How did TNO develop the scenarios?",
        "Waarom zijn er vier scenario's?",
        "Are these four scenarios the only possible futures?",
        "how far ahead do these scenarios look?",
        "Hoeveel scenario's zijn er?",
        "Hoe lang vooruit kijken de scenario's?",
        "Over welke periode gaan de scenario's?",
    ],
)
def test_questions_about_how_the_scenarios_were_made_are_not_comparisons(question: str) -> None:
    # The method chapter answers these; a bullet per scenario would answer a question nobody asked.
    assert route(question) == route("Wat is de methode?")


def test_broad_topic_questions() -> None:
    assert is_broad_topic("What does the report say about AI?")
    assert is_broad_topic("Wat zegt het rapport over scholing?")
    assert is_broad_topic("Hoe zit het met flexwerk?")
    assert is_broad_topic("What is the role of employers?")
    assert not is_broad_topic("What does the report say about AI in scenario B?")
    assert not is_broad_topic("Wat is een skillspaspoort?")
    assert not is_broad_topic("What does the report say about the method?")
    # The report's view, asked as such: answered from one scenario's passage, it was that scenario's view.
    assert is_broad_topic("Is AI a threat to jobs according to the report?")
    assert is_broad_topic("Verdwijnen er banen door robots volgens het rapport?")
    assert not is_broad_topic("According to the report, what happens to zzp'ers in scenario D?")


@pytest.mark.parametrize(
    ("text", "language", "detected"),
    [
        ("Wat betekent scenario D voor zzp'ers?", "nl", "nl"),
        ("En in scenario C?", "nl", "nl"),
        ("What about employers?", "en", "en"),
        ("Compare A and C on income security", "en", "en"),
        ("Was bedeutet Szenario D für Selbständige?", "en", "other"),
        ("Quelle est la conclusion du rapport?", "en", "other"),
        ("wat zegt het rapport over flexwerkers", "nl", "nl"),
        # Dutch names do not make an English answer Dutch, nor an English question about a person.
        ("The project team consisted of Sandra Mathijssen, Noëla Hantschel, Patrick van der Duin, Jessie Koen, "
         "Marloes Vooijs, Roy Peijen, Ellemarijn de Geit, and Ruth van Veelen. From the report (in Dutch):", "en", "en"),
        ("Who is Ruth van Veelen?", "en", "en"),
        ("Wie is Sandra Mathijssen?", "nl", "nl"),
        # Nor do the scenarios' Dutch names.
        ("The pressure to perform is highest in scenario A: Prestatiemaatschappij and in C: Collectieve waarden "
         "boven winst, and lowest in scenario B: Technologie solidair aan zet.", "en", "en"),
        ("Solowerk in crisistijd", "nl", "nl"),
        # Title case is not a name.
        ("What Does Scenario D Mean For Freelancers?", "en", "en"),
        ("How Do Trade Unions Work In Scenario B?", "en", "en"),
        ("Wat Betekent Scenario D Voor Zzp-ers?", "nl", "nl"),
    ],
)
def test_language(text: str, language: str, detected: str) -> None:
    result = detect(text)
    assert (result.language, result.detected) == (language, detected)


def test_ambiguous_short_text_takes_the_conversation_language() -> None:
    assert detect("zzp?", default="en").language == "en"
    assert detect("zzp?", default="nl").language == "nl"


def test_english_terms_expand_to_the_reports_dutch_words() -> None:
    expanded = expand_query("What does scenario D mean for self-employed workers?")
    assert "zzp'ers" in expanded and "zelfstandigen" in expanded
    # "Er is minder prestatiedruk" (scenario C) is the report's word for the pressure to perform.
    assert "prestatiedruk" in expand_query("Where is the pressure to perform highest?")
    # The report's technology axis: "beperkt technologie-gedreven" is its low-tech, "sterk technologie-gedreven" its high-tech.
    assert "beperkt technologie-gedreven" in expand_query("Which futures are low-tech?")
    assert "sterk technologie-gedreven" in expand_query("Which scenarios are high tech?")
    # Companies, SMEs and accountability, in the report's words ("Kleine en middelgrote bedrijven spelen hierbij een
    # sleutelrol"); "pay for training" is not about wages.
    assert "middelgrote bedrijven" in expand_query("What role do SMEs play in scenario C?")
    assert "verantwoordelijk" in expand_query("How are companies held accountable?")
    assert "loon" not in expand_query("Who pays for training in scenario D?")
    # The report has no basic income; scenario B's guaranteed minimum income is what it says on it, in either language.
    assert "minimuminkomen" in expand_query("Wat zegt het rapport over basisinkomen?")
    # The time horizon, asked in Dutch: "de komende 10 tot 15 jaar".
    assert "10 tot 15 jaar" in expand_query("Hoe lang vooruit kijken de scenario's?")


def test_glosses_are_added_once() -> None:
    text = add_glosses("Werkzekerheid is low for zzp'ers. Zzp'ers compete.")
    assert text.count("(self-employed workers)") == 1
    assert "(job security)" in text


def test_a_gloss_inside_a_quote_is_marked_as_added() -> None:
    text = add_glosses("From the report (in Dutch): “De werkzekerheid daalt voor zzp’ers” [1].")
    assert text == "From the report (in Dutch): “De werkzekerheid [job security] daalt voor zzp’ers [self-employed workers]” [1]."
    # Outside the quote, parentheses; a term already glossed is left alone.
    assert add_glosses("The cao (collective labour agreement) applies.") == "The cao (collective labour agreement) applies."


def test_groups_the_passages_do_not_mention() -> None:
    from assistant.glossary import groups_not_covered

    passages = ["Werkgevers zetten technologie in om mensen met een beperking aan een baan te helpen."]
    assert groups_not_covered("What does scenario A mean for older workers?", passages) == ["older workers"]
    assert groups_not_covered("Wat betekent scenario B voor jongeren en vrouwen?", passages) == ["jongeren", "vrouwen"]
    assert groups_not_covered("What about people with a disability in scenario B?", passages) == []
    # zzp'ers are in the report (scenario D), not in scenario B: answered from B's passages, the answer says so.
    assert groups_not_covered("Wat gebeurt er met zzp'ers in scenario B?", passages) == ["zzp'ers"]
    assert groups_not_covered("Wat betekent scenario D voor zzp'ers?", ["Concurrentie onder zelfstandigen is hevig."]) == []
    assert groups_not_covered("What about the self-employed?", ["Scenario D: Solowerk in crisistijd"]) == []


def test_a_comparison_that_names_no_topic_is_bare() -> None:
    for question in ("Vergelijk scenario A en C", "What are the main differences between scenario A and B?",
                     "Wat is het verschil tussen de prestatiemaatschappij en solowerk in crisistijd?",
                     "How do scenarios B and D differ?", "Compare the four scenarios",
                     # What they have in common asks for them as wholes too (it had read an arbitrary table row).
                     "What do scenarios B and C have in common?", "Wat hebben B en C gemeen?",
                     "Wat zijn de overeenkomsten tussen A en D?", "Waarin komen A en D overeen?"):
        assert is_bare_comparison(question), question
    for question in ("Vergelijk A en C op inkomenszekerheid", "Compare A and C on income security",
                     "What do A and B have in common on income security?", "Wat hebben A en D gemeen voor zzp'ers?",
                     "Which scenario is worst for vulnerable workers?"):
        assert not is_bare_comparison(question), question


@pytest.mark.parametrize(
    "question",
    [
        "What is the most important conclusion of the report?",
        "Waar gaat het rapport over?",
        "Is het waar dat werkdruk het hoogst is?",
        "Where can I read the full report?",
    ],
)
def test_other_questions_with_where_or_most_are_not_comparisons(question: str) -> None:
    assert not route(question).comparison


def test_fewer_hours_is_read_as_the_reports_four_day_week() -> None:
    # "In which scenario do people work fewer hours?" never reached B's "Er is een 4-daagse werkweek ingevoerd".
    for question in ("In which scenario do people work fewer hours?", "In welk scenario werken mensen minder uren?",
                     "Is there a shorter working week?"):
        assert "4-daagse werkweek" in expand_query(question)
    assert "4-daagse" not in expand_query("Where do people work hardest?")


@pytest.mark.parametrize(("question", "every"), [
    ("Geef een tabel met de vier scenario's op zekerheid", True), ("What is job security like in each scenario?", True),
    ("Hoe zit het in alle toekomstbeelden met scholing?", True), ("Which scenario is worst for older workers?", False),
    ("Wat betekent scenario D voor zzp'ers?", False)])
def test_a_question_can_ask_for_every_scenario(question: str, every: bool) -> None:
    assert asks_every_scenario(question) is every


@pytest.mark.parametrize(("question", "searched"), [
    ("Summarize the report in three sentences", "Summarize the report"),
    ("Explain scenario B in two sentences.", "Explain scenario B."),
    ("Wat zegt het rapport over platformwerk, in het kort?", "platformwerk?"),
    ("Wat gebeurt er op korte termijn in D?", "Wat gebeurt er op korte termijn in D?"),
    ("in drie zinnen", "in drie zinnen")])
def test_how_the_answer_should_be_put_is_not_searched(question: str, searched: str) -> None:
    assert search_text(question) == searched


@pytest.mark.parametrize("question", ["Over welk jaar gaan de scenario's?", "What year are the scenarios set in?"])
def test_the_year_of_the_scenarios_is_a_question_about_the_method_not_a_comparison(question: str) -> None:
    assert not route(question).comparison
    assert "komende 10 tot 15 jaar" in expand_query(question)


@pytest.mark.parametrize("question", ["What happens to people who lose their job in scenario C?",
                                      "Which sectors gain and which lose jobs in scenario C?",
                                      "Wat gebeurt er als je je baan kwijtraakt in scenario D?"])
def test_losing_a_job_is_searched_with_the_reports_words_for_it(question: str) -> None:
    # "lose their job" shared no word with C's "van werk naar werk begeleiding" passage; the policy introduction
    # answered, and a claim about competition was verified against "lagere concurrentiekracht".
    assert "baan verliezen" in expand_query(question)


def test_a_word_is_dutch_only_when_clearly_so() -> None:
    # Copied into an English sentence, "geprivilegieerde" and "werkdruk" are the report's Dutch; "skills" and
    # "platform" are words both languages use.
    assert is_dutch_word("geprivilegieerde") and is_dutch_word("werkdruk")
    assert not is_dutch_word("skills") and not is_dutch_word("platform") and not is_dutch_word("pressure")


# The report's 2×2: A technology-driven and individual, B technology-driven and collective, C limited technology
# and collective, D limited technology and individual.
_AXES = {letter: ScenarioInfo(letter, letter, "", technology, orientation, ())
         for letter, technology, orientation in (("A", "technologiegedreven", "individueel"),
                                                 ("B", "technologiegedreven", "collectief"),
                                                 ("C", "beperkt technologiegedreven", "collectief"),
                                                 ("D", "beperkt technologiegedreven", "individueel"))}


@pytest.mark.parametrize(("question", "expected"), [
    ("Which futures are low-tech, and what does technology look like there?", ("C", "D")),
    ("In de scenario's met weinig technologie, wat gebeurt er met banen?", ("C", "D")),
    ("Welke scenario's zijn beperkt technologiegedreven?", ("C", "D")),
    ("Compare the high-tech scenarios on income security", ("A", "B")),
    ("Which scenarios are technology-driven?", ("A", "B")),
    ("Welke scenario's zijn collectief gericht?", ("B", "C")),
    ("Wat hebben de collectieve scenario's gemeen?", ("B", "C")),
    ("What do the individualistic scenarios have in common?", ("A", "D")),
    ("Which scenario is individualistic and high-tech?", ("A",)),
    # A side of an axis only where the question speaks of scenarios: otherwise it is the topic.
    # Both ends of an axis: all four.
    ("Welke scenario's zijn collectief gericht en welke individueel?", ()),
    ("Which futures are high-tech and which low-tech?", ()),
    ("What about low-tech jobs?", ()),
    ("Which scenarios have collective agreements?", ()),
    ("Welke scenario's hebben een sterk sociaal vangnet?", ()),
    ("Hoe zit het met technologie in de scenario's?", ()),
])
def test_a_side_of_the_reports_axes_chooses_its_scenarios(question: str, expected: tuple[str, ...]) -> None:
    assert axis_scenarios(question, _AXES) == expected


def test_the_collective_scenario_is_c_and_the_collective_scenarios_are_an_axis_side() -> None:
    assert detect_scenarios("How does the collective scenario handle unions?") == ("C",)
    assert detect_scenarios("Wat hebben de collectieve scenario's gemeen?") == ()


def test_the_axis_words_that_chose_the_scenarios_are_not_searched() -> None:
    # "What do the low-tech scenarios mean for self-employed workers?" read C's technology cell.
    assert strip_axis("What do the low-tech scenarios mean for self-employed workers?") == (
        "What do the scenarios mean for self-employed workers?")
    assert strip_axis("Wat betekenen de individueel gerichte scenario's voor kwetsbare werkenden?") == (
        "Wat betekenen de scenario's voor kwetsbare werkenden?")
    assert strip_axis("Welke scenario's zijn individueel gericht en wat betekent dat voor de werkzekerheid?") == (
        "Welke scenario's zijn en wat betekent dat voor de werkzekerheid?")
    # Asked for nothing else, what is left is a comparison of the chosen scenarios as wholes.
    assert is_bare_comparison(strip_axis("Which futures are low-tech?"))
    assert is_bare_comparison(strip_axis("Welke scenario's zijn collectief gericht?"))
    # Technology asked of them stays the topic.
    assert strip_axis("Which futures are low-tech, and what does technology look like there?") == (
        "Which futures are, and what does technology look like there?")


def test_a_question_on_both_ends_of_an_axis_asks_for_the_division_itself() -> None:
    assert axes_divided("Welke scenario's zijn collectief gericht en welke individueel?") == ("society",)
    assert axes_divided("Which futures are high-tech and which low-tech?") == ("technology",)
    # One end chooses scenarios (axis_scenarios); words of an axis outside a question on scenarios are a topic.
    assert axes_divided("Which futures are low-tech?") == ()
    assert axes_divided("Are collective agreements or individual contracts more common?") == ()


def test_a_scenario_name_is_searched_as_its_letter() -> None:
    # "tech" and "collective values" are the names' words, not the topic: searched, they found technology passages
    # for a question on the government's role.
    question = ("How does the government's role differ between the solidarity-tech scenario and the collective "
                "values one?")
    assert names_as_letters(question) == "How does the government's role differ between scenario B and scenario C?"
    assert names_as_letters("Hoe zit het met collectieve waarden boven winst?") == "Hoe zit het met scenario C?"
    assert names_as_letters("Wat gebeurt er in Solowerk in crisistijd met vakbonden?") == (
        "Wat gebeurt er in scenario D met vakbonden?")
    assert names_as_letters("Vergelijk scenario A en C") == "Vergelijk scenario A en C"


def test_which_axes_the_scenarios_are_built_on_is_told_from_how_they_are_chosen() -> None:
    for question in ("Welke twee assen zijn er gekozen?", "What are the two axes of the scenarios?",
                     "Op welke kernonzekerheden zijn de scenario's gebaseerd?", "What are the two dimensions?"):
        assert asks_which_axes(question), question
    for question in ("How were the axes chosen?", "Welke methode is gebruikt?", "Wat zijn de assen van scenario A?",
                     "Which dimensions does the overview table use?"):
        assert not asks_which_axes(question), question


def test_a_question_on_zzpers_also_searches_the_reports_flexible_work() -> None:
    # Scenario C never names zzp'ers; "Er is minder sprake van flexibel werk" is what it says of them.
    assert "flexibel" in expand_query("Wat betekent scenario C voor zzp'ers?").split()
    assert "flexibel" in expand_query("What does scenario B mean for self-employed workers?").split()
