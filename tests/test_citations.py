"""Citations are attached in code and only to passages that support the sentence."""

from __future__ import annotations

import re

from assistant.citations import (
    LEXICAL_MIN,
    Alignment,
    acts_in,
    add_quotes,
    align,
    asked_institution,
    counts_supported,
    definition,
    keep_passage,
    render_answer,
    same_actor,
    select_quotes,
    sentences_per_passage,
    split_sentences,
)
from assistant.embeddings import FakeEmbedder
from assistant.glossary import mentions_topic, names_named, specific_topics, terms_asked, topics_named
from assistant.schema import Chunk, Citation, Sentence
from assistant.text import stems


def _chunk(cid: str, scenario: str, text: str) -> Chunk:
    return Chunk(cid, cid, ("Bijlage A", f"Scenario {scenario}"), scenario, "scenario_text", None, text, 0, len(text))


PASSAGES = [
    _chunk("b", "B", "Er is een 4-daagse werkweek ingevoerd. Onbetaald werk wordt onderdeel van persoonlijke ontwikkelpaden."),
    _chunk("d", "D", "Concurrentie onder zelfstandigen is hevig. Werkonzekerheid is de norm geworden."),
]


def test_each_sentence_cites_the_passage_that_supports_it() -> None:
    result = align("Werkonzekerheid is de norm geworden. Er is een 4-daagse werkweek ingevoerd.", PASSAGES)
    assert [s.markers for s in result.sentences] == [(1,), (2,)]
    # Numbers follow first use, and each points at the passage holding the words.
    assert [c.chunk.id for c in result.citations] == ["d", "b"]
    assert result.citations[0].quote == "Werkonzekerheid is de norm geworden."
    assert render_answer(result.sentences) == "Werkonzekerheid is de norm geworden [1]. Er is een 4-daagse werkweek ingevoerd [2]."


def test_unsupported_sentences_are_dropped_not_cited() -> None:
    result = align("Concurrentie onder zelfstandigen is hevig. Het minimumloon stijgt in 2030 naar 20 euro.", PASSAGES)
    assert [s.text for s in result.sentences] == ["Concurrentie onder zelfstandigen is hevig."]
    assert result.dropped == ("Het minimumloon stijgt in 2030 naar 20 euro.",)
    assert [c.chunk.id for c in result.citations] == ["d"]


def test_model_markers_are_not_trusted() -> None:
    # The model claims [1] (the B passage), but the words are in the D passage.
    result = align("Concurrentie onder zelfstandigen is hevig [1].", PASSAGES)
    assert result.citations[0].chunk.id == "d"


def test_semantic_alignment_uses_the_embedder() -> None:
    result = align("Concurrentie onder zelfstandigen hevig", PASSAGES, FakeEmbedder(), semantic=True)
    assert result.citations and result.citations[0].chunk.id == "d"


def test_nothing_supported_means_no_citations() -> None:
    result = align("Pizza is lekker met kaas en tomaat.", PASSAGES)
    assert result.sentences == () and result.citations == ()


def test_split_sentences_handles_bullets() -> None:
    assert split_sentences("• eerste punt\n• tweede punt. Derde zin.") == ["eerste punt", "tweede punt.", "Derde zin."]
    # The quadrant summaries list with "o "; a quote is the item, not its marker.
    assert split_sentences("o overheden verliezen grip\no ongelijkheid neemt toe") == ["overheden verliezen grip",
                                                                                  "ongelijkheid neemt toe"]


def test_a_figure_the_passage_does_not_state_is_never_supported() -> None:
    passages = [_chunk("b", "B", "Een gegarandeerd minimuminkomen en versterkte vangnetten bieden stabiliteit.")]
    invented = "Het gegarandeerd minimuminkomen bedraagt 1.200 euro en versterkte vangnetten bieden stabiliteit."
    result = align(invented, passages, FakeEmbedder(), semantic=True)
    assert result.sentences == () and result.dropped == (invented,)
    stated = align("Er is een 4-daagse werkweek ingevoerd.", PASSAGES)
    assert stated.citations[0].chunk.id == "b"


def test_a_count_is_verified_only_next_to_the_thing_the_passage_counts() -> None:
    passage = ("Op basis hiervan zijn twee kernonzekerheden bepaald. "
               "Deze ontwikkelingen zijn verdiept in gesprekken met experts.")
    # "twee" and "experts" are both in the passage, but the passage does not say there were two experts.
    assert not counts_supported("Er zijn twee experts geraadpleegd.", passage)
    assert counts_supported("Er zijn twee kernonzekerheden bepaald.", passage)
    assert not counts_supported("Er zijn drie kernonzekerheden bepaald.", passage)
    # An English sentence names the counted thing in other words: only the number can be checked.
    assert counts_supported("Two core uncertainties were chosen.", passage)
    assert not counts_supported("Three core uncertainties were chosen.", passage)
    assert counts_supported("De scenario's kijken 10 tot 15 jaar vooruit.", "de komende 10 tot 15 jaar ontwikkelen")
    # Part of a compound counts: "vier scenario's" is what "vier toekomstscenario's" says.
    assert counts_supported("Er zijn vier scenario's.", "Er zijn vier toekomstscenario's ontwikkeld voor elk scenario.")


def test_a_wrong_count_does_not_make_the_wrong_passage_cited() -> None:
    passages = [
        _chunk("axes", "A", "Daarna kies je twee cruciale onzekerheden uit de ontwikkelingen met experts."),
        _chunk("list", "A", "Dit leidde tot een selectie van tien ontwikkelingen, verdiept met experts."),
    ]
    result = align("Met experts zijn tien ontwikkelingen gekozen.", passages)
    assert [c.chunk.id for c in result.citations] == ["list"]
    assert align("Met experts zijn twee ontwikkelingen gekozen.", passages).sentences == ()


