"""Hybrid retrieval: dense (Chroma) + lexical (BM25) fused by reciprocal rank, steered by scenario."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from langchain_core.embeddings import Embeddings

from assistant.citations import acts_in, asked_institution
from assistant.corpus import ScenarioInfo
from assistant.glossary import (
    Topic,
    expand_query,
    groups_named,
    mentions_groups,
    names_topic_strictly,
    report_terms_named,
)
from assistant.index import VectorIndex
from assistant.routing import (
    REPORT_WORD,
    Route,
    axis_scenarios,
    detect_scenarios,
    is_bare_comparison,
    is_broad_topic,
    names_as_letters,
    route,
    strip_axis,
    strip_scenarios,
)
from assistant.schema import SCENARIOS, Chunk, Hit
from assistant.text import compound_parts, compound_vocabulary, stems
from assistant.verbatim import is_development_list, is_quadrant_summary

_SEARCH_STOP = frozenset({"scenario", "scenario's", "scenarios"})
# A small k trusts the top of each ranking: measured on the eval set, hit@1 0.59 -> 0.63 with k 60 -> 10.
RRF_K = 10
LEXICAL_WEIGHT = 1.0
SCENARIO_BOOST, SCENARIO_PENALTY = 1.6, 0.35
# Measured on the retrieval suite: 1.5 -> 2.0 lifts "what is <scenario> in short?" to the summary pages
# (hit@5 0.944 -> 0.952) and costs no case.
SUMMARY_BOOST = 2.0
COMPARISON_DEPTH = 20
# "Which policy questions does scenario D raise?": the report's policy chapter answers these; without the boost
# the research-question and conclusion passages, which also say "beleid", outrank it. Neutral on the retrieval
# suite (hit@1 0.632, MRR 0.770 -> 0.771); 2.0 (neutral too) also lifts the policy chapter above a passage that
# merely names the topic ("Welke beleidsvragen roept het rapport op over zzp'ers?" read a development passage).
POLICY_BOOST = 2.0
POLICY_KINDS = ("policy_question", "policy_intro")
_POLICY_INTENT = re.compile(
    r"\b(beleidsvra\w*|beleidsopgave\w*|beleidsdilemma\w*|"
    r"policy[- ](?:questions?|issues?|challenges?|dilemmas?))",
    re.IGNORECASE,
)
# Words of a request for the policy questions themselves ("What are the policy questions for scenario C?",
# "Welke beleidsvragen roept scenario D op?"): what is left of the question after them is its topic.
_POLICY_LIST_WORDS = (
    "beleidsvragen beleidsvraag beleidsvraagstukken beleidsvraagstuk beleidsopgaven beleidsdilemma's policy policies "
    "question questions issues issue challenges dilemmas raise raises raised roept oproept opgeroepen horen hoort "
    "belong belongs daarbij hierbij erbij bij rapport report tno scenario scenario's scenarios welke list lijst noem geef "
    "give show toon alle "
    "four vier main belangrijkste stelt pose poses posed asks ask key according volgens what which does do did "
    # "Welke beleidsvragen spelen er bij scenario A?", "Which policy questions arise in scenario C?"
    "spelen speelt liggen ligt gelden geldt rijzen rijst ontstaan arise arises come comes up apply applies there"
)


# "… volgens de overzichtstabel", "according to the overview": the table of differences between the scenarios.
_OVERVIEW_TABLE = re.compile(
    r"\b(overzichtstabel\w*|tabel\w*|tables?|(?:volgens|in|uit) (?:het|de) overzicht|"
    r"(?:according to|in|from) the overview)\b",
    re.IGNORECASE,
)


def asked_kind(question: str) -> str | None:
    """The kind of passage the question asks for by name: the overview table's cells or the policy questions."""
    if _OVERVIEW_TABLE.search(question):
        return "overview_cell"
    if asks_policy_questions(question):
        return "policy_question"
    return None


