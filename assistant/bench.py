"""`assistant bench`: what the 2-core CPU allows, measured beside a naive LangChain baseline.

One run measures, in this order: `assistant --help` (median of 3) and the cost of importing the heavy libraries;
loading the models (once, shared by both pipelines); a full ingest into a fresh temporary index and a no-op
re-ingest; cold start of `assistant ui` (on that temporary index) to HTTP 200; warm retrieval over every third
eval question; then a fixed selection of eval questions answered by our Assistant (through the eval runner, so its
metrics come along) and by the naive baseline (assistant/bench_baseline.py) on the same model instances; the
KV-cache effect of our fixed system prompt; peak RSS. It prints tables with PASS/FAIL against the targets and
writes evals/reports/bench-<stamp>.json and latest-bench.json (+ latest-bench.md); `python -m assistant.bench
--update-doc` copies the latest tables into docs/BENCH.md.

The configured index (~/.cache/scenario-assistant/index) is never touched: both pipelines index into temp folders.
Exit code: 0 all targets met, 1 a target missed, 3 the models or the index are unavailable.
"""

from __future__ import annotations

import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler

from assistant.bench_report import build_payload, percentile, print_tables, ratio, write_reports
from assistant.config import REPO_ROOT, Settings
from assistant.evals.cases import EvalCase, contains_gold, load_cases

Say = Callable[[str], None]
HEAVY_IMPORTS = "import gradio, chromadb, sentence_transformers, llama_cpp"
RETRIEVAL_EVERY = 3  # retrieval latency over every third eval question (about 46): enough for a p95, quick
# The order in which the selection draws from the case kinds: mostly single answers, some comparisons.
BUCKETS = (
    ("answerable", "nl"),
    ("answerable", "en"),
    ("answerable", "nl"),
    ("answerable", "en"),
    ("comparison", "nl"),
    ("comparison", "en"),
)


# --- which questions ------------------------------------------------------------------------------------------
def select_cases(cases: Sequence[EvalCase], n: int) -> list[EvalCase]:
    """A fixed selection of n answerable cases across languages, types and report parts.

    Draws from the kinds in BUCKETS order; within a kind it takes the case from the least-used report part
    (file order breaks ties). Follow-ups (multiturn) are left out: the naive baseline has no conversation.
    """
    pools = {key: [c for c in cases if (c.type, c.language) == key and c.gold_quotes] for key in set(BUCKETS)}
    used: Counter[str] = Counter()
    picked: list[EvalCase] = []
    turn = 0
    while len(picked) < n and any(pools.values()):
        pool = pools[BUCKETS[turn % len(BUCKETS)]]
        turn += 1
        if not pool:
            continue
        best = min(pool, key=lambda c: used[c.part])  # min keeps the first of equals: file order
        pool.remove(best)
        used[best.part] += 1
        picked.append(best)
    return picked


def ask_order(cases: Sequence[EvalCase]) -> list[EvalCase]:
    """Dutch questions first, then English, as a user keeps to one language (same order for both pipelines)."""
    return sorted(cases, key=lambda c: c.language != "nl")


# --- timing the chat model ------------------------------------------------------------------------------------
@dataclass
class LLMCall:
    start: float
    first: float | None = None  # first non-empty token
    last: float | None = None  # last non-empty token
    end: float | None = None
    text: str = ""


class LLMTimer(BaseCallbackHandler):
    """Records when each chat-model call started, produced its first token and ended (for tokens/s)."""

    def __init__(self) -> None:
        self.calls: list[LLMCall] = []
        self._open: dict[uuid.UUID, LLMCall] = {}

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[Any]], *, run_id: uuid.UUID, **kwargs: Any
    ) -> None:
        self._open[run_id] = LLMCall(time.perf_counter())

    def on_llm_new_token(self, token: str, *, run_id: uuid.UUID, **kwargs: Any) -> None:
        call = self._open.get(run_id)
        if call is not None and token:
            call.last = time.perf_counter()
            call.first = call.first or call.last

    def on_llm_end(self, response: Any, *, run_id: uuid.UUID, **kwargs: Any) -> None:
        call = self._open.pop(run_id, None)
        if call is None:
            return
        call.end = time.perf_counter()
        generations = getattr(response, "generations", None) or [[]]
        call.text = generations[0][0].text if generations[0] else ""
        self.calls.append(call)

    def on_llm_error(self, error: BaseException, *, run_id: uuid.UUID, **kwargs: Any) -> None:
        self._open.pop(run_id, None)


