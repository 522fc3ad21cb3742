"""Interface texts in Dutch and English, and the choice of interface language."""

from __future__ import annotations

import re
from typing import Literal

UiLanguage = Literal["nl", "en"]
LANGUAGES: tuple[UiLanguage, ...] = ("nl", "en")
DEFAULT_LANGUAGE: UiLanguage = "nl"

_TEXT: dict[str, dict[UiLanguage, str]] = {
    "title": {"nl": "Scenario-assistent", "en": "Scenario Assistant"},
    "subtitle": {
        "nl": "Vragen over het TNO-rapport <i>Veerkracht in een veranderende arbeidsmarkt — Toekomstscenario's</i>. "
        "Elke bewering in een antwoord verwijst naar de passage waar ze vandaan komt.",
        "en": "Questions about the TNO report <i>Veerkracht in een veranderende arbeidsmarkt</i> (resilience in a "
        "changing labour market: future scenarios). Every statement in an answer points to the passage it "
        "comes from.",
    },
    "language": {"nl": "Taal", "en": "Language"},
    "tab_chat": {"nl": "Gesprek", "en": "Chat"},
    "tab_compare": {"nl": "Vergelijken", "en": "Compare"},
    "chat": {"nl": "Gesprek", "en": "Conversation"},
    "question": {"nl": "Uw vraag", "en": "Your question"},
    "placeholder": {
        "nl": "Stel een vraag over de scenario's, in het Nederlands of Engels…",
        "en": "Ask about the scenarios, in English or Dutch…",
    },
    "send": {"nl": "Vraag", "en": "Ask"},
    "new_chat": {"nl": "Nieuw gesprek", "en": "New conversation"},
    "examples": {"nl": "Voorbeeldvragen", "en": "Example questions"},
    "chat_placeholder": {
        "nl": "Stel hieronder een vraag of kies een voorbeeld. Kies rechts een scenario om het gesprek daartoe te "
        "beperken; onder *Vergelijken* staan de vier scenario's naast elkaar.",
        "en": "Ask a question below or pick an example. Choose a scenario on the right to focus the conversation "
        "on it; *Compare* shows the four scenarios side by side.",
    },
    "sources": {"nl": "Bronnen", "en": "Sources"},
    "sources_empty": {
        "nl": "De passages waarop een antwoord steunt verschijnen hier. Klik op een nummer [1] in het antwoord "
        "om de passage te tonen.",
        "en": "The passages an answer rests on appear here. Click a number [1] in the answer to show its passage.",
    },
    "sources_none": {"nl": "Dit antwoord heeft geen bronnen.", "en": "This answer has no sources."},
    "scenarios": {"nl": "Scenario's", "en": "Scenarios"},
    "figure_hint": {
        "nl": "Kies een scenario om het gesprek daartoe te beperken.",
        "en": "Choose a scenario to focus the conversation on it.",
    },
    "all_scenarios": {"nl": "Alle scenario's", "en": "All scenarios"},
    "scope": {"nl": "Bereik", "en": "Scope"},
    "scope_all": {"nl": "alle vier de scenario's", "en": "all four scenarios"},
    "scenario": {"nl": "Scenario", "en": "Scenario"},
    "interpreted": {"nl": "Opgevat als", "en": "Interpreted as"},
    "working": {"nl": "Bezig…", "en": "Working…"},
    "stage_condensing": {"nl": "Vervolgvraag op zichzelf laten staan…", "en": "Making the follow-up self-contained…"},
    "stage_retrieving": {"nl": "Passages zoeken in het rapport…", "en": "Searching the report…"},
    "stage_generating": {
        "nl": "Antwoord schrijven (het taalmodel wordt zo nodig geladen)…",
        "en": "Writing the answer (loading the language model if needed)…",
    },
    "stage_generating_language": {
        "nl": "Antwoord opnieuw schrijven in uw taal…",
        "en": "Rewriting the answer in your language…",
    },
    "stage_verifying": {"nl": "Bronnen controleren…", "en": "Checking the sources…"},
    "error": {
        "nl": "Er ging iets mis bij het beantwoorden ({kind}). Probeer het opnieuw; blijft het misgaan, meld het dan "
        "aan de beheerder.",
        "en": "Something went wrong while answering ({kind}). Please try again; if it keeps failing, tell the "
        "administrator.",
    },
    "unavailable": {
        "nl": "De assistent is nu niet beschikbaar: {detail}",
        "en": "The assistant is unavailable: {detail}",
    },
    "server_down": {
        "nl": "De taalmodelserver is niet bereikbaar ({kind}). Controleer of hij draait en probeer het opnieuw.",
        "en": "The language-model server cannot be reached ({kind}). Check that it is running and try again.",
    },
    "dropped": {
        "nl": "{count} zin(nen) zonder steun in de passages weggelaten.",
        "en": "{count} sentence(s) without support in the passages left out.",
    },
    "feedback": {"nl": "Feedback", "en": "Feedback"},
    "comment": {
        "nl": "Toelichting bij uw duim omhoog/omlaag (optioneel)",
        "en": "Comment with your thumbs up/down (optional)",
    },
    "comment_placeholder": {
        "nl": "Typ eerst uw toelichting en klik dan op de duim onder een antwoord.",
        "en": "Type your comment first, then click a thumb under an answer.",
    },
    "verdict_up": {"nl": "duim omhoog", "en": "thumbs up"},
    "verdict_down": {"nl": "duim omlaag", "en": "thumbs down"},
    "feedback_saved": {
        "nl": "Dank u: uw feedback ({verdict}) bij antwoord {turn} is opgeslagen.",
        "en": "Thank you: your feedback ({verdict}) on answer {turn} was saved.",
    },
    "feedback_cleared": {
        "nl": "Uw eerdere oordeel is al opgeslagen; klik opnieuw op een duim om een nieuw oordeel te geven.",
        "en": "Your earlier verdict is already saved; click a thumb again to give a new verdict.",
    },
    "feedback_nothing": {"nl": "Hier valt geen antwoord te beoordelen.", "en": "There is no answer to rate here."},
    "export": {"nl": "Gesprek downloaden (Markdown)", "en": "Download conversation (Markdown)"},
    "compare_intro": {
        "nl": "De overzichtstabel van het rapport: kies een dimensie en zie de vier scenario's naast elkaar.",
        "en": "The report's overview table: pick a dimension and see the four scenarios side by side "
        "(the cells are the report's own Dutch text).",
    },
    "dimension": {"nl": "Dimensie", "en": "Dimension"},
    "ask_compare": {"nl": "Vraag: {question}", "en": "Ask: {question}"},
    "compare_question": {"nl": "Vergelijk de scenario's op {dimension}", "en": "Compare the scenarios on {dimension}"},
    "source_label": {"nl": "Bron", "en": "Source"},
    "export_title": {"nl": "Gesprek met de scenario-assistent", "en": "Conversation with the Scenario Assistant"},
    "export_question": {"nl": "Vraag", "en": "Question"},
    "export_answer": {"nl": "Antwoord", "en": "Answer"},
    "export_empty": {"nl": "Nog geen vragen gesteld.", "en": "No questions asked yet."},
    "technology_axis": {"nl": "technologie", "en": "technology"},
    "society_axis": {"nl": "samenleving", "en": "society"},
}

