"""Attach and verify citations in code: every kept sentence is supported by the passage it cites.

The small local model does not emit citation markers reliably, so markers are not trusted: each answer
sentence is aligned to the context passages by lexical overlap (stemmed content words) and, where the
words differ (an English answer from Dutch passages), by multilingual embedding similarity. A sentence that
no passage supports is dropped and reported.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from langchain_core.embeddings import Embeddings

from assistant.embeddings import cosine
from assistant.glossary import (
    Topic,
    groups_named,
    mentions_groups,
    mentions_topic,
    names_named,
    report_term_words,
    report_words_for,
    without_names,
)
from assistant.language import is_dutch_word
from assistant.routing import detect_scenarios
from assistant.schema import Chunk, Citation, Sentence
from assistant.text import RANKING, SUPERLATIVE, lower_words, stems

# The share of a claim's content words (besides its heading's) that the passage must have. At 0.5, half the words
# verified "Het basisinkomen betaalt de sectorale allianties" by the cell "werkgeverspool van sectorale allianties".
# Measured on the answer suite (same drafts), 0.5 -> 0.6 drops four Dutch sentences, all wrong or empty ("Broodfondsen
# ontstaan omdat de individuen zichzelf en hun rol aan het heruitvinden"): precision 0.804 -> 0.810, fact coverage
# 0.745 -> 0.744 (a fact word inside a wrong sentence).
LEXICAL_MIN = 0.6
# The embedding cosine at which meaning alone verifies an English sentence against a Dutch passage sentence.
# 0.55 let through "trade unions have their traditional positions strengthened" (cosine 0.59; the report says they
# traded them for a mediating role) and, on the answer suite, "pressure is highest in A and C" (C has the least).
# At 0.6 the recorded drafts lose those two and three loosely supported sentences; precision is unchanged and fact
# coverage 0.727 -> 0.722, all of it from the wrong pressure sentence, which named the scenarios the facts look for.
SEMANTIC_MIN = 0.6
# How much better a lower-ranked passage must support a sentence to be cited instead of a higher-ranked one:
# near-ties go to the passage retrieval trusted most, which is the likelier source. Measured on the answer suite
# (same drafts): citation precision 130/156 at 0, 132/156 at 0.05, 131/156 at 0.1. At 0.1 "collective
# responsibility of government, employers, education and social partners" was cited to the key message, not to the
# passage on policy that names all four.
RANK_MARGIN = 0.05
# Meaning alone does not verify a claim against a passage when at least this share of the claim's words are rare
# words of the report that another passage read has and this one lacks ("high werkdruk, burn-out" from A's cell,
# claimed of D). A smaller share can be an English word the report also uses ("trends").
BORROWED_SHARE = 1 / 3
# Meaning alone verifies a claim only against a passage sentence of at least this share of the claim's content
# words: an overview cell of three words ("werkgevers: flexibel personeel") is close in meaning to a fifteen-word
# English sentence that adds working from home and state support. Measured on the answer suite (same drafts):
# 0.35 drops one invented sentence and no supported one (0.4 and 0.5 also drop supported summaries of a cell).
SEMANTIC_SPAN = 0.35
_MARKER = re.compile(r"\s*\[(\d+)\]")
# The quadrant summaries list with "o ": "o ongelijkheid neemt toe".
_O_MARKER = re.compile(r"^o\s+(?=[a-z])")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“‘\"(•\-0-9])|\n+")
# Where a sentence that mixes two claims (typical in comparisons) can be cut into separately citable clauses.
_CLAUSE = re.compile(r",?\s+(?:terwijl|maar|whereas|while|but)\s+|;\s+|,\s+(?=(?:in\s+)?scenario\s+[A-D]\b)", re.IGNORECASE)


def content_tokens(text: str) -> set[str]:
    """Stemmed content words of a text (stopwords removed)."""
    return set(stems(text))


def split_sentences(text: str) -> list[str]:
    """Sentences and bullet lines of a text, stripped of list markers."""
    parts = [_O_MARKER.sub("", p.strip(" \t-•*")) for p in _SPLIT.split(text)]
    return [p for p in parts if p]


@dataclass(frozen=True)
class Alignment:
    sentences: tuple[Sentence, ...]
    citations: tuple[Citation, ...]
    dropped: tuple[str, ...]


@dataclass(frozen=True)
class _Support:
    passage: int
    score: float
    quote: str


def numbers(text: str) -> set[str]:
    """Stand-alone figures in a text ("1,200", "2030", "4-daagse"), not digits inside words like CO2."""
    return {re.sub(r"[.,](?=\d{3}\b)", "", n) for n in _NUMBER.findall(text)}


def _overlap(claim: set[str], words: set[str]) -> float:
    """Share of the claim's words the passage has. One shared word verifies a one-word claim only: "Sociale
    inclusie" is not half-verified by a passage that says "sociale onzekerheid"."""
    shared = len(claim & words)
    return shared / len(claim) if shared >= min(2, len(claim)) else 0.0


def _words_of(text: str, tokens: Collection[str]) -> list[str]:
    """The words of a text, unstemmed, whose content token is one of `tokens` (stems are no language's words)."""
    wanted = set(tokens)
    return [word for word in lower_words(text) if content_tokens(word) & wanted]