def test_a_passage_that_does_not_support_a_sentence_does_not_block_one_that_does() -> None:
    words = ["kantoor", "fiets", "tafel", "boom", "wolk", "rivier", "berg", "zomer", "winter", "lamp", "deur", "stoel"]
    sentence = " ".join(words) + "."
    passages = [_chunk("top", "A", " ".join(words[:7]) + "."), _chunk("low", "A", " ".join(words[4:]) + ".")]
    # 7 of 12 words (below the threshold) for the higher-ranked passage, 8 of 12 for the lower one: within a
    # rank margin of 0.1, but the margin only decides between passages that both support the sentence.
    assert 7 / 12 < LEXICAL_MIN <= 8 / 12
    result = align(sentence, passages, margin=0.1)
    assert [c.chunk.id for c in result.citations] == ["low"]


def test_an_answer_to_a_question_the_report_only_asks_is_not_verified_by_it() -> None:
    question = [_chunk("q", "D", "Hoe kan de continuïteit van kennis behouden blijven bij werkgevers?")]
    made_up = "De continuïteit van kennis blijft behouden door sterke banden met werkgevers."
    assert align(made_up, question).sentences == ()
    # Reporting the question is what the passage supports.
    for reported in ("Het rapport vraagt hoe de continuïteit van kennis behouden kan blijven bij werkgevers.",
                     "Hoe kan de continuïteit van kennis behouden blijven bij werkgevers?"):
        assert [c.chunk.id for c in align(reported, question).citations] == ["q"], reported


def test_one_shared_word_verifies_only_a_one_word_claim() -> None:
    cell = [_chunk("cell", "D", "minimale vangnetten, grote kans op armoede en sociale onzekerheid")]
    assert align("Sociale inclusie.", cell).sentences == ()
    assert align("Sociale onzekerheid.", cell).sentences


def test_the_suffix_after_an_apostrophe_is_not_a_word_of_its_own() -> None:
    assert stems("zzp'ers") == stems("zzp’er") == stems("zzp") == ["zzp"]
    assert stems("cao's en scenario’s") == ["cao", "scenario"]
    # Split, "zzp'ers" counted twice ("zzp" + "er") and verified half of an invented claim on its own.
    cell = [_chunk("cell", "D", "vakbond vooral voor zzp'ers, collectief grotendeels verdwenen")]
    assert align("Het pensioen van zzp'ers wordt beperkt.", cell).sentences == ()


def test_a_repeated_sentence_is_said_once_and_a_bare_lead_in_not_at_all() -> None:
    draft = ("De belangrijkste punten zijn: Concurrentie onder zelfstandigen is hevig. "
             "Concurrentie onder zelfstandigen is hevig. Concurrentie onder zelfstandigen is hevig.")
    result = align(draft.replace("zijn: ", "zijn:\n"), PASSAGES)
    assert [s.text for s in result.sentences] == ["Concurrentie onder zelfstandigen is hevig."]


def test_a_clause_cut_from_a_list_loses_its_trailing_comma_and_starts_with_a_capital() -> None:
    result = align("werkonzekerheid is de norm geworden,", PASSAGES)
    assert render_answer(result.sentences) == "Werkonzekerheid is de norm geworden [1]."


def test_quotes_come_only_from_the_passages_the_answer_already_cites() -> None:
    question = "Is er een 4-daagse werkweek en hoe hevig is de concurrentie onder zelfstandigen?"
    anywhere = {pi for pi, _ in select_quotes(question, PASSAGES, FakeEmbedder(), k=4)}
    assert anywhere == {0, 1}
    quotes = select_quotes(question, PASSAGES, FakeEmbedder(), k=4, among={1})
    assert quotes and {pi for pi, _ in quotes} == {1}
    assert all(text in PASSAGES[1].text for _, text in quotes)


def test_near_ties_go_to_the_passage_retrieval_ranked_higher() -> None:
    passages = [
        _chunk("top", "D", "Zelfstandigen concurreren hevig om opdrachten op platforms."),
        _chunk("low", "D", "Zelfstandigen concurreren hevig om opdrachten, ook op platforms en lokaal."),
    ]
    sentence = "Zelfstandigen concurreren hevig om opdrachten op platforms en lokaal."
    assert align(sentence, passages).citations[0].chunk.id == "low"
    assert align(sentence, passages, margin=0.2).citations[0].chunk.id == "top"


def test_without_cited_passages_all_quotes_come_from_the_best_matching_one() -> None:
    question = "Is er een 4-daagse werkweek en hoe hevig is de concurrentie onder zelfstandigen?"
    quotes = select_quotes(question, PASSAGES, FakeEmbedder(), k=4, one_passage=True)
    assert len(quotes) == 2 and len({pi for pi, _ in quotes}) == 1


def test_a_sentence_that_only_restates_the_question_is_not_verified_by_it() -> None:
    passages = [_chunk("c", "C", "Mensen kiezen minder vaak zelf waar ze werken. Ze worden geplaatst waar ze het meest "
                                 "nodig zijn.")]
    question = "Mogen mensen in scenario C nog zelf kiezen waar ze werken?"
    echo = "Ja, mensen in scenario C mogen nog zelf kiezen waar ze werken."
    draft = f"{echo} Ze worden geplaatst waar ze nodig zijn."
    # The words overlap, so the overlap alone would "verify" the wrong yes.
    assert echo in [s.text for s in align(draft, passages).sentences]
    result = align(draft, passages, question=question)
    assert [s.text for s in result.sentences] == ["Ze worden geplaatst waar ze nodig zijn."]
    assert result.dropped == (echo,)
    # In English too: "Yes" is not a claim of its own.
    placed = [_chunk("c", "C", "People choose less often where they work. They are placed where they are needed.")]
    english = align("Yes, people in scenario C still choose where they work.", placed,
                    question="Do people in scenario C still choose where they work?")
    assert english.sentences == ()


def test_a_sentence_about_one_scenario_is_never_cited_to_another_scenarios_passage() -> None:
    passages = [
        _chunk("c", "C", "Kwetsbare werkenden krijgen begeleiding naar ander werk binnen de sector."),
        _chunk("d", "D", "Sociale vangnetten zijn grotendeels afgebouwd."),
    ]
    # The words are C's, but the claim is about D: C's passage cannot verify it, and D's does not state it.
    claim = "In scenario D krijgen kwetsbare werkenden begeleiding naar ander werk."
    assert align(claim, passages).sentences == ()
    unnamed = "Kwetsbare werkenden krijgen begeleiding naar ander werk."
    assert align(unnamed, passages).citations[0].chunk.id == "c"
    named_right = align("In scenario C krijgen kwetsbare werkenden begeleiding naar ander werk.", passages)
    assert named_right.citations[0].chunk.id == "c"


