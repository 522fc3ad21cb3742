"""Run the eval set, write JSON and Markdown reports, and gate on the committed baseline."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.config import REPO_ROOT, Settings
from assistant.embeddings import cosine
from assistant.evals.cases import EvalCase, load_cases
from assistant.evals.metrics import (
    GATES,
    CaseResult,
    Regression,
    answer_language_ok,
    citations_valid,
    fact_hits,
    gold_rank,
    is_evidence,
    regressions,
    summarise_answers,
    summarise_retrieval,
)
from assistant.llm import ModelUnavailable
from assistant.service import Assistant, InputError, carry_over

REPORTS_DIR = REPO_ROOT / "evals" / "reports"
BASELINE = REPO_ROOT / "evals" / "baseline.json"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class EvalRun:
    suite: str
    backend: str
    summary: dict[str, float | None]
    results: tuple[CaseResult, ...]
    regressions: tuple[Regression, ...]
    seconds: float


def run_retrieval(assistant: Assistant, cases: Sequence[EvalCase], k: int = 10,
                  progress: Progress | None = None) -> list[CaseResult]:
    """Search each answerable case (follow-ups read against their history, without the LLM)."""
    results = []
    for case in cases:
        if progress:
            progress(case.id)
        if not case.answerable:
            results.append(CaseResult(case.id, case.language, case.type))
            continue
        query = carry_over(case.question, case.history, case.language)  # type: ignore[arg-type]
        hits = assistant.search(query, k).hits
        rank = gold_rank(case, hits)
        failures = () if rank and rank <= 5 else (f"gold passage not in top 5 (rank {rank})",)
        results.append(CaseResult(case.id, case.language, case.type, gold_rank=rank, standalone=query,
                                  failures=failures))
    return results


def run_answers(assistant: Assistant, cases: Sequence[EvalCase], progress: Progress | None = None) -> list[CaseResult]:
    """Ask each case (with its history) and score the verified answer."""
    results = []
    for case in cases:
        if progress:
            progress(case.id)
        try:
            answer = assistant.ask(case.question, case.history)
        except InputError as exc:
            results.append(CaseResult(case.id, case.language, case.type, failures=(f"input error: {exc}",)))
            continue
        except ModelUnavailable as exc:
            # One slow or failed model call must not end the run: it is a failure of this case.
            results.append(CaseResult(case.id, case.language, case.type, refused=True, language_ok=False,
                                      facts_total=len(case.key_facts) if case.answerable else 0,
                                      failures=(f"model error: {exc}",)))
            continue
        failures: list[str] = []
        valid = citations_valid(answer)
        if not valid:
            failures.append("citation marker without a retrieved, cited passage")
        language_ok = answer_language_ok(case, answer)
        if not language_ok:
            failures.append(f"answer not in {case.language}")
        rank = gold_rank(case, answer.hits) if case.answerable else None
        facts = fact_hits(case, answer.answer) if case.answerable else 0
        stray = ([c.chunk.heading for c in answer.citations if not is_evidence(case, c.chunk.text)]
                 if case.answerable else [])
        evidence = len(answer.citations) - len(stray) if case.answerable else 0
        similarity = None
        if case.answerable:
            if answer.refused:
                failures.append("refused an answerable question")
            if facts < len(case.key_facts):
                missing = [f[0] for f in case.key_facts if not any(p in answer.answer.lower() for p in f)]
                failures.append(f"missing facts: {', '.join(missing)}")
            if stray:
                failures.append(f"{len(stray)} cited passage(s) without gold evidence: {' | '.join(stray)}")
            if not (rank and rank <= 5):
                failures.append(f"gold passage not retrieved in top 5 (rank {rank})")
            if case.reference_answer and not answer.refused:
                ref, got = assistant.embedder.embed_documents([case.reference_answer, answer.answer])
                similarity = cosine(ref, got)
            elif case.reference_answer:
                similarity = 0.0
        elif not answer.refused:
            failures.append("answered a question the report does not cover")
        results.append(CaseResult(
            case.id, case.language, case.type, gold_rank=rank, refused=answer.refused, language_ok=language_ok,
            facts_covered=facts, facts_total=len(case.key_facts) if case.answerable else 0, citations_valid=valid,
            cited=len(answer.citations) if case.answerable else 0, cited_evidence=evidence, similarity=similarity,
            first_token_s=answer.timings.first_token_s, total_s=answer.timings.total_s,
            prompt_tokens=answer.prompt_tokens, answer=answer.answer, standalone=answer.standalone_question,
            failures=tuple(failures),
        ))
    return results


def load_baseline(path: Path = BASELINE) -> dict[str, float]:
    if not path.exists():
        return {}
    return {k: float(v) for k, v in json.loads(path.read_text())["metrics"].items() if v is not None}


def evaluate(assistant: Assistant, suite: str, cases: Sequence[EvalCase], *, backend: str = "",
             baseline: dict[str, float] | None = None, progress: Progress | None = None) -> EvalRun:
    """Run a suite and compare it with the baseline (only the metrics this suite produces)."""
    started = time.perf_counter()
    summary: dict[str, float | None] = {}
    results: list[CaseResult] = []
    if suite in ("retrieval", "all"):
        retrieval = run_retrieval(assistant, cases, progress=progress)
        summary.update(summarise_retrieval(retrieval))
        results.extend(retrieval)
    if suite in ("answers", "all"):
        answers = run_answers(assistant, cases, progress=progress)
        summary.update(summarise_answers(answers))
        results.extend(answers)
    found = regressions(summary, baseline if baseline is not None else load_baseline())
    return EvalRun(suite, backend, summary, tuple(results), tuple(found), time.perf_counter() - started)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def markdown_report(run: EvalRun, baseline: dict[str, float]) -> str:
    lines = [f"# Eval report: suite `{run.suite}`, backend `{run.backend}`", "",
             f"{len(run.results)} case runs in {run.seconds:.0f} s.", "",
             "| metric | value | baseline |", "|---|---|---|"]
    lines += [f"| {k} | {_fmt(v)} | {_fmt(baseline.get(k))} |" for k, v in run.summary.items()]
    failing = [r for r in run.results if r.failures]
    lines += ["", f"## Cases with failures ({len(failing)})", "", "| case | type | reasons |", "|---|---|---|"]
    lines += [f"| {r.case_id} | {r.type} | {'; '.join(r.failures).replace('|', '/')} |" for r in failing]
    if run.regressions:
        lines += ["", "## Regressions", ""] + [f"- {r}" for r in run.regressions]
    return "\n".join(lines) + "\n"


def write_reports(run: EvalRun, baseline: dict[str, float], directory: Path = REPORTS_DIR) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    payload: dict[str, Any] = {
        "suite": run.suite, "backend": run.backend, "seconds": round(run.seconds, 1), "summary": run.summary,
        "regressions": [str(r) for r in run.regressions], "cases": [asdict(r) for r in run.results],
    }
    json_path = directory / f"{stamp}-{run.suite}.json"
    md_path = directory / f"{stamp}-{run.suite}.md"
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=1))
    md_path.write_text(markdown_report(run, baseline))
    (directory / f"latest-{run.suite}.json").write_text(json_path.read_text())
    (directory / f"latest-{run.suite}.md").write_text(md_path.read_text())
    return json_path, md_path


def update_baseline(summary: dict[str, float | None], path: Path = BASELINE) -> None:
    """Merge this run's figures into the baseline file; a gated metric never gets a looser baseline.

    A run that improves most figures may dip within tolerance on one; the baseline keeps the better of the
    two for every gated metric, so the gates only ever tighten. Ungated figures (latency) are replaced.
    """
    current = json.loads(path.read_text()) if path.exists() else {"metrics": {}}
    metrics: dict[str, float] = current["metrics"]
    for name, value in summary.items():
        if value is None:
            continue
        old = metrics.get(name)
        if name in GATES and old is not None:
            higher = GATES[name][0]
            value = max(value, old) if higher else min(value, old)
        metrics[name] = round(value, 4)
    current["updated"] = datetime.now(UTC).strftime("%Y-%m-%d")
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")


def run_cli(settings: Settings, *, suite: str, cases_path: Path | None, limit: int | None,
            update_baseline: bool) -> int:
    """`assistant eval`: progress bar, summary and failure tables, reports, exit 1 on a regression."""
    from rich.console import Console
    from rich.progress import Progress as RichProgress
    from rich.table import Table

    console = Console(stderr=True)
    if suite not in ("retrieval", "answers", "all"):
        console.print(f"[red]unknown suite {suite!r}: use retrieval, answers or all[/red]")
        return 2
    cases = load_cases(cases_path)
    if limit and limit < len(cases):
        # A spread sample (every k-th case), so a quick run still covers every part of the report.
        step = len(cases) / limit
        cases = [cases[int(i * step)] for i in range(limit)]
    assistant = Assistant(settings)
    assistant.warm_up() if suite != "retrieval" else assistant.retriever
    runs_per_case = 2 if suite == "all" else 1
    baseline = load_baseline()
    with RichProgress(console=console, transient=True) as bar:
        task = bar.add_task(f"eval {suite}", total=len(cases) * runs_per_case)

        def advance(case_id: str) -> None:
            bar.update(task, advance=1, description=case_id)
            if not console.is_terminal:  # a log file gets a line now and then instead of a bar
                done = int(bar.tasks[0].completed)
                if done % 10 == 0:
                    console.print(f"{done}/{len(cases) * runs_per_case} {case_id}")

        run = evaluate(assistant, suite, cases, backend=settings.llm_backend, baseline=baseline, progress=advance)
    json_path, md_path = write_reports(run, baseline)

    table = Table(title=f"eval {suite} ({settings.llm_backend}, {len(cases)} cases, {run.seconds:.0f} s)")
    for column in ("metric", "value", "baseline"):
        table.add_column(column)
    for key, value in run.summary.items():
        table.add_row(key, _fmt(value), _fmt(baseline.get(key)))
    console.print(table)
    failing = [r for r in run.results if r.failures]
    if failing:
        fails = Table(title=f"cases with failures ({len(failing)})")
        fails.add_column("case")
        fails.add_column("reasons")
        for r in failing:
            fails.add_row(r.case_id, "; ".join(r.failures))
        console.print(fails)
    console.print(f"reports: {json_path} {md_path}")
    if update_baseline:
        from assistant.evals.runner import update_baseline as write_baseline

        write_baseline(run.summary)
        console.print(f"baseline updated: {BASELINE}")
        return 0
    if run.regressions:
        for regression in run.regressions:
            console.print(f"[red]REGRESSION {regression}[/red]")
        return 1
    return 0
