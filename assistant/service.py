"""The Assistant API that the CLI, the UI and the eval runner all call."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel

from assistant import verbatim
from assistant.chain import (
    AnswerInput,
    CondenseInput,
    build_answer_chain,
    build_condense_chain,
    context_passages,
)
from assistant.citations import (
    RANK_MARGIN,
    Alignment,
    acts_in,
    add_quotes,
    align,
    asked_institution,
    comparing_sentences,
    content_tokens,
    keep_passage,
    numbers,
    render_answer,
    says_needed,
    select_quotes,
    sentences_by,
    sentences_per_passage,
    split_sentences,
)
from assistant.config import Settings
from assistant.corpus import Report, chunk_report, load_report
from assistant.glossary import (
    Topic,
    add_glosses,
    expand_query,
    groups_named,
    groups_not_covered,
    mentions_groups,
    mentions_topic,
    names_named,
    names_not_covered,
    names_report_term,
    names_topic_strictly,
    specific_topics,
    terms_asked,
    topics_named,
    without_names,
)
from assistant.index import IngestReport, VectorIndex, make_client
from assistant.language import detect
from assistant.prompts import message
from assistant.retrieval import (
    POLICY_KINDS,
    Retriever,
    SearchResult,
    asked_kind,
    asks_summary,
    compares_scenarios,
    fuse,
    lists_policy_questions,
    scenario_passage,
    search_text,
    without_answer_form,
)
from assistant.routing import (
    AXIS_ENDS,
    REPORT_WORD,
    asks_every_scenario,
    asks_which_axes,
    axes_divided,
    detect_scenarios,
    strip_scenarios,
    with_scenarios,
)
from assistant.schema import SCENARIOS, Answer, Chunk, Hit, Language, Sentence, Timings, Turn
from assistant.text import SUPERLATIVE

REFUSAL_TOKENS = ("NIET_IN_RAPPORT", "NOT_IN_REPORT")
_INJECTION = re.compile(
    r"ignore (all |any |the |your )?(previous |prior |above )?(instructions|rules|prompt)|disregard .{0,20}instructions|"
    r"system ?prompt|jailbreak|you are now|act as|pretend (to be|you)|role-?play|"
    r"negeer (alle |je |de |jouw )?(eerdere |vorige )?(instructies|regels|opdrachten)|vergeet (je|alle|de) (instructies|regels)|"
    r"systeemprompt|doe alsof|je bent nu|speel (de rol|een)",
    re.IGNORECASE,
)
# The report has four scenarios; a question about a fifth one has no answer in it.
_UNKNOWN_SCENARIO = re.compile(r"\bscenario(?:'s|’s|s)?\s+(?![a-dA-D]\b)([e-zE-Z])\b|\bscenario\s+[5-9]\b", re.IGNORECASE)
# Questions that ask for a figure: answered only when the verified answer states one.
_ASKS_FIGURE = re.compile(
    r"\b(hoeveel|hoe hoog|how (many|much|high)|percent\w*|procent\w*|percentage|bedrag|amount|euro(?:s|'s)?\b|kost(en|t)?\b|cost|"
    r"probabilit\w*|kans(en)? (op|dat)|likel(y|ihood)|rate\b|cijfers?|figures?|statistic\w*|"
    r"(wat is|what is|what's|hoe hoog is) (het |de |the )?(wettelijk\w* )?(minimum ?loon|minimum ?wage|salaris|salary|"
    r"uurloon|hourly (wage|rate)|loon|wage)\b(?=\s*([?.!]|$|in\b|van\b|voor\b|for\b|of\b|bij\b)))|€",
    re.IGNORECASE,
)
_FIGURE = re.compile(
    r"\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|vijftien|twintig|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(19|20)\d\d")
# "Who wrote this report?" is about the report, but a list of names is far from the question for the embedder
# (similarity 0.25): asked about this report by name, the question passes the relevance floor.
_ASKS_AUTHORS = re.compile(
    r"\b(who\b.*\b(wrote|written|made|produced|authored)|authors?|auteurs?|schrijvers?|projectteam\w*|project team"
    r"|wie\b.*\b(geschreven|schreef|gemaakt|opgesteld)|(geschreven|opgesteld|gemaakt) door|written by"
    r"|who\b.*\b(commissioned|funded|financed|paid for|sponsored)|(commissioned|funded|financed) by"
    r"|wie\b.*\b(opdracht|gefinancierd|betaald|financiert)|opdrachtgever\w*|in opdracht van)\b",
    re.IGNORECASE,
)
_RESEARCH = re.compile(r"\b(research|project|onderzoek)\b", re.IGNORECASE)
# The condense prompt's own labels, which the small model sometimes repeats before the rewrite.
_ROLE_PREFIX = re.compile(
    r"^\s*[*_]{0,2}(gebruiker|user|vervolgvraag|follow-up question|zelfstandige vraag|standalone question|vraag|question)"
    r"\s*[*_]{0,2}\s*:\s*[*_]{0,2}\s*",
    re.IGNORECASE,
)
_ASKS_YEAR = re.compile(r"\b(wanneer|welk jaar|in welk|tot wanneer|when|what year|which year|by when)\b", re.IGNORECASE)
# "Wat zegt het CPB-rapport ...": a question about another organisation's publication.
_OTHER_SOURCE = re.compile(
    r"\b([A-Z][A-Za-z]{1,5})[- ]?(?:rapport|report|studie|study|onderzoek|research|nota|advies|verkenning)\b|"
    r"\b(?:rapport|report|study|studie|onderzoek|research)\s+(?:van|of|by|from)\s+(?:het\s+|de\s+|the\s+)?([A-Z]{2,6})\b"
)
# Verbatim quotes under a single-topic answer, all from its one passage. Measured on the answer suite (same
# drafts): 3 -> 4 -> 5 gives fact coverage 0.685 -> 0.698 -> 0.709 at equal citation precision (answers p50 66 ->
# 77 -> 83 words); 5 is most of a passage. Quoting only sentences close to the question instead costs facts (0.614
# with a 0.1 cosine floor): the question's wording is a weak guide to which sentence holds the answer.
QUOTES = 4
# In a comparison over all four scenarios, a scenario is quoted only when its passage's best sentence is within
# this cosine distance of the best scenario's. Measured on the answer suite (same drafts): citation precision
# 0.747 -> 0.781 at equal fact coverage; 0.05 cuts evidence too (facts -0.006).
QUOTE_SPREAD = 0.1
# A word of the report in at most this many of its 152 passages names a topic of its own ("platformwerk" 2,
# "nulurencontract" 1, "vakbond" 8); "werk" (68) or "druk" (9) names none.
RARE_TERM_PASSAGES = 8
# A glossary topic whose report words are in at most this many passages is specific ("ongelijkheid" 13, "pensioen"
# 1): a claim about it, when asked, must be verified on it. "werkenden" (45), "technologie" (59) are everywhere.
SPECIFIC_TOPIC_PASSAGES = 20
# A word of a Dutch question (eight letters or more) in at most this many passages is what it asks about: "broodfondsen"
# (1), "nulurencontract" (1), "middengroep" (3).
RARE_TOPIC_PASSAGES = 3
# A question that asks two things ("Who runs it, and what is the goal?"), each possibly answered by its own passage.
_TWO_PART = re.compile(
    r"\b(?:en|and)\s+(?:wat|waarom|hoe|wie|welke?|wanneer|what|why|how|who|which|when|do|does|is|are)\b", re.IGNORECASE
)
# Personal advice or how-to ("Should I become a freelancer?", "Hoe schrijf ik een sollicitatiebrief?"): the report
# describes futures, it gives no advice to the reader; asked without a scenario or the report, it is not covered.
_PERSONAL_ADVICE = re.compile(
    r"\b(?:should|shall|must|can|could) i\b|\bhow (?:do|can|should|would) i\b|\b(?:tips?|advice) (?:for|on|about) (?:me|my|a|an)\b|"
    r"\b(?:give|tell) me (?:some )?(?:tips|advice)\b|\b(?:moet|kan|zal|mag) ik\b|\bhoe \w+ ik\b|"
    r"\b(?:tips?|advies) (?:voor|over) (?:mij|mijn|een)\b|\bgeef (?:me|mij) (?:tips|advies)\b",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


class InputError(ValueError):
    """The question cannot be answered as given; the message is for the user, in their language."""


@dataclass(frozen=True)
class Status:
    """A progress event: what the assistant is doing now."""

    stage: str  # "condensing" | "retrieving" | "generating" | "verifying"
    detail: str = ""


@dataclass(frozen=True)
class Token:
    """A piece of the draft answer as the model writes it (before verification)."""

    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


Event = Status | Token | Final


def clean_question(raw: str) -> str:
    """Normalise a question: Unicode NFC, no control characters or replacement chars, single spaces."""
    text = unicodedata.normalize("NFC", raw)
    text = _CONTROL.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


class Assistant:
    """Question answering over the report: retrieval, generation, verified citations."""

    def __init__(self, settings: Settings, *, embedder: Embeddings | None = None,
                 chat_model: BaseChatModel | None = None, client: Any = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._chat_model = chat_model
        self._client = client

    # --- components, created on first use -------------------------------------------------
    @cached_property
    def report(self) -> Report:
        return load_report(self.settings.corpus_path)

    @cached_property
    def chunks(self) -> list[Chunk]:
        return chunk_report(self.report)

    @cached_property
    def scenario_names(self) -> dict[str, str]:
        """Each scenario's name by letter, in order: {"A": "Prestatiemaatschappij", ...}."""
        return {letter: info.name for letter, info in sorted(self.report.scenarios.items())}

    @property
    def embedder(self) -> Embeddings:
        if self._embedder is None:
            if self.settings.embedder == "fake":
                from assistant.embeddings import FakeEmbedder

                self._embedder = FakeEmbedder()
            else:
                from assistant.embeddings import SentenceTransformerEmbedder
                from assistant.models import require_embedder

                self._embedder = SentenceTransformerEmbedder(require_embedder(self.settings),
                                                             dtype=self.settings.embedder_dtype)
        return self._embedder

    @property
    def chat_model(self) -> BaseChatModel:
        if self._chat_model is None:
            from assistant.llm import make_chat_model

            self._chat_model = make_chat_model(self.settings)
        return self._chat_model

    @cached_property
    def index(self) -> VectorIndex:
        client = self._client if self._client is not None else make_client(self.settings)
        fingerprint = getattr(self.embedder, "fingerprint", type(self.embedder).__name__)
        return VectorIndex(client, self.embedder, self.settings.collection, fingerprint)

    @cached_property
    def retriever(self) -> Retriever:
        if not self.index.is_current(self.chunks):
            self.ingest()  # nothing ingested yet, or the corpus changed since: bring the index up to date
        return Retriever(self.chunks, self.index, self.embedder, self.report.scenarios)

    def ingest(self, progress: Any = None) -> IngestReport:
        """Bring the vector index in line with the corpus (no work when nothing changed)."""
        return self.index.sync(self.chunks, progress)

    def warm_up(self) -> None:
        """Load every model now, so the first user does not wait for it."""
        _ = self.retriever
        self.embedder.embed_query("warm-up")
        detect("warm-up")
        load = getattr(self.chat_model, "load", None)
        if callable(load):
            load()

    # --- search and answers -----------------------------------------------------------------
    def search(self, query: str, k: int | None = None, scenarios: Sequence[str] | None = None) -> SearchResult:
        """Hybrid search; raises InputError for an empty query."""
        query = clean_question(query)
        if not query:
            raise InputError(message("empty", "en"))
        return self.retriever.search(query, k or self.settings.top_k, scenarios)

    def ask(self, question: str, history: Sequence[Turn] = (), scenarios: Sequence[str] | None = None) -> Answer:
        """Answer a question (blocking); see `stream` for the events."""
        for event in self.stream(question, history, scenarios):
            if isinstance(event, Final):
                return event.answer
        raise RuntimeError("the answer stream ended without an answer")  # pragma: no cover

    def stream(self, question: str, history: Sequence[Turn] = (),
               scenarios: Sequence[str] | None = None) -> Iterator[Event]:
        """Answer a question, yielding progress, draft tokens and finally the verified Answer."""
        started = time.perf_counter()
        question = clean_question(question)
        default: Language = detect(history[-1].user).language if history else "nl"
        detection = detect(question, default=default) if question else None
        language: Language = detection.language if detection else default
        if not question:
            raise InputError(message("empty", language))
        if len(question) > self.settings.max_question_chars:
            raise InputError(message("too_long", language, length=len(question), limit=self.settings.max_question_chars))
        notice = message("other_language", "en") if detection and detection.detected == "other" else None

        if _INJECTION.search(question):
            yield Final(self._refusal(question, language, question, "injection", started, notice=notice))
            return
        if _UNKNOWN_SCENARIO.search(question) or self._asks_other_source(question):
            yield Final(self._refusal(question, language, question, "refusal", started, notice=notice))
            return
        if _asks_personal_advice(question) and not history:
            yield Final(self._refusal(question, language, question, "advice", started, notice=notice))
            return

        standalone = question
        if history:
            yield Status("condensing")
            standalone = self._condense(question, language, tuple(history))

        yield Status("retrieving")
        t0 = time.perf_counter()
        result = self._retrieve(question, standalone, history, language, scenarios)
        retrieval_s = time.perf_counter() - t0
        # Its authors, or a term the report coined, make a question about the report however far it is from the text.
        about_the_report = _asks_authors(standalone) or names_report_term(standalone)
        # So does a person or organisation it names that a passage found names too ("Was the SER consulted?", 0.28).
        found = [f"{hit.chunk.heading} {hit.chunk.text}" for hit in result.hits]
        names_found = _asks_about_names_in(standalone, found)
        # And a rare word of the report that a passage found has ("Wat zegt het rapport over mantelzorg?", 0.22: the
        # embedder finds a one-term question far from every passage; scenario B's "tijd voor mantelzorg" ranked first).
        term_found = self._names_rare_term_of(standalone, found)
        if result.best_dense < self.settings.min_relevance and not (about_the_report or names_found or term_found):
            yield Final(self._refusal(question, language, standalone, "refusal", started, result.hits, notice,
                                      Timings(retrieval_s=retrieval_s)))
            return

        if result.listed:
            # "Welke scenario's zijn er?", "Vergelijk scenario A en C", "What are the policy questions for scenario C?",
            # "Welke ontwikkelingen zijn meegenomen?": the report answers with a list of its own (each scenario's few
            # defining lines, its four questions per scenario, its ten developments); all of it, in its words,
            # answers better than the one or two passages the model reads.
            yield Final(self._verbatim(question, language, standalone, result, started, notice,
                                       Timings(retrieval_s=retrieval_s), result.listed))
            return

        # Scenario D's name ("Solowerk in crisistijd") is not the topic "solo work" (zzp'ers).
        topics = topics_named(strip_scenarios(standalone), self._specific_topics)
        if language == "nl":
            topics += terms_asked(standalone, self._texts, RARE_TOPIC_PASSAGES)
        context = self._context(result, topics)
        data = AnswerInput(standalone, language, context_passages(context), comparison=result.route.comparison)
        yield Status("generating")
        draft, first_token_s = "", None
        for piece in build_answer_chain(self.chat_model).stream(data):
            if not piece:
                continue  # OpenAI-compatible servers send empty deltas
            if first_token_s is None:
                first_token_s = time.perf_counter() - started
            draft += piece
            yield Token(piece)
        prompt_tokens = self._count_prompt_tokens(data)

        if draft.strip() and not _refused(draft) and detect(draft, default=language).language != language:
            # The small model sometimes answers Dutch passages in Dutch; ask once more, insisting on the language.
            yield Status("generating", "language")
            draft = build_answer_chain(self.chat_model).invoke(replace(data, insist_language=True))
            if detect(draft, default=language).language != language:
                # Still the passages' language: the verified quotes answer alone, under the label that says so.
                draft = ""

        yield Status("verifying")
        timings = Timings(retrieval_s, first_token_s, 0.0)
        # The model's own "not in the report" is not trusted either way: the small model says it far too often,
        # so its draft is simply empty then, and the verified quotes from the passages carry the answer.
        comparison = result.route.comparison
        alignment = align("" if _refused(draft) else draft, context, self.embedder, semantic=language == "en",
                          margin=0.0 if comparison else RANK_MARGIN, question=standalone, rare=self._rare_words,
                          topics=topics)
        # Quotation-first: the report's own words; the quotes cover claims the paraphrase left out.
        if comparison:
            # A question over all scenarios ("In welk scenario is er veel platformwerk?") is answered by the
            # scenarios whose passages speak to it; ones the user named are always answered.
            # "Which scenario offers the most income security?" is answered by all of them side by side: without
            # C (its cell was 0.1 further from the question than B's) the reader cannot judge which is the most.
            # Asked of "de vier scenario's", each of them is answered: C's security cell ("baanzekerheid; veel vaste
            # banen") was left out of a table of the four on security (0.1 further from the question than B's).
            everyone = (result.route.named or bool(SUPERLATIVE.search(standalone))
                        or asks_every_scenario(standalone))
            quotes = select_quotes(standalone, context, self.embedder, per_passage=True,
                                   within=None if everyone else QUOTE_SPREAD)
            if not everyone:
                alignment, quotes = _only_on_topic(alignment, quotes, context, topics)
        else:
            alignment, quotes = self._focus(standalone, context, alignment)
            context, alignment, quotes = self._on_asked_topic(standalone, context, alignment, quotes, topics,
                                                              result.hits)
            context, alignment, quotes = self._on_asked_actor(standalone, context, alignment, quotes, result.hits)
            if asks_which_axes(standalone) and self._axis_definition is not None:
                context, alignment, quotes = self._axes(context, alignment)
        # A loosely related question ("How do I file my taxes?" 0.30, "What are the opening hours of TNO?" 0.32) whose
        # draft verifies nowhere is off-topic: quotes alone would be the passages nearest to it. On the answer suite,
        # the answerable questions answered by quotes alone all have a best passage at >= 0.40 but one (0.33).
        # A person or organisation the question names is in the report when the quotes name it, however far the
        # rest of the question is ("What is the Goldschmeding Foundation?", 0.31); quotes that do not name it answer
        # another question ("What does the SER think about the minimum wage?" quoted scenario B's minimum income).
        unverified = (not alignment.sentences and result.best_dense < self.settings.weak_relevance
                      and not about_the_report and not _asks_about_names_in(standalone, [quote for _, quote in quotes])
                      and not self._names_rare_term_of(standalone, [quote for _, quote in quotes])
                      and not any(_on_topic(quote, [], topics) for _, quote in quotes)
                      and not _rows_named(standalone, [context[pi] for pi, _ in quotes])
                      and not (comparison and _scenarios_on_topic(standalone, quotes, context)))
        if comparison and not result.route.named and not unverified:
            # "Which scenarios offer the most stability?": the report answers it itself, across scenarios, in its
            # conclusion ("(B en C) bieden meer stabiliteit"); each scenario's own passage says only what it is like.
            context, quotes = self._with_report_comparison(standalone, context, quotes, result.hits)
            context, quotes = self._with_axis_ends(standalone, context, quotes)
        if comparison and language == "nl":
            cells = {context[pi].id for pi, _ in quotes if context[pi].kind == "overview_cell"}
            alignment = _without_restated_cells(alignment, cells)
        alignment = add_quotes(alignment, context, quotes)
        sentences = alignment.sentences
        if unverified or not sentences or (_ASKS_FIGURE.search(standalone) and not _states_a_figure(sentences, standalone)):
            # Nothing verifiable, nothing of the model's own verified for a loosely related question, or asked for a
            # figure that no verified sentence states: not in the report.
            yield Final(self._refusal(question, language, standalone, "refusal", started, result.hits, notice, timings,
                                      dropped=alignment.dropped))
            return
        if comparison:
            text = _structure_comparison(sentences, alignment.citations, self.scenario_names,
                                         message("across_scenarios", language))
        else:
            text = _render_with_quotes(sentences, language)
        if language == "en":
            text = add_glosses(text)
        cited = [f"{c.chunk.heading} {c.chunk.text}" for c in alignment.citations]
        # "Hoe werkt het UWV in scenario D?" answered from a passage on D that never names the UWV: say so too.
        uncovered = groups_not_covered(standalone, cited) + names_not_covered(standalone, cited)
        if uncovered:
            # "What does scenario A mean for older workers?" answered from a passage about everyone: say so.
            scope = message("scope_note", language, group=" / ".join(uncovered))
            notice = f"{notice} {scope}" if notice else scope
        yield Final(Answer(
            question=question, language=language, answer=text, refused=False, citations=alignment.citations,
            standalone_question=standalone, sentences=sentences, dropped=alignment.dropped, hits=result.hits,
            notice=notice, timings=replace(timings, total_s=time.perf_counter() - started), prompt_tokens=prompt_tokens,
        ))

    # --- helpers ---
    @cached_property
    def _acronyms(self) -> frozenset[str]:
        return frozenset(re.findall(r"\b[A-Z][A-Za-z]{1,5}\b", " ".join(s.text for s in self.report.sections)))

    @cached_property
    def _rare_words(self) -> frozenset[str]:
        """Words of the report specific enough to name a topic: four letters or more, in few passages."""
        counts = Counter(word for chunk in self.chunks for word in content_tokens(chunk.text))
        return frozenset(word for word, n in counts.items() if len(word) >= 4 and n <= RARE_TERM_PASSAGES)

    @cached_property
    def _specific_topics(self) -> list[Topic]:
        """The glossary's topics specific enough to check a claim on: in few of the report's passages."""
        return specific_topics(self._texts, SPECIFIC_TOPIC_PASSAGES)

    @cached_property
    def _texts(self) -> list[str]:
        """The text of each of the report's passages, listed once rather than per question."""
        return [chunk.text for chunk in self.chunks]

    def _names_rare_term_of(self, question: str, quotes: Sequence[str]) -> bool:
        """Whether a "what does the report say about X" question names a rare word of the report that the quotes use.

        "Wat zegt het rapport over platformwerk?" (0.33 from its best passage) was declined although scenario A's
        quote reads "veel platformwerk": the embedder finds a one-term question far from every passage. A word in
        at most RARE_TERM_PASSAGES passages, and of at least five letters, is the report speaking to that topic;
        a common one ("werk", in 68 passages) or a short one ("weer", "again" in four) can be chance.
        """
        topic = search_text(question)
        if topic == without_answer_form(question) or len(content_tokens(topic)) > 3:
            return False
        quoted = set().union(*(content_tokens(quote) for quote in quotes))
        return any(len(word) >= 5 for word in content_tokens(expand_query(topic)) & quoted & self._rare_words)

    def _asks_other_source(self, question: str) -> bool:
        """The question is about a publication of an organisation this report does not draw on."""
        for match in _OTHER_SOURCE.finditer(question):
            name = match.group(1) or match.group(2)
            if name and name.isupper() and name not in self._acronyms:
                return True
        return False

    def _retrieve(self, question: str, standalone: str, history: Sequence[Turn], language: Language,
                  scenarios: Sequence[str] | None) -> SearchResult:
        """Search the standalone question; a follow-up is also searched as read against the conversation."""
        k = self.settings.top_k
        if not history:
            return self.retriever.search(standalone, k, scenarios)
        literal = carry_over(question, history, language)
        if literal == standalone:  # the rewrite fell back to the carry-over: one search, k passages
            return self.retriever.search(standalone, k, scenarios)
        return fuse([self.retriever.search(q, 2 * k, scenarios) for q in (standalone, literal)], k)

    def _context(self, result: SearchResult, topics: Sequence[Topic] = ()) -> list[Chunk]:
        """The passages the model reads: few and relevant (prompt tokens cost ~13 ms each on 2 cores)."""
        if not result.route.comparison:
            return [h.chunk for h in result.hits[: self.settings.context_k]]
        # The same rule that made the retriever keep these passages among the hits, and a passage on the topic asked.
        pair = result.route.named and len(result.route.scenarios) == 2
        picked = [hit.chunk for scenario in result.route.scenarios
                  if (hit := scenario_passage(result.hits, scenario, result.query, topics, pair)) is not None]
        return picked or [h.chunk for h in result.hits[: self.settings.context_k]]

    def _focus(self, question: str, context: Sequence[Chunk], alignment: Alignment) -> tuple[Alignment, list[tuple[int, str]]]:
        """A single-topic answer from one passage: the one most of the model's verified sentences cite.

        The model reads two passages and mostly writes from the one that answers the question (measured on
        the answer suite: in 50 of 54 cases where only one of the two holds the answer); its sentences from the
        other one are typically background that costs the reader a second source. Quotes come from the same
        passage; with no verified sentence (or a tie), from the passage holding the sentence closest to the question.
        """
        counts = sentences_per_passage(alignment)
        # "Why …, and what is the consequence?": each part may have its own passage, so every cited one stays.
        two_part = bool(_TWO_PART.search(question))
        top = max(counts.values(), default=0)
        among = {i for i, chunk in enumerate(context) if chunk.id in counts and (two_part or counts[chunk.id] == top)}
        # "… volgens de overzichtstabel?", "Welke beleidsvraag hoort daarbij?": the user names the kind of passage
        # that answers; when one is read, it answers, whichever one the model wrote more from.
        kind = asked_kind(question)
        if not two_part and any(chunk.kind == kind for chunk in context):
            among = {i for i, chunk in enumerate(context) if chunk.kind == kind}
        # "Wat is de kernboodschap van het rapport?" read "Conclusie › Kernboodschap" and the introduction, and the
        # model wrote from the introduction: the one passage whose own title the question names answers it.
        titled = {i for i, chunk in enumerate(context) if _names_title(question, chunk)}
        if not two_part and kind is None and len(titled) == 1:
            among = titled
        if not counts and asks_summary(question):
            # "Wat is scenario B in een notendop?" read both parts of B's summary and, with no sentence of the model
            # verified, quoted the second part, whichever sentence was nearest to a question with no topic: a summary
            # is read from its start, where the report puts its main points.
            sections = [c.section_id for c in context]
            shared = [i for i, section in enumerate(sections) if sections.count(section) > 1]
            if shared:
                among = {min(shared, key=lambda i: context[i].start)}
        quotes = select_quotes(question, context, self.embedder, k=QUOTES, among=among or None, one_passage=True)
        if two_part or not among:
            return alignment, quotes
        primary = quotes[0][0] if quotes else min(among)
        return keep_passage(alignment, context[primary].id), quotes

    def _on_asked_topic(self, question: str, context: list[Chunk], alignment: Alignment,
                        quotes: list[tuple[int, str]], topics: Sequence[Topic],
                        hits: Sequence[Hit]) -> tuple[list[Chunk], Alignment, list[tuple[int, str]]]:
        """When nothing the answer says names the group or specific topic asked about, the report's sentences on it
        from the best-ranked passage found that has them.

        "What happens to income inequality in scenario A?" read A's security cell ("inkomenszekerheid laag") and
        its policy introduction, neither on inequality; A's introduction, ranked third, says "de sociaal-economische
        ongelijkheid is groot".
        """
        groups = groups_named(strip_scenarios(question))
        if not groups and not topics:
            return context, alignment, quotes

        # A quote on what is needed for it ("is beleid nodig dat … onderwijs …") does not say what it is like.
        if (any(_on_topic(quote, groups, topics) and not says_needed(quote) for _, quote in quotes)
                or any(_on_topic(s.text, groups, topics) for s in alignment.sentences)):
            if groups and len(quotes) < QUOTES and _asks_only_about_group(question, groups):
                context, quotes = _more_on_group(context, quotes, groups, hits)
            return context, alignment, quotes
        # A passage already read counts too when ranked above the one quoted: "Waarom ontstaan er broodfondsen?" read
        # the one passage that names them (ranked first) and was answered from the other one. One ranked below does
        # not: asked about a robot tax, "een heffing op technologische winsten" (ranked first) is the answer, not
        # "Geautomatiseerd werk maakt ruimte voor onbetaald werk".
        quoted = {context[pi].id for pi, _ in quotes}
        above = True
        for chunk in (hit.chunk for hit in hits):
            above = above and chunk.id not in quoted
            if chunk in context and not above:
                continue
            found = _sentences_on(chunk, groups, topics)
            if found:
                read, at = _reading(context, chunk)
                return read, keep_passage(alignment, chunk.id), [(at, sentence) for sentence in found[:QUOTES]]
        return context, alignment, quotes

    def _on_asked_actor(self, question: str, context: list[Chunk], alignment: Alignment,
                        quotes: list[tuple[int, str]],
                        hits: Sequence[Hit]) -> tuple[list[Chunk], Alignment, list[tuple[int, str]]]:
        """When the government, employers or unions are asked about and nothing the answer says has them doing
        something, the report's sentences where they do, from the best-ranked passage found that has them.

        "Is there any union for self-employed people in scenario D?" quoted D's roles cell ("vakbond vooral voor
        zzp'ers, collectief grotendeels verdwenen"); D's roles text, ranked third, says what it does: "De vakbond
        voor zelfstandigen is bovendien sterker geworden. Zij hebben zich sterk gemaakt voor eerlijke tarieven …".
        """
        actor = asked_institution(strip_scenarios(question))
        # An overview cell is the table's shorthand ("vakbond vooral voor zzp'ers"): asked of one scenario, the
        # report's sentences on what they do answer more.
        if actor is None or any(acts_in(quote, actor) for pi, quote in quotes if context[pi].kind != "overview_cell"):
            return context, alignment, quotes
        if any(acts_in(s.text, actor) for s in alignment.sentences):
            return context, alignment, quotes
        scenarios = {context[pi].scenario for pi, _ in quotes}
        for chunk in (hit.chunk for hit in hits):
            if chunk.kind in (*POLICY_KINDS, "overview_cell") or (scenarios and chunk.scenario not in scenarios):
                continue
            found = sentences_by(chunk.text, actor)[:QUOTES]
            if found:
                # With the passage's sentences closest to the question: "Opdrachtgevers kiezen vrijwel uitsluitend uit
                # de hoogst scorende profielen" needs "zelfstandige professionals worden … in punten gewaardeerd".
                closest = [q for _, q in select_quotes(question, [chunk], self.embedder, k=QUOTES) if q not in found]
                read, at = _reading(context, chunk)
                picked = [*found, *closest][:QUOTES]
                return read, keep_passage(alignment, chunk.id), [(at, sentence) for sentence in picked]
        return context, alignment, quotes

    def _with_report_comparison(self, question: str, context: list[Chunk], quotes: list[tuple[int, str]],
                                hits: Sequence[Hit]) -> tuple[list[Chunk], list[tuple[int, str]]]:
        """The context and quotes, with the report's own cross-scenario sentences where they answer as well."""
        shown = [quote for _, quote in quotes]
        for passage in (hit.chunk for hit in hits if compares_scenarios(hit.chunk)):
            if passage in context:
                continue
            found = comparing_sentences(question, passage, shown, self.embedder)
            if found:
                context = [*context, passage]
                quotes = [*((len(context) - 1, sentence) for sentence in found), *quotes]
        return context, quotes

    @cached_property
    def _axis_definition(self) -> tuple[Chunk, str, dict[str, list[str]]] | None:
        """The passage where the report defines its two axes: the chunk, its sentence introducing them ("… op basis
        van de volgende twee kernonzekerheden."), and per axis the lines defining its two ends."""
        for chunk in self.chunks:
            sentences = split_sentences(chunk.text)
            ends = {axis: [s for s in sentences if pattern.search(s)] for axis, pattern in AXIS_ENDS.items()}
            if all(len(lines) == 2 for lines in ends.values()):
                intro = next((s for s in sentences if re.search(r"kernonzekerhe", s, re.IGNORECASE)), "")
                return chunk, intro, ends
        return None

    def _with_axis_ends(self, question: str, context: list[Chunk],
                        quotes: list[tuple[int, str]]) -> tuple[list[Chunk], list[tuple[int, str]]]:
        """The context and quotes, led by the report's definition of both ends of an axis the question divides the
        scenarios by ("Welke scenario's zijn collectief gericht en welke individueel?": "individueel gerichte: regie
        ligt bij het individu", "collectief gericht: Regie ligt bij het collectief"); each scenario's cell then says
        on which side it is."""
        axes = axes_divided(question)
        if not axes or self._axis_definition is None:
            return context, quotes
        chunk, _, ends = self._axis_definition
        lines = [line for axis in axes for line in ends[axis]]
        context, at = _reading(context, chunk)
        return context, [*((at, line) for line in lines), *(q for q in quotes if q[0] != at or q[1] not in lines)]

    def _axes(self, context: list[Chunk], alignment: Alignment) -> tuple[list[Chunk], Alignment, list[tuple[int, str]]]:
        """"Welke twee assen zijn er gekozen?": the report's own lines that name its axes and define their ends. The
        method appendix, which ranked first, says how axes are chosen, not which ones were."""
        assert self._axis_definition is not None
        chunk, intro, ends = self._axis_definition
        read, at = _reading(context, chunk)
        lines = [intro, *(line for axis_lines in ends.values() for line in axis_lines)]
        # The model's own words on them ("The two axes are trends and onzekerheden") would only restate them, or not.
        unused = Alignment((), (), (*alignment.dropped, *(s.text for s in alignment.sentences)))
        return read, unused, [(at, line) for line in lines if line]

    def _condense(self, question: str, language: Language, history: tuple[Turn, ...]) -> str:
        """A standalone version of a follow-up; falls back to carrying the previous question's scenario."""
        if swaps_scenario(question) and with_scenarios(history[-1].user, detect_scenarios(question), language):
            # "En in scenario D?" only swaps the scenario: the previous question about D is the standalone question.
            # The model wrote "In scenario D, wat betekent het werkzoekende voldoen aan een 'maatschappelijke plicht'
            # …?", B's answer asked of D, and took a model call to do it.
            return carry_over(question, history, language)
        rewrite = build_condense_chain(self.chat_model).invoke(CondenseInput(question, language, history[-3:]))
        rewrite = _ROLE_PREFIX.sub("", clean_question(rewrite.split("\n")[0])).strip('"')
        named = set(detect_scenarios(question))
        keeps_scenario = bool(named or detect_scenarios(rewrite) or not detect_scenarios(history[-1].user))
        # The model echoing "And in scenario A?" has not rewritten it: the carry-over keeps the topic.
        echoed = rewrite.casefold().strip(" ?") == question.casefold().strip(" ?")
        # After a list answer the model may copy its heading ("**Beleidsvragen bij Scenario B (...):**"): a lead-in,
        # not a question.
        lead_in = rewrite.strip(" *").endswith(":")
        usable = bool(rewrite) and len(rewrite) <= 300 and not _refused(rewrite) and not echoed and not lead_in
        if usable and keeps_scenario and named <= set(detect_scenarios(rewrite)):
            return rewrite
        previous = _conversation_scenarios(history)
        if previous and not named and (_stands_alone(question) or lists_policy_questions(question)):
            # "wat gebeurt er als je je baan kwijtraakt?" after a question on B's labour market, echoed by the model:
            # read together with the previous question, the model answered that one ("de arbeidsmarkt is dynamisch").
            # A question of its own keeps only the conversation's scenario. So does a request for the report's policy
            # questions ("Welke beleidsvragen horen daarbij?" after "En voor werkgevers?" on D): glued to the two
            # questions before it, it was answered from D's roles cell instead of D's policy questions.
            return _in_scenarios(question, previous, language)
        return carry_over(question, history, language)

    def _count_prompt_tokens(self, data: AnswerInput) -> int | None:
        counter = getattr(self.chat_model, "count_tokens", None)
        if not callable(counter):
            return None
        from assistant.chain import answer_messages

        return sum(counter(str(m.content)) for m in answer_messages(data))

    def _verbatim(self, question: str, language: Language, standalone: str, result: SearchResult, started: float,
                  notice: str | None, timings: Timings, listed: str) -> Answer:
        """The report's own list answers the question: what its scenarios are, its policy questions, its developments."""
        if listed == "overview":
            asked = result.route.scenarios if result.route.comparison else SCENARIOS
            names = {letter: name for letter, name in self.scenario_names.items() if letter in asked}
            text, citations = verbatim.scenarios_overview(self.chunks, names, language)
        elif listed == "policy":
            scenarios = result.route.scenarios or SCENARIOS
            text, citations = verbatim.policy_questions(self.chunks, self.scenario_names, scenarios, language)
        else:
            text, citations = verbatim.developments(self.chunks, language)
        if language == "en":
            text = add_glosses(text)
        return Answer(
            question=question, language=language, answer=text, refused=False, citations=citations,
            standalone_question=standalone, sentences=tuple(Sentence(c.chunk.text, (c.n,), quote=True) for c in citations),
            hits=result.hits, notice=notice, timings=replace(timings, total_s=time.perf_counter() - started),
        )

    def _refusal(self, question: str, language: Language, standalone: str, key: str, started: float,
                 hits: Sequence[Hit] = (), notice: str | None = None, timings: Timings | None = None,
                 dropped: Sequence[str] = ()) -> Answer:
        timings = timings or Timings()
        return Answer(
            question=question, language=language, answer=message(key, language), refused=True, citations=(),
            standalone_question=standalone, dropped=tuple(dropped), hits=tuple(hits), notice=notice,
            timings=replace(timings, total_s=time.perf_counter() - started),
        )