def _best_support(sentence: str, passages: Sequence[Chunk], passage_sents: list[list[str]], headings: list[set[str]],
                  vectors: dict[str, list[float]] | None, margin: float = 0.0,
                  groups: Sequence[tuple[re.Pattern[str], tuple[str, ...]]] = (),
                  about_groups: bool = False, names: Sequence[re.Pattern[str]] = (),
                  rare: frozenset[str] = frozenset(), passage_words: Sequence[set[str]] = (),
                  topics: Sequence[Topic] = ()) -> _Support | None:
    tokens = content_tokens(sentence)
    if len(tokens) < 2:
        return None
    figures = numbers(sentence)
    named = set(detect_scenarios(sentence))
    asks = bool(_ASKS.search(sentence))
    denies = denies_something(sentence)
    ranks = bool(SUPERLATIVE.search(sentence))
    explains = bool(_EXPLAINS.search(sentence))
    obliges = bool(_OBLIGES.search(sentence))
    direction = _direction(sentence)
    defines = definition(sentence)
    # A claim about a person or organisation the question names needs a passage that names it, and by meaning a
    # sentence that does: "The Goldschmeding Foundation is a non-profit that supports the unemployed" was verified
    # by a sentence on social security, "Het CPB zegt dat A technologiegedreven is" by a passage without the CPB.
    names = [pattern for pattern in names if pattern.search(sentence)]
    best: _Support | None = None
    for pi, sents in enumerate(passage_sents):
        claim_text, claim_tokens = sentence, tokens
        whole = f"{passages[pi].heading} {passages[pi].text}"
        whole_words = content_tokens(whole)
        term = defines.term if defines else frozenset()
        if defines and not term <= whole_words:
            # "Broad prosperity refers to a society where people are well-fed" was verified by meaning against C's
            # "nadruk op brede welvaart & gelijkheid": an English term is checked as the report's words for it.
            term = defines.report_words or term
        if defines and term <= whole_words:
            # "Brede welvaart betekent de garantie dat er altijd werk is" was verified by "Werkzekerheid betekent de
            # garantie dat er altijd werk is" in a passage that names brede welvaart elsewhere, and "A 'broodbaan' is
            # a dynamic path with room for care" by the one sentence that names a broodbaan (cosine 0.6: the rare
            # word they share). A definition is verified by a sentence that has the term, on what it says of it
            # (an English term the report has no words for is not checked).
            sents = [ps for ps in sents if term <= content_tokens(ps)]
            if not sents:
                continue
            claim_text, claim_tokens = defines.says, content_tokens(defines.says)
        # Asked about vulnerable workers in A, the model wrote "vulnerable workers can profit from flexibility and
        # higher wages", from the sentence about those with skills and networks (cosine 0.6+). Meaning alone verifies
        # a claim about a group the question asks about only against a sentence that names that group (any sentence
        # of a passage whose heading names it: scenario D is "Solowerk in crisistijd"). Shared words still count:
        # "Om deze groep meer veerkracht te bieden" verifies a Dutch claim about people with a disability.
        group_words = [words for pattern, words in groups if (pattern.search(sentence) or about_groups)
                       and not any(w in passages[pi].heading.lower() for w in words)]
        if denies:
            # "Inkomenszekerheid refers to people who do not have a guaranteed minimum income" is close in meaning
            # and words to "inkomenszekerheid via gegarandeerd minimuminkomen": negation words are stopwords and
            # barely move an embedding. A denial is supported only by report words that deny or diminish.
            sents = [ps for ps in sents if _NEGATIVE.search(ps)]
            if not sents:
                continue
        if direction:
            # "In scenario C, trade unions have their traditional positions strengthened" was verified by meaning
            # (above 0.6) against "Vakbonden hebben hun traditionele positie grotendeels ingeruild voor een bemiddelende
            # rol": like negation, words of direction barely move an embedding. A sentence that only goes the other way
            # does not support a claim.
            sents = [ps for ps in sents if _direction(ps) != -direction]
            if not sents:
                continue
        if ranks:
            # "The pressure is lowest in scenario A", from A's cell "grote werk- en mentale druk" (cosine 0.6+): a
            # passage that says what A is like does not say it is the most or least of the four. A claim that ranks
            # is supported only by report words that rank or compare ("minder prestatiedruk").
            sents = [ps for ps in sents if RANKING.search(ps)]
            if not sents:
                continue
        if not obliges:
            # "In scenario D wordt onderwijs versterkt" was verified by "is beleid nodig dat ... het sociaal vangnet
            # versterkt en investeert in ... afstemming tussen onderwijs en arbeidsmarkt": what the report says is
            # needed is not what the scenario is. Such a sentence supports only a claim that says it is needed.
            sents = [ps for ps in sents if not says_needed(ps)]
            if not sents:
                continue
        if wanted := actors(claim_text):
            subjects = dict(_subjects(passage_sents[pi]))
            sents = [ps for ps in sents if subjects.get(ps) is None or subjects[ps] in wanted]
            if not sents:
                continue
        if explains and not _CAUSE.search(passages[pi].text):
            # "Coöperaties ontstaan omdat de techbedrijven poortwachters zijn" joined two items of A's cell
            # ("coöperaties als vangnet", "techbedrijven als poortwachters") with a cause the report never gives.
            # A claim that says why is supported only by a passage that gives causes or consequences (in any of its
            # sentences: the small model joins a sentence on what happened to the next one on why).
            continue
        if not all(pattern.search(whole) for pattern in names):
            continue
        if not figures <= numbers(whole):
            continue  # a figure the passage does not state is never supported, however similar the rest
        if not counts_supported(sentence, passages[pi].text):
            continue
        if not asks:
            # The report's policy questions are questions: "knowledge is kept by staying connected" is an answer
            # the model made up to "how can knowledge be kept?", however close their words and meaning.
            sents = [ps for ps in sents if not ps.rstrip().endswith("?")]
            if not sents:
                continue
        if named and passages[pi].scenario is not None and passages[pi].scenario not in named:
            continue  # "Scenario D is worst for ..." is a claim about D: another scenario's passage cannot verify it

        # Words of the passage's heading path (scenario name, topic) neither support nor count against a
        # sentence: "In de prestatiemaatschappij is X" must be supported on X by the passage text.
        claim = claim_tokens - headings[pi] or claim_tokens
        lexical = _overlap(claim, content_tokens(" ".join(sents)))
        # "Solowerk in crisistijd - high werkdruk, burn-out" was verified by meaning (0.71) against D's cell
        # "noodgedwongen veel tijdelijk werk; voornamelijk gig-work", its words taken from A's cell ("hoge werkdruk,
        # burn-out"): a claim made largely of rare words of the report found in another passage read, not in this
        # one, was written from that other passage; only shared words can verify it here.
        borrowed = {word for word in claim & rare - whole_words
                    if any(word in words for pj, words in enumerate(passage_words) if pj != pi)}
        # A claim on a specific topic the question asks about is verified only in a passage on that topic: "income
        # inequality is low" was 0.6+ from A's "inkomenszekerheid laag", in a cell that never names inequality, and
        # "Broodfondsen ontstaan omdat individuen zichzelf steeds opnieuw uitvinden" shared the rest of its words with
        # a passage that never names a broodfonds.
        if any(pattern.search(claim_text) and not mentions_topic(whole, words) for pattern, words in topics):
            continue
        # An English claim that copies a Dutch word of another passage read ("Highest pressure to perform is for
        # geprivilegieerde groep", from A's cell, was 0.6+ from D's "de hoogst scorende profielen") was written from
        # that passage: however close in meaning, only shared words can verify it here.
        by_meaning = (vectors is not None and len(borrowed) < BORROWED_SHARE * len(claim)
                      and not (borrowed and any(is_dutch_word(word) for word in _words_of(claim_text, borrowed))))
        quote, quote_score = "", -1.0
        for ps in sents:
            ps_tokens = content_tokens(ps)
            score = _overlap(claim, ps_tokens)
            names_group = mentions_groups(ps, group_words)
            names_all = all(pattern.search(ps) for pattern in names)
            # A list of people and their organisations is close in meaning to any claim about people or organisations
            # ("VNO-NCW is a consultancy", cosine 0.60): it supports only by its words.
            if (by_meaning and vectors is not None and claim_text in vectors
                    and len(ps_tokens) >= SEMANTIC_SPAN * len(claim)
                    and names_group and names_all and passages[pi].kind != "experts"):
                # The name they share says nothing of what the claim says of it: meaning is compared without it
                # (with it, "The Goldschmeding Foundation supports the unemployed" is 0.61 from "TNO develops tools
                # with the Goldschmeding Foundation").
                pair = (without_names(claim_text, names), without_names(ps, names)) if names else (claim_text, ps)
                if claim_text != sentence and (bare := without_words(ps, term)) in vectors:
                    # Nor does the term a definition shares with the sentence: "a society where people are well-fed"
                    # is 0.65 from "nadruk op brede welvaart & gelijkheid", whose "brede welvaart" carries it.
                    pair = (claim_text, bare)
                score = max(score, cosine(vectors[pair[0]], vectors[pair[1]]) / SEMANTIC_MIN * LEXICAL_MIN)
            if score > quote_score:
                quote, quote_score = ps, score
        score = max(lexical, quote_score)
        # The margin decides between passages that both support the sentence; one that does not support it
        # never keeps a lower-ranked one that does from being cited.
        if score >= LEXICAL_MIN and (best is None or score > best.score + margin):
            best = _Support(pi, score, quote)
    return best