def generation_rate(calls: Sequence[LLMCall], count: Callable[[str], int]) -> tuple[int, float]:
    """Tokens generated by the streamed calls and the seconds from their first to their last token."""
    tokens, seconds = 0, 0.0
    for call in calls:
        if call.first is None or call.last is None or call.end is None:
            continue
        n = count(call.text)
        if n > 1 and call.last > call.first:
            tokens += n - 1  # the first token's time belongs to the prompt
            seconds += call.last - call.first
    return tokens, seconds


def _counter(chat_model: Any) -> Callable[[str], int]:
    count = getattr(chat_model, "count_tokens", None)
    return count if callable(count) else (lambda text: len(text.split()))


# --- subprocesses -------------------------------------------------------------------------------------------
def assistant_command() -> list[str]:
    """The installed `assistant` script beside this interpreter, else `python -m assistant.cli`."""
    script = Path(sys.executable).parent / "assistant"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]


def time_command(args: list[str], repeats: int = 1, env: dict[str, str] | None = None) -> float | None:
    """Median wall time of a command; None when it fails."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, env=env, timeout=300, check=False)
        if done.returncode != 0:
            return None
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def settings_env(settings: Settings) -> dict[str, str]:
    """This process's environment with ASSISTANT_* replaced by these settings (for the subprocesses)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    for name, value in settings.model_dump().items():
        if value is not None:
            env[f"ASSISTANT_{name.upper()}"] = str(value)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ui_ready_seconds(env: dict[str, str], log: Path, timeout: float = 180.0) -> tuple[float | None, str]:
    """Start `assistant ui` on a free loopback port, poll until HTTP 200, stop it; (seconds, note)."""
    import httpx

    port = free_port()
    env = {**env, "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False"}
    url = f"http://127.0.0.1:{port}/"
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*assistant_command(), "ui", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            while time.perf_counter() - started < timeout:
                if proc.poll() is not None:
                    tail = log.read_text(errors="replace")[-400:]
                    return None, f"`assistant ui` exited with {proc.returncode}: {tail}"
                try:
                    if httpx.get(url, timeout=2.0).status_code == 200:
                        return time.perf_counter() - started, f"port {port}"
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            return None, f"no HTTP 200 within {timeout:.0f} s"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident set size of this process and of its largest waited-for child, in MB (Linux: KiB units)."""
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes on macOS, KiB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit / 2**20
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * unit / 2**20
    return own, children


# --- the run ------------------------------------------------------------------------------------------------
@dataclass
class Measurements:
    metrics: dict[str, float | None] = field(default_factory=dict)
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    cases: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def _load_average() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on Linux
        return "?"


def _gold_rank(case: EvalCase, texts: Sequence[str]) -> int | None:
    for rank, text in enumerate(texts, 1):
        if contains_gold(text, case.gold_quotes):
            return rank
    return None


def measure(
    settings: Settings,
    *,
    runs: int = 1,
    questions: int = 8,
    spawn: bool = True,
    embedder: Any = None,
    chat_model: Any = None,
    cases: Sequence[EvalCase] | None = None,
    say: Say = lambda message: None,
) -> Measurements:
    """Run every measurement; the models are loaded once and shared by our pipeline and the baseline."""
    from assistant.service import Assistant

    out = Measurements()
    m = out.metrics
    all_cases = list(cases) if cases is not None else load_cases()
    chosen = ask_order(select_cases(all_cases, questions))
    out.cases = [c.id for c in chosen]
    out.info.update(
        runs=runs,
        questions=len(chosen),
        cpus=os.cpu_count(),
        load_start=_load_average(),
        llm_backend=settings.llm_backend,
        context_k=settings.context_k,
        top_k=settings.top_k,
        n_threads=settings.n_threads,
        max_answer_tokens=settings.max_answer_tokens,
    )

    with tempfile.TemporaryDirectory(prefix="assistant-bench-", ignore_cleanup_errors=True) as tmp_name:
        tmp = Path(tmp_name)
        if spawn:
            say("`assistant --help` ×3, and the heavy imports once")
            env = settings_env(settings)
            m["startup.help_s"] = time_command([*assistant_command(), "--help"], repeats=3, env=env)
            m["startup.eager_imports_s"] = time_command([sys.executable, "-c", HEAVY_IMPORTS], env=env)

        say("loading the models (once, shared)")
        local = settings.model_copy(update={"index_dir": tmp / "index", "chroma_url": None})
        loader = Assistant(local, embedder=embedder, chat_model=chat_model)
        embedder = loader.embedder
        _, m["load.embedder_s"] = _timed(lambda: getattr(embedder, "load", lambda: None)())
        chat_model = loader.chat_model
        _, m["load.chat_model_s"] = _timed(lambda: getattr(chat_model, "load", lambda: None)())
        out.info.update(
            embedder=getattr(embedder, "fingerprint", type(embedder).__name__),
            chat_model=Path(str(getattr(chat_model, "model_path", type(chat_model).__name__))).name,
        )

        say("full ingest into a fresh index, then a no-op re-ingest")
        full, m["ingest.full_s"] = _timed(lambda: Assistant(local, embedder=embedder, chat_model=chat_model).ingest())
        m["ingest.chunks"] = full.chunks
        assistant = Assistant(local, embedder=embedder, chat_model=chat_model)
        noop, m["ingest.noop_s"] = _timed(assistant.ingest)
        m["ingest.noop_embedded"] = noop.embedded

        if spawn:
            say("`assistant ingest` again (no-op, a new process), then cold start of `assistant ui` to HTTP 200")
            m["ingest.noop_cli_s"] = time_command([*assistant_command(), "ingest"], env=settings_env(local))
            m["startup.ui_ready_s"], note = ui_ready_seconds(settings_env(local), tmp / "ui.log")
            if m["startup.ui_ready_s"] is None:
                out.notes.append(f"UI cold start failed: {note}")

        say("baseline: split, embed and index the report")
        from assistant.bench_baseline import NaiveRAG, report_text

        naive = NaiveRAG(embedder, chat_model, tmp / "baseline")
        built = naive.build(report_text(assistant.report))
        m["baseline.ingest_chunks"], m["baseline.ingest_s"] = built.chunks, built.seconds

        assistant.warm_up()  # as `assistant ui` does before it serves
        _measure_retrieval(out, assistant, naive, all_cases[::RETRIEVAL_EVERY], say)

        timer = LLMTimer()
        previous_callbacks = chat_model.callbacks
        chat_model.callbacks = [*(previous_callbacks or []), timer]
        try:
            ours_results = _measure_ours(out, assistant, chosen, runs, timer, say)
            base_results = _measure_baseline(out, naive, chosen, runs, timer, say)
            _measure_kv_cache(out, assistant, all_cases, say)
        finally:
            chat_model.callbacks = previous_callbacks

    _summarise(out, ours_results, base_results, embedder)
    own, children = peak_rss_mb()
    m["memory.peak_rss_self_mb"] = own
    m["memory.peak_rss_children_mb"] = children if spawn else None
    m["memory.peak_rss_mb"] = max(own, children)
    out.info["load_end"] = _load_average()
    return out


def _measure_retrieval(out: Measurements, assistant: Any, naive: Any, cases: Sequence[EvalCase], say: Say) -> None:
    from assistant.service import carry_over

    say(f"retrieval over {len(cases)} eval questions (warm), ours and baseline")
    queries = [carry_over(c.question, c.history, c.language) for c in cases]  # type: ignore[arg-type]
    assistant.search("warm-up")
    naive.retrieve("warm-up")
    ours, base = [], []
    for query in queries:
        _, seconds = _timed(lambda q=query: assistant.search(q))
        ours.append(seconds * 1000)
        _, seconds = _timed(lambda q=query: naive.retrieve(q))
        base.append(seconds * 1000)
    m = out.metrics
    m["retrieval.p50_ms"], m["retrieval.p95_ms"] = percentile(ours, 50), percentile(ours, 95)
    m["baseline.retrieval_p50_ms"], m["baseline.retrieval_p95_ms"] = percentile(base, 50), percentile(base, 95)


def _measure_ours(
    out: Measurements, assistant: Any, chosen: Sequence[EvalCase], runs: int, timer: LLMTimer, say: Say
) -> list[Any]:
    """Our answers through the eval runner: its CaseResults carry timings, prompt tokens and the metrics."""
    from assistant.evals.runner import run_answers

    count = _counter(assistant.chat_model)
    samples, first_run = [], []
    for run in range(runs):
        marks: list[int] = []  # where each case's chat-model calls start in timer.calls
        results = run_answers(
            assistant, chosen, progress=partial(_mark, marks, timer, say, f"ours, run {run + 1}/{runs}")
        )
        bounds: list[int | None] = [*marks, None]
        for i, r in enumerate(results):
            tokens, seconds = generation_rate(timer.calls[bounds[i] : bounds[i + 1]], count)
            samples.append(
                {
                    "case": r.case_id,
                    "run": run + 1,
                    "first_token_s": r.first_token_s,
                    "total_s": r.total_s,
                    "prompt_tokens": r.prompt_tokens,
                    "generated_tokens": tokens,
                    "generation_s": seconds,
                    "refused": r.refused,
                }
            )
        if run == 0:
            first_run = results
    out.samples["ours"] = samples
    return first_run


def _mark(marks: list[int], timer: LLMTimer, say: Say, label: str, case_id: str) -> None:
    marks.append(len(timer.calls))
    say(f"{label}: {case_id}")


def _measure_baseline(
    out: Measurements, naive: Any, chosen: Sequence[EvalCase], runs: int, timer: LLMTimer, say: Say
) -> list[tuple[EvalCase, Any]]:
    count = _counter(naive.chat_model)
    samples, first_run = [], []
    for run in range(runs):
        for case in chosen:
            say(f"baseline, run {run + 1}/{runs}: {case.id}")
            before = len(timer.calls)
            answer = naive.answer(case.question)
            tokens, seconds = generation_rate(timer.calls[before:], count)
            samples.append(
                {
                    "case": case.id,
                    "run": run + 1,
                    "first_token_s": answer.first_token_s,
                    "total_s": answer.total_s,
                    "prompt_tokens": answer.prompt_tokens,
                    "generated_tokens": tokens,
                    "generation_s": seconds,
                }
            )
            if run == 0:
                first_run.append((case, answer))
    out.samples["baseline"] = samples
    return first_run


def first_token_seconds(assistant: Any, question: str) -> float | None:
    """Seconds until the first draft token of our pipeline; the generation is stopped there."""
    from assistant.service import Final, Token

    started = time.perf_counter()
    events = assistant.stream(question)
    try:
        for event in events:
            if isinstance(event, Token):
                return time.perf_counter() - started
            if isinstance(event, Final):
                return None
    finally:
        events.close()
    return None


def _measure_kv_cache(out: Measurements, assistant: Any, cases: Sequence[EvalCase], say: Say) -> None:
    """The same question's TTFT right after a language switch vs after another question in its language."""
    from assistant.prompts import render

    single = [c for c in select_cases(cases, len(cases)) if c.type == "answerable"]
    nl = [c.question for c in single if c.language == "nl"][:2]
    en = [c.question for c in single if c.language == "en"][:2]
    if len(nl) < 2 or len(en) < 2:
        out.notes.append("KV-cache probe skipped: needs two Dutch and two English questions")
        return
    say("KV-cache probe: first token after a language switch vs in the same language")
    switch, same = [], []
    # en → nl(switch) → nl → nl(same) → en(switch) → en → en(same)
    first_token_seconds(assistant, en[0])  # the KV cache now starts with the English system prompt
    for target, other in ((nl[0], nl[1]), (en[0], en[1])):
        switch.append(first_token_seconds(assistant, target))  # the previous question was in the other language
        first_token_seconds(assistant, other)
        same.append(first_token_seconds(assistant, target))  # the previous question was in the same language
    pairs = [(s, w) for s, w in zip(switch, same, strict=True) if s is not None and w is not None]
    if not pairs:
        return
    m = out.metrics
    m["kv.switch_ttft_s"] = statistics.fmean(s for s, _ in pairs)
    m["kv.same_ttft_s"] = statistics.fmean(w for _, w in pairs)
    m["kv.saved_s"] = m["kv.switch_ttft_s"] - m["kv.same_ttft_s"]
    count = _counter(assistant.chat_model)
    m["kv.system_tokens"] = statistics.fmean(count(render(f"system_{lang}.j2")) for lang in ("nl", "en"))
    if m["kv.system_tokens"]:
        m["prompt.ms_per_token"] = max(0.0, m["kv.saved_s"]) * 1000 / m["kv.system_tokens"]


