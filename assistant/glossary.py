"""Domain vocabulary: English and colloquial terms mapped to the report's Dutch words.

Used to expand lexical (BM25) queries, since an English question shares few words with the Dutch report,
and to add an English gloss to Dutch terms in English answers. Hand-written because it is domain knowledge
of this one report, not something a package provides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.routing import strip_scenarios
from assistant.text import stopwords

# Pattern (lowercase, regex) -> Dutch words from the report.
EXPANSIONS: dict[str, str] = {
    # Where the report does not name zzp'ers (scenario C), it speaks of them as flexible work: "Er is minder sprake van
    # flexibel werk, vaste contracten zijn weer mainstream" answers "Wat betekent scenario C voor zzp'ers?".
    r"self[- ]employ\w*|freelanc\w*|solo[- ]?work\w*|zzp\w*|zelfstandig\w*":
        "zzp'ers zelfstandigen zelfstandige flexibel",
    r"flex\w*werk\w*|flexible work\w*|gig": "flexibele tijdelijke gig-work flexwerkers",
    r"job security|work security|employment security": "werkzekerheid",
    r"income security|income": "inkomenszekerheid inkomen",
    r"job guarantee|guarantee of work": "garantie werk werkgarantie",
    r"safety net|welfare|social security": "vangnet vangnetten sociale zekerheid voorzieningen",
    r"collective (labou?r )?agreement|\bcla\b|\bcao\b": "cao cao's",
    r"(trade )?unions?": "vakbonden vakbond",
    r"employers?": "werkgevers werkgever",
    r"employees?|workers?": "werkenden werknemers",
    r"job ?seekers?|unemploy\w*": "werkzoekenden werkloosheid werklozen",
    r"los(?:e|es|ing|t) (?:(?:their|your|his|her|a|the|my) )?jobs?|job loss\w*|laid off|redundan\w*|"
    r"(?:baan|werk) kwijt\w*|ontslag\w*": "baan verliezen baanverlies werklozen werkloosheid",
    r"vulnerable": "kwetsbare kwetsbaren kwetsbaarheid",
    r"inequalit\w*|unequal": "ongelijkheid kansenongelijkheid",
    r"lifelong learning|\bllo\b": "leven lang ontwikkelen LLO scholing",
    r"platform ?work\w*|platformwerk\w*": "platformwerk",
    r"platforms?\b(?!\s*work)|platformen\b": "platformen platforms",
    r"government|state|authorit\w*": "overheid overheden",
    r"education|training|school\w*": "onderwijs scholing opleidingen",
    r"career\w*": "loopbaan loopbanen loopbaangedrag",
    # The report's axis: "(sterk) technologie-gedreven" against "beperkt technologie-gedreven".
    r"low[- ]?tech\w*|little technolog\w*|less technolog\w*": "beperkt technologie-gedreven technologiegedreven",
    r"high[- ]?tech\w*|tech(?:nology)?[- ]driven|technology[- ]led": "sterk technologie-gedreven technologiegedreven",
    r"technolog\w*|tech\b|\bai\b|artificial intelligence": "technologie technologische AI",
    r"societ\w*|social": "samenleving maatschappelijke sociale",
    r"labou?r market": "arbeidsmarkt",
    r"policy|policies": "beleid beleidsvraagstukken",
    r"minimum income|basic income|basisinkomen": "gegarandeerd minimuminkomen",
    r"permanent contracts?|fixed contracts?": "vaste contracten",
    r"temporary": "tijdelijke tijdelijk",
    r"burn-?outs?": "burn-out burn-outs",
    r"mental health|stress": "mentale gezondheid stress druk",
    r"pressure": "prestatiedruk druk",  # "pressure to perform", "performance pressure", "work pressure"
    r"brain ?drain": "braindrain",
    r"informal care\w*|(?:family )?carers?\b|caregiv\w*": "mantelzorg zorgtaken",
    r"(?:four|4)[- ]day (?:work ?)?week|vierdaagse|werkweek": "4-daagse werkweek",
    r"core uncertaint\w*|key uncertaint\w*": "kernonzekerheden",
    r"method\w*|approach": "methode assenkruismethode deskresearch DESTEP",
    r"developments?|trends?": "ontwikkelingen",
    r"conclu\w*": "conclusie",
    r"(key|main|core|central) message": "kernboodschap",
    r"implications?": "implicaties",
    r"recommend\w*|aanbevel\w*|advi[sz]\w*": "implicaties voor beleid",
    r"experts?|interview\w*": "experts expert",
    r"\bauthors?\b|\bwrote\b|\bwritten\b|auteurs?\b|geschreven|schrijvers?\b|opgesteld|project ?team":
        "projectteamleden TNO projectteam",
    r"research question": "onderzoeksvraag centrale vraag",
    r"migration": "migratie",
    r"globali[sz]ation": "globalisering",
    r"sustainab\w*|climate": "duurzaamheid duurzaamheidstransitie klimaat",
    r"regulation|deregulation": "regulering",
    r"workforce|labou?r force": "beroepsbevolking",
    r"alliances?|sector\w*": "allianties sectorale",
    r"cooperatives?": "coöperaties broodfondsen",
    r"competition|competitive": "concurrentie competitief competitieve",
    r"defen[cs]e": "defensie",
    r"data": "data dataprofielen",
    r"innovation": "innovatie",
    r"solidarity": "solidariteit solidaire",
    r"four[- ]day|fewer (?:working )?hours|shorter (?:working |work )?weeks?|working hours|work(?:ing)? (?:less|fewer)|"
    r"minder (?:uren|werken)|korter\w* werkweek|werkweek": "4-daagse werkweek",
    r"unpaid": "onbetaald",
    r"motivation": "motivatie betrokkenheid",
    r"entrepreneur\w*": "ondernemerschap",
    r"mobility": "arbeidsmobiliteit mobiliteit",
    r"knowledge": "kennis",
    r"poverty": "armoede",
    r"tax\w*": "belastingen belasting belastingstelsel heffing",
    r"project ?team|team members?": "projectteamleden projectteam",
    # The report names its partner, not a client or a funder: "TNO, in samenwerking met de Goldschmeding Foundation".
    r"commission\w*|fund(?:ed|ing|er)s?|financ\w*|sponsor\w*|opdrachtgever\w*|in opdracht|opdracht gegeven|"
    r"gefinancierd|betaald|partners?\b": "Goldschmeding Foundation samenwerking",
    r"housing|health ?care|care\b": "zorg huisvesting",
    r"pensions?|retire\w*": "pensioen",
    r"time horizon|how far ahead|horizon|how many years|how long ahead|(?:which|what) years?|"
    r"hoe (?:ver|lang) (?:vooruit|in de toekomst)|tijdshorizon|welke periode|hoeveel jaar|welk jaar|tot wanneer":
        "komende 10 tot 15 jaar tien jaar",
    r"uncertaint\w*": "onzekerheid onzekerheden",
    r"older workers|elderly|age?ing": "ouderen",
    r"automat\w*|robot\w*": "automatisering robotisering",
    r"exhaustive|complete\w*|only possible": "volledig",
    r"compan(?:y|ies)|business\w*|\bfirms?\b|enterprises?": "bedrijven bedrijf",
    r"\bsmes?\b|small (?:and|&) medium": "kleine en middelgrote bedrijven mkb",
    r"accountab\w*|responsib\w*": "verantwoordelijk verantwoordelijkheid",
    r"\bwages?\b|salar\w*|earnings": "loon verdiensten beloning",
    r"insurance|insured": "verzekeringen verzekering",
    r"disabilit\w*|incapacity": "arbeidsongeschiktheid",
    r"illness|sickness|\bsick\b": "ziekte",
    r"retrain\w*|reskill\w*|upskill\w*": "omscholing scholing",
    r"start-?ups?": "startups",
    r"zero[- ]hours?": "nulurencontracten",
    r"well-?being": "welzijn",
    r"meaningful": "betekenisvol betekenisvolle",
    r"europe\w*": "Europa Europese",
    r"\bwars?\b|conflicts?": "oorlog conflicten",
    r"energy": "energie",
    r"productivity": "productiviteit",
    r"inclusi\w*": "inclusie inclusiviteit",
    r"exploit\w*": "uitbuiting",
    r"volunteer\w*": "vrijwilligers vrijwilligerswerk",
}

# Things the report itself names (its coinages and instruments), in English and Dutch -> the report's words. A
# question that names one is about the report even when the embedder finds it far from every passage ("What are
# the Days of Standstill?" scores 0.27 against the 0.30 relevance floor; "What are learning houses?" 0.23).
REPORT_TERMS: dict[str, str] = {
    r"days? of standstill|standstill days|dagen van stilstand": "Dagen van Stilstand",
    r"bread ?funds?|broodfonds\w*": "broodfondsen",
    r"learning (?:houses?|hubs?|cent(?:re|er)s?)|leerhuis|leerhuizen": "leerhuizen",
    r"skills? passports?|skillspaspoort\w*": "skillspaspoort skillspaspoorten",
    r"numerus fixus": "numerus fixus opleidingen",
    r"ai[- ]coach\w*|learning apps?|leerapps?": "AI-coaches leerapps",
    r"(?:axes|axis|scenario[- ]cross|quadrant) method|assenkruis\w*": "assenkruismethode",
    r"sector(?:al)? alliances?|sectorale allianties?": "sectorale allianties",
    r"development networks?|ontwikkelnetwerk\w*": "ontwikkelnetwerken",
    r"data profiles?|dataprofiel\w*": "dataprofiel dataprofielen",
    r"gatekeepers?|poortwachters?": "poortwachters",
    r"broad prosperity|brede welvaart": "brede welvaart",
    # Its own sections: "What is the key message?" (0.26 from every passage) asks for the one titled so.
    # So does a summary of the report as a whole ("Summarize the report in three sentences", 0.28): its key message
    # is the report's own. A scenario's summary ("a quick summary of scenario C") is that scenario's.
    r"(?:key|main|core|central) messages?|kernboodschap\w*|summar\w* (?:of )?(?:the|this) report|"
    r"(?:the|this) report in (?:a nutshell|short|brief)|samenvatting van (?:het|dit) rapport|"
    r"vat (?:het|dit) rapport (?:\w+ )?samen|kern van (?:het|dit) rapport|(?:het|dit) rapport in (?:het kort|een notendop)":
        "kernboodschap",
    r"research questions?|onderzoeksvra\w*|centrale vraag": "onderzoeksvraag centrale vraag",
    r"policy implications?|implications? for policy|implicaties voor (?:het )?beleid": "implicaties voor beleid",
}
_REPORT_TERMS = [re.compile(pattern, re.IGNORECASE) for pattern in REPORT_TERMS]


def names_report_term(question: str) -> bool:
    """Whether the question names something the report itself coined or describes (its instruments, events)."""
    return any(pattern.search(question) for pattern in _REPORT_TERMS)


def report_terms_named(question: str) -> list[re.Pattern[str]]:
    """The report's own terms the question names; each pattern also finds the term's Dutch forms in the report."""
    return [pattern for pattern in _REPORT_TERMS if pattern.search(question)]


# Groups of people a question can ask about -> the report's words for them (lowercase stems, found as
# substrings). When no cited passage uses any of them, the answer tells the user so instead of letting a general
# statement pass for one about that group.
GROUPS: dict[str, tuple[str, ...]] = {
    r"older (?:workers|people|employees)|elderly|seniors?|ouderen|oudere (?:werknemers|werkenden|mensen)":
        ("ouderen", "oudere", "vergrijzing"),
    r"young (?:people|workers|adults)|youth|youngsters|jongeren|jonge (?:werknemers|werkenden|mensen)|school[- ]?leavers|"
    r"schoolverlaters": ("jongeren", "jonge", "starters", "schoolverlaters"),
    r"\bwomen\b|\bvrouwen\b|gender": ("vrouw", "gender"),
    r"migrants?|immigrants?|migranten|refugees|vluchtelingen|statushouders": ("migrant", "migratie", "vluchteling",
                                                                               "statushouder", "nieuwkomer"),
    r"disab\w*|(?:met een|with an?) (?:arbeids)?beperking|arbeidsbeperking\w*|gehandicapt\w*": ("beperking",),
    r"low[- ]?(?:educated|skilled)|laag ?opgeleid\w*|praktisch opgeleid\w*|laaggeletterd\w*":
        ("laagopgeleid", "laag opgeleid", "praktisch opgeleid", "laaggeletterd", "lager opgeleid"),
    r"\bstudents?\b|\bstudenten\b": ("student",),
    r"\bparents\b|\bouders\b|mantelzorg\w*|informal carers?": ("ouders", "mantelzorg", "zorgtaken"),
    # The report speaks of zzp'ers in scenario D and in one development; "zzp'ers in scenario B" has no answer there.
    r"self[- ]employed|freelanc\w*|zzp(?:['’]\w+|\w*)|zelfstandigen|solo[- ]?work\w*|solowerk\w*":
        ("zzp", "zelfstandig", "freelanc", "solowerk"),
    r"platform ?work\w*|gig[- ]?work\w*|platformwerk\w*": ("platform", "gig"),
}
_GROUPS = [(re.compile(pattern, re.IGNORECASE), words) for pattern, words in GROUPS.items()]


_VULNERABLE = (re.compile(r"vulnerable|kwetsba\w*", re.IGNORECASE), ("kwetsba",))


def groups_named(question: str) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    """The groups of people a question asks about (vulnerable workers too), each with the report's words for it."""
    return [(pattern, words) for pattern, words in (*_GROUPS, _VULNERABLE) if pattern.search(question)]