def test_keep_passage_keeps_one_source_and_renumbers_it() -> None:
    result = align("Werkonzekerheid is de norm geworden. Er is een 4-daagse werkweek ingevoerd. "
                   "Concurrentie onder zelfstandigen is hevig.", PASSAGES)
    assert sentences_per_passage(result) == {"d": 2, "b": 1}
    only_b = keep_passage(result, "b")
    assert [s.text for s in only_b.sentences] == ["Er is een 4-daagse werkweek ingevoerd."]
    assert [(c.n, c.chunk.id) for c in only_b.citations] == [(1, "b")]
    assert all(s.markers == (1,) for s in only_b.sentences)
    assert keep_passage(result, "missing").sentences == ()


def test_per_scenario_quotes_can_be_limited_to_the_passages_that_speak_to_the_question() -> None:
    passages = [
        _chunk("a", "A", "Er is een flexibele internationale arbeidsmarkt met veel platformwerk."),
        _chunk("c", "C", "Vakbonden hebben een bemiddelende rol in regionale werktafels."),
    ]
    question = "In welk scenario is er veel platformwerk op de arbeidsmarkt?"
    every = select_quotes(question, passages, FakeEmbedder(), per_passage=True)
    assert [pi for pi, _ in every] == [0, 1]
    close = select_quotes(question, passages, FakeEmbedder(), per_passage=True, within=0.1)
    assert [pi for pi, _ in close] == [0]


def test_a_quote_replaces_a_paraphrase_that_is_only_a_fragment_of_it() -> None:
    # "flexibel personeel [1]. “werkgevers: flexibel personeel” [1]." says the same thing twice; the quote, with
    # its context, stays. A quote the answer already states word for word is not repeated.
    a = _chunk("a", "A", "werkgevers: poortwachters. Er is veel platformwerk.")
    d = _chunk("d", "D", "werkgevers: flexibel personeel. Er is weinig werk.")
    alignment = Alignment(
        sentences=(Sentence("Scenario D: flexibel personeel.", (1,)), Sentence("Er is veel platformwerk in A.", (2,))),
        citations=(Citation(1, d, "werkgevers: flexibel personeel", 0.9), Citation(2, a, "Er is veel platformwerk.", 0.9)),
        dropped=(),
    )
    out = add_quotes(alignment, [a, d], [(1, "werkgevers: flexibel personeel"), (0, "Er is veel platformwerk")])
    assert [(s.text, s.quote) for s in out.sentences] == [
        ("Er is veel platformwerk in A.", False), ("werkgevers: flexibel personeel", True)]
    # Numbers stay consecutive and every marker names a citation of the passage it quotes.
    assert {c.n: c.chunk.id for c in out.citations} == {1: "a", 2: "d"}
    assert [s.markers for s in out.sentences] == [(1,), (2,)]


def test_a_short_paraphrase_is_not_mistaken_for_part_of_a_longer_word() -> None:
    d = _chunk("d", "D", "De jaren van crisis zijn voorbij.")
    alignment = Alignment((Sentence("Ja.", (1,)),), (Citation(1, d, "Ja", 0.9),), ())
    out = add_quotes(alignment, [d], [(0, "De jaren van crisis zijn voorbij.")])
    assert [s.text for s in out.sentences] == ["Ja.", "De jaren van crisis zijn voorbij."]


class _AllAlike(FakeEmbedder):
    """An embedder that finds every text alike, so only the rules around the semantic check decide."""

    def embed_similarity(self, texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0] for _ in texts]


def test_a_short_fragment_cannot_verify_a_long_claim_by_meaning() -> None:
    # An overview cell is a few words ("werkgevers: flexibel personeel"); an English sentence of fifteen content
    # words close to it in meaning says much more than it, like "workers can work from home and the government
    # gives financial support" (invented; in scenario D the government withdraws).
    cell = [_chunk("cell", "D", "werkgevers: flexibel personeel")]
    invented = ("Workers are able to work from home or on a part-time basis, and the government is more likely "
                "to provide financial support to those who need it.")
    assert align(invented, cell, _AllAlike(), semantic=True).sentences == ()
    # A claim of about the fragment's size is judged on its meaning as before.
    result = align("Employers want flexible staff.", cell, _AllAlike(), semantic=True)
    assert [c.chunk.id for c in result.citations] == ["cell"]


class _AtCosine(FakeEmbedder):
    """The passage's sentences at a fixed cosine from everything else."""

    def __init__(self, passage_text: str, cos: float) -> None:
        super().__init__()
        self.passage_text, self.cos = passage_text, cos

    def embed_similarity(self, texts: list[str]) -> list[list[float]]:
        other = [self.cos, (1 - self.cos**2) ** 0.5]
        return [other if t in self.passage_text else [1.0, 0.0] for t in texts]


def test_meaning_alone_verifies_only_a_close_paraphrase() -> None:
    # Cross-lingual cosines of 0.55-0.6 include reversals ("their positions strengthened" for "ingeruild").
    text = "Vakbonden hebben hun traditionele positie ingeruild voor een bemiddelende rol in regionale werktafels."
    passage = [_chunk("c", "C", text)]
    claim = "Trade unions have their traditional positions strengthened, with a role in regional work tables."
    assert align(claim, passage, _AtCosine(text, 0.58), semantic=True).sentences == ()
    close = "Trade unions have traded their traditional positions for a mediating role in regional work tables."
    assert align(close, passage, _AtCosine(text, 0.58), semantic=True).sentences == ()
    assert align(close, passage, _AtCosine(text, 0.65), semantic=True).sentences