def _summarise(out: Measurements, ours: Sequence[Any], base: Sequence[tuple[EvalCase, Any]], embedder: Any) -> None:
    """Latency percentiles over all runs, eval metrics over the first run, and the ratios ours/baseline."""
    from assistant.embeddings import cosine
    from assistant.evals.metrics import CaseResult, answer_language_ok, fact_hits, summarise_answers
    from assistant.schema import Answer

    m = out.metrics
    for name in ("ours", "baseline"):
        rows = out.samples.get(name, [])
        ttft = [r["first_token_s"] for r in rows if r["first_token_s"] is not None]
        total = [r["total_s"] for r in rows if r["total_s"]]
        tokens = [float(r["prompt_tokens"]) for r in rows if r["prompt_tokens"]]
        rates = [r["generated_tokens"] / r["generation_s"] for r in rows if r["generation_s"] > 0]
        m[f"{name}.answers"] = len(rows)
        m[f"{name}.ttft_p50_s"], m[f"{name}.ttft_p95_s"] = percentile(ttft, 50), percentile(ttft, 95)
        m[f"{name}.total_p50_s"], m[f"{name}.total_p95_s"] = percentile(total, 50), percentile(total, 95)
        m[f"{name}.prompt_tokens_p50"] = percentile(tokens, 50)
        m[f"{name}.gen_tok_s_p50"] = percentile(rates, 50)
    for key in ("ttft_p50", "ttft_p95", "total_p50", "total_p95"):
        m[f"ratio.{key}"] = ratio(m.get(f"ours.{key}_s"), m.get(f"baseline.{key}_s"))
    m["ratio.prompt_tokens_p50"] = ratio(m.get("ours.prompt_tokens_p50"), m.get("baseline.prompt_tokens_p50"))

    summary = summarise_answers(ours)
    m["quality.ours.hit@4"] = _mean([1.0 if r.gold_rank and r.gold_rank <= 4 else 0.0 for r in ours])
    for name in (
        "fact_coverage",
        "language_accuracy",
        "similarity",
        "citation_validity",
        "citation_precision",
        "false_refusal_rate",
    ):
        m[f"quality.ours.{name}"] = summary.get(f"answers.{name}")

    scored = []
    for case, answer in base:
        as_answer = Answer(
            question=case.question,
            language=case.language,  # type: ignore[arg-type]
            answer=answer.answer,
            refused=False,
            citations=(),
            standalone_question=case.question,
        )
        similarity = None
        if case.reference_answer:
            similarity = 0.0
            if answer.answer.strip():
                ref, got = embedder.embed_documents([case.reference_answer, answer.answer])
                similarity = cosine(ref, got)
        scored.append(
            CaseResult(
                case.id,
                case.language,
                case.type,
                gold_rank=_gold_rank(case, [d.page_content for d in answer.docs]),
                language_ok=answer_language_ok(case, as_answer),
                facts_covered=fact_hits(case, answer.answer),
                facts_total=len(case.key_facts),
                similarity=similarity,
                answer=answer.answer,
            )
        )
    base_summary = summarise_answers(scored)
    m["quality.baseline.hit@4"] = _mean([1.0 if r.gold_rank and r.gold_rank <= 4 else 0.0 for r in scored])
    for name in ("fact_coverage", "language_accuracy", "similarity"):
        m[f"quality.baseline.{name}"] = base_summary.get(f"answers.{name}")
    for name in ("citation_validity", "citation_precision", "false_refusal_rate"):
        m[f"quality.baseline.{name}"] = None  # the baseline cites nothing and never refuses
    out.samples["answers"] = [
        {"case": r.case_id, "pipeline": "ours", "answer": r.answer, "failures": list(r.failures)} for r in ours
    ] + [{"case": r.case_id, "pipeline": "baseline", "answer": r.answer} for r in scored]


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