# Words that say more or less of something, in claims and in the report.
_UP = re.compile(
    r"\b(?:more|higher|increas\w*|greater|larger|bigger|stronger|rising|rises?|grows?|growing|meer|hoger\w*|groter\w*|"
    r"sterker\w*|toename|toenemende?|neemt toe|nemen toe|stijg\w*|groei\w*|vergro\w*|verhog\w*|strengthen\w*|"
    r"versterk\w*)\b",
    re.IGNORECASE,
)
_DOWN = re.compile(
    r"\b(?:less|lower|fewer|decreas\w*|smaller|weaker|declin\w*|reduc\w*|falling|falls?|shrink\w*|minder|lager\w*|"
    r"kleiner\w*|zwakker\w*|afname|afnemende?|neemt af|nemen af|daal\w*|krimp\w*|verklein\w*|verlag\w*|weaken\w*|"
    r"verzwak\w*|ingeruild|inruil\w*)\b",
    re.IGNORECASE,
)


# Report words that say what is needed, and claim words that say something is needed or should be.
_NEEDED = re.compile(r"\b(?:nodig|noodzakelijk\w*|vereist)\b", re.IGNORECASE)


def says_needed(text: str) -> bool:
    """Whether a sentence of the report says what is needed ("is beleid nodig dat …"), not what a scenario is like."""
    return bool(_NEEDED.search(text))


_OBLIGES = re.compile(
    # "belangrijk"/"important" oblige only as "het is belangrijk dat/om …", "it is important to/that …": "Het onderwijs
    # is een belangrijk onderdeel van scenario D" says what D is like (and was verified by "is beleid nodig dat …").
    r"\b(?:nodig|noodzakelijk\w*|vereist|moet|moeten|dient|dienen|zou|zouden|belangrijk\s+(?:dat|om)|need\w*|should|"
    r"must|require\w*|necessary|essential|important\s+(?:to|that)|call\w* for)\b",
    re.IGNORECASE,
)
# A claim that says why: "omdat", "because", "waardoor", "due to".
_EXPLAINS = re.compile(
    r"\b(?:omdat|doordat|waardoor|daardoor|hierdoor|vanwege|because|due to|owing to|as a result|therefore|"
    r"leads? to|led to|leidt tot|leiden tot)\b",
    re.IGNORECASE,
)
# Report words that give a cause or consequence (looser: "door" is also "by", "gevolg" any consequence).
_CAUSE = re.compile(
    r"\b(?:omdat|doordat|waardoor|daardoor|hierdoor|door|vanwege|dankzij|want|gevolg\w*|reactie|oorza\w*|"
    r"lei(?:dt|den|dde|dden)|geleid|resulte\w*|zorg(?:t|en|de|den) (?:ervoor|voor)|maken|maakt|daarom|dus|"
    r"zodat|om)\b",
    re.IGNORECASE,
)