def test_a_denial_is_verified_only_by_report_words_that_deny_or_diminish() -> None:
    # Negation words are stopwords and barely move an embedding: "people do not have a guaranteed minimum income"
    # is as close to the cell as the true claim is.
    cell = [_chunk("cell", "B", "inkomenszekerheid via gegarandeerd minimuminkomen bij maatschappelijke inzet")]
    denial = "Inkomenszekerheid refers to the situation where people do not have a guaranteed minimum income."
    assert align(denial, cell, _AllAlike(), semantic=True).sentences == ()
    assert align("Er is geen gegarandeerd minimuminkomen bij maatschappelijke inzet.", cell).sentences == ()
    assert align("Er is een gegarandeerd minimuminkomen bij maatschappelijke inzet.", cell).sentences
    # The report's own denials and diminishers support one, and "not only" is no denial.
    security = [_chunk("a", "A", "Werkgevers bieden weinig zekerheid. Vaste contracten en cao's verdwijnen.")]
    assert align("Employers offer no security.", security, _AllAlike(), semantic=True).sentences
    assert align("Werkgevers bieden geen zekerheid.", security).sentences
    assert align("Not only employers offer security.", security, _AllAlike(), semantic=True).sentences


def test_a_definition_is_verified_by_a_sentence_that_has_the_term() -> None:
    # C's summary defines werkzekerheid and names brede welvaart in another sentence: the definition it gives is
    # not the definition of brede welvaart, however many words they share.
    summary = [_chunk("c", "C", "Technologie en arbeid worden ingezet voor brede welvaart. Werkzekerheid betekent de "
                                "garantie dat er altijd werk is dat aansluit bij je profiel.")]
    wrong = "Brede welvaart betekent de garantie dat er altijd werk is dat aansluit bij je profiel."
    assert align(wrong, summary).sentences == ()
    assert align(wrong.replace("Brede welvaart", "Werkzekerheid"), summary).sentences
    # The gloss is not part of the term, and a scenario is not a term: its passages name it in their heading.
    assert definition("Inkomenszekerheid (income security) refers to a guaranteed income.").term == {"inkomenszeker"}
    assert definition("Scenario C betekent dat er werkgarantie is.") is None
    assert definition("This means that people work more.") is None


class _Directions(FakeEmbedder):
    """Each listed text points in its own direction; texts sharing one are identical in meaning."""

    def __init__(self, directions: dict[str, int]) -> None:
        super().__init__()
        self.directions = directions

    def embed_similarity(self, texts: list[str]) -> list[list[float]]:
        return [[1.0 if self.directions.get(t, 3) == axis else 0.0 for axis in range(4)] for t in texts]


def test_meaning_alone_verifies_a_claim_about_the_group_asked_about_only_where_the_report_names_it() -> None:
    # Asked about vulnerable workers, the model gave them what the passage says of those with skills and networks.
    skilled = "Wie proactief is en beschikt over skills en netwerk kan profiteren van flexibiliteit en hogere lonen."
    vulnerable = "Kwetsbare werkenden blijven achter zonder steunstructuren."
    passage = [_chunk("a", "A", f"{skilled} {vulnerable}")]
    wrong = "Vulnerable workers can benefit from flexibility and higher pay."
    right = "Vulnerable workers fall behind without support structures."
    embedder = _Directions({skilled: 0, wrong: 0, vulnerable: 1, right: 1})
    question = "What happens to vulnerable workers in scenario A?"
    assert align(wrong, passage, embedder, semantic=True, question=question).sentences == ()
    assert align(right, passage, embedder, semantic=True, question=question).citations[0].quote == vulnerable
    # "They" at the start, or after a sentence about the group, stands for the group.
    they = "They can benefit from flexibility and higher pay."
    embedder.directions[they] = 0
    assert align(they, passage, embedder, semantic=True, question=question).sentences == ()
    assert align(f"{right} {they}", passage, embedder, semantic=True, question=question).sentences[1:] == ()
    # Without the group in the question there is nothing to hold the claim to.
    assert align(wrong, passage, embedder, semantic=True, question="What happens in scenario A?").sentences
    assert align(they, passage, embedder, semantic=True, question="What happens in scenario A?").sentences
    # A passage whose heading names the group speaks of it throughout: scenario D is solo work.
    net, claim = "Het vangnet is afgebouwd tot een minimum.", "For the self-employed the safety net is minimal."
    solo = [Chunk("d", "d", ("Scenario D: Solowerk in crisistijd",), "D", "scenario_text", None, net, 0, len(net))]
    assert align(claim, solo, _Directions({net: 0, claim: 0}), semantic=True,
                 question="What does scenario D mean for the self-employed?").sentences


def test_a_claim_about_an_organisation_the_question_names_is_verified_only_where_the_report_names_it() -> None:
    intro = "Met het project ontwikkelt TNO, in samenwerking met de Goldschmeding Foundation, tools voor werkenden."
    social = "Het sociaal zekerheidsstelsel biedt financiële ondersteuning bij werkloosheid."
    passage = [Chunk("bg", "bg", ("Over het project",), None, "background", None, f"{intro} {social}", 0, 1)]
    question = "What is the Goldschmeding Foundation?"
    wrong = "The Goldschmeding Foundation provides financial support to the unemployed."
    right = "The Goldschmeding Foundation works with TNO on tools for workers."
    # By meaning, the invented claim is the social security sentence and the true one the project sentence, once
    # the name they share is left out; with it, both are close to the project sentence.
    embedder = _Directions({social: 0, wrong.replace("Goldschmeding Foundation", "").replace("  ", " "): 0,
                            intro.replace("Goldschmeding Foundation", "").replace("  ", " "): 1,
                            right.replace("Goldschmeding Foundation", "").replace("  ", " "): 1})
    assert align(wrong, passage, embedder, semantic=True, question=question).sentences == ()
    assert align(right, passage, embedder, semantic=True, question=question).citations[0].quote == intro
    # Without the name in the question there is nothing to hold the claim to.
    assert align(wrong, passage, embedder, semantic=True, question="Who supports the unemployed?").sentences
    # By words, a passage that does not name the organisation does not verify what it is said to say.
    claim = "Het CPB zegt dat het sociaal zekerheidsstelsel financiële ondersteuning biedt bij werkloosheid."
    assert align(claim, passage, question="Wat zegt het CPB over de sociale zekerheid?").sentences == ()
    assert align(claim, passage, question="Wat zegt het rapport over de sociale zekerheid?").sentences