# --- the command ----------------------------------------------------------------------------------------------
def run_bench(
    settings: Settings,
    *,
    runs: int = 1,
    questions: int = 8,
    reports_dir: Path | None = None,
    spawn: bool = True,
    embedder: Any = None,
    chat_model: Any = None,
) -> int:
    """`assistant bench`: measure, print the tables, write the JSON; exit code 0 met, 1 missed, 3 unavailable."""
    from rich.console import Console

    from assistant.corpus import CorpusError
    from assistant.index import IndexError_
    from assistant.llm import ModelUnavailable
    from assistant.models import ProvisioningError

    err = Console(stderr=True)
    started = time.perf_counter()

    def say(message: str) -> None:
        err.print(f"[dim]{time.perf_counter() - started:6.1f} s[/dim]  {message}")

    if runs < 1 or questions < 1:
        err.print("[red]--runs and --questions must be at least 1[/red]")
        return 2
    try:
        found = measure(
            settings, runs=runs, questions=questions, spawn=spawn, embedder=embedder, chat_model=chat_model, say=say
        )
    except (ProvisioningError, IndexError_, ModelUnavailable, CorpusError) as exc:
        err.print(f"[red]error: {exc}[/red]")
        return 3
    found.info["notes"] = found.notes
    payload = build_payload(
        found.metrics, info=found.info, cases=found.cases, samples=found.samples, seconds=time.perf_counter() - started
    )
    path = write_reports(payload, reports_dir or REPO_ROOT / "evals" / "reports")
    out = Console()
    if not out.is_terminal:
        out = Console(width=160)  # a report piped to a file stays readable
    print_tables(out, payload)
    for note in found.notes:
        err.print(f"[yellow]note: {note}[/yellow]")
    out.print(f"report: {path}")
    return 0 if payload["passed"] else 1


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m assistant.bench --update-doc [report.json]`: copy a report's tables into docs/BENCH.md."""
    import argparse
    import json

    from assistant.bench_report import update_doc

    parser = argparse.ArgumentParser(prog="python -m assistant.bench")
    parser.add_argument(
        "--update-doc",
        nargs="?",
        const=str(REPO_ROOT / "evals" / "reports" / "latest-bench.json"),
        metavar="REPORT",
        help="write the report's tables into docs/BENCH.md",
    )
    args = parser.parse_args(argv)
    if not args.update_doc:
        parser.print_help()
        return 2
    update_doc(json.loads(Path(args.update_doc).read_text(encoding="utf-8")), REPO_ROOT / "docs" / "BENCH.md")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
