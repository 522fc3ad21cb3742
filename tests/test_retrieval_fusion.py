"""Follow-ups are searched twice (standalone rewrite, literal conversation) and the rankings fused."""

from __future__ import annotations

from assistant.embeddings import FakeEmbedder
from assistant.glossary import expand_query, specific_topics, topics_named
from assistant.retrieval import Retriever, SearchResult, fuse, lists_policy_questions, scenario_passage, search_text
from assistant.routing import Route
from assistant.schema import Chunk, Hit
from assistant.service import Assistant
from assistant.text import compound_parts, compound_vocabulary


def _hit(cid: str, scenario: str | None = None) -> Hit:
    return Hit(Chunk(cid, cid, ("Bijlage A",), scenario, "scenario_text", None, f"tekst {cid}", 0, 9), 1.0)


NO_ROUTE = Route((), False)


def _result(ids: list[str], route: Route = NO_ROUTE, best: float = 0.5) -> SearchResult:
    return SearchResult("q", route, tuple(_hit(i, i[0].upper() if i[0] in "abcd" else None) for i in ids), best)


def test_a_passage_both_searches_rank_high_comes_first() -> None:
    rewrite = _result(["x1", "shared", "x2", "x3"], best=0.4)
    literal = _result(["y1", "shared", "y2"], best=0.6)
    fused = fuse([rewrite, literal], k=3)
    assert fused.hits[0].chunk.id == "shared"
    assert len(fused.hits) == 3
    # What each search found best survives the fusion; the relevance floor is the standalone question's
    # (the literal reading includes the previous question, which would let an off-topic follow-up through).
    assert {"x1", "y1"} <= {h.chunk.id for h in fused.hits}
    assert fused.best_dense == 0.4


def test_the_route_of_the_rewrite_decides_and_comparisons_keep_every_scenario() -> None:
    route = Route(("A", "C"), True)
    rewrite = _result(["a1", "a2", "a3", "c1"], route)
    literal = _result(["a2", "a1", "a4"])
    fused = fuse([rewrite, literal], k=3)
    assert fused.route == route
    assert {h.chunk.scenario for h in fused.hits} == {"A", "C"}


def test_one_search_is_returned_unchanged() -> None:
    only = _result(["x1", "x2"])
    assert fuse([only], k=1) is only