# "Welke externe ontwikkelingen zijn meegenomen?", "Which trends did the report consider?": the ten developments the
# report selected, listed on a page of their own (each has an appendix section, none of which names the others).
_DEVELOPMENTS_INTENT = re.compile(r"\b(ontwikkelingen|trends|developments)\b", re.IGNORECASE)
_DEVELOPMENTS_LIST_WORDS = (
    "externe relevante belangrijkste ontwikkelingen trends developments external relevant main key important "
    "meegenomen meegewogen betrokken gebruikt onderzocht geanalyseerd bekeken gekeken geselecteerd spelen rol "
    "considered consider take taken account included include used use analysed analyzed look looked examined "
    "selected basis based liggen ten grondslag underlie underlying maken gemaakt making made opstellen opgesteld "
    "scenario scenario's scenarios rapport report tno list lijst noem geef give show toon alle all tien ten "
    "welke wat which what did does do zijn were are is"
)


def lists_developments(question: str) -> bool:
    """Whether the question asks which external developments the report took into account, with no topic of its own."""
    return (bool(_DEVELOPMENTS_INTENT.search(question)) and not detect_scenarios(question)
            and not set(stems(question)) - _frame_stems(_DEVELOPMENTS_LIST_WORDS))


def asks_scenarios_overview(question: str) -> bool:
    """Whether the question asks what the scenarios are ("Welke scenario's zijn er?")."""
    return bool(_SCENARIOS_OVERVIEW.search(question))


def asks_policy_questions(question: str) -> bool:
    """Whether the question asks about the report's policy questions ("beleidsvragen", "policy issues")."""
    return bool(_POLICY_INTENT.search(question))


@lru_cache(maxsize=4)
def _frame_stems(words: str) -> frozenset[str]:
    return frozenset(stems(words))


def lists_policy_questions(question: str) -> bool:
    """Whether the question asks for the policy questions as such, with no topic to choose among them."""
    return asks_policy_questions(question) and not set(stems(strip_scenarios(question))) - _frame_stems(_POLICY_LIST_WORDS)


# "What is scenario B in a nutshell?": the report's own summary pages answer such questions best.
_SUMMARY_INTENT = re.compile(
    r"\b(notendop|samenvatting|samengevat|kort(weg)?|in het kort|houdt\b.*\bin\b|wat is scenario|"
    r"wat betekent scenario [a-d]\s*\??$|summar\w*|in short|nutshell|briefly|overview of scenario|"
    r"what is scenario|describe scenario|beschrijf scenario|explain scenario [a-d]\s*[?.!]*$|leg scenario [a-d] uit|"
    r"kenmerk\w*|characteri[sz]\w*|"
    r"(?:tell me|vertel)\b.{0,20}\b(?:about|over) scenario [a-d]\s*[?.!]*$)",
    re.IGNORECASE,
)


def asks_summary(question: str) -> bool:
    """Whether the question asks for a summary ("Wat is scenario B in een notendop?", "Describe scenario C")."""
    return bool(_SUMMARY_INTENT.search(question))


# "Welke scenario's zijn er?", "Give me an overview of the four scenarios": the report sums each scenario up in a
# few lines (its quadrant summary); without this the four bullets were whichever cell or policy question ranked.
_SCENARIOS_OVERVIEW = re.compile(
    r"\b(welke (?:toekomst)?scenario['’]?s zijn er|wat (?:zijn|houden) de (?:vier |4 )?(?:toekomst)?scenario['’]?s|"
    r"overzicht van (?:de |alle )?(?:vier |4 )?(?:toekomst)?scenario['’]?s|beschrijf (?:de |alle )?(?:vier )?scenario['’]?s|"
    r"what (?:are|were) the (?:four |4 )?(?:future )?scenarios|which scenarios (?:are there|does the report)|"
    r"overview of (?:the |all )?(?:four |4 )?(?:future )?scenarios|describe (?:the |all |each of the )?(?:four )?scenarios)",
    re.IGNORECASE,
)

# "Summarise the report", "Wat is de kernboodschap van het rapport?", "How does the report define job security?":
# the report as a whole, which its introduction and conclusion sum up (a scenario passage gives one future).
_GIST = re.compile(
    r"\b(summar\w*|samenvatting|samen\s*vatten|vat\b.{0,40}\bsamen|waar gaat|what is\b.{0,40}\babout|"
    r"main (?:message|point|finding|conclusion|takeaway)s?|key (?:message|point|finding|takeaway)s?|kernboodschap|"
    r"hoofdboodschap|belangrijkste (?:boodschap|bevinding\w*|punten|conclusie\w*)|nutshell|in het kort|in short|"
    r"defin\w*|verstaat|what is meant|wordt bedoeld|betekenis)",
    re.IGNORECASE,
)