def carry_over(question: str, history: Sequence[Turn], language: Language) -> str:
    """Deterministic standalone question: the follow-up read against the previous question.

    "En in scenario C?" after a question about scenario D becomes that question about scenario C; any other
    follow-up is read together with the previous question.
    """
    if not history:
        return question
    previous = history[-1].user
    if len(history) > 1 and len(content_tokens(strip_scenarios(previous))) < 2:
        # The previous question was itself a follow-up ("En in scenario A?"): read it against its own predecessor
        # first, or a third question loses the topic of the first.
        previous = carry_over(previous, history[:-1], language)
    named = detect_scenarios(question)
    if named and swaps_scenario(question) and (swapped := with_scenarios(previous, named, language)):
        return swapped  # "En in scenario C?" after "Wat betekent scenario D voor zzp'ers?": that question about C
    if named:
        joiner = " en " if language == "nl" else " and "
        return f"{strip_scenarios(previous)} (scenario {joiner.join(named)}) {question}"
    return f"{previous} {question}"


# What a follow-up that only swaps the scenario says besides it: "What about scenario B?", "Hoe zit het met A?".
_SWAP_FRAME = "what about how zit same question dezelfde vraag geldt then dan daar there scenario"


# A follow-up that starts as a question of its own ("wat gebeurt er als ...?", "How are ...?"), not as a continuation
# ("En voor vakbonden?", "So who ...?", "What about employers?").
_OWN_QUESTION = re.compile(
    r"^(?:wat|hoe|waarom|wie|welke?|wanneer|waar|waardoor|is|zijn|kan|kunnen|heeft|hebben|wordt|worden|"
    r"what|how|why|who|which|when|where|is|are|can|could|does|do|did|will|would|has|have)\b(?!\s+(?:about|zit)\b)",
    re.IGNORECASE,
)
# Words that point back into the conversation: "Are there downsides to that approach?" needs its predecessor.
_POINTS_TO_HISTORY = re.compile(
    r"\b(?:that|this|these|those|it|its|they|them|their|there|then|such|same|dat|dit|deze|die|daar\w*|hun|ze|zij|"
    r"zo'n|zulke|hetzelfde|dezelfde|ook|also|too|else|other|andere)\b",
    re.IGNORECASE,
)