# Who does something in the report: a claim that has one actor do what the report says of another is not supported
# ("De overheid heeft zich sterk gemaakt voor eerlijke tarieven", from "Zij hebben zich sterk gemaakt …", where "zij"
# is the union for the self-employed; "The workforce is flexible … with little risk", from "Werkgevers zijn blij met
# flexibele inzetbaarheid van personeel, zonder grote risico's").
_ACTORS = {
    "government": re.compile(r"\b(?:rijks)?overhe(?:id|den)\b|\bgovernments?\b|\bthe state\b|\bauthorities\b",
                             re.IGNORECASE),
    "employers": re.compile(r"\bwerkgever\w*|\bemployers?\b|\bopdrachtgever\w*|\bbedrijven\b|\bcompan(?:y|ies)\b|"
                            r"\bbusinesses\b|\bfirms?\b|\bbig tech\b|\btech\w*bedrijven\b|\btech compan\w*",
                            re.IGNORECASE),
    "unions": re.compile(r"\bvakbond\w*|\bunions?\b", re.IGNORECASE),
    "self-employed": re.compile(r"\bzzp\w*|\bzelfstandigen\b|\bself[- ]employed\b|\bfreelancers?\b", re.IGNORECASE),
    "workers": re.compile(r"\bwerkenden\b|\bwerknemers?\b|\bpersoneel\b|\bmedewerkers?\b|\bworkers?\b|\bemployees?\b|"
                          r"\bstaff\b|\bworkforce\b|\bberoepsbevolking\b", re.IGNORECASE),
}
# The actors whose role a question can ask about (workers and the self-employed are groups: glossary.GROUPS).
INSTITUTIONS = frozenset({"government", "employers", "unions"})
# A sentence's subject is in its first words, before a preposition: "De meeste werkgevers voeren", "Traditionele
# vakbonden hebben", "overheid coördineert"; not "De inzet van personeel" (the deployment, not the staff).
_SUBJECT_WORDS = 4
_PREPOSITION = re.compile(r"^(?:van|voor|met|aan|op|bij|in|door|over|of|for|with|to|by|on|at)$", re.IGNORECASE)
_PRONOUN_LEAD = re.compile(r"^\W*(?:zij|ze|they)\b", re.IGNORECASE)


def actors(text: str) -> list[str]:
    """The actors a text names (government, employers, unions, self-employed, workers), in order of appearance."""
    found = sorted((match.start(), name) for name, pattern in _ACTORS.items() if (match := pattern.search(text)))
    return [name for _, name in found]


def _subject(sentence: str, previous: str) -> str | None:
    """The actor a report sentence starts with (through "Zij …", the one the sentence before starts with; "someone"
    when that sentence is not in the passage: a passage can start with "Zij hebben zich sterk gemaakt …")."""
    if _PRONOUN_LEAD.match(sentence):
        return (_subject(previous, "") if previous else None) or "someone"
    head: list[str] = []
    for word in sentence.split()[:_SUBJECT_WORDS]:
        if _PREPOSITION.match(word.strip(",;:")):
            break
        head.append(word)
    named = actors(" ".join(head))
    # "overheid, werkgevers, onderwijs en vakbonden werken samen": a list of actors is no one actor's doing.
    return named[0] if len(named) == 1 else None


def acts_in(text: str, actor: str) -> bool:
    """Whether a sentence of the text has the actor as its subject ("De overheid speelt meer een faciliterende rol")."""
    return bool(sentences_by(text, actor))


# "Is scenario D good for employers?", "can people work for foreign employers?": who it is for, not who acts.
_FOR = re.compile(r"\b(?:for|voor)\s+(?:(?:the|de|het)\s+)?(?:[\w’'-]+\s+)?$", re.IGNORECASE)


def asked_institution(question: str) -> str | None:
    """The one institution (government, employers, unions) a question asks about as the one acting ("What does
    the government do?", "is there any union …?"), not as the one something is for ("good for employers?")."""
    found = {name for name in INSTITUTIONS for match in _ACTORS[name].finditer(question)
             if not _FOR.search(question[: match.start()])}
    return found.pop() if len(found) == 1 else None


def _subjects(sentences: Sequence[str]) -> list[tuple[str, str | None]]:
    """Each sentence with the actor it starts with, reading "Zij …" through the sentence before it."""
    return [(s, _subject(s, previous)) for previous, s in zip(["", *sentences], sentences, strict=False)]


def sentences_by(text: str, actor: str) -> list[str]:
    """The sentences of a text whose subject is the actor (through "Zij …" too)."""
    return [s for s, subject in _subjects(split_sentences(text)) if subject == actor]


def same_actor(claim: str, sentence: str, previous: str = "") -> bool:
    """Whether a report sentence that starts with an actor (or points to one with "zij") speaks of an actor the
    claim names: what it says of that actor is not said of another one. Actors named further on do not count
    ("De langdurige staatssteunuitgaven aan falende bedrijven …" is not about companies)."""
    wanted = actors(claim)
    subject = _subject(sentence, previous) if wanted else None
    return subject is None or subject in wanted


def _direction(text: str) -> int:
    """+1 when a text only says more of something, -1 when it only says less, 0 for both or neither."""
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    return 0 if up == down else 1 if up else -1