# "What does the report recommend?": its conclusion draws the implications for policy (the introduction, which
# the gist boost also favours, does not).
_ADVICE = re.compile(
    r"\b(recommend\w*|aanbevel\w*|advi[sz]\w*|implica\w*|what should (?:policy|government)\w*|"
    # "Wat moet de overheid nu doen volgens het rapport?" asks for the report's implications for policy.
    r"what should (?:the )?(?:government|policy ?makers|employers|unions|social partners)\b.*\bdo\b|"
    r"wat (?:moet|moeten|kan|kunnen) (?:de )?(?:overheid|beleidsmakers|politiek|werkgevers|vakbonden|sociale partners)\b"
    r".*\bdoen\b)",
    re.IGNORECASE,
)


# "Wat zegt het rapport over platformwerk?": the frame is about the report, the topic is platform work. Searched
# with the frame, the report's own introduction ("Dit rapport richt zich op ...") outranks every passage on the topic.
_REPORT_FRAME = re.compile(
    r"^\s*(?:en\s+|and\s+)?(?:wat\s+(?:zegt|schrijft|vertelt)\s+(?:het\s+rapport|het\s+onderzoek|de\s+studie|tno)"
    r"(?:\s+\w+){0,2}?\s+over|what\s+(?:does|do)\s+(?:the\s+report|the\s+study|tno|the\s+authors)\s+"
    r"(?:say|tell\s+us|write|report)\s+(?:about|on))\s+",
    re.IGNORECASE,
)


# "... in three sentences", "..., kort": how the user wants the answer, not what about. Searched with it, "Summarize
# the report in three sentences" fell below the relevance floor (0.28) that "Summarize the report" passes (0.34).
_ANSWER_FORM = re.compile(
    r"[,;]?\s*\b(?:(?:in|within|using|met|maximaal|max\.?|at most)\s+(?:één|een|twee|drie|vier|vijf|enkele|een paar|a few|"
    r"one|two|three|four|five|\d+)\s+(?:korte\s+|short\s+)?(?:zinnen|zin|sentences?|woorden|words|bullets?|punten|"
    r"points|alinea'?s|paragraphs?|regels|lines)|in het kort|in short|briefly|kort en bondig|in (?:simple|plain) "
    r"(?:terms|english|language)|in (?:eenvoudige|simpele) (?:taal|woorden))\b",
    re.IGNORECASE,
)


def without_answer_form(question: str) -> str:
    """The question without how the answer should be put ("in three sentences", "briefly")."""
    bare = re.sub(r"\s+(?=[?.!])", "", _ANSWER_FORM.sub("", question)).strip()
    return bare if len(bare) >= 3 else question


def search_text(question: str) -> str:
    """The part of the question to search for: without a "what does the report say about" frame, nor how the
    answer should be put."""
    bare = without_answer_form(question)
    topic = _REPORT_FRAME.sub("", bare).strip()
    return topic if len(topic) >= 3 else bare