# A proper name mid-sentence ("the Goldschmeding Foundation", "Sandra Mathijssen") or an acronym ("SER", "VNO-NCW").
_NAME = re.compile(r"(?<=[\w,;'‘\"“(]\s)[A-Z][\w’'-]+|\b[A-Z]{2,}[\w-]*")
# Names that are not organisations or people: the report's author stands for the report ("volgens TNO"), places and
# languages are translated ("Netherlands" is "Nederland" in the text), and these topics have report words of their own.
_NOT_NAMES = frozenset({"tno", "scenario", "dutch", "english", "netherlands", "nederland", "nederlandse", "europe",
                        "european", "europa", "europese", "eu", "ai", "ict", "zzp", "cao", "cla", "clas", "smes", "mkb"})


def names_named(question: str) -> list[re.Pattern[str]]:
    """The people and organisations a question names, each as a pattern that finds the name in a text."""
    found = dict.fromkeys(m.group(0).rstrip("'’-").lower() for m in _NAME.finditer(strip_scenarios(question)))
    return [re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
            for name in found if name.split("'")[0] not in _NOT_NAMES | stopwords()]


def without_names(text: str, names: Sequence[re.Pattern[str]]) -> str:
    """The text with the names taken out (its other words as they were)."""
    for pattern in names:
        text = pattern.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def names_not_covered(question: str, passages: list[str]) -> list[str]:
    """The people and organisations the question names (as it writes them) that none of the passages names."""
    text = " ".join(passages)
    spans = sorted(m.span() for pattern in names_named(question) if not pattern.search(text)
                   for m in [pattern.search(question)] if m)
    merged: list[list[int]] = []
    for start, end in spans:  # "Sandra Mathijssen" is one name, not two
        if merged and not question[merged[-1][1]:start].strip():
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [question[start:end] for start, end in merged]