# A sentence whose subject is a pronoun standing for people named before ("They ...", "Zij ...").
_PRONOUN_START = re.compile(r"^\s*(?:they|these|those|zij|ze|deze|die)\b", re.IGNORECASE)
# Dutch words that deny, in a claim and in the report alike.
_DUTCH_DENIALS = r"niet|geen|nooit|zonder|niets|niemand|noch|nergens|ontbre\w*"
# A claim that denies: "not", "no", "without" ("not only", "niet alleen" add rather than deny).
_NEGATION = re.compile(
    rf"\b(?:not|no|never|without|none|nothing|nobody|neither|nor|cannot|lacks?|lacking|{_DUTCH_DENIALS})\b|n't\b",
    re.IGNORECASE,
)
_NOT_A_DENIAL = re.compile(r"\b(?:not only|not just|no matter|no doubt|niet alleen|niet enkel|geen wonder)\b",
                           re.IGNORECASE)
# Report words that deny or diminish, any of which can support a denial: "weinig vangnet" supports "no safety
# net to speak of", "vaste contracten verdwijnen" supports "there are no permanent contracts".
_NEGATIVE = re.compile(
    rf"\b(?:{_DUTCH_DENIALS}|weinig|nauwelijks|amper|minder|"
    r"minimale?|laag|lage|lager|beperkt\w*|verdw\w*|afgebouwd|afgenomen|afne\w*|neemt af|gebrek\w*|"
    r"verlie\w*|verloren|kwijt|terug\w*|wegvall\w*|weggevallen|vervalt|vervallen|loslaten|uitsluiting|"
    r"buiten|slechts|alleen|onvoldoende|ontoereikend\w*|zelden|tekort\w*)\b",
    re.IGNORECASE,
)


# "X betekent Y", "X refers to Y": the claim is about X.
_DEFINITION = re.compile(
    r"(?:^|,\s*)(?P<term>[^,;:]{2,60}?)\s+(?:betekent(?!\s+dat\b)|betekende|houdt in|staat voor|verwijst naar|(?:is|wordt) gedefinieerd als|"
    r"means|meant|refers to|stands for|denotes|(?:is|are) defined as)\b(?!\s+(?:that|dat)\b)",
    re.IGNORECASE,
)


# "A 'broodbaan' is ...": a term in quotes, defined with a plain "is".
_QUOTED_DEFINITION = re.compile(r"^(?:(?:a|an|the|een|de|het)\s+)?['‘’\"“](?P<term>[^'‘’\"“”]{2,40})['’\"”]\s+(?:is|are|zijn)\b",
                                re.IGNORECASE)


@dataclass(frozen=True)
class Definition:
    term: frozenset[str]  # content words of the term defined
    says: str  # what the sentence says it is
    report_words: frozenset[str] = frozenset()  # the report's words for the term ("broad prosperity": brede welvaart)


def definition(sentence: str) -> Definition | None:
    """The term a sentence defines and what it says of it ("Werkzekerheid betekent garantie op werk").

    None when the sentence defines nothing or defines a scenario ("Scenario C betekent ..." is about the scenario,
    which its passages name in their heading).
    """
    plain = re.sub(r"\s*[(\[][^)\]]*[)\]]", "", sentence)  # not the gloss of "inkomenszekerheid (income security)"
    match = _DEFINITION.search(plain) or _QUOTED_DEFINITION.search(plain)
    if match is None or detect_scenarios(match.group("term")):
        return None
    term, says = frozenset(content_tokens(match.group("term"))), plain[match.end():].strip()
    if not term or len(content_tokens(says)) < 2:
        return None
    return Definition(term, says, frozenset(content_tokens(report_term_words(match.group("term")))))


def denies_something(sentence: str) -> bool:
    """Whether a sentence states that something is not so (a negation other than "not only")."""
    return bool(_NEGATION.search(_NOT_A_DENIAL.sub(" ", sentence)))


# A sentence that reports a question ("The report asks how …", "Welke maatregelen zijn nodig?").
_ASKS = re.compile(r"\?\s*$|\b(vraag\w*|vraagt|vragen|ask\w*|questions?|how|hoe|whether|wonder\w*)\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])|(?<![\w.,])\d+(?=-)")
# Counts a sentence may state in words; "een"/"one" are left out, they are mostly articles.
_COUNT_WORDS = {
    w: n for n, ws in enumerate((
        (), (), ("twee", "two"), ("drie", "three"), ("vier", "four"), ("vijf", "five"), ("zes", "six"),
        ("zeven", "seven"), ("acht", "eight"), ("negen", "nine"), ("tien", "ten"), ("elf", "eleven"),
        ("twaalf", "twelve"), ("dertien", "thirteen"), ("veertien", "fourteen"), ("vijftien", "fifteen"),
    )) for w in ws
}
COUNT_WINDOW = 3


def _counts(text: str) -> list[tuple[int, list[str]]]:
    """Each count in a text (a number word or a small figure) with the stems of the words that follow it."""
    words = _WORDS.findall(text.lower())
    found = []
    for i, word in enumerate(words):
        value = _COUNT_WORDS.get(word)
        if value is None and word.isdigit() and len(word) < 4:  # years are checked as figures, not as counts
            value = int(word)
        if value is not None:
            found.append((value, stems(" ".join(words[i + 1:i + 1 + COUNT_WINDOW]))))
    return found


def _same_word(a: str, b: str) -> bool:
    """Equal stems, or one is part of the other ("scenario" in "toekomstscenario")."""
    return a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a))