class LexicalIndex:
    """BM25 over the chunks (heading path + text), Dutch-stemmed, with query expansion for English terms."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        import bm25s

        self._vocabulary = compound_vocabulary(c.embed_text for c in chunks)
        self._bm25 = bm25s.BM25()
        self._bm25.index([self.tokens(c.embed_text) for c in chunks], show_progress=False)

    def tokens(self, text: str) -> list[str]:
        words = stems(text, _SEARCH_STOP)
        parts = stems(" ".join(compound_parts(text, self._vocabulary)), _SEARCH_STOP)
        return words + parts or ["_"]

    def scores(self, query: str) -> list[float]:
        return [float(s) for s in self._bm25.get_scores(self.tokens(expand_query(query)))]


@dataclass(frozen=True)
class SearchResult:
    """The passages found for a query, how it was routed, and which of the report's own lists answers it, if any:
    "overview" (each scenario's quadrant summary), "policy" (the policy questions), "developments" (the ten)."""

    query: str
    route: Route
    hits: tuple[Hit, ...]
    best_dense: float
    listed: str | None = None


class Retriever:
    """Fuses dense and lexical rankings over all chunks and applies the scenario route."""

    def __init__(self, chunks: Sequence[Chunk], index: VectorIndex, embedder: Embeddings,
                 scenario_info: Mapping[str, ScenarioInfo] | None = None) -> None:
        self.chunks = list(chunks)
        self.scenario_info = dict(scenario_info or {})
        self.by_id = {c.id: c for c in self.chunks}
        self.index = index
        self.embedder = embedder
        self.lexical = LexicalIndex(self.chunks)

    def search(self, query: str, k: int = 6, scenarios: Sequence[str] | None = None) -> SearchResult:
        """Top-k passages for the query; `scenarios` overrides the scenarios detected in the query."""
        query = without_answer_form(query)  # "Explain scenario B in two sentences" asks what "Explain scenario B" does
        the_route = route(query)
        if scenarios:
            the_route = Route(tuple(scenarios), comparison=len(scenarios) > 1, named=True)
        elif not the_route.scenarios and (owner := self._term_owner(query)):
            # "Welke rol spelen broodfondsen?": only scenario A has them. Compared across all four scenarios (a
            # question about roles), the answer quoted every scenario's role passage and none of them.
            the_route = Route((owner,), comparison=False)
        elif not the_route.named and (sides := axis_scenarios(query, self.scenario_info)):
            # "Which futures are low-tech?": C and D, as chosen by the report's axes; compared across all four, the
            # answer quoted the technology of A and B.
            the_route = Route(sides, comparison=len(sides) > 1, named=True)
            query = strip_axis(query)
        # The question (its topic, without a "what does the report say about" frame), and when it uses domain
        # terms, with the report's Dutch words for them: an English question is far from the Dutch text for the
        # embedder; the Dutch terms bring it closer.
        # Two scenarios named compare them on a topic: their names' words ("tech", "collective values") are not it,
        # and found the technology passages for the government's role in B and C. One scenario's name is kept: an
        # English name is close to its Dutch name in the headings of that scenario's passages.
        topic = search_text(names_as_letters(query) if len(the_route.scenarios) > 1 else query)
        expanded = expand_query(topic)
        texts = [topic] if expanded == topic else [topic, expanded]
        embed_many = getattr(self.embedder, "embed_queries", None)
        vectors = embed_many(texts) if callable(embed_many) else [self.embedder.embed_query(t) for t in texts]
        rankings = [[(cid, sim) for cid, sim in self.index.query(v, len(self.chunks)) if cid in self.by_id]
                    for v in vectors]
        dense = rankings[0]
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, 1)}
        expanded_rank = {cid: r for r, (cid, _) in enumerate(rankings[-1], 1)} if len(rankings) > 1 else {}
        dense_sim = dict(dense)  # the relevance floor judges the topic as asked, not the glossary's words
        lex_scores = self.lexical.scores(topic)
        lex_order = sorted((i for i, s in enumerate(lex_scores) if s > 0), key=lambda i: -lex_scores[i])
        lex_rank = {self.chunks[i].id: r for r, i in enumerate(lex_order, 1)}

        steer = bool(the_route.scenarios) and len(the_route.scenarios) < 4
        wants_advice = not the_route.scenarios and bool(_ADVICE.search(query))
        wants_gist = (not the_route.scenarios and not wants_advice
                      and bool(_GIST.search(query) and REPORT_WORD.search(query)))
        wants_summary = asks_summary(query) and not wants_gist
        wants_policy = asks_policy_questions(query)
        wants_overview = asks_scenarios_overview(query)
        wants_developments = not wants_overview and lists_developments(query)
        fused: list[Hit] = []
        for chunk in self.chunks:
            dr, lr = dense_rank.get(chunk.id), lex_rank.get(chunk.id)
            er = expanded_rank.get(chunk.id)
            score = ((1 / (RRF_K + dr) if dr else 0.0) + (LEXICAL_WEIGHT / (RRF_K + lr) if lr else 0.0)
                     + (1 / (RRF_K + er) if er else 0.0))
            if wants_summary and chunk.kind == "summary":
                score *= SUMMARY_BOOST
            if (wants_gist and chunk.kind in ("conclusion", "background")) or (wants_advice and chunk.kind == "conclusion"):
                score *= SUMMARY_BOOST
            if wants_policy and chunk.kind in POLICY_KINDS:
                score *= POLICY_BOOST
            if steer:
                if chunk.scenario in the_route.scenarios:
                    score *= SCENARIO_BOOST
                elif chunk.scenario is not None or chunk.kind == "development":
                    # The external developments are trends, not any scenario's future: "Wat gebeurt er met zzp'ers in
                    # scenario B?" read "Regels rond werk, vooral voor zzp'ers, zijn in ontwikkeling" as B's answer.
                    score *= SCENARIO_PENALTY
            fused.append(Hit(chunk, score, dense_sim.get(chunk.id), dr, lr))
        fused.sort(key=lambda h: -h.score)
        if wants_overview:
            # A boost is not enough: B's and C's quadrant summaries rank below 30 for the embedder.
            fused.sort(key=lambda h: not is_quadrant_summary(h.chunk))
        elif wants_developments:
            # The list is a page of names: far down for the lexical index, whatever the wording.
            fused.sort(key=lambda h: not is_development_list(h.chunk))
        if not scenarios and not the_route.scenarios and fused[0].chunk.scenario and is_broad_topic(query):
            # "What does the report say about AI?" answered from the one scenario passage that ranks first would
            # pass one future off as the report's view: each scenario answers for itself.
            the_route = Route(SCENARIOS, comparison=True)
        bare = the_route.comparison and is_bare_comparison(query)
        if bare:
            # "Vergelijk scenario A en C" names no topic: the passages that ranked were an arbitrary table row (career,
            # security); each scenario's quadrant summary, its defining lines, compares the scenarios as wholes.
            fused = [h for h in fused if h.chunk.scenario not in the_route.scenarios or is_quadrant_summary(h.chunk)]
        hits = _spread(fused, the_route, k, query) if the_route.comparison else fused[:k]
        best_dense = max(dense_sim.values(), default=0.0)
        # Scenarios the user chose in the UI are not "the scenarios" a "which scenarios are there?" asks for.
        listed = ("overview" if (wants_overview and not the_route.named) or bare
                  else "policy" if lists_policy_questions(query) else "developments" if wants_developments else None)
        return SearchResult(query, the_route, tuple(hits), best_dense, listed)

    def _term_owner(self, query: str) -> str | None:
        """The one scenario whose passages alone use the report terms the query names, if there is one."""
        owners = {chunk.scenario for pattern in report_terms_named(query) for chunk in self.chunks
                  if pattern.search(chunk.text)}
        return owners.pop() if len(owners) == 1 and None not in owners else None


