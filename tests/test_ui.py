"""The UI's formatting and state logic, without a browser (fake models over a real temp Chroma)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.feedback import FeedbackStore
from assistant.llm import ModelUnavailable
from assistant.schema import Answer, Chunk, Citation, Turn
from assistant.service import Assistant, Final, InputError, Status, Token
from assistant.ui_chat import describe_error, run_turn
from assistant.ui_format import (
    answer_message,
    chat_messages,
    conversation_markdown,
    find_quote,
    highlight,
    link_markers,
    sources_panel,
)
from assistant.ui_i18n import (
    _TEXT,
    EXAMPLES,
    comparison_question,
    dimension_label,
    language_from_header,
    stage_text,
)
from assistant.ui_scenarios import axes_figure, comparison_view, overview_cells, quadrant, scope_line
from assistant.ui_state import (
    ALL,
    Exchange,
    exchange_at_message,
    feedback_record,
    history,
    is_loopback,
    normalize_scope,
    parse_users,
    scope_filter,
)

REPO = Path(__file__).resolve().parents[1]


def _chunk(
    text: str = "Eerste zin.\nDe werkloosheid is hoog en\nde arbeidsmarkt is competitief. Slot.",
    scenario: str | None = "D",
) -> Chunk:
    return Chunk(
        id="c1",
        section_id="s1",
        path=("Bijlage A", "Scenario D: Solowerk", "Arbeidsmarkt"),
        scenario=scenario,
        kind="scenario_text",
        dimension=None,
        text=text,
        start=0,
        end=len(text),
    )


def _answer(
    text: str = "De werkloosheid is hoog [1].",
    question: str = "Hoe is de arbeidsmarkt in D?",
    standalone: str | None = None,
    citations: tuple[Citation, ...] | None = None,
    **extra: Any,
) -> Answer:
    if citations is None:
        citations = (Citation(1, _chunk(), "De werkloosheid is hoog en de arbeidsmarkt is competitief.", 0.9),)
    return Answer(
        question=question,
        language="nl",
        answer=text,
        refused=False,
        citations=citations,
        standalone_question=standalone or question,
        **extra,
    )


# --- citations and sources ------------------------------------------------------------------------


def test_markers_link_to_their_passage_and_unknown_numbers_stay_text() -> None:
    answer = _answer("Hoog [1]. Onbekend [7].")
    html = link_markers(answer.answer, 3, answer.citations)
    assert '<a class="cite" href="#src-3-1" data-target="src-3-1"' in html
    assert "[7]" in html and "#src-3-7" not in html


def test_quote_is_found_across_line_breaks_and_marked_with_everything_else_escaped() -> None:
    passage = "Intro <b>vet</b>.\nDe werkloosheid is hoog en\nde arbeidsmarkt is competitief. Slot & einde."
    quote = "De werkloosheid is hoog en de arbeidsmarkt is competitief."
    assert find_quote(passage, quote) is not None
    html = highlight(passage, quote)
    assert "<mark>De werkloosheid is hoog en\nde arbeidsmarkt is competitief.</mark>" in html
    assert "&lt;b&gt;vet&lt;/b&gt;" in html and "Slot &amp; einde." in html
    assert "<b>" not in html


def test_a_quote_not_in_the_passage_marks_nothing() -> None:
    assert highlight("Tekst <x>.", "iets anders") == "Tekst &lt;x&gt;."
    assert find_quote("Tekst.", "") is None


def test_answer_html_is_escaped_and_the_standalone_rewrite_shown_only_when_different() -> None:
    shown = answer_message(_answer("<script>x</script> Hoog [1].", standalone="Hoe is de arbeidsmarkt in D?"), 1, "nl")
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "standalone" not in shown  # same question up to case and punctuation
    rewritten = answer_message(_answer(question="En C?", standalone="Hoe is de arbeidsmarkt in scenario C?"), 2, "en")
    assert 'class="standalone"' in rewritten and "Interpreted as" in rewritten
    assert "Hoe is de arbeidsmarkt in scenario C?" in rewritten


def test_sources_panel_lists_each_cited_passage_newest_answer_first_and_open() -> None:
    first = Exchange("Vraag een", answer=_answer())
    second = Exchange(
        "Vraag <twee>",
        answer=_answer(
            citations=(
                Citation(1, _chunk(scenario="B"), "Eerste zin.", 0.8),
                Citation(2, _chunk(scenario=None), "Slot.", 0.7),
            )
        ),
    )
    html = sources_panel([first, Exchange("fout", error="stuk"), second], "nl")
    assert html.index('id="turn-3"') < html.index('id="turn-1"')
    assert '<details class="turn" id="turn-3" open>' in html and '<details class="turn" id="turn-1">' in html
    for ident in ("src-1-1", "src-3-1", "src-3-2"):
        assert f'id="{ident}"' in html
    assert "Bijlage A › Scenario D: Solowerk › Arbeidsmarkt" in html
    assert 'class="badge sc-B"' in html and "<mark>Slot.</mark>" in html
    assert "Vraag &lt;twee&gt;" in html
    assert "verschijnen hier" in sources_panel([], "nl")


def test_chat_messages_pair_questions_with_answers_errors_and_the_pending_reply() -> None:
    exchanges = [
        Exchange("Een <b>", scope="D", answer=_answer()),
        Exchange("Twee", error="Te lang <x>"),
        Exchange("Drie"),
    ]
    messages = chat_messages(exchanges, "nl", pending="BEZIG")
    assert [m["role"] for m in messages] == ["user", "assistant"] * 3
    assert "Een &lt;b&gt;" in messages[0]["content"] and 'class="scope-chip">Scenario D' in messages[0]["content"]
    assert 'href="#src-1-1"' in messages[1]["content"]
    assert "Te lang &lt;x&gt;" in messages[3]["content"] and 'class="error"' in messages[3]["content"]
    assert messages[5]["content"] == "BEZIG"


def test_markdown_export_holds_questions_answers_and_sources() -> None:
    exchanges = [Exchange("Hoe is D?", scope="D", answer=_answer(question="Hoe is D?")), Exchange("", error="Leeg")]
    md = conversation_markdown(exchanges, "nl", "Veerkracht", "2025-01-01 10:00")
    assert md.startswith("# Gesprek met de scenario-assistent")
    assert "## 1. Hoe is D? (Scenario D)" in md and "De werkloosheid is hoog [1]." in md
    assert "[1] Bijlage A › Scenario D: Solowerk › Arbeidsmarkt (Scenario D)" in md
    assert "> de arbeidsmarkt is competitief. Slot." in md
    assert "“De werkloosheid is hoog en de arbeidsmarkt is competitief.”" in md
    assert "> Leeg" in md
    assert "No questions asked yet." in conversation_markdown([], "en", "R", "now")


# --- scenario views -----------------------------------------------------------------------------


def test_scenarios_sit_in_the_report_quadrants(shared_fake_assistant: Assistant) -> None:
    scenarios = shared_fake_assistant.report.scenarios
    assert {s: quadrant(info) for s, info in scenarios.items()} == {"A": (0, 0), "B": (0, 1), "C": (1, 1), "D": (1, 0)}


def test_axes_figure_is_drawn_from_the_corpus_and_marks_the_scope(shared_fake_assistant: Assistant) -> None:
    report = shared_fake_assistant.report
    html = axes_figure(report, "c", "nl")
    for letter, info in report.scenarios.items():
        assert f'data-scope="{letter}"' in html and info.name in html and info.keywords[0] in html
    assert 'class="quad sc-C selected" data-scope="C" aria-pressed="true"' in html
    assert "technologiegedreven" in html and "beperkt technologiegedreven" in html
    assert "individueel" in html and "collectief" in html
    english = axes_figure(report, ALL, "en")
    assert "technology-driven" in english and "collective" in english
    assert 'class="all-scenarios selected"' in english and "All scenarios" in english


def test_scope_is_visible_and_passed_to_the_assistant(shared_fake_assistant: Assistant) -> None:
    report = shared_fake_assistant.report
    assert "Scenario D — Solowerk in crisistijd" in scope_line(report, "D", "nl")
    assert "all four scenarios" in scope_line(report, "all", "en")
    assert normalize_scope(" b ") == "B" and normalize_scope("E") == ALL and normalize_scope(None) == ALL
    assert scope_filter("B") == ["B"] and scope_filter(ALL) is None


def test_every_dimension_compares_four_cited_cells(shared_fake_assistant: Assistant) -> None:
    report = shared_fake_assistant.report
    assert len(report.dimensions) == 6
    for dimension in report.dimensions:
        cells = overview_cells(report, dimension)
        assert [c.scenario for c in cells] == ["A", "B", "C", "D"]
        html = comparison_view(report, dimension, "nl")
        assert html.count('class="cmp-cell') == 4
        for cell in cells:
            assert f"Bron: {' › '.join(cell.path)}" in html
    assert "<h3>Security</h3>" in comparison_view(report, "Zekerheid", "en")


def test_comparison_question_in_both_languages() -> None:
    assert comparison_question("Zekerheid", "nl") == "Vergelijk de scenario's op zekerheid"
    assert comparison_question("Zekerheid", "en") == "Compare the scenarios on security"
    assert dimension_label("Loopbaangedrag", "en") == "Career behaviour"
    assert dimension_label("Onbekend", "en") == "Onbekend"


# --- language -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-NL,nl;q=0.9,en-US;q=0.8", "nl"),
        ("en-US,en;q=0.9,nl;q=0.8", "en"),
        ("de-DE,de;q=0.9,en;q=0.5,nl;q=0.7", "nl"),
        ("fr-FR", "en"),
        ("nl-BE", "nl"),
        ("en-GB", "en"),
        ("", "nl"),
        (None, "nl"),
        ("en;q=abc, nl", "nl"),
    ],
)
def test_interface_language_follows_the_browser(header: str | None, expected: str) -> None:
    assert language_from_header(header) == expected


def test_every_text_and_example_exists_in_both_languages() -> None:
    for key, variants in _TEXT.items():
        assert set(variants) == {"nl", "en"}, key
    assert len(EXAMPLES["nl"]) == len(EXAMPLES["en"]) == 4
    assert stage_text("retrieving", "", "nl") == "Passages zoeken in het rapport…"
    assert stage_text("generating", "language", "en").startswith("Rewriting")
    assert stage_text("unknown", "", "en") == "Working…"


# --- a chat turn ---------------------------------------------------------------------------------


class ScriptedAssistant:
    """Records the calls and plays back fixed events (or raises)."""

    def __init__(self, events: Sequence[Any] = (), error: Exception | None = None) -> None:
        self.events = list(events)
        self.error = error
        self.calls: list[tuple[str, list[Turn], Any]] = []

    def stream(self, question: str, history: Sequence[Turn] = (), scenarios: Any = None) -> Iterator[Any]:
        self.calls.append((question, list(history), scenarios))
        yield from self.events
        if self.error is not None:
            raise self.error


def test_a_turn_streams_progress_then_the_verified_answer(shared_fake_assistant: Assistant) -> None:
    views = list(run_turn(shared_fake_assistant, (), "Wat betekent scenario D voor zzp'ers?", "all", "nl"))
    assert not views[0].done and "Bezig" in views[0].pending
    assert any(v.pending and "Passages zoeken" in v.pending for v in views)
    assert any(v.pending and "▌" in v.pending for v in views)  # the draft, token by token
    last = views[-1]
    assert last.done and all(not v.done for v in views[:-1])
    answer = last.exchanges[-1].answer
    assert answer is not None and answer.citations and "[1]" in answer.answer


def test_a_turn_passes_scope_and_history_and_keeps_earlier_exchanges() -> None:
    earlier = (Exchange("Eerste?", answer=_answer(question="Eerste?")), Exchange("Kapot?", error="stuk"))
    final = _answer(question="En C?", standalone="Hoe is C?")
    fake = ScriptedAssistant([Status("retrieving"), Token("Hoog "), Token("en droog"), Final(final)])
    views = list(run_turn(fake, earlier, "En C?", "c", "nl"))
    assert fake.calls == [("En C?", [Turn("Eerste?", "De werkloosheid is hoog [1].")], ["C"])]
    assert "Hoog en droog ▌" in views[-2].pending
    assert views[-1].exchanges == (*earlier, Exchange("En C?", scope="C", answer=final))


def test_a_rewrite_in_the_right_language_restarts_the_draft() -> None:
    fake = ScriptedAssistant([Token("Dutch words"), Status("generating", "language"), Final(_answer())])
    views = list(run_turn(fake, (), "q", ALL, "en"))
    assert "Dutch words" not in views[-2].pending and "Rewriting" in views[-2].pending


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (InputError("Uw vraag is te lang (3000 tekens; maximaal 2000). Maak hem korter."), "Uw vraag is te lang"),
        (ModelUnavailable("cannot load the GGUF model /x.gguf"), "niet beschikbaar: cannot load the GGUF model"),
        (type("APIConnectionError", (Exception,), {})("Connection refused"), "taalmodelserver is niet bereikbaar"),
        (TimeoutError("timed out"), "taalmodelserver is niet bereikbaar"),
        (FileNotFoundError("no such file"), "niet beschikbaar"),
        (RuntimeError("index 5 out of range"), "Er ging iets mis bij het beantwoorden (RuntimeError)"),
    ],
)
def test_errors_become_a_readable_message_in_the_chat(
    error: Exception, expected: str, caplog: pytest.LogCaptureFixture
) -> None:
    views = list(run_turn(ScriptedAssistant([Status("retrieving")], error=error), (), "vraag", ALL, "nl"))
    last = views[-1]
    assert last.done and last.exchanges[-1].answer is None
    assert expected in (last.exchanges[-1].error or "")
    assert "Traceback" not in (last.exchanges[-1].error or "")
    assert "Error" not in describe_error(InputError("Leeg"), "nl")


def test_empty_and_too_long_questions_are_answered_in_the_chat(shared_fake_assistant: Assistant) -> None:
    empty = list(run_turn(shared_fake_assistant, (), "   ", ALL, "nl"))[-1].exchanges[-1]
    assert empty.error and empty.error.startswith("Stel een vraag over het rapport")
    long = list(run_turn(shared_fake_assistant, (), "woord " * 500, ALL, "nl"))[-1].exchanges[-1]
    assert long.error and "te lang" in long.error


def test_history_leaves_out_errors() -> None:
    exchanges = [Exchange("a", answer=_answer(question="a")), Exchange("b", error="x"), Exchange("c")]
    assert history(exchanges) == [Turn("a", "De werkloosheid is hoog [1].")]


# --- feedback, export, login ------------------------------------------------------------------------


def test_a_thumb_on_an_answer_is_stored_with_question_answer_citations_and_comment(tmp_path: Path) -> None:
    exchanges = (Exchange("Vraag één?", answer=_answer(question="Vraag één?")), Exchange("Kapot", error="x"))
    turn, exchange = exchange_at_message(exchanges, 1)
    assert turn == 1
    record = feedback_record(exchange, True, "  helder  ")
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.append(**record)
    saved, skipped = store.read()
    assert skipped == 0
    assert saved[0]["question"] == "Vraag één?" and saved[0]["verdict"] == "up" and saved[0]["comment"] == "helder"
    assert saved[0]["answer"] == "De werkloosheid is hoog [1]." and saved[0]["citations"][0]["n"] == 1
    assert saved[0]["time"] and saved[0]["language"] == "nl"
    assert feedback_record(exchange, "Dislike", "")["verdict"] == "down"
    assert feedback_record(exchange, None, "") is None  # a thumb clicked off
    assert feedback_record(exchanges[1], False, "") is None  # an error has nothing to rate
    assert exchange_at_message(exchanges, 3)[0] == 2
    assert exchange_at_message(exchanges, 4) is None and exchange_at_message(exchanges, -1) is None
    assert exchange_at_message(exchanges, [1, 0])[0] == 1 and exchange_at_message(exchanges, True) is None


def test_export_file_is_replaced_not_piled_up(tmp_path: Path) -> None:
    from assistant.ui import write_export

    folder, first = write_export("# een", str(tmp_path), "nl")
    _, second = write_export("# twee", folder, "en")
    assert Path(second).read_text(encoding="utf-8") == "# twee"
    assert [p.name for p in Path(folder).glob("*.md")] == ["scenario-assistant-conversation.md"]
    assert not Path(first).exists()


def test_login_users_are_parsed_strictly() -> None:
    assert parse_users(None) is None and parse_users("  ") is None
    assert parse_users("ana:geheim, bo:a:b") == [("ana", "geheim"), ("bo", "a:b")]
    for bad in ("ana", "ana:", ":pw", ","):
        with pytest.raises(ValueError, match="ASSISTANT_UI_USERS"):
            parse_users(bad)


def test_only_loopback_hosts_count_as_private() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")


def test_importing_the_ui_does_no_work_and_loads_no_gradio() -> None:
    code = "import sys, assistant.ui, assistant.ui_chat, assistant.ui_scenarios; print('gradio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


def test_the_app_builds_on_the_fake_assistant(shared_fake_assistant: Assistant, tmp_path: Path) -> None:
    from assistant.ui import build_app

    settings = replace_settings(shared_fake_assistant, tmp_path)
    demo = build_app(shared_fake_assistant, settings)
    ids = {getattr(block, "elem_id", None) for block in demo.blocks.values()}
    assert {
        "chat",
        "question",
        "send",
        "sources",
        "figure",
        "comparison",
        "dimension",
        "ask-compare",
        "comment",
        "export",
        "lang",
        "scope",
    } <= ids
    assert demo.analytics_enabled is False


def replace_settings(assistant: Assistant, tmp_path: Path) -> Any:
    return assistant.settings.model_copy(update={"feedback_path": tmp_path / "fb.jsonl"})


def test_refused_answers_have_no_sources_and_no_dropped_note() -> None:
    refused = replace(_answer(), refused=True, citations=(), dropped=("x",), answer="Dat staat niet in het rapport.")
    html = answer_message(refused, 1, "nl")
    assert "dropped" not in html and "cite" not in html
    panel = sources_panel([Exchange("q", answer=refused)], "nl")
    assert "Dit antwoord heeft geen bronnen." in panel
    kept = answer_message(replace(_answer(), dropped=("a", "b")), 1, "nl")
    assert "2 zin(nen) zonder steun" in kept