Topic = tuple[re.Pattern[str], tuple[str, ...]]


def specific_topics(texts: Sequence[str], most: int) -> list[Topic]:
    """The glossary's specific topics (inequality, pensions, zero-hours contracts), each with the report's words for
    it: terms whose report words are in at most `most` of the `texts`.

    A broad term ("workers", "technology", in half the passages) is what most sentences are about and checks nothing.
    """
    return [(pattern, words) for pattern, words in _EXPANSIONS
            if sum(mentions_topic(text, words) for text in texts) <= most]


def topics_named(question: str, topics: Sequence[Topic]) -> list[Topic]:
    """The specific `topics` (from `specific_topics`) a question asks about.

    Like a group of people, a topic asked about is what a claim must be verified on: "income inequality is low"
    was verified by meaning against "inkomenszekerheid laag" (income security, not inequality).
    """
    return [(pattern, words) for pattern, words in topics
            if (match := pattern.search(question)) and match.group(0).lower() not in _NOT_TOPICS]


def terms_asked(question: str, texts: Sequence[str], most: int, shortest: int = 8) -> list[Topic]:
    """The report's rare words a Dutch question asks about ("broodfondsen", "nulurencontract"), each as a topic:
    words of at least `shortest` letters that at least one and at most `most` of the `texts` name.

    "Waarom ontstaan er broodfondsen in de prestatiemaatschappij?" was answered "Broodfondsen ontstaan omdat
    individuen zichzelf steeds opnieuw uitvinden", the question's word glued to the words of a passage that never
    names a broodfonds. Only Dutch questions: an English word found in the Dutch report is a loanword or chance
    ("security" in one passage, "research" inside "deskresearch").
    """
    found: list[Topic] = []
    for word in dict.fromkeys(re.findall(r"[^\W\d_][\w’'-]*", strip_scenarios(question).lower())):
        word = word.rstrip("’'-").replace("’", "'")
        if len(word) < shortest or word in stopwords():
            continue
        # Dutch verb forms end in -t or -d ("betekent", "afgebouwd", "faciliteert"): what is asked of the topic.
        # A noun with those endings is found in the plural ("nulurencontracten") or ends in -heid, -teit.
        plural = re.compile(rf"\b{re.escape(word)}(?:en|s)\b", re.IGNORECASE)
        if word[-1] in "td" and not word.endswith(("heid", "teit")) and not any(plural.search(t) for t in texts):
            continue
        # The word without its plural or inflection ("broodfondsen" finds "broodfonds"), not a shorter stem:
        # "robottaks" must not find "robots".
        stem = re.sub(r"(?:'s|en|s|e)$", "", word)
        pattern = re.compile(rf"\b{re.escape(stem)}", re.IGNORECASE)
        if 1 <= sum(bool(pattern.search(text)) for text in texts) <= most:
            found.append((pattern, (stem,)))
    return found