EXAMPLES: dict[UiLanguage, tuple[str, ...]] = {
    "nl": (
        "Wat betekent scenario D voor zzp'ers?",
        "Vergelijk A en C op inkomenszekerheid",
        "Welke rol spelen vakbonden in scenario B?",
        "Welke beleidsvragen roept de prestatiemaatschappij op?",
    ),
    "en": (
        "What does scenario D mean for self-employed workers?",
        "Compare scenarios A and C on income security",
        "What role do trade unions play in scenario B?",
        "Which policy questions does the performance society raise?",
    ),
}

# The report's dimensions and axis values are Dutch; English labels for the interface.
_DIMENSIONS_EN = {
    "Technologie": "technology",
    "Samenleving": "society",
    "Arbeidsmarkt": "labour market",
    "Zekerheid": "security",
    "Loopbaangedrag": "career behaviour",
    "Rol werkgever, overheid, vakbonden en onderwijs": "role of employers, government, unions and education",
}
_AXIS_EN = {
    "technologiegedreven": "technology-driven",
    "beperkt technologiegedreven": "limited technology",
    "individueel": "individual",
    "collectief": "collective",
}
_SCENARIO_NAMES_EN = {
    "Prestatiemaatschappij": "Performance society",
    "Technologie solidair aan zet": "Technology in solidarity",
    "Collectieve waarden boven winst": "Collective values above profit",
    "Solowerk in crisistijd": "Solo work in times of crisis",
}
_STAGES = {"condensing", "retrieving", "generating", "verifying"}


def text(key: str, language: UiLanguage, **values: object) -> str:
    """The interface text `key` in the given language, with `{placeholders}` filled in."""
    template = _TEXT[key][language]
    return template.format(**values) if values else template


def stage_text(stage: str, detail: str, language: UiLanguage) -> str:
    """A progress stage of the assistant as a sentence for the user."""
    if stage == "generating" and detail == "language":
        return text("stage_generating_language", language)
    return text(f"stage_{stage}", language) if stage in _STAGES else text("working", language)


def dimension_label(dimension: str, language: UiLanguage) -> str:
    """A dimension of the overview table as shown in the interface (Dutch names are the report's own)."""
    if language == "en":
        return _DIMENSIONS_EN.get(dimension, dimension).capitalize()
    return dimension


def comparison_question(dimension: str, language: UiLanguage) -> str:
    """The one-click comparison question about a dimension."""
    name = _DIMENSIONS_EN.get(dimension, dimension) if language == "en" else dimension.lower()
    return text("compare_question", language, dimension=name)


def axis_label(value: str, language: UiLanguage) -> str:
    """An axis position from the corpus ('technologiegedreven', 'collectief', …) in the interface language."""
    return _AXIS_EN.get(value, value) if language == "en" else value


def scenario_name(name: str, language: UiLanguage) -> str:
    """A scenario's name: the report's Dutch name, with an English gloss in the English interface."""
    return f"{name} ({_SCENARIO_NAMES_EN[name].lower()})" if language == "en" and name in _SCENARIO_NAMES_EN else name


_RANGE = re.compile(r"^\s*([a-zA-Z]{1,8})(?:-[a-zA-Z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def language_from_header(accept_language: str | None) -> UiLanguage:
    """Pick nl or en from an Accept-Language header (or navigator.language).

    Dutch when the header is missing (the report's language); English when it names only other languages.
    """
    best: tuple[float, UiLanguage] | None = None
    for position, item in enumerate((accept_language or "").split(",")):
        match = _RANGE.match(item)
        if not match or match.group(1).lower() not in LANGUAGES:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        # Equal qualities: the earlier entry wins (a tiny penalty by position keeps the order stable).
        score = quality - position * 1e-6
        language: UiLanguage = "nl" if match.group(1).lower() == "nl" else "en"
        if best is None or score > best[0]:
            best = (score, language)
    if best:
        return best[1]
    return "en" if (accept_language or "").strip(" ,*") else DEFAULT_LANGUAGE