def test_a_list_of_people_supports_a_claim_only_by_its_words() -> None:
    # Any claim about people or organisations is close in meaning to a list of them ("VNO-NCW is a consultancy").
    people = "Jan Jansen (VNO-NCW); Piet de Vries (SER)."
    experts = [Chunk("ex", "ex", ("Betrokken experts",), None, "experts", None, people, 0, len(people))]
    question = "Who is VNO-NCW?"
    assert align("VNO-NCW is a Dutch consultancy.", experts, _AllAlike(), semantic=True, question=question).sentences == ()
    assert align("Jan Jansen works at VNO-NCW.", experts, _AllAlike(), semantic=True, question=question).sentences


def test_names_named_are_people_and_organisations_not_the_author_the_scenarios_or_places() -> None:
    def names(question: str) -> list[str]:
        return [pattern.pattern for pattern in names_named(question)]

    assert names("What is the Goldschmeding Foundation?") == [r"\bgoldschmeding\b", r"\bfoundation\b"]
    assert names("Was de SER erbij, en VNO-NCW?") == [r"\bser\b", r"\bvno\-ncw\b"]
    for question in ("Waarom is werkzekerheid niet vanzelfsprekend volgens TNO?", "Wat gebeurt er in Solowerk in crisistijd?",
                     "How will work in the Netherlands change?", "Is AI een succes in scenario D?", "Wat is een cao?"):
        assert names(question) == [], question


def test_a_comparison_quotes_an_overview_cell_whole() -> None:
    # The best item alone ("veel platformwerk") left out the rest of the row: "hoge werkdruk, burn-out".
    text = "• competitieve arbeidsmarkt;\n• flexibele internationale arbeidsmarkt: veel platformwerk\n• hoge werkdruk, burn-out"
    cell = Chunk("cell", "cell", ("Overzicht", "Arbeidsmarkt", "Scenario A"), "A", "overview_cell", None, text, 0, 1)
    prose = _chunk("c", "C", "Er is weinig platformwerk. Vakbonden hebben een bemiddelende rol in regionale werktafels.")
    quotes = select_quotes("In welk scenario is er veel platformwerk?", [cell, prose], FakeEmbedder(), per_passage=True)
    assert quotes[:3] == [(0, "competitieve arbeidsmarkt"), (0, "flexibele internationale arbeidsmarkt: veel platformwerk"),
                          (0, "hoge werkdruk, burn-out")]
    assert [pi for pi, _ in quotes[3:]] == [1]  # a passage of prose gives its best sentence, as before


def test_a_quote_that_points_back_comes_with_the_sentence_it_points_to() -> None:
    # "Dit leidt tot onzekerheid" does not say what leads to it: the sentence before it does.
    rules = "Nieuwe investeringen moeten voldoen aan strenge veiligheidsnormen."
    points_back = "Dit leidt tot onzekerheid en beperkt de handelingsruimte van startups."
    passage = [_chunk("d", "D", f"Innovatie stagneert. {rules} {points_back}")]
    question = "Waarom hebben startups weinig handelingsruimte?"
    assert select_quotes(question, passage, FakeEmbedder(), k=1) == [(0, rules), (0, points_back)]
    # Quoted already, it is not quoted twice.
    assert select_quotes(question, passage, FakeEmbedder(), k=3).count((0, rules)) == 1


def test_a_quote_that_introduces_a_list_comes_with_its_items() -> None:
    # "… twee kernonzekerheden bepaald die de basis vormen voor de scenario's:" does not say which two they are.
    intro = "Op basis hiervan zijn twee kernonzekerheden bepaald die de basis vormen voor de scenario's:"
    items = ["de mate waarin de arbeidsmarkt technologiegedreven is",
             "de mate waarin werk en werkzekerheid individueel of collectief zijn georganiseerd."]
    passage = [_chunk("m", None, f"Dit leidde tot een selectie van tien ontwikkelingen. {intro}\n" + "\n".join(items)
                      + "\nDeze zijn voorgelegd aan stakeholders.")]
    quotes = select_quotes("Welke twee kernonzekerheden zijn bepaald voor de scenario's?", passage, FakeEmbedder(), k=1)
    assert quotes == [(0, intro), (0, items[0]), (0, items[1])]


def test_a_claim_that_ranks_is_verified_only_by_report_words_that_rank_or_compare() -> None:
    # "The pressure is lowest in scenario A" was verified by meaning against A's "grote werk- en mentale druk":
    # a passage on what A is like does not say that A is the most or the least of the four.
    a_cell = [_chunk("a", "A", "grote werk- en mentale druk")]
    assert align("The pressure is lowest in scenario A.", a_cell, _AllAlike(), semantic=True).sentences == ()
    assert align("De werkdruk is het hoogst in scenario A.", a_cell).sentences == ()
    assert align("The pressure is high in scenario A.", a_cell, _AllAlike(), semantic=True).sentences
    # The report's own comparisons support one, and "most workers" counts rather than ranks.
    c_text = [_chunk("c", "C", "Er is minder prestatiedruk, maar ook minder ruimte voor ondernemerschap.")]
    assert align("Pressure to perform is lowest in scenario C.", c_text, _AllAlike(), semantic=True).sentences
    assert align("Most workers feel great pressure.", a_cell, _AllAlike(), semantic=True).sentences


def test_a_comparison_about_a_group_quotes_each_scenarios_sentence_about_it() -> None:
    # C's best sentence by meaning was about mobility; its sentence on the vulnerable answers the question.
    passage = [_chunk("c", "C", "Mensen blijven mogelijk te lang op één plek, omdat arbeidsmobiliteit voor werkenden "
                                "amper loont. Het onderscheid tussen kwetsbaren en reguliere werkenden neemt af.")]
    quotes = select_quotes("Which scenario is worst for vulnerable workers?", passage, FakeEmbedder(), per_passage=True)
    assert quotes == [(0, "Het onderscheid tussen kwetsbaren en reguliere werkenden neemt af.")]