def _conversation_scenarios(history: Sequence[Turn]) -> tuple[str, ...]:
    """The scenarios of the latest question that named any ("En voor werkgevers?" is still about D)."""
    return next((named for turn in reversed(history) if (named := detect_scenarios(turn.user))), ())


def _stands_alone(question: str) -> bool:
    """Whether a follow-up is a complete question of its own, needing from the conversation only its scenario."""
    return (bool(_OWN_QUESTION.search(question)) and not _POINTS_TO_HISTORY.search(question)
            and len(content_tokens(question)) >= 2)


def _in_scenarios(question: str, scenarios: Sequence[str], language: Language) -> str:
    """The question asked of the given scenarios: "Wat gebeurt er als je je baan kwijtraakt in scenario B?"."""
    joiner = " en " if language == "nl" else " and "
    ref = ("scenario " if len(scenarios) == 1 else "scenario's " if language == "nl" else "scenarios ") + joiner.join(scenarios)
    body = question.rstrip(" ?")
    return f"{body[:1].upper()}{body[1:]} in {ref}?"


def swaps_scenario(question: str) -> bool:
    """A follow-up that names scenarios and asks nothing else ("En in scenario C?", "And for the crisis scenario?")."""
    return bool(detect_scenarios(question)) and not content_tokens(strip_scenarios(question)) - content_tokens(_SWAP_FRAME)