# Words that expand a search well but are not a topic of their own: "that approach" is not the report's method,
# "take care" not health care.
_NOT_TOPICS = frozenset({"approach", "care"})


def mentions_topic(text: str, words: Sequence[str], ending: int = 5) -> bool:
    """Whether a text names a topic by any of its report words, inflected or not: "sectorale" finds "sectoren",
    "duurzaamheid" "duurzame" (a word's stem, all of it but the last `ending` letters, and at least five).

    With a shorter `ending`, a compound keeps its head: "platformwerk" does not find "platforms".
    """
    lowered = _single_vowels(text.lower())
    return any((bare := _single_vowels(word))[: max(5, len(bare) - ending)] in lowered for word in words)


def names_topic_strictly(text: str, topics: Sequence[Topic]) -> bool:
    """Whether a text names any of the `topics` with the compound's head kept: B's "AI-gestuurde platforms" is not
    platform work."""
    return any(mentions_topic(text, words, ending=3) for _, words in topics)


def _single_vowels(text: str) -> str:
    # Dutch doubles a vowel in a closed syllable only: "duurzaamheid", "duurzame".
    return re.sub(r"([aeou])\1", r"\1", text)


def mentions_groups(text: str, groups: Sequence[tuple[str, ...]]) -> bool:
    """Whether a text mentions each of the groups (any of the report's words for each, as `groups_named` gives them)."""
    lowered = text.lower()
    return all(any(word in lowered for word in words) for words in groups)