def counts_supported(sentence: str, passage: str) -> bool:
    """Whether every count the sentence states ("twee experts", "four scenarios") is one the passage states.

    The number must occur in the passage (as a word or a figure, Dutch or English), and where the counted
    word is one the passage uses, next to that number: "twee experts" is not verified by a passage that says
    "twee kernonzekerheden" and mentions experts elsewhere. A counted word the passage does not use at all
    (an English translation) cannot be compared and only the number is checked.
    """
    stated = _counts(sentence)
    if not stated:
        return True
    in_passage = _counts(passage)
    passage_stems = content_tokens(passage)
    for value, after in stated:
        near = [following for v, following in in_passage if v == value]
        if not near:
            return False
        noun = next((w for w in after if not w.isdigit()), None)
        if noun and noun in passage_stems and not any(_same_word(noun, w) for following in near for w in following):
            return False
    return True


_SCENARIO_REF = re.compile(r"SCENARIO\s+([A-D])\b")
_GLUED_SCENARIO = re.compile(r"(?<=[a-z])(?=Scenario [A-D]\b)")


def without_words(text: str, tokens: Collection[str]) -> str:
    """The text without the words whose stems are `tokens` (the term a definition defines)."""
    return " ".join(word for word in text.split() if not content_tokens(word) & set(tokens))


def _heading_tokens(passage: Chunk) -> set[str]:
    """Content words of a passage's heading path, with "scenario" (the words a sentence may name it by)."""
    return content_tokens(f"scenario {passage.heading}")


def _adds_to(sentence: str, asked: set[str], heading: set[str]) -> bool:
    """Whether a sentence says something beyond the question and the passage's heading."""
    return bool(content_tokens(sentence) - asked - heading)


def _is_label(sentence: str, headings: list[set[str]]) -> bool:
    tokens = content_tokens(sentence)
    return bool(tokens) and any(tokens <= heading for heading in headings)


def align(answer: str, passages: Sequence[Chunk], embedder: Embeddings | None = None,
          *, semantic: bool = False, margin: float = 0.0, question: str = "",
          rare: Collection[str] = frozenset(),
          topics: Sequence[Topic] = ()) -> Alignment:
    """Cite each answer sentence with the passage that supports it; drop sentences nothing supports.

    Scores are on the lexical scale: a share of the sentence's content words found in the passage, or the
    embedding cosine rescaled so that SEMANTIC_MIN maps to LEXICAL_MIN. With a `margin`, a later passage
    (ranked lower by retrieval) is cited only when it supports the sentence clearly better than an earlier one.
    A claim made largely of the report's `rare` words that another passage has is verified by meaning only against
    a passage that uses them. A claim about a group of people the question asks about is verified by meaning only
    against a sentence that names the group; one on a specific `topic` it asks about, only in a passage that names it.
    A sentence that only restates the `question` ("Ja, mensen in scenario C kiezen zelf waar ze werken") is
    dropped: its words are found in the passage because the question's are, so the overlap verifies nothing,
    least of all its yes or no. A claim that says why ("omdat", "because") needs a passage that gives causes.
    """
    # The small model glues a comparison's next scenario to a word ("a regulator, whileScenario B: the government
    # coordinates"): apart, the clause about B is checked against B's passages, not against A's.
    answer = _GLUED_SCENARIO.sub(" ", answer)
    asked = content_tokens(question)
    rare_words = frozenset(rare)
    groups = groups_named(question)
    names = names_named(question)
    sentences = [_MARKER.sub("", s).strip() for s in split_sentences(answer)]
    # The small model sometimes loops ("Sociale inclusie. Sociale inclusie. …"): a claim is made once.
    unique: dict[str, str] = {}
    for s in sentences:
        if s:
            unique.setdefault(_normal(s), s)
    sentences = list(unique.values())
    passage_sents = [split_sentences(p.text) for p in passages]
    headings = [_heading_tokens(p) for p in passages]
    passage_words = [content_tokens(p.text) for p in passages]
    clauses = {s: [c.strip() for c in _CLAUSE.split(s) if c.strip()] for s in sentences}
    vectors: dict[str, list[float]] | None = None
    if semantic and embedder is not None and sentences:
        pieces = sentences + [c for cs in clauses.values() if len(cs) > 1 for c in cs]
        defined = [d for piece in pieces if (d := definition(piece))]
        pieces += [d.says for d in defined]
        texts = list(dict.fromkeys(pieces + [s for ps in passage_sents for s in ps]))
        terms = [d.term | d.report_words for d in defined]
        texts += [bare for ps in passage_sents for t in ps for term in terms if (bare := without_words(t, term)) != t]
        texts += [without_names(t, names) for t in texts if any(pattern.search(t) for pattern in names)]
        embed = getattr(embedder, "embed_similarity", embedder.embed_documents)
        vectors = dict(zip(texts, embed(texts), strict=True))

    numbers: dict[int, int] = {}  # passage index -> citation number, in order of first use
    quotes: dict[int, tuple[str, float]] = {}
    kept: list[Sentence] = []
    dropped: list[str] = []
    previous_names_group = True  # the question named it: "They ..." first is about that group
    for sentence in sentences:
        if _is_label(sentence, headings) or sentence.endswith(":"):
            # "Scenario A: Prestatiemaatschappij" on its own line is a heading, and "The organisations were:"
            # a lead-in to a list; neither is a claim.
            continue
        # "They can profit from flexibility" after a (dropped) sentence about vulnerable workers is about them.
        about_groups = bool(groups) and previous_names_group and bool(_PRONOUN_START.match(sentence))
        previous_names_group = any(pattern.search(sentence) for pattern, _ in groups) or about_groups
        support = _best_support(sentence, passages, passage_sents, headings, vectors, margin, groups, about_groups,
                                names, rare_words, passage_words, topics)
        parts = [(sentence, support)]
        mixes_scenarios = len(set(_SCENARIO_REF.findall(sentence.upper()))) > 1
        if (support is None or mixes_scenarios) and len(clauses[sentence]) > 1:
            parts = [(c, _best_support(c, passages, passage_sents, headings, vectors, margin, groups, about_groups,
                                       names, rare_words, passage_words, topics))
                     for c in clauses[sentence]]
        for text, found in parts:
            if found is None or (asked and not _adds_to(text, asked, headings[found.passage])):
                dropped.append(text)
                continue
            n = numbers.setdefault(found.passage, len(numbers) + 1)
            if found.passage not in quotes or found.score > quotes[found.passage][1]:
                quotes[found.passage] = (found.quote, found.score)
            text = text.rstrip(" ,;")  # a clause cut from a list ends without its comma
            text = text[:1].upper() + text[1:]  # and a sentence starts with a capital
            kept.append(Sentence(text if text[-1:] in ".!?" else f"{text}.", (n,)))
    citations = tuple(
        Citation(n=n, chunk=passages[pi], quote=quotes[pi][0], support=quotes[pi][1])
        for pi, n in sorted(numbers.items(), key=lambda item: item[1])
    )
    return Alignment(tuple(kept), citations, tuple(dropped))