def _asks_personal_advice(question: str) -> bool:
    """"Moet ik zzp'er worden?": advice for the asker, about neither a scenario nor the report."""
    return bool(_PERSONAL_ADVICE.search(question) and not detect_scenarios(question) and not REPORT_WORD.search(question)
                and not re.search(r"\bscenario", question, re.IGNORECASE))


def _asks_about_names_in(question: str, texts: Sequence[str]) -> bool:
    """Whether the question asks about people or organisations themselves, and the texts name every one of them.

    "Who is VNO-NCW?", "Was the SER consulted?" ask about the name; "What does the SER think about the minimum
    wage?" asks what the report does not say, and a sentence that only names the SER does not answer it.
    """
    named = names_named(question)
    rest = content_tokens(without_names(question, named))
    return bool(named) and len(rest) <= 2 and not names_not_covered(question, list(texts))


# Words of the overview table's row titles that name no topic ("Rol werkgever, overheid, vakbonden en onderwijs").
_ROW_FRAME = "rol scenario"


def _topic_words(question: str) -> set[str]:
    """The question's content words, with the report's words for its terms, less those that name no topic."""
    return content_tokens(expand_query(question)) - content_tokens(_ROW_FRAME)


def _rows_named(question: str, quoted: Sequence[Chunk]) -> bool:
    """Whether a quoted overview cell is in a row the question names the topic of.

    "In which scenarios do trade unions lose influence?" (0.39 from its best passage; the model wrote only the
    scenario names) is answered by the row "Rol werkgever, overheid, vakbonden en onderwijs": the report has a
    row of its overview table on the question's topic, however far the rest of the question is.
    """
    asked = _topic_words(question)
    rows = [chunk.path[-2] for chunk in quoted if chunk.kind == "overview_cell" and len(chunk.path) >= 2]
    return any(asked & content_tokens(row) for row in rows)