def test_a_claim_is_not_verified_by_a_sentence_that_goes_the_other_way() -> None:
    # Words of direction barely move an embedding: "more pressure" is as close to "minder prestatiedruk" as "less".
    summary = [_chunk("c", "C", "Er is minder prestatiedruk, maar ook minder ruimte voor ondernemerschap.")]
    assert align("There is more pressure to perform in scenario C.", summary, _AllAlike(), semantic=True).sentences == ()
    assert align("Er is meer prestatiedruk en meer ruimte voor ondernemerschap.", summary).sentences == ()
    assert align("There is less pressure to perform in scenario C.", summary, _AllAlike(), semantic=True).sentences
    # The unions of scenario C traded their position in; they did not strengthen it.
    unions = [_chunk("c", "C", "Vakbonden hebben hun traditionele positie grotendeels ingeruild voor een bemiddelende rol.")]
    claim = "Trade unions have their traditional positions strengthened, with a mediating role."
    assert align(claim, unions, _AllAlike(), semantic=True).sentences == ()
    # A claim that says both, or a sentence that says neither, is left to the other checks.
    assert align("Less pressure, but more room for care in scenario C.", summary, _AllAlike(), semantic=True).sentences


def test_a_claim_in_another_passages_rare_words_is_not_verified_here_by_meaning() -> None:
    # The model wrote A's "hoge werkdruk, burn-out" under scenario D, and D's cell verified it by meaning (0.71).
    a_cell = _chunk("a", "A", "afhankelijk van skills en netwerk, hoge werkdruk, burn-out")
    d_cell = _chunk("d", "D", "noodgedwongen veel tijdelijk werk; voornamelijk gig-work, micro-opdrachten")
    claim = "Solowerk in crisistijd - high werkdruk, burn-out."
    rare = frozenset({"werkdruk", "burn", "micro"})
    assert align(claim, [a_cell, d_cell], _AllAlike(), semantic=True).sentences
    assert align(claim, [a_cell, d_cell], _AllAlike(), semantic=True, rare=rare).sentences == ()
    # Read alone, D's cell is judged on meaning as before: no other passage gave the model those words.
    assert align(claim, [d_cell], _AllAlike(), semantic=True, rare=rare).sentences
    # One such word among many can be an English word the report also uses ("skills"), not a borrowed claim.
    long_claim = "Workers in scenario D need skills to find short jobs and small tasks every month."
    assert align(long_claim, [a_cell, d_cell], _AllAlike(), semantic=True, rare=frozenset({"skills"})).sentences


def test_an_english_claim_copying_a_dutch_word_of_another_passage_is_not_verified_here_by_meaning() -> None:
    # "Highest pressure to perform is for geprivilegieerde groep" took its Dutch words from A's cell; D's passage
    # ("de hoogst scorende profielen") verified it by meaning, one borrowed word among five being under the share.
    a_cell = _chunk("a", "A", "modulair & continu leren vooral voor geprivilegieerde groep")
    d_text = _chunk("d", "D", "Opdrachtgevers kiezen vrijwel uitsluitend uit de hoogst scorende profielen.")
    claim = "Highest pressure to perform is for geprivilegieerde groep."
    rare = frozenset({"privilegieer"})
    assert align(claim, [a_cell, d_text], _AllAlike(), semantic=True, rare=rare).citations[0].chunk.id == "a"
    assert align(claim, [d_text, a_cell], _AllAlike(), semantic=True, rare=rare).citations[0].chunk.id == "a"
    # An English word the report also uses is no such sign ("skills", in few of its passages).
    skills = "Clients pick the highest scoring profiles and skills."
    assert align(skills, [a_cell, d_text], _AllAlike(), semantic=True, rare=frozenset({"skill"})).sentences


class _TermCarries(FakeEmbedder):
    """An embedder for which only the idea of prosperity makes two texts alike."""

    def embed_similarity(self, texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0] if re.search(r"welvaart|society", text) else [0.0, 1.0] for text in texts]


def test_an_english_definition_is_checked_on_what_it_says_beside_the_reports_term() -> None:
    # "Broad prosperity refers to a society where people are well-fed, healthy, ..." was verified by meaning (0.65)
    # against C's "nadruk op brede welvaart & gelijkheid": the term itself carried the similarity.
    cell = [_chunk("c", "C", "collectief verbonden; nadruk op brede welvaart & gelijkheid")]
    invented = "Broad prosperity refers to a society where people are well-fed and healthy."
    assert align(invented, cell, _TermCarries(), semantic=True).sentences == ()
    # Without the definition, the same words are judged on their whole meaning, as any claim.
    assert align("Scenario C aims at a society of broad prosperity.", cell, _TermCarries(), semantic=True).sentences


def test_a_claim_on_a_specific_topic_asked_about_is_verified_by_meaning_only_where_the_topic_is() -> None:
    # "In scenario A, income inequality is low" was verified by meaning (0.6+) against A's security cell, which
    # speaks of income security and never of inequality.
    question = "What happens to income inequality in scenario A?"
    cell = [_chunk("a", "A", "inkomenszekerheid laag: weinig vangnet")]
    claim = "In scenario A, income inequality is low."
    # Income is in many of the report's passages (22 of 152), inequality in few (13).
    topics = topics_named(question, specific_topics(["ongelijkheid neemt toe", *["inkomenszekerheid"] * 3], most=2))
    assert align(claim, cell, _AllAlike(), semantic=True, question=question).sentences
    assert align(claim, cell, _AllAlike(), semantic=True, question=question, topics=topics).sentences == ()
    # A passage that names it, inflected as the report does, is judged on meaning as before.
    on_topic = [_chunk("a", "A", "maakbare samenleving met grote (kansen)ongelijkheid")]
    assert align(claim, on_topic, _AllAlike(), semantic=True, question=question, topics=topics).sentences
    # A sentence that does not name the topic is not held to it ("They ..." about unions, from "ze" in the report).
    assert align("Scenario A has little safety net.", cell, _AllAlike(), semantic=True, topics=topics).sentences