def fuse(results: Sequence[SearchResult], k: int) -> SearchResult:
    """One ranking from several searches of the same question (reciprocal rank), routed and judged as the first.

    Used for follow-ups: the model's standalone rewrite and the literal conversation each find passages the
    other misses, and a passage both rank high is the safest bet.
    """
    first = results[0]
    if len(results) == 1:
        return first
    scores: dict[str, float] = {}
    best: dict[str, Hit] = {}
    for result in results:
        for rank, hit in enumerate(result.hits, 1):
            scores[hit.chunk.id] = scores.get(hit.chunk.id, 0.0) + 1 / (RRF_K + rank)
            best.setdefault(hit.chunk.id, hit)
    ranked = sorted(best.values(), key=lambda h: -scores[h.chunk.id])
    hits = [Hit(h.chunk, scores[h.chunk.id], h.dense, h.dense_rank, h.lexical_rank) for h in ranked]
    hits = _spread(hits, first.route, k, first.query) if first.route.comparison else hits[:k]
    # The relevance floor judges the standalone question alone: the literal reading carries the previous,
    # on-topic question along, and would let an off-topic follow-up through.
    return SearchResult(first.query, first.route, tuple(hits), first.best_dense, first.listed)


def scenario_passage(hits: Sequence[Hit], scenario: str, query: str, topics: Sequence[Topic] = (),
                     pair: bool = False) -> Hit | None:
    """The passage a comparison reads for one scenario: its overview table cell where that ranks in the top
    COMPARISON_DEPTH (the cells answer "compare on X" compactly, and the report's comparisons are built on
    them), preferably in the same table row as the best-ranked cell; else the scenario's best hit that says
    something of it (its policy questions only when the query asks for them). Of the specific `topics` asked about
    (glossary.topics_named), a passage that names one is read before a cell that does not. Comparing a `pair` of
    scenarios on what the government, employers or unions do, a passage where that actor does something is read
    before a cell that only lists it."""
    # A policy question says nothing of its scenario: "Hoe kan zekerheid zonder vaste contracten ...?" was scenario
    # A's part of "In welke scenario's zijn vaste contracten gangbaar?".
    questions = asks_policy_questions(query)
    own = [h for h in hits if h.chunk.scenario == scenario and (questions or h.chunk.kind not in POLICY_KINDS)]
    cells = [h for h in hits[:COMPARISON_DEPTH] if h.chunk.kind == "overview_cell"]
    # Like with like: the scenario's cell in the table row (dimension) of the best-ranked cell, when it ranks.
    row = cells[0].chunk.path[:-1] if cells else None
    cell = next((h for h in cells if h.chunk.scenario == scenario and h.chunk.path[:-1] == row), None)
    if cell is None and row is not None and _row_answers(cells, row, query):
        # The table row is the answer when the user asks for the table or when the row's cells rank for two
        # scenarios: "Which futures are low-tech?" ranked A's and C's technology cells, and read B's society text and
        # no passage of D, whose technology cell ("strenge normen") ranked below the depth.
        cell = next((h for h in hits if h.chunk.kind == "overview_cell" and h.chunk.scenario == scenario
                     and h.chunk.path[:-1] == row), None)
    cell = cell or next((h for h in cells if h.chunk.scenario == scenario), None)
    groups = [words for _, words in groups_named(query)]
    if groups and not (cell and mentions_groups(cell.chunk.text, groups)):
        # "How do A and D differ for vulnerable workers?" read D's cell on the roles of employers and government;
        # D's text "Vooral voor kwetsbaren op de arbeidsmarkt is de situatie precair" speaks of them.
        cell = next((h for h in own[:COMPARISON_DEPTH] if mentions_groups(h.chunk.text, groups)), cell)
    if topics and not (cell and names_topic_strictly(cell.chunk.text, topics)):
        # "Is there a four-day work week in any scenario?" read B's labour-market cell; B's text has "4-daagse werkweek".
        cell = next((h for h in own if names_topic_strictly(h.chunk.text, topics)), cell)
    actor = asked_institution(strip_scenarios(query)) if pair else None
    if actor is not None and not (cell and acts_in(cell.chunk.text, actor)):
        # "How does the government's role differ between B and C?" read B's roles cell, where the government is one
        # of a list ("overheid, werkgevers, onderwijs en vakbonden werken samen"); B's text, ranked fifth, says what
        # it does: "De overheid speelt meer een faciliterende dan een regulerende rol". Across all four scenarios,
        # the table row is the overview the report gives ("Wat is de rol van vakbonden in de verschillende
        # scenario's?").
        cell = next((h for h in own[:COMPARISON_DEPTH] if acts_in(h.chunk.text, actor)), cell)
    return cell or next(iter(own), None)