def _scenarios_on_topic(question: str, quotes: Sequence[tuple[int, str]], context: Sequence[Chunk]) -> bool:
    """Whether the quotes of at least two scenarios use a word of the question (with the report's words for its terms).

    "Where is the pressure to perform highest, and where lowest?" (0.39 from its best passage; the model's draft
    ranked groups the report does not rank, and all of it was dropped) was declined, while A's quote says "verhogen
    ook de druk" and C's "minder prestatiedruk": the report speaks to it in more than one scenario. One scenario's
    word alone can be chance ("weer", "werk").
    """
    asked = _topic_words(question)
    on_topic = {context[pi].scenario for pi, quote in quotes if asked & content_tokens(quote)}
    return len(on_topic - {None}) >= 2


# "… in the introduction of scenario C", "de inleiding van scenario A": the section, not "the introduction of a
# four-day week" (its "invoering").
_ASKS_INTRODUCTION = re.compile(
    r"\binleiding\b|\b(?:in|from|of) the introduction\b|\bthe introduction (?:of|to) (?:the |this )?(?:scenario|report|future)",
    re.IGNORECASE,
)


def _names_title(question: str, chunk: Chunk) -> bool:
    """Whether the question names the title of the report-wide section a passage is ("Kernboodschap").

    Only sections outside the scenarios: a scenario's sections are titled by theme ("Samenleving: …",
    "Loopbaangedrag: …"), which most questions about it name. An English question is read with the report's
    words for its terms ("key message").
    """
    title = chunk.path[-1].split(":")[0] if chunk.path else ""
    if re.search(r"\d", title):
        return False
    if chunk.scenario is not None:
        # A scenario's introduction is the one section of a scenario named for its place, not its theme: "What
        # downside is hinted at in the introduction of scenario C?" read C's policy chapter and its introduction.
        return chunk.kind == "scenario_text" and ":" not in chunk.path[-1] and bool(_ASKS_INTRODUCTION.search(question))
    words = content_tokens(title)
    return bool(words) and words <= content_tokens(expand_query(question))