def test_a_claim_on_a_rare_word_asked_about_needs_a_passage_that_names_it_by_words_too() -> None:
    # "Waarom ontstaan er broodfondsen in de prestatiemaatschappij?" was answered "Broodfondsen ontstaan omdat
    # individuen zichzelf steeds opnieuw uitvinden": the question's word glued to a passage that never names one.
    question = "Waarom ontstaan er broodfondsen in de prestatiemaatschappij?"
    society = [_chunk("a", "A", "Wie toegang heeft tot netwerken kan zichzelf steeds opnieuw uitvinden en de eigen "
                                "positie versterken.")]
    claim = "Met broodfondsen kunnen individuen zichzelf steeds opnieuw uitvinden en de eigen positie versterken."
    topics = terms_asked(question, ["Coöperaties, zoals broodfondsen, ontstaan.", society[0].text], most=3)
    assert align(claim, society, question=question).sentences  # by its borrowed words, as before
    assert align(claim, society, question=question, topics=topics).sentences == ()
    roles = [_chunk("a", "A", "Coöperaties, zoals broodfondsen of lokale netwerken, ontstaan als reactie op het "
                              "wegvallen van collectieve voorzieningen.")]
    assert align("Broodfondsen ontstaan als reactie op het wegvallen van collectieve voorzieningen.", roles,
                 question=question, topics=topics).sentences


def test_a_claim_that_says_why_needs_a_passage_that_gives_causes() -> None:
    # "Coöperaties ontstaan omdat de techbedrijven poortwachters zijn" joined two items of A's overview cell with a
    # cause the report never gives.
    cell = [_chunk("a", "A", "techbedrijven als poortwachters; rol overheid/vakbond beperkt; coöperaties als vangnet")]
    because = "Coöperaties ontstaan omdat de techbedrijven als poortwachters de rol van overheid en vakbond beperken."
    assert align(because, cell).sentences == ()
    # The same words without the cause are what the cell says.
    assert align("De techbedrijven zijn poortwachters en de rol van overheid en vakbond is beperkt.", cell).sentences
    # A passage that gives causes can support one (the small model joins what happened to why, across sentences).
    text = [_chunk("a", "A", "Techbedrijven zijn poortwachters. Hierdoor is de rol van overheid en vakbond beperkt. "
                             "Coöperaties ontstaan als vangnet.")]
    assert align(because, text).sentences


def test_what_the_report_says_is_needed_supports_only_a_claim_that_it_is_needed() -> None:
    # "In scenario D wordt onderwijs versterkt" was verified by D's policy introduction, which says what is needed.
    intro = [_chunk("d", "D", "Om groeiende ongelijkheid te voorkomen, is beleid nodig dat het sociaal vangnet versterkt "
                              "en investeert in betere afstemming tussen onderwijs en arbeidsmarkt.")]
    assert align("In scenario D wordt het sociaal vangnet versterkt en geïnvesteerd in afstemming tussen onderwijs en "
                 "arbeidsmarkt.", intro).sentences == ()
    assert align("In scenario D is beleid nodig dat het sociaal vangnet versterkt en investeert in afstemming tussen "
                 "onderwijs en arbeidsmarkt.", intro).sentences
    # "An important part" says what D is like, not what is needed.
    assert align("Het onderwijs is een belangrijk onderdeel van scenario D, waarbij het sociaal vangnet versterkt en "
                 "investeert in betere afstemming tussen onderwijs en arbeidsmarkt.", intro).sentences == ()
    assert align("Het is belangrijk dat het sociaal vangnet wordt versterkt en dat wordt geïnvesteerd in afstemming "
                 "tussen onderwijs en arbeidsmarkt.", intro).sentences


def test_the_rare_words_a_dutch_question_asks_about_are_nouns_the_report_has() -> None:
    texts = ["Coöperaties, zoals broodfondsen, ontstaan.", "Zij krijgen nulurencontracten.", "Dit betekent weinig.",
             "Het vangnet is afgebouwd.", "De kansenongelijkheid groeit.", *["prestatiemaatschappij ontstaan"] * 5]

    def asked(question: str) -> list[tuple[str, ...]]:
        return [words for _, words in terms_asked(question, texts, most=3)]

    # "ontstaan" and "prestatiemaatschappij" are in more passages than `most`.
    assert asked("Waarom ontstaan er broodfondsen in de prestatiemaatschappij?") == [("broodfonds",)]
    # A noun ending like a verb form is known by its plural in the report; verb forms are not topics.
    assert asked("Wat betekent dat voor flexwerkers met een nulurencontract?") == [("nulurencontract",)]
    assert asked("Waarom is het vangnet zo afgebouwd?") == []
    assert asked("Hoe groot is de kansenongelijkheid?") == [("kansenongelijkheid",)]
    # A word the report does not have ("robottaks" must not find "robots") or has everywhere is none.
    assert asked("Is er een robottaks in de prestatiemaatschappij?") == []
    topic = terms_asked("Waarom ontstaan er broodfondsen?", texts, most=3)
    assert topic[0][0].search("Broodfondsen ontstaan") and not topic[0][0].search("fondsen")


def test_topics_are_the_specific_glossary_terms_a_question_names() -> None:
    texts = ["ongelijkheid neemt toe", "de werkenden", "werkenden en werkgevers", "duurzame sectoren"]
    topics = specific_topics(texts, most=1)
    assert [words for _, words in topics_named("Is there inequality in A?", topics)] == [
        ("ongelijkheid", "kansenongelijkheid")]
    # "workers" is in more passages than `most`: what most sentences are about checks nothing.
    assert topics_named("What do workers do in A?", topics) == []
    # "that approach" is not the report's method.
    assert topics_named("Are there downsides to that approach?", topics) == []
    assert mentions_topic("ruimte voor duurzame ontwikkeling", ("duurzaamheid",))
    assert mentions_topic("groei in sectoren", ("allianties", "sectorale"))
    assert not mentions_topic("kansen benutten", ("ongelijkheid", "kansenongelijkheid"))
    # Strictly, a compound keeps its head: "platforms" is not platform work.
    assert mentions_topic("AI-gestuurde platforms", ("platformwerk",))
    assert not mentions_topic("AI-gestuurde platforms", ("platformwerk",), ending=3)
    assert mentions_topic("veel platformwerk", ("platformwerk",), ending=3)
    assert [words for _, words in topics_named("Where is platform work common?",
                                               specific_topics(["platformwerk", "platforms"], most=2))] == [
        ("platformwerk",)]


