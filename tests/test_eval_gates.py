"""Regression gates: the eval suites on the real models must not fall below evals/baseline.json."""

from __future__ import annotations

import random

import pytest

from assistant.evals.cases import EvalCase, load_cases
from assistant.evals.metrics import CaseResult, fact_hits, regressions, summarise_answers
from assistant.evals.runner import evaluate, load_baseline, update_baseline, write_reports
from assistant.retrieval import SearchResult
from assistant.routing import Route
from assistant.schema import Hit


class RandomRetriever:
    """A deliberately broken retriever: random passages, whatever the question."""

    def __init__(self, chunks: list, seed: int = 7) -> None:
        self.chunks = chunks
        self.rng = random.Random(seed)

    def search(self, query: str, k: int = 6, scenarios=None) -> SearchResult:
        picked = self.rng.sample(self.chunks, k)
        return SearchResult(query, Route((), False), tuple(Hit(c, 1.0, 0.5) for c in picked), 0.5)


def test_gate_flags_a_worse_metric_and_names_it() -> None:
    baseline = {"answers.fact_coverage": 0.8, "answers.false_refusal_rate": 0.02, "answers.total_p50_s": 10.0}
    summary = summarise_answers([CaseResult("x", "nl", "answerable", refused=True, facts_total=2, total_s=30.0)])
    names = {r.metric for r in regressions(summary, baseline)}
    assert names == {"answers.fact_coverage", "answers.false_refusal_rate"}  # latency is the bench's to gate
    assert regressions({"answers.fact_coverage": 0.79}, {"answers.fact_coverage": 0.8}) == []


def test_a_comparison_bullet_label_is_not_a_stated_fact() -> None:
    case = EvalCase("worst", "en", "comparison", "overview", ("D",), "Which scenario is worst?", (), "",
                    (("solowerk", "scenario d "),), ())
    listing = "- **Scenario C (Collectieve waarden boven winst)**: “vaste banen” [1].\n" \
              "- **Scenario D (Solowerk in crisistijd)**: “werkgevers: flexibel personeel” [2]."
    assert fact_hits(case, listing) == 0  # listing every scenario does not say which one is worst
    assert fact_hits(case, "Scenario D (solowerk in crisistijd) is the worst for vulnerable workers [1].") == 1


def test_updating_the_baseline_never_loosens_a_gate(tmp_path) -> None:
    path = tmp_path / "baseline.json"
    update_baseline({"answers.citation_precision": 0.67, "answers.false_refusal_rate": 0.01,
                     "answers.total_p50_s": 6.0}, path)
    update_baseline({"answers.citation_precision": 0.655, "answers.false_refusal_rate": 0.0,
                     "answers.fact_coverage": 0.6, "answers.total_p50_s": 4.6}, path)
    assert load_baseline(path) == {"answers.citation_precision": 0.67, "answers.false_refusal_rate": 0.0,
                                   "answers.fact_coverage": 0.6, "answers.total_p50_s": 4.6}


@pytest.mark.slow
def test_retrieval_suite_holds_the_baseline_and_a_broken_retriever_fails_it(real_assistant) -> None:
    baseline = load_baseline()
    assert "retrieval.hit@5" in baseline, "no committed retrieval baseline"
    cases = load_cases()
    run = evaluate(real_assistant, "retrieval", cases, backend="real", baseline=baseline)
    write_reports(run, baseline)
    assert not run.regressions, "\n".join(map(str, run.regressions))

    real_assistant.__dict__["retriever"] = RandomRetriever(real_assistant.chunks)
    try:
        broken = evaluate(real_assistant, "retrieval", cases, backend="broken", baseline=baseline)
    finally:
        del real_assistant.__dict__["retriever"]
    assert "retrieval.hit@5" in {r.metric for r in broken.regressions}


@pytest.mark.answers
def test_answer_suite_holds_the_baseline(real_assistant) -> None:
    baseline = load_baseline()
    assert "answers.fact_coverage" in baseline, "no committed answer baseline"
    run = evaluate(real_assistant, "answers", load_cases(), backend="llamacpp", baseline=baseline)
    _, md_path = write_reports(run, baseline)
    assert not run.regressions, f"see {md_path}\n" + "\n".join(map(str, run.regressions))