def _on_topic(text: str, groups: Sequence[tuple[re.Pattern[str], tuple[str, ...]]], topics: Sequence[Topic]) -> bool:
    """Whether a text names one of the groups or specific topics asked about, in the user's words (an English
    sentence of the model) or the report's."""
    return (any(pattern.search(text) or mentions_groups(text, [words]) for pattern, words in groups)
            or any(pattern.search(text) or mentions_topic(text, words) for pattern, words in topics))


def _sentences_on(chunk: Chunk, groups: Sequence[tuple[re.Pattern[str], tuple[str, ...]]],
                  topics: Sequence[Topic]) -> list[str]:
    """The passage's sentences that name a group or topic asked about; not its questions, which ask about a topic
    and do not say what it is like, nor what it says is needed."""
    return [s for s in split_sentences(chunk.text)
            if _on_topic(s, groups, topics) and not s.rstrip().endswith("?") and not says_needed(s)]


# What "Wat betekent scenario D voor zzp'ers?" or "How do young people fare in scenario D?" says besides its group.
_GROUP_FRAME = ("wat betekent betekenen what does do mean means for voor happens happen gebeurt er met to with how hoe "
                "fare gaat het vergaat zijn is are they zij situation situatie position positie scenario the de het "
                "about over workers werkenden people mensen")