def groups_not_covered(question: str, passages: list[str]) -> list[str]:
    """The groups the question asks about (in the user's words) that none of the passages mentions."""
    text = " ".join(passages).lower()
    return [match.group(0) for pattern, words in _GROUPS if (match := pattern.search(question))
            and not any(word in text for word in words)]


# Dutch terms an English answer keeps, with a short gloss (first occurrence only).
GLOSSES: dict[str, str] = {
    "zzp'ers": "self-employed workers",
    "zzp'er": "self-employed worker",
    "werkzekerheid": "job security",
    "inkomenszekerheid": "income security",
    "cao": "collective labour agreement",
    "skillspaspoort": "skills passport",
}

_EXPANSIONS = [(re.compile(pattern, re.IGNORECASE), tuple(words.lower().split())) for pattern, words in EXPANSIONS.items()]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), words)
             for pattern, words in (*EXPANSIONS.items(), *REPORT_TERMS.items())]


def report_term_words(term: str) -> str:
    """The report's own words for a term it coined that `term` names ("broad prosperity" -> "brede welvaart")."""
    return " ".join(words for pattern, words in zip(_REPORT_TERMS, REPORT_TERMS.values(), strict=True)
                    if pattern.search(term))


def expand_query(question: str) -> str:
    """The question plus the report's Dutch words for the domain terms it uses."""
    extra = [words for pattern, words in _COMPILED if pattern.search(question)]
    return question if not extra else f"{question} {' '.join(extra)}"


def report_words_for(question: str) -> frozenset[str]:
    """The report's Dutch words for the domain terms a question uses, that the question does not use itself
    ("Are these the only possible futures?" -> "volledig")."""
    asked = set(re.findall(r"\w+", question.lower()))
    return frozenset(word for pattern, words in _COMPILED if pattern.search(question)
                     for word in re.findall(r"[\w-]+", words.lower()) if len(word) >= 4 and word not in asked)


def add_glosses(answer: str) -> str:
    """Add an English gloss after the first occurrence of each Dutch key term, unless one is there.

    Inside a quote from the report the gloss goes in square brackets, the usual mark of words added to a
    quotation, so the report's own words stay recognisable.
    """
    for term, gloss in GLOSSES.items():
        if gloss.lower() in answer.lower():
            continue
        pattern = re.escape(term).replace("'", "['’]")  # the report writes zzp’ers
        match = re.search(rf"\b{pattern}\b(?!\s*[(\[])", answer, re.IGNORECASE)
        if match is None:
            continue
        before = answer[: match.end()]
        quoted = before.count("“") > before.count("”")
        addition = f" [{gloss}]" if quoted else f" ({gloss})"
        answer = before + addition + answer[match.end():]
    return answer