def _row_answers(cells: Sequence[Hit], row: tuple[str, ...], query: str) -> bool:
    """Whether one row of the overview table answers a comparison: asked for by name, or ranking for two scenarios."""
    ranking = {h.chunk.scenario for h in cells if h.chunk.path[:-1] == row}
    return asked_kind(query) == "overview_cell" or len(ranking) >= 2


def _spread(ranked: list[Hit], the_route: Route, k: int, query: str) -> list[Hit]:
    """For comparisons: each scenario's passage (`scenario_passage`) first, then the rest by fused rank."""
    picked: list[Hit] = []
    for scenario in the_route.scenarios:
        best = scenario_passage(ranked, scenario, query)
        if best is not None:
            picked.append(best)
    for hit in ranked:
        if len(picked) >= max(k, len(the_route.scenarios)):
            break
        if hit not in picked:
            picked.append(hit)
    spread = sorted(picked, key=lambda h: -h.score)
    if not the_route.named:
        # "Which scenarios offer the most stability?": the report compares its scenarios itself in its conclusion
        # ("(B en C) bieden meer stabiliteit"); it is read after each scenario's passage, for the answer to weigh.
        spread += [hit for hit in ranked if compares_scenarios(hit.chunk) and hit not in spread]
    return spread


def compares_scenarios(chunk: Chunk) -> bool:
    """A report-wide passage that compares scenarios by letter (the conclusion: "(B en C) bieden meer ...")."""
    return chunk.scenario is None and len(detect_scenarios(chunk.text)) >= 2