def _asks_only_about_group(question: str, groups: Sequence[tuple[re.Pattern[str], tuple[str, ...]]]) -> bool:
    """Whether the question asks what a scenario means for a group, and nothing more specific about it."""
    rest = strip_scenarios(question)
    for pattern, _ in groups:
        rest = pattern.sub(" ", rest)
    return not content_tokens(rest) - content_tokens(_GROUP_FRAME)


def _reading(context: list[Chunk], chunk: Chunk) -> tuple[list[Chunk], int]:
    """The passages read, with this one among them, and its index there (quotes are (passage index, sentence))."""
    read = context if chunk in context else [*context, chunk]
    return read, read.index(chunk)


def _more_on_group(context: list[Chunk], quotes: list[tuple[int, str]],
                   groups: Sequence[tuple[re.Pattern[str], tuple[str, ...]]],
                   hits: Sequence[Hit]) -> tuple[list[Chunk], list[tuple[int, str]]]:
    """The quotes, with what the scenario's other passages found say of the group asked about (up to QUOTES)."""
    scenario = context[quotes[0][0]].scenario if quotes else None
    if scenario is None:
        return context, quotes
    quoted = {context[pi].id for pi, _ in quotes}
    shown = {quote for _, quote in quotes}
    for chunk in (hit.chunk for hit in hits):
        if len(quotes) >= QUOTES:
            break
        if chunk.scenario != scenario or chunk.id in quoted or chunk.kind in POLICY_KINDS:
            continue
        found = [sentence for sentence in _sentences_on(chunk, groups, ()) if sentence not in shown]
        if found:
            context, at = _reading(context, chunk)
            quotes = [*quotes, *((at, sentence) for sentence in found[:QUOTES - len(quotes)])]
    return context, quotes