class RecordingEmbedder(FakeEmbedder):
    """The fake embedder, remembering which query batches it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return super().embed_queries(texts)


def test_domain_terms_are_also_searched_in_the_reports_dutch_words(shared_fake_assistant: Assistant) -> None:
    embedder = RecordingEmbedder()
    retriever = Retriever(shared_fake_assistant.chunks, shared_fake_assistant.index, embedder)
    asked = "What happens to the safety net for self-employed workers?"
    result = retriever.search(asked, 5)
    assert embedder.batches == [[asked, expand_query(asked)]]
    assert "vangnet" in embedder.batches[0][1]
    # The relevance floor judges the question as asked, not the words the glossary added.
    question_only = max(sim for _, sim in shared_fake_assistant.index.query(embedder.embed_query(asked), 200))
    assert abs(result.best_dense - question_only) < 1e-6
    assert any("vangnet" in h.chunk.text.lower() for h in result.hits)

    retriever.search("Wat gebeurt er met de middengroep?", 5)
    assert embedder.batches[-1] == ["Wat gebeurt er met de middengroep?"]  # nothing to add: one query


def test_a_question_about_policy_questions_finds_the_policy_chapter(shared_fake_assistant: Assistant,
                                                                   monkeypatch) -> None:
    # The research question and the conclusion also say "beleid"; a question that asks for the report's policy
    # questions wants the chapter that lists them.
    import assistant.retrieval as retrieval

    def first_policy_rank(question: str) -> int:
        hits = shared_fake_assistant.retriever.search(question, 20).hits
        return next(i for i, h in enumerate(hits) if h.chunk.kind in ("policy_question", "policy_intro"))

    questions = ("What policy questions does the report raise about platform work?",
                 "Welke beleidsvraagstukken zijn er rond inkomenszekerheid voor zzp'ers?")
    boosted = [first_policy_rank(q) for q in questions]
    monkeypatch.setattr(retrieval, "POLICY_BOOST", 1.0)
    plain = [first_policy_rank(q) for q in questions]
    assert all(b <= p for b, p in zip(boosted, plain, strict=True)) and boosted != plain, (boosted, plain)


def _cell(scenario: str, row: str) -> Hit:
    path = ("Verschillen en overeenkomsten tussen scenario’s", row, f"Scenario {scenario}")
    return Hit(Chunk(f"{row}-{scenario}", row, path, scenario, "overview_cell", row.lower(), "• cel", 0, 5), 1.0)


def test_a_comparison_reads_each_scenario_in_the_table_row_of_the_best_cell() -> None:
    # "How does the government's role differ between B and C?": C's technology cell happens to rank above
    # its role cell, but the comparison is on the role row.
    hits = [_cell("B", "Rol"), _cell("C", "Technologie"), _hit("c-text", "C"), _cell("C", "Rol")]
    question = "How does the government's role differ between B and C?"
    assert scenario_passage(hits, "B", question).chunk.id == "Rol-B"
    assert scenario_passage(hits, "C", question).chunk.id == "Rol-C"
    # Without a cell in that row, the scenario's best-ranked cell, and without any cell its best passage.
    assert scenario_passage(hits[:3], "C", question).chunk.id == "Technologie-C"
    assert scenario_passage([_cell("B", "Rol"), _hit("c-text", "C")], "C", question).chunk.id == "c-text"


def test_a_comparison_on_a_specific_topic_reads_the_scenario_passage_that_names_it() -> None:
    # "Is there a four-day work week in any scenario?" read B's labour-market cell; B's text has "4-daagse werkweek".
    def text(cid: str, body: str) -> Hit:
        return Hit(Chunk(cid, cid, ("Bijlage A",), "B", "scenario_text", None, body, 0, len(body)), 0.5)

    week = text("week", "Er is een 4-daagse werkweek ingevoerd.")
    hits = [_cell("B", "Arbeidsmarkt"), text("platforms", "AI-gestuurde platforms en leerapps helpen."), week]
    question = "Is there a four-day work week in any scenario?"
    topics = topics_named(question, specific_topics([week.chunk.text], most=2))
    assert topics
    assert scenario_passage(hits, "B", question).chunk.id == "Arbeidsmarkt-B"
    assert scenario_passage(hits, "B", question, topics).chunk.id == "week"
    # A passage that does not name it is no better than the cell.
    assert scenario_passage(hits[:2], "B", question, topics).chunk.id == "Arbeidsmarkt-B"


def test_a_table_row_that_ranks_for_two_scenarios_answers_for_every_scenario() -> None:
    # "Which futures are low-tech?": A's and C's technology cells ranked; D's ranked below the comparison's depth,
    # and D's best passage in the depth was its society text.
    filler = [_hit(f"x{i}") for i in range(25)]
    hits = [_cell("A", "Technologie"), _cell("C", "Technologie"), _hit("d-text", "D"), *filler, _cell("D", "Technologie")]
    question = "Which futures are low-tech?"
    assert scenario_passage(hits, "D", question).chunk.id == "Technologie-D"
    # One scenario's cell alone is no row for the others: D reads its own best passage.
    alone = [_cell("A", "Technologie"), _hit("d-text", "D"), *filler, _cell("D", "Technologie")]
    assert scenario_passage(alone, "D", question).chunk.id == "d-text"
    # Asked for the table by name, one ranking cell is enough.
    assert scenario_passage(alone, "D", "How does technology differ in the overview table?").chunk.id == "Technologie-D"


def test_a_comparison_reads_a_scenarios_policy_question_only_when_the_policy_questions_are_asked() -> None:
    # "Hoe kan zekerheid zonder vaste contracten ...?" says nothing of scenario A: it was A's part of "In welke
    # scenario's zijn vaste contracten gangbaar?".
    text = "Vaste contracten en cao-afspraken zijn uitgehold."
    policy = Hit(Chunk("a-vraag", "a-vraag", ("Beleid", "Scenario A"), "A", "policy_question", None, "Hoe kan ...?", 0, 1), 2.0)
    hits = [policy, Hit(Chunk("a-text", "a-text", ("Scenario A",), "A", "scenario_text", None, text, 0, 1), 1.0)]
    assert scenario_passage(hits, "A", "In welke scenario's zijn vaste contracten gangbaar?").chunk.id == "a-text"
    assert scenario_passage(hits, "A", "Welke beleidsvragen over vaste contracten zijn er in A en C?").chunk.id == "a-vraag"


def test_a_broad_topic_is_answered_per_scenario_when_scenario_passages_lead(shared_fake_assistant: Assistant) -> None:
    # "What does the report say about X?" with X found in one scenario's passage first: answering from that
    # passage alone would pass one future off as the report's view.
    broad = shared_fake_assistant.retriever.search("Hoe zit het met de zorgpunten?", 6)
    assert broad.hits[0].chunk.scenario is not None
    assert broad.route == Route(("A", "B", "C", "D"), comparison=True)
    # The same topic asked directly, or a broad topic the general chapters answer, keeps its single reading.
    assert not shared_fake_assistant.retriever.search("Wat zijn zorgpunten?", 6).route.comparison
    general = shared_fake_assistant.retriever.search("Hoe zit het met de onderzoeksvraag?", 6)
    assert general.hits[0].chunk.scenario is None and not general.route.comparison


def test_summary_questions_find_the_summaries_they_ask_for(shared_fake_assistant: Assistant, monkeypatch) -> None:
    # "Summarise the report" wants the report's introduction and conclusion, "Tell me about scenario D" that
    # scenario's summary page.
    import assistant.retrieval as retrieval

    asked = {"Summarise the report": ("conclusion", "background"),
             "Waar gaat het rapport over?": ("conclusion", "background"),
             "Tell me about scenario D": ("summary",), "Vertel iets over scenario B": ("summary",),
             "Wat verstaat het rapport onder werkzekerheid?": ("conclusion", "background"),
             "What does the report recommend?": ("conclusion",),
             "Wat moet de overheid nu doen volgens het rapport?": ("conclusion",),
             "What should employers do according to the report?": ("conclusion",)}

    def first_rank(question: str, kinds: tuple[str, ...]) -> int:
        hits = shared_fake_assistant.retriever.search(question, 200).hits  # every passage
        return next(i for i, h in enumerate(hits) if h.chunk.kind in kinds)

    boosted = [first_rank(q, kinds) for q, kinds in asked.items()]
    monkeypatch.setattr(retrieval, "SUMMARY_BOOST", 1.0)
    plain = [first_rank(q, kinds) for q, kinds in asked.items()]
    assert all(b <= p for b, p in zip(boosted, plain, strict=True)), (boosted, plain)
    assert boosted[2] < plain[2] and boosted[3] <= 1, (boosted, plain)
    # "What should the government do" is asked of the report's implications for policy, not of a scenario.
    assert boosted[-2] < plain[-2] and boosted[-1] < plain[-1], (boosted, plain)
    # Without a report word it is not the report's gist that is asked for.
    monkeypatch.undo()
    scenario_summary = shared_fake_assistant.retriever.search("Geef een samenvatting van scenario B", 3).hits
    assert scenario_summary[0].chunk.kind == "summary"


def test_the_report_frame_is_not_searched(shared_fake_assistant: Assistant) -> None:
    # "Wat zegt het rapport over platformwerk?" searched whole finds the introduction ("Dit rapport richt zich
    # op ..."); the topic is platform work.
    assert search_text("Wat zegt het rapport over platformwerk?") == "platformwerk?"
    assert search_text("What does the report say about trade unions?") == "trade unions?"
    assert search_text("What does TNO say about AI?") == "AI?"
    assert search_text("Wat is platformwerk?") == "Wat is platformwerk?"
    embedder = RecordingEmbedder()
    retriever = Retriever(shared_fake_assistant.chunks, shared_fake_assistant.index, embedder)
    retriever.search("Wat zegt het rapport over de middengroep?", 5)
    assert embedder.batches[-1] == ["de middengroep?"]


def test_dutch_compounds_also_count_as_their_parts() -> None:
    vocabulary = compound_vocabulary(["scholing mogelijkheden waarden naast voorbeeld inkomens zekerheid"])
    assert compound_parts("collectieve bij- en omscholing", vocabulary) == ["scholing"]
    assert compound_parts("scholingsmogelijkheden", vocabulary) == ["mogelijkheden", "scholing"]
    assert compound_parts("inkomenszekerheid", vocabulary) == ["zekerheid", "inkomens"]
    # Prefixed words are not compounds of the word after the prefix.
    assert compound_parts("voorwaarden daarnaast bijvoorbeeld", vocabulary) == []


def test_a_search_for_a_word_finds_the_passages_that_use_it_inside_a_compound(shared_fake_assistant: Assistant) -> None:
    # C's career row says "collectieve bij- en omscholing", never "scholing" on its own.
    lexical = shared_fake_assistant.retriever.lexical
    cell = next(i for i, c in enumerate(shared_fake_assistant.chunks)
                if c.kind == "overview_cell" and c.scenario == "C" and "Loopbaangedrag" in c.path)
    assert "scholing " not in shared_fake_assistant.chunks[cell].text.lower()
    assert lexical.scores("scholing")[cell] > 0


def test_a_question_about_one_scenario_does_not_read_the_external_developments_first(
        shared_fake_assistant: Assistant) -> None:
    # "Regels rond werk, vooral voor zzp'ers en flexwerkers, zijn in ontwikkeling" is a trend, not scenario B.
    question = "Wat gebeurt er met zzp'ers in scenario B?"
    hits = shared_fake_assistant.retriever.search(question, 40).hits
    development = next(h for h in hits if h.chunk.kind == "development" and "zzp" in h.chunk.text.lower())
    assert development.lexical_rank <= 3  # one of the few passages with the question's words
    assert hits.index(development) > 5, [h.chunk.id for h in hits[:6]]


def test_a_request_for_the_policy_questions_as_such_is_told_from_one_on_a_topic() -> None:
    for question in ("What are the policy questions for scenario C?", "Welke beleidsvragen roept scenario D op?",
                     "Welke beleidsvragen horen bij de prestatiemaatschappij?", "What are the policy questions?",
                     # They "spelen", "arise", "come up": still the list, not one question chosen by its words.
                     "Welke beleidsvragen spelen er bij scenario A?", "Which policy questions arise in scenario C?",
                     "What policy issues come up in scenario D?", "Welke beleidsvragen gelden voor scenario B?"):
        assert lists_policy_questions(question), question
    for question in ("What policy question does the performance society raise about mental health?",
                     "Welke beleidsvragen roept scenaro C op over motivatie van werkenden?",
                     "Skillspaspoort: welke beleidsvraag hoort daarbij in scenario B?",
                     "What are the questions for scenario C?",
                     "Welke beleidsvragen over onderwijs spelen er in scenario A?"):
        assert not lists_policy_questions(question), question


def test_a_comparison_about_a_group_reads_each_scenarios_passage_that_names_it() -> None:
    def hit(cid: str, kind: str, text: str, score: float) -> Hit:
        return Hit(Chunk(cid, cid, ("X", cid), "D", kind, None, text, 0, len(text)), score)

    cell = hit("cell", "overview_cell", "werkgevers: flexibel personeel; overheid trekt zich terug", 0.9)
    text = hit("text", "scenario_text", "Vooral voor kwetsbaren op de arbeidsmarkt is de situatie precair.", 0.5)
    # The overview cell answers "compare on X" compactly; asked about vulnerable workers, D's text names them.
    assert scenario_passage([cell, text], "D", "How do A and D differ on the role of employers?") == cell
    assert scenario_passage([cell, text], "D", "How do A and D differ for vulnerable workers?") == text


def test_comparing_two_scenarios_on_an_actor_reads_the_passage_where_that_actor_acts() -> None:
    def hit(cid: str, kind: str, text: str, score: float) -> Hit:
        return Hit(Chunk(cid, cid, ("X", cid), "B", kind, None, text, 0, len(text)), score)

    # B's roles cell lists the government among others; B's text says what it does.
    cell = hit("cell", "overview_cell", "collectieve regie: overheid, werkgevers, onderwijs en vakbonden werken samen\n"
                                        "sectorale allianties", 0.9)
    text = hit("text", "scenario_text", "Werkenden nemen meer regie. De overheid speelt meer een faciliterende dan een "
                                        "regulerende rol: zij stelt kaders vast.", 0.5)
    question = "How does the government's role differ between scenario B and scenario C?"
    assert scenario_passage([cell, text], "B", question, pair=True) == text
    # Across all four scenarios the table row is the report's overview; a cell where the actor acts answers too.
    assert scenario_passage([cell, text], "B", "Wat is de rol van de overheid in de verschillende scenario's?") == cell
    acting = hit("cell2", "overview_cell", "overheid coördineert; regio's en brancheorganisaties voeren uit", 0.9)
    assert scenario_passage([acting, text], "B", question, pair=True) == acting
