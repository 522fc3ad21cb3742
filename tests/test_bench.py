"""`assistant bench`: the pure parts (percentiles, targets, JSON shape), the case selection, the naive baseline
on fakes, and one short end-to-end run on fakes (no subprocesses). The full bench never runs in tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.bench import (
    LLMCall,
    LLMTimer,
    ask_order,
    generation_rate,
    run_bench,
    select_cases,
    settings_env,
)
from assistant.bench_baseline import CHUNK_SIZE, STUFF_SYSTEM, NaiveRAG, report_text
from assistant.bench_report import (
    DOC_END,
    DOC_START,
    TARGETS,
    beats,
    build_payload,
    busy_warning,
    check_quality,
    check_targets,
    latency_rows,
    markdown,
    percentile,
    quality_rows,
    ratio,
    update_doc,
    write_reports,
)
from assistant.config import Settings
from assistant.corpus import load_report
from assistant.embeddings import FakeEmbedder
from assistant.evals.cases import load_cases
from assistant.llm import FakeChatModel

PASSING: dict[str, float | None] = {
    "ours.ttft_p50_s": 4.0,
    "ours.total_p50_s": 12.0,
    "retrieval.p50_ms": 90.0,
    "ingest.noop_s": 0.3,
    "ingest.full_s": 25.0,
    "startup.help_s": 0.2,
    "startup.ui_ready_s": 15.0,
    "memory.peak_rss_mb": 3500.0,
    "ratio.ttft_p50": 0.4,
    **{f"quality.ours.{k}": 0.8 for k in ("hit@4", "fact_coverage", "similarity")},
    **{f"quality.baseline.{k}": 0.6 for k in ("hit@4", "fact_coverage", "similarity")},
    "quality.ours.language_accuracy": 1.0,
    "quality.baseline.language_accuracy": 1.0,
}


# --- percentiles and ratios -------------------------------------------------------------------------------
def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([4, 1, 3, 2], 50) == pytest.approx(2.5)
    assert percentile(range(1, 21), 95) == pytest.approx(19.05)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


def test_ratio_handles_missing_and_zero() -> None:
    assert ratio(2.0, 4.0) == 0.5
    assert ratio(None, 4.0) is None and ratio(2.0, None) is None and ratio(2.0, 0.0) is None


# --- targets and PASS/FAIL ----------------------------------------------------------------------------------
def test_targets_pass_at_the_limit_and_fail_above_or_missing() -> None:
    assert all(c.passed for c in check_targets(PASSING))
    at_limit = {**PASSING, "ours.ttft_p50_s": 6.0, "ratio.ttft_p50": 0.5}
    assert all(c.passed for c in check_targets(at_limit))
    slow = {k: v for k, v in PASSING.items() if k != "startup.ui_ready_s"} | {"ours.total_p50_s": 15.5}
    failed = {c.key for c in check_targets(slow) if not c.passed}
    assert failed == {"startup.ui_ready_s", "ours.total_p50_s"}
    assert {t.key for t in TARGETS} >= {"ours.ttft_p50_s", "retrieval.p50_ms", "memory.peak_rss_mb", "ratio.ttft_p50"}


def test_quality_must_beat_the_baseline_except_both_perfect() -> None:
    assert beats(0.8, 0.6) and beats(1.0, 1.0)
    assert not beats(0.6, 0.6) and not beats(0.5, 0.6) and not beats(None, 0.5) and not beats(0.5, None)
    checks = {c.key: c.passed for c in check_quality(PASSING)}
    assert all(checks.values()) and "quality.ours.citation_validity" not in checks  # N/A for the baseline
    worse = check_quality({**PASSING, "quality.baseline.fact_coverage": 0.9})
    assert [c.key for c in worse if not c.passed] == ["quality.ours.fact_coverage"]


# --- payload, files, tables ------------------------------------------------------------------------------
def _payload(metrics: dict[str, float | None]) -> dict:
    return build_payload(
        metrics,
        info={"runs": 1, "cpus": 2, "embedder": "fake", "chat_model": "fake"},
        cases=["nl-a", "en-b"],
        samples={"ours": [], "baseline": []},
        seconds=12.3,
        stamp="20260101T000000",
    )


def test_payload_shape_is_json_and_says_whether_all_passed() -> None:
    payload = json.loads(json.dumps(_payload(PASSING)))
    assert set(payload) >= {
        "schema",
        "stamp",
        "seconds",
        "info",
        "cases",
        "metrics",
        "targets",
        "quality",
        "optimisations",
        "passed",
        "samples",
    }
    assert payload["passed"] is True
    assert {"key", "label", "value", "limit", "passed", "verdict"} <= set(payload["targets"][0])
    assert {o["name"].split(" ")[0] for o in payload["optimisations"]} >= {"compact", "fixed", "streaming", "lazy"}
    assert _payload({**PASSING, "ratio.ttft_p50": 0.7})["passed"] is False
    compact = _payload(
        {**PASSING, "ours.prompt_tokens_p50": 700, "baseline.prompt_tokens_p50": 1100, "prompt.ms_per_token": 13}
    )["optimisations"][0]
    assert "5.2 s less prompt evaluation" in compact["measured"] and compact["verdict"] == "keep: pays"


def test_tables_show_na_for_the_baselines_citations(tmp_path: Path) -> None:
    payload = _payload(PASSING)
    rows = {r[0]: r for r in quality_rows(payload)}
    assert rows["citation validity"][2] == "N/A" and "cites nothing" in rows["citation validity"][3]
    assert rows["fact coverage"][-1] == "PASS"
    ttft = next(r for r in latency_rows(payload) if r[0] == "time to first token p50")
    assert ttft[1] == "4.00 s" and ttft[-1] == "PASS"
    text = markdown(payload)
    assert "| measurement | ours |" in text and "N/A: baseline cites nothing" in text

    path = write_reports(payload, tmp_path)
    assert path.name == "bench-20260101T000000.json"
    assert json.loads((tmp_path / "latest-bench.json").read_text()) == json.loads(path.read_text())
    assert (tmp_path / "latest-bench.md").read_text() == text

    doc = tmp_path / "BENCH.md"
    doc.write_text(f"# Bench\nintro\n{DOC_START}\nold table\n{DOC_END}\nafter\n")
    update_doc(payload, doc)
    updated = doc.read_text()
    assert "old table" not in updated and "| measurement |" in updated
    assert updated.startswith("# Bench\nintro\n") and updated.endswith(f"{DOC_END}\nafter\n")


def test_a_busy_machine_is_flagged_in_the_report() -> None:
    quiet = _payload(PASSING)
    quiet["info"] |= {"load_start": "0.3/0.5/0.6", "load_end": "0.9/0.7/0.6"}
    assert busy_warning(quiet) is None
    busy = _payload(PASSING)
    busy["info"] |= {"load_start": "0.3/0.5/0.6", "load_end": "4.2/3.0/2.0"}
    assert "4.2 on 2 CPUs" in (busy_warning(busy) or "") and "noisy" in markdown(busy)


# --- questions ---------------------------------------------------------------------------------------------
def test_case_selection_is_fixed_and_mixes_languages_and_kinds() -> None:
    cases = load_cases()
    chosen = select_cases(cases, 8)
    assert [c.id for c in chosen] == [c.id for c in select_cases(cases, 8)]
    assert len(chosen) == 8 and len({c.id for c in chosen}) == 8
    assert {c.language for c in chosen} == {"nl", "en"}
    assert {c.type for c in chosen} == {"answerable", "comparison"}
    assert len({c.part for c in chosen}) >= 6
    ordered = ask_order(chosen)
    languages = [c.language for c in ordered]
    assert languages == sorted(languages, key=lambda lang: lang != "nl")
    assert [c.id for c in select_cases(cases, 2)] == [c.id for c in chosen[:2]]


# --- timing the model -------------------------------------------------------------------------------------
def test_llm_timer_records_first_token_and_end() -> None:
    model = FakeChatModel(script=["een twee drie vier"])
    timer = LLMTimer()
    model.callbacks = [timer]
    assert "".join(str(c.content) for c in model.stream("vraag")) == "een twee drie vier"
    [call] = timer.calls
    assert call.first is not None and call.last is not None and call.end is not None
    assert call.start <= call.first <= call.last <= call.end
    assert call.text == "een twee drie vier"
    tokens, seconds = generation_rate([call, LLMCall(0.0)], lambda t: len(t.split()))
    assert tokens == 3 and seconds >= 0


def test_settings_env_carries_the_settings_to_subprocesses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", "http://127.0.0.1:9")
    env = settings_env(
        Settings(cache_dir=tmp_path, embedder="fake", llm_backend="fake", index_dir=tmp_path / "ix", chroma_url=None)
    )
    assert env["ASSISTANT_EMBEDDER"] == "fake" and env["ASSISTANT_INDEX_DIR"] == str(tmp_path / "ix")
    assert "ASSISTANT_CHROMA_URL" not in env  # None in the settings: not inherited either


# --- the naive baseline ---------------------------------------------------------------------------------------
def test_naive_baseline_runs_on_fakes(tmp_path: Path) -> None:
    report = load_report(Settings().corpus_path)
    text = report_text(report)
    assert report.sections[0].text in text and report.sections[0].heading not in text[:200]
    model = FakeChatModel(script=["Het project wordt uitgevoerd door TNO."])
    naive = NaiveRAG(FakeEmbedder(), model, tmp_path / "chroma")
    built = naive.build("\n\n".join(s.text for s in report.sections[:8]))
    assert built.chunks >= 4
    answer = naive.answer("Wie voert het project uit?")
    assert answer.answer == "Het project wordt uitgevoerd door TNO."
    assert len(answer.docs) == 4 and all(len(d.page_content) <= CHUNK_SIZE for d in answer.docs)
    assert answer.first_token_s is not None and answer.total_s >= answer.first_token_s >= answer.retrieval_s
    prompt = model.calls[-1]
    assert STUFF_SYSTEM.split("{context}")[0].strip() in prompt and "Wie voert het project uit?" in prompt
    assert all(d.page_content in prompt for d in answer.docs)
    assert answer.prompt_tokens == sum(
        len(str(m.content).split()) for m in naive.messages(answer.question, list(answer.docs))
    )


# --- one short run on fakes ------------------------------------------------------------------------------------
def test_bench_on_fakes_writes_the_report(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache", embedder="fake", llm_backend="fake")
    code = run_bench(settings, runs=1, questions=2, reports_dir=tmp_path / "reports", spawn=False)
    payload = json.loads((tmp_path / "reports" / "latest-bench.json").read_text())
    assert code == 1  # no subprocesses: --help and the UI are not measured, so those targets fail
    m = payload["metrics"]
    assert m["ingest.noop_embedded"] == 0 and m["ingest.chunks"] > 100
    assert m["ours.answers"] == 2 and m["baseline.answers"] == 2
    for key in (
        "retrieval.p50_ms",
        "ours.ttft_p50_s",
        "baseline.ttft_p50_s",
        "ratio.ttft_p50",
        "ours.prompt_tokens_p50",
        "memory.peak_rss_self_mb",
        "quality.ours.fact_coverage",
        "quality.baseline.similarity",
        "kv.switch_ttft_s",
    ):
        assert m[key] is not None, key
    assert m["quality.baseline.citation_validity"] is None
    assert len(payload["cases"]) == 2 and len(payload["samples"]["ours"]) == 2
    assert not (settings.cache_dir / "index").exists()  # the bench never touches the configured index
    failed = {c["key"] for c in payload["targets"] if not c["passed"]}
    assert {"startup.help_s", "startup.ui_ready_s"} <= failed


@pytest.mark.slow
def test_naive_baseline_on_the_real_models(real_assistant, tmp_path: Path) -> None:
    """Short: a few sections, one question, the shared real embedder and chat model."""
    report = real_assistant.report
    naive = NaiveRAG(real_assistant.embedder, real_assistant.chat_model, tmp_path / "chroma")
    naive.build("\n\n".join(s.text for s in report.sections[:6]))
    answer = naive.answer("Wie voeren het project Veerkracht in een veranderende arbeidsmarkt uit?")
    assert answer.answer.strip()
    assert answer.first_token_s is not None and answer.first_token_s < answer.total_s
    assert answer.prompt_tokens and answer.prompt_tokens > 100