# How much closer to the question a sentence counts for using the report's word for one of its terms.
REPORT_WORD_BONUS = 0.05


def _uses(sentence: str, words: frozenset[str]) -> bool:
    return bool(words) and any(token in words for token in re.findall(r"[\w-]+", sentence.lower()))


def select_quotes(question: str, passages: Sequence[Chunk], embedder: Embeddings, *, per_passage: bool = False,
                  k: int = 2, limit: int = 24, among: Collection[int] | None = None,
                  one_passage: bool = False, within: float | None = None) -> list[tuple[int, str]]:
    """The report's own sentences that best answer the question: (passage index, sentence).

    Quotation-first: a small model paraphrases loosely, so the answer also shows the verbatim sentences that
    matter, which are correct by construction. `per_passage` takes the best sentence of every passage
    (comparisons: one per scenario), or, `within` a cosine distance of the best one, of the passages whose
    best sentence is that close to the question. `among` limits the quotes to those passages (the ones the
    answer already cites), so quoting adds evidence without adding sources; `one_passage` takes every quote
    from the passage of the best one (a second source would only be a weaker match).
    """
    candidates = [(pi, s) for pi, p in enumerate(passages) for s in split_sentences(p.text)
                  if len(content_tokens(s)) >= 3 and (among is None or pi in among)][:limit]
    if not candidates:
        return []
    vectors = embedder.embed_documents([s for _, s in candidates])
    query = embedder.embed_query(question)
    # Earlier passages ranked higher in retrieval: a slight preference breaks near-ties. So does the report's own word
    # for a term the question uses: "Are these four scenarios the only possible futures?" was 0.516 from "Deze tabel
    # biedt een overzicht van … de vier toekomstscenario's" against 0.488 for "Deze scenario's zijn niet volledig".
    glossed = report_words_for(question)
    scored = sorted(((cosine(query, v) - 0.01 * pi + (REPORT_WORD_BONUS if _uses(s, glossed) else 0.0), pi, s)
                     for (pi, s), v in zip(candidates, vectors, strict=True)), reverse=True)
    names = names_named(question)
    if names and not per_passage:
        # "What is the Goldschmeding Foundation?": the sentence that names it first, however far the rest of it is.
        scored.sort(key=lambda item: not all(pattern.search(item[2]) for pattern in names))
    if per_passage:
        groups = [words for _, words in groups_named(question)]
        if groups:
            # "Which scenario is worst for vulnerable workers?": a scenario's sentence about them, however close
            # another sentence of the passage is ("mensen blijven mogelijk te lang op één plek").
            scored.sort(key=lambda item: not mentions_groups(item[2], groups))
        best: dict[int, tuple[float, str]] = {}
        for score, pi, sentence in scored:
            best.setdefault(pi, (score, sentence))
        top = max(score for score, _ in best.values())
        spread = float("inf") if within is None else within
        chosen = sorted((pi, sentence) for pi, (score, sentence) in best.items() if score >= top - spread)
        # An overview cell is a few short items ("veel platformwerk", "hoge werkdruk, burn-out"): all of it, in
        # the report's order, is the scenario's answer; its best item alone leaves the rest of the row out.
        return [(pi, item) for pi, sentence in chosen
                for item in ([i.rstrip(" ;,") for i in split_sentences(passages[pi].text)]
                             if passages[pi].kind == "overview_cell" else [sentence])]
    if one_passage:
        scored = [item for item in scored if item[1] == scored[0][1]]
    return _with_antecedents([(pi, sentence) for _, pi, sentence in scored[:k]], passages)


# A report-wide sentence that compares scenarios is quoted when it is at least this close to the question as the
# scenarios' own best sentence, less this slack. Measured (cosine, float32 embedder): the conclusion's "(A en D) ...
# lagere mate van zekerheid, vooral voor kwetsbare werkenden" is 0.450 from "Which scenario is worst for vulnerable
# workers?" against 0.446 for D's best sentence; "(B en C) bieden meer stabiliteit" is 0.53 from "Which scenarios
# offer the most stability?" against 0.26. Off-topic for it: the technology row (0.31 against 0.37), fixed contracts
# (0.38 against 0.51), trade unions (0.44 against 0.55).
COMPARING_SLACK = 0.03


def comparing_sentences(question: str, passage: Chunk, quotes: Sequence[str], embedder: Embeddings) -> list[str]:
    """The sentences of a report-wide passage that compare scenarios by letter ("(B en C) bieden meer stabiliteit")
    and are about as close to the question as the best of the scenarios' own quotes."""
    own = [s for s in split_sentences(passage.text) if len(detect_scenarios(s)) >= 2]
    if not own or not quotes:
        return []
    vectors = embedder.embed_documents([*own, *quotes])
    query = embedder.embed_query(question)
    scores = [cosine(query, v) for v in vectors]
    best_quote = max(scores[len(own):])
    return [s for s, score in zip(own, scores, strict=False) if score >= best_quote - COMPARING_SLACK]