def test_a_claim_about_one_actor_is_not_verified_by_what_the_report_says_of_another() -> None:
    # "De overheid heeft zich sterk gemaakt voor eerlijke tarieven" shared nearly every word with "Zij hebben zich
    # sterk gemaakt voor eerlijke tarieven …", where "zij" is the union for the self-employed.
    text = ("De vakbond voor zelfstandigen is bovendien sterker geworden. Zij hebben zich sterk gemaakt voor eerlijke "
            "tarieven en bescherming tegen uitbuiting. De overheid beperkt zich tot minimale vangnetten.")
    passage = [_chunk("d", "D", text)]
    wrong = "De overheid heeft zich sterk gemaakt voor eerlijke tarieven en bescherming tegen uitbuiting."
    right = "De vakbond heeft zich sterk gemaakt voor eerlijke tarieven en bescherming tegen uitbuiting."
    assert align(wrong, passage).dropped == (wrong,)
    assert [s.text for s in align(right, passage).sentences] == [right]
    # A passage can start with "Zij …" (the sentence that says who ended the passage before): no one to verify.
    assert align(wrong, [_chunk("d", "D", text.split(". ", 1)[1])]).dropped == (wrong,)
    # What the employers are glad of is not what the workforce is.
    employers = "Werkgevers zijn blij met flexibele inzetbaarheid van personeel, zonder grote risico's."
    assert not same_actor("The workforce is flexible, with little risk.", employers)
    assert same_actor("Employers are glad that staff can be deployed flexibly.", employers)
    # A sentence that names no one, or lists the claim's actor among others, can support it.
    assert same_actor("Self-employed workers face fierce competition.", "Concurrentie onder zelfstandigen is hevig.")
    assert same_actor("Employers and unions work together.",
                      "collectieve regie: overheid, werkgevers, onderwijs en vakbonden werken samen")
    assert same_actor("Most employers have an active personnel policy.",
                      "De meeste werkgevers voeren een actief personeelsbeleid.")


def test_a_quote_that_starts_with_they_comes_with_the_sentence_that_says_who() -> None:
    who = "De vakbond voor zelfstandigen is bovendien sterker geworden."
    they = "Zij hebben zich sterk gemaakt voor eerlijke tarieven en bescherming tegen uitbuiting."
    passage = [_chunk("d", "D", f"Traditionele vakbonden hebben moeite. {who} {they}")]
    assert select_quotes("Wie maakt zich sterk voor eerlijke tarieven?", passage, FakeEmbedder(), k=1)[:2] == [
        (0, who), (0, they)]


def test_a_sentence_with_the_reports_word_for_a_term_asked_is_quoted_before_a_near_tie() -> None:
    # "Are these four scenarios the only possible futures?" quoted the overview table's introduction (0.516) over
    # "Deze scenario's zijn niet volledig" (0.488): the glossary's word for "only possible" is "volledig".
    table = _chunk("t", None, "Deze tabel biedt een overzicht van de verschillen tussen de vier toekomstscenario's.")
    answer = _chunk("s", None, "Deze scenario's zijn niet volledig; er zijn meer scenario's te bedenken.")

    class Tied(FakeEmbedder):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [[1.0, 0.0] if "tabel" in t else [0.97, 0.243] for t in texts]

        def embed_query(self, text: str) -> list[float]:
            return [1.0, 0.0]

    question = "Are these four scenarios the only possible futures?"
    assert select_quotes(question, [table, answer], Tied(), k=1)[0][0] == 1
    # Without a glossary term in the question, the closer sentence stays first.
    assert select_quotes("Which table compares the futures?", [table, answer], Tied(), k=1)[0][0] == 0


def test_the_actor_a_report_sentence_is_about_is_the_one_it_starts_with() -> None:
    assert acts_in("De meeste werkgevers voeren een actief personeelsbeleid.", "employers")
    assert acts_in("overheid coördineert; regio's en brancheorganisaties voeren uit", "government")
    # Not the staff of "De inzet van personeel", nor one of a list of actors, nor one named further on.
    assert not acts_in("De inzet van personeel is voor hen projectmatig.", "workers")
    assert not acts_in("collectieve regie: overheid, werkgevers, onderwijs en vakbonden werken samen", "government")
    assert not acts_in("De langdurige staatssteunuitgaven aan falende bedrijven zijn groot.", "employers")
    # Big Tech is companies: a claim about it is verified by what the report says of them.
    big_tech = ("Big Tech bedrijven zijn opgesplitst of onder publieke co-governance gebracht, waardoor de overheid "
                "beter kan sturen.")
    assert same_actor("Big Tech was split up, so the government can steer better.", big_tech)


def test_the_institution_a_question_asks_about_is_the_one_acting_not_the_one_it_is_for() -> None:
    assert asked_institution("is there any union for self-employed people in scenario D?") == "unions"
    assert asked_institution("What does the government do in scenario A?") == "government"
    assert asked_institution("How does the government's role differ between scenario B and scenario C?") == "government"
    assert asked_institution("Is scenario D actually good for employers?") is None
    assert asked_institution("Can people work for foreign employers?") is None
    assert asked_institution("Wat betekent scenario D voor werkgevers?") is None
    assert asked_institution("What role do employers and unions play?") is None  # two: no one of them


def test_a_quote_that_starts_with_they_is_left_out_when_who_they_are_is_in_another_passage() -> None:
    # Quoted after the government's withdrawal, "Zij hebben zich sterk gemaakt …" read as the government's doing; the
    # sentence that says "zij" are the union for the self-employed ended the passage before.
    they = "Zij hebben zich sterk gemaakt voor eerlijke tarieven en bescherming tegen uitbuiting."
    government = "De overheid trekt zich verder terug en beperkt zich tot minimale vangnetten."
    passage = [_chunk("d", "D", f"{they} {government}")]
    quotes = select_quotes("Is the government strong in scenario D?", passage, FakeEmbedder(), k=2)
    assert quotes == [(0, government)]
    # A "Dit …" sentence says enough on its own; and a quote that is all there is stays.
    this = "Dit heeft duidelijke voordelen: mensen worden minder opgejaagd door prestatiedruk."
    assert (0, this) in select_quotes("Welke voordelen zijn er?", [_chunk("c", "C", f"{this} {government}")],
                                      FakeEmbedder(), k=2)
    assert select_quotes("Wie maakt zich sterk?", [_chunk("d", "D", they)], FakeEmbedder(), k=1) == [(0, they)]