def _asks_authors(question: str) -> bool:
    """"Who wrote this report?", "Who funded the research?": about the report itself, though far from its text for
    the embedder."""
    return bool(_ASKS_AUTHORS.search(question) and (REPORT_WORD.search(question) or _RESEARCH.search(question)))


def _states_a_figure(sentences: Sequence[Sentence], question: str) -> bool:
    """Whether a verified sentence gives a figure other than one the question itself mentions."""
    echoed = numbers(question) | {w.lower() for w in _FIGURE.findall(question)}
    # A year ("TNO/RIVM, 2023") does not answer "how high is the minimum wage?" unless a year is asked for.
    years_answer = bool(_ASKS_YEAR.search(question))
    for sentence in sentences:
        found = numbers(sentence.text) | {w.lower() for w in _FIGURE.findall(re.sub(r"\d", " ", sentence.text))}
        if not years_answer:
            found = {f for f in found if not _YEAR.fullmatch(f)}
        if found - echoed:
            return True
    return False


def _only_on_topic(alignment: Alignment, quotes: list[tuple[int, str]], context: Sequence[Chunk],
                   topics: Sequence[Topic]) -> tuple[Alignment, list[tuple[int, str]]]:
    """Of a comparison over all scenarios on a specific topic, only the scenarios whose passage names it.

    "Wat zegt het rapport over mantelzorg?" quoted scenario B's "tijd voor maatschappelijke taken of mantelzorg" and
    A's "techbedrijven als poortwachters", which says nothing of it. With no passage naming it, all stay.
    """
    on = {chunk.id for chunk in context if names_topic_strictly(chunk.text, topics)}
    if not on:
        return alignment, quotes
    kept = {c.n for c in alignment.citations if c.chunk.id in on}
    sentences = tuple(s for s in alignment.sentences if set(s.markers) <= kept)
    out: list[tuple[int, str]] = []
    for pi, chunk in enumerate(context):
        if chunk.id not in on:
            continue
        own = [quote for pj, quote in quotes if pj == pi]
        if not any(_on_topic(quote, [], topics) for quote in own):
            # The sentence nearest the question missed it ("informal care" is far from "tijd voor mantelzorg").
            own = _sentences_on(chunk, [], topics)
        out += [(pi, quote) for quote in own[:QUOTES]]
    return replace(alignment, sentences=sentences), out


def _without_restated_cells(alignment: Alignment, quoted_cells: set[str]) -> Alignment:
    """Without the model's sentences on overview cells that will be quoted whole (Dutch comparisons).

    The small model writes Dutch poorly when it restates a cell ("Verschilende technologie-gedreven modelen zijn
    bepalen door techgiganten") and mixes the cells it read ("Modulair & continu leren ..., weinig eigen
    keuzevrijheid" under A, whose cell does not say the latter); the cell, quoted whole, says it in the report's
    words. An English answer keeps them: they translate the cell.
    """
    restated = {c.n for c in alignment.citations if c.chunk.id in quoted_cells}
    kept = tuple(s for s in alignment.sentences if not set(s.markers) <= restated)
    return replace(alignment, sentences=kept)


def _render_with_quotes(sentences: Sequence[Sentence], language: Language) -> str:
    """The model's verified sentences, then the report's own words under a label."""
    own = [s for s in sentences if not s.quote]
    quoted = [s for s in sentences if s.quote]
    parts = [render_answer(own)] if own else []
    if quoted:
        label = message("quote_label", language)
        parts.append(f"{label} {render_answer(quoted)}")
    return "\n\n".join(parts)


def _refused(text: str) -> bool:
    return any(token in text.upper() for token in REFUSAL_TOKENS)


def _structure_comparison(sentences: Sequence[Sentence], citations: Sequence[Any], names: Mapping[str, str],
                          across: str = "") -> str:
    """One bullet per scenario, each built only from sentences cited to that scenario's passages.

    The bullet names the scenario ("Scenario A (Prestatiemaatschappij)"), so the model's own "Scenario A:" or
    "Prestatiemaatschappij:" in front of a sentence is left out.
    """
    scenario_of = {c.n: c.chunk.scenario for c in citations}
    groups: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        key = scenario_of.get(sentence.markers[0]) or "-"
        groups.setdefault(key, []).append(sentence)
    lines = []
    for key in sorted(groups):
        body = render_answer(groups[key])
        body = re.sub(rf"^\s*Scenario\s+{key}\s*[:\-–]\s*", "", body, flags=re.IGNORECASE)
        if key in names:
            body = re.sub(rf"^\s*{re.escape(names[key])}\s*:\s*", "", body, flags=re.IGNORECASE)
            body = body[:1].upper() + body[1:]
        label = verbatim.scenario_label(key, names) if key != "-" else across
        lines.append(f"- **{label}**: {body}" if label else f"- {body}")
    return "\n".join(lines)