# A sentence that starts by pointing back ("Dit leidt tot onzekerheid", "Hierdoor ..."): alone, it does not say what.
_POINTS_BACK = re.compile(
    r"^(?:dit|dat|deze|hierdoor|daardoor|hiermee|daarmee|hierbij|daarbij|daarom|zij|ze|this|that|these|they)\b",
    re.IGNORECASE)


def _with_antecedents(quotes: list[tuple[int, str]], passages: Sequence[Chunk]) -> list[tuple[int, str]]:
    """The quotes, each one that points back preceded by the sentence it points to, and one that introduces a list
    followed by its items (when not quoted already).

    "Dit leidt tot onzekerheid wat wel of niet mogelijk is" answered why startups struggle in scenario D without
    what "dit" is: the strict security and privacy rules of the sentence before it.
    """
    out: list[tuple[int, str]] = []
    for pi, sentence in quotes:
        sents = split_sentences(passages[pi].text)
        at = sents.index(sentence) if sentence in sents else -1
        if _PRONOUN_LEAD.match(sentence) and at == 0 and len(quotes) > 1:
            # Who "zij" are ended the passage before: "Zij hebben zich sterk gemaakt voor eerlijke tarieven", quoted
            # after "De overheid … trekt zich verder terug", read as the government's doing; it was the union's.
            # ("Dit heeft duidelijke voordelen: …" says enough on its own.)
            continue
        if _POINTS_BACK.match(sentence) and at > 0 and (pi, sents[at - 1]) not in quotes + out:
            out.append((pi, sents[at - 1]))
        out.append((pi, sentence))
        if sentence.rstrip().endswith(":") and at >= 0:
            # "Op basis hiervan zijn twee kernonzekerheden bepaald die de basis vormen voor de scenario’s:" says
            # what follows, not what they are: the items it introduces come with it.
            for item in sents[at + 1:]:
                if not item[:1].islower():
                    break
                if (pi, item) not in quotes + out:
                    out.append((pi, item))
    return out


def add_quotes(alignment: Alignment, passages: Sequence[Chunk], quotes: Sequence[tuple[int, str]]) -> Alignment:
    """Append verbatim quotes as cited sentences, reusing a passage's number when it is already cited."""
    number_of = {c.chunk.id: c.n for c in alignment.citations}
    citations = list(alignment.citations)
    sentences = list(alignment.sentences)
    for pi, text in quotes:
        quote = _normal(text)
        if any(quote in _normal(s.text) for s in sentences):
            continue  # the answer already says it word for word
        # A paraphrase that is only a fragment of the quote ("flexibel personeel" next to "werkgevers: flexibel
        # personeel") would say the same thing twice; the quote, with its context, replaces it.
        sentences = [s for s in sentences if s.quote or _normal(_LABEL.sub("", s.text)) not in quote]
        chunk = passages[pi]
        if chunk.id not in number_of:
            number_of[chunk.id] = len(citations) + 1
            citations.append(Citation(n=number_of[chunk.id], chunk=chunk, quote=text, support=1.0))
        sentences.append(Sentence(text, (number_of[chunk.id],), quote=True))
    # A citation whose only sentence gave way to a quote goes; the rest are numbered in reading order.
    new_n: dict[int, int] = {}
    for sentence in sentences:
        for n in sentence.markers:
            new_n.setdefault(n, len(new_n) + 1)
    sentences = [replace(s, markers=tuple(new_n[n] for n in s.markers)) for s in sentences]
    kept = sorted((replace(c, n=new_n[c.n]) for c in citations if c.n in new_n), key=lambda c: c.n)
    return Alignment(tuple(sentences), tuple(kept), alignment.dropped)


_WORDS = re.compile(r"\w+")
# The label a comparison sentence starts with ("Scenario D: flexibel personeel"), not part of its claim.
_LABEL = re.compile(r"^\s*scenario\s+[a-d]\s*[:\-–]\s*", re.IGNORECASE)


def _normal(text: str) -> str:
    """Lower-case words, space-padded, so that `in` compares whole words."""
    return " " + " ".join(_WORDS.findall(text.lower())) + " "


def sentences_per_passage(alignment: Alignment) -> dict[str, int]:
    """How many of the answer's sentences cite each passage (by chunk id)."""
    chunk_of = {c.n: c.chunk.id for c in alignment.citations}
    counts: dict[str, int] = {}
    for sentence in alignment.sentences:
        for n in sentence.markers:
            counts[chunk_of[n]] = counts.get(chunk_of[n], 0) + 1
    return counts


def keep_passage(alignment: Alignment, chunk_id: str) -> Alignment:
    """Only the sentences that cite one passage, renumbered as citation 1."""
    citation = next((c for c in alignment.citations if c.chunk.id == chunk_id), None)
    if citation is None:
        return Alignment((), (), alignment.dropped)
    kept = tuple(replace(s, markers=(1,)) for s in alignment.sentences if citation.n in s.markers)
    return Alignment(kept, (replace(citation, n=1),), alignment.dropped)


def render_answer(sentences: Sequence[Sentence]) -> str:
    """Sentences joined with their markers: 'Text [1]. More [2].'"""
    out = []
    for s in sentences:
        marks = "".join(f"[{n}]" for n in s.markers)
        text = f"“{s.text.rstrip('.')}”." if s.quote else s.text
        if text and text[-1] in ".!?":
            out.append(f"{text[:-1]} {marks}{text[-1]}")
        else:
            out.append(f"{text} {marks}")
    return " ".join(out)
