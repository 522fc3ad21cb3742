"""The pure side of `assistant bench`: percentiles, targets and PASS/FAIL, the JSON payload, tables, Markdown.

Metrics are one flat dict with dotted keys (like the eval summary), e.g. ``ours.ttft_p50_s``,
``baseline.ttft_p50_s``, ``ratio.ttft_p50`` (ours/baseline), ``quality.ours.fact_coverage``.
A value of None means "not measured" (or not applicable, for the baseline's citation metrics).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Metrics = dict[str, float | None]
SCHEMA_VERSION = 1
DOC_START, DOC_END = "<!-- bench:start -->", "<!-- bench:end -->"


def percentile(values: Sequence[float], q: int) -> float | None:
    """The q-th percentile (1-99) with linear interpolation between closest ranks; None without values."""
    data = sorted(float(v) for v in values if v is not None)
    if not data:
        return None
    if len(data) == 1:
        return data[0]
    return statistics.quantiles(data, n=100, method="inclusive")[q - 1]


def ratio(ours: float | None, baseline: float | None) -> float | None:
    """ours / baseline, or None when either is missing or the baseline is zero."""
    if ours is None or not baseline:
        return None
    return ours / baseline


# --- targets ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    key: str
    label: str
    limit: float
    unit: str
    at_most: bool = True  # the value must be <= limit (else >= limit)

    def text(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {_number(self.limit, self.unit)}"


TARGETS: tuple[Target, ...] = (
    Target("ours.ttft_p50_s", "time to first token p50", 6.0, "s"),
    Target("ours.total_p50_s", "total answer time p50", 15.0, "s"),
    Target("retrieval.p50_ms", "retrieval p50", 150.0, "ms"),
    Target("ingest.noop_s", "no-op re-ingest", 2.0, "s"),
    Target("ingest.full_s", "full ingest", 60.0, "s"),
    Target("startup.help_s", "assistant --help", 0.5, "s"),
    Target("startup.ui_ready_s", "cold start to ready UI", 20.0, "s"),
    Target("memory.peak_rss_mb", "peak RSS (largest process)", 4096.0, "MB"),
    Target("ratio.ttft_p50", "TTFT p50 ours/baseline (≥ 2× faster)", 0.5, "×"),
)
# Eval metrics on which ours must beat the baseline (the citation metrics do not apply to the baseline).
QUALITY: tuple[tuple[str, str, bool], ...] = (
    ("hit@4", "retrieval hit@4 (gold quote in top 4)", True),
    ("fact_coverage", "fact coverage", True),
    ("language_accuracy", "language accuracy", True),
    ("similarity", "similarity to reference answer", True),
    ("citation_validity", "citation validity", False),
    ("citation_precision", "citation precision", False),
    ("false_refusal_rate", "false refusal rate (lower is better)", False),
)


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    value: float | None
    limit: str
    passed: bool

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"


def check_targets(metrics: Metrics, targets: Sequence[Target] = TARGETS) -> list[Check]:
    """One check per target; a missing measurement fails."""
    checks = []
    for t in targets:
        value = metrics.get(t.key)
        ok = value is not None and (value <= t.limit if t.at_most else value >= t.limit)
        checks.append(Check(t.key, t.label, value, t.text(), ok))
    return checks


def beats(ours: float | None, baseline: float | None) -> bool:
    """Ours is better (higher) than the baseline; both at the ceiling 1.0 counts as not worse."""
    if ours is None or baseline is None:
        return False
    return ours > baseline + 1e-9 or (ours >= 1.0 - 1e-9 and baseline >= 1.0 - 1e-9)


def check_quality(metrics: Metrics) -> list[Check]:
    """Ours must beat the baseline on every eval metric that applies to both."""
    checks = []
    for name, label, applies in QUALITY:
        if not applies:
            continue
        ours, base = metrics.get(f"quality.ours.{name}"), metrics.get(f"quality.baseline.{name}")
        limit = "> baseline" if base is None else f"> {base:.3f}"
        checks.append(Check(f"quality.ours.{name}", f"{label}: ours beats baseline", ours, limit, beats(ours, base)))
    return checks


# --- what each optimisation bought ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Optimisation:
    name: str
    measured: str
    verdict: str


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def _less(m: Metrics, a: str, b: str) -> bool | None:
    """m[a] < m[b], or None when either is missing."""
    x, y = m.get(a), m.get(b)
    return None if x is None or y is None else x < y


def _diff(m: Metrics, a: str, b: str) -> float | None:
    x, y = m.get(a), m.get(b)
    return None if x is None or y is None else x - y


def _sum(m: Metrics, a: str, b: str) -> float | None:
    x, y = m.get(a), m.get(b)
    return None if x is None or y is None else x + y


def _prompt_saving(m: Metrics) -> float | None:
    """Seconds of prompt evaluation the smaller prompt saves: token difference × measured cost per token."""
    fewer, cost = _diff(m, "baseline.prompt_tokens_p50", "ours.prompt_tokens_p50"), m.get("prompt.ms_per_token")
    return None if fewer is None or cost is None else fewer * cost / 1000


def _verdict(pays: bool | None) -> str:
    return "not measured" if pays is None else ("keep: pays" if pays else "does not pay here")


def optimisations(m: Metrics, context_k: int | None = None) -> list[Optimisation]:
    """The optimisations the hardware calls for, each with what the run measured and whether it pays."""
    saved_kv = m.get("kv.saved_s")
    load = _sum(m, "load.embedder_s", "load.chat_model_s")
    return [
        Optimisation(
            f"compact context (chunks ≤ 700 chars, {context_k or '?'} passages, one per scenario in comparisons)",
            f"prompt tokens p50 {_fmt(m.get('ours.prompt_tokens_p50'), '.0f')} vs baseline "
            f"{_fmt(m.get('baseline.prompt_tokens_p50'), '.0f')} (×{_fmt(m.get('ratio.prompt_tokens_p50'), '.2f')}); "
            f"at {_fmt(m.get('prompt.ms_per_token'), '.0f')} ms per prompt token that is "
            f"{_fmt(_prompt_saving(m), '.1f')} s less prompt evaluation per answer; measured TTFT p50 "
            f"{_fmt(_diff(m, 'ours.ttft_p50_s', 'baseline.ttft_p50_s'), '+.1f')} s vs baseline",
            _verdict(_less(m, "ours.prompt_tokens_p50", "baseline.prompt_tokens_p50")),
        ),
        Optimisation(
            "fixed system prompt per language (llama.cpp KV-cache prefix reuse)",
            f"TTFT of the same question: {_fmt(m.get('kv.same_ttft_s'), '.2f')} s after a question in the same "
            f"language vs {_fmt(m.get('kv.switch_ttft_s'), '.2f')} s after a language switch "
            f"(saves {_fmt(saved_kv, '.2f')} s; system prompt {_fmt(m.get('kv.system_tokens'), '.0f')} tokens)",
            _verdict(None if saved_kv is None else saved_kv > 0),
        ),
        Optimisation(
            "streaming from the first token",
            f"first words after {_fmt(m.get('ours.ttft_p50_s'), '.1f')} s instead of the whole answer after "
            f"{_fmt(m.get('ours.total_p50_s'), '.1f')} s (p50)",
            _verdict(_less(m, "ours.ttft_p50_s", "ours.total_p50_s")),
        ),
        Optimisation(
            "models loaded once, shared by all UI sessions",
            f"embedder {_fmt(m.get('load.embedder_s'), '.1f')} s + chat model "
            f"{_fmt(m.get('load.chat_model_s'), '.1f')} s, once per process (ui.serve builds one Assistant); "
            f"loading per session would add {_fmt(load, '.1f')} s to every session's first answer",
            _verdict(None if load is None else load > 0),
        ),
        Optimisation(
            "embeddings kept by content hash (no-op re-ingest)",
            f"re-ingest of unchanged content {_fmt(m.get('ingest.noop_s'), '.2f')} s with "
            f"{_fmt(m.get('ingest.noop_embedded'), '.0f')} chunks embedded, vs full ingest "
            f"{_fmt(m.get('ingest.full_s'), '.1f')} s",
            _verdict(_less(m, "ingest.noop_s", "ingest.full_s")),
        ),
        Optimisation(
            "lazy heavy imports",
            f"`assistant --help` {_fmt(m.get('startup.help_s'), '.2f')} s; importing gradio, chromadb, "
            f"sentence-transformers and llama-cpp up front takes {_fmt(m.get('startup.eager_imports_s'), '.1f')} s",
            _verdict(_less(m, "startup.help_s", "startup.eager_imports_s")),
        ),
    ]


# --- payload and files ----------------------------------------------------------------------------------------
def build_payload(
    metrics: Metrics,
    *,
    info: dict[str, Any],
    cases: Sequence[str],
    samples: dict[str, list[dict[str, Any]]],
    seconds: float,
    stamp: str | None = None,
) -> dict[str, Any]:
    """The JSON document of one bench run."""
    targets = check_targets(metrics)
    quality = check_quality(metrics)
    return {
        "schema": SCHEMA_VERSION,
        "stamp": stamp or datetime.now(UTC).strftime("%Y%m%dT%H%M%S"),
        "seconds": round(seconds, 1),
        "info": info,
        "cases": list(cases),
        "metrics": {k: (None if v is None else round(float(v), 4)) for k, v in metrics.items()},
        "targets": [asdict(c) | {"verdict": c.verdict} for c in targets],
        "quality": [asdict(c) | {"verdict": c.verdict} for c in quality],
        "optimisations": [asdict(o) for o in optimisations(metrics, info.get("context_k"))],
        "passed": all(c.passed for c in (*targets, *quality)),
        "samples": samples,
    }


def write_reports(payload: dict[str, Any], directory: Path) -> Path:
    """bench-<stamp>.json, latest-bench.json and latest-bench.md under the reports folder."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    path = directory / f"bench-{payload['stamp']}.json"
    path.write_text(text, encoding="utf-8")
    (directory / "latest-bench.json").write_text(text, encoding="utf-8")
    (directory / "latest-bench.md").write_text(markdown(payload), encoding="utf-8")
    return path


# --- tables ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    label: str
    ours: str
    baseline: str | None = None
    ratio: str | None = None
    unit: str = "s"


ROWS: tuple[Row, ...] = (
    Row("`assistant --help` (median of 3)", "startup.help_s"),
    Row("cold start → UI ready (HTTP 200)", "startup.ui_ready_s"),
    Row("full ingest (fresh index)", "ingest.full_s", "baseline.ingest_s"),
    Row("no-op re-ingest", "ingest.noop_s"),
    Row("no-op `assistant ingest` (new process, incl. start-up)", "ingest.noop_cli_s"),
    Row("retrieval p50 (warm)", "retrieval.p50_ms", "baseline.retrieval_p50_ms", unit="ms"),
    Row("retrieval p95 (warm)", "retrieval.p95_ms", "baseline.retrieval_p95_ms", unit="ms"),
    Row("prompt tokens p50", "ours.prompt_tokens_p50", "baseline.prompt_tokens_p50", "ratio.prompt_tokens_p50", "tok"),
    Row("time to first token p50", "ours.ttft_p50_s", "baseline.ttft_p50_s", "ratio.ttft_p50"),
    Row("time to first token p95", "ours.ttft_p95_s", "baseline.ttft_p95_s", "ratio.ttft_p95"),
    Row("total answer time p50", "ours.total_p50_s", "baseline.total_p50_s", "ratio.total_p50"),
    Row("total answer time p95", "ours.total_p95_s", "baseline.total_p95_s", "ratio.total_p95"),
    Row("generated tokens/s p50", "ours.gen_tok_s_p50", "baseline.gen_tok_s_p50", unit="tok/s"),
    Row("peak RSS, bench process (both pipelines)", "memory.peak_rss_self_mb", unit="MB"),
    Row("peak RSS, UI process (children)", "memory.peak_rss_children_mb", unit="MB"),
    Row("peak RSS, largest process", "memory.peak_rss_mb", unit="MB"),
    Row("TTFT p50 ours/baseline (≥ 2× faster)", "ratio.ttft_p50", unit="×"),
)


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    match unit:
        case "ms" | "MB" | "tok":
            return f"{value:.0f} {unit}"
        case "×":
            return f"{value:.2f}"
        case "tok/s":
            return f"{value:.1f} {unit}"
        case "":
            return f"{value:.3f}"
    return f"{value:.2f} {unit}"


def latency_rows(payload: dict[str, Any]) -> list[list[str]]:
    """Rows: measurement, ours, baseline, ours/baseline, target, PASS/FAIL."""
    m = payload["metrics"]
    checks = {c["key"]: c for c in payload["targets"]}
    rows = []
    for row in ROWS:
        check = checks.get(row.ours)
        rows.append(
            [
                row.label,
                _number(m.get(row.ours), row.unit),
                _number(m.get(row.baseline), row.unit) if row.baseline else "",
                _number(m.get(row.ratio), "×") if row.ratio else "",
                check["limit"] if check else "",
                check["verdict"] if check else "",
            ]
        )
    return rows


def quality_rows(payload: dict[str, Any]) -> list[list[str]]:
    """Rows: eval metric, ours, baseline, PASS/FAIL (ours beats baseline) or why not applicable."""
    m = payload["metrics"]
    checks = {c["key"]: c for c in payload["quality"]}
    rows = []
    for name, label, applies in QUALITY:
        ours = m.get(f"quality.ours.{name}")
        if applies:
            base = _number(m.get(f"quality.baseline.{name}"), "")
            verdict = checks[f"quality.ours.{name}"]["verdict"]
        else:
            base, verdict = (
                "N/A",
                "N/A: baseline cites nothing" if name.startswith("citation") else "N/A: never refuses",
            )
        rows.append([label, _number(ours, ""), base, verdict])
    return rows


LATENCY_HEADER = ["measurement", "ours", "naive baseline", "ours/baseline", "target", "result"]
QUALITY_HEADER = ["eval metric (same questions)", "ours", "naive baseline", "result"]


def _title(payload: dict[str, Any]) -> str:
    info = payload["info"]
    return (
        f"assistant bench: {len(payload['cases'])} questions × {info.get('runs', 1)} run(s), "
        f"{info.get('cpus', '?')} CPUs, load average {info.get('load_start', '?')} → {info.get('load_end', '?')}, "
        f"{payload['seconds']:.0f} s"
    )


def busy_warning(payload: dict[str, Any]) -> str | None:
    """A warning when the machine was busy (1-minute load average above half the CPUs at the start or end)."""
    info = payload["info"]
    cpus = info.get("cpus") or 1
    loads = []
    for key in ("load_start", "load_end"):
        try:
            loads.append(float(str(info.get(key, "")).split("/")[0]))
        except ValueError:
            continue
    if loads and max(loads) > cpus / 2:
        return (
            f"the machine was busy (1-minute load average up to {max(loads):.1f} on {cpus} CPUs): "
            "these timings are noisy; rerun on a quiet machine"
        )
    return None


def print_tables(console: Any, payload: dict[str, Any]) -> None:
    """The three tables on a rich console."""
    from rich.table import Table

    def table(title: str, header: list[str], rows: list[list[str]]) -> Table:
        t = Table(title=title, title_justify="left")
        for column in header:
            t.add_column(column, overflow="fold")
        for row in rows:
            colour = {"PASS": "green", "FAIL": "red"}.get(row[-1])
            t.add_row(*row[:-1], f"[{colour}]{row[-1]}[/{colour}]" if colour else row[-1])
        return t

    console.print(table(_title(payload), LATENCY_HEADER, latency_rows(payload)))
    console.print(table("eval metrics: ours vs naive baseline", QUALITY_HEADER, quality_rows(payload)))
    opt = [[o["name"], o["measured"], o["verdict"]] for o in payload["optimisations"]]
    console.print(table("optimisations", ["optimisation", "measured", "verdict"], opt))
    warning = busy_warning(payload)
    if warning:
        console.print(f"[yellow]warning: {warning}[/yellow]")
    failed = [c["label"] for c in (*payload["targets"], *payload["quality"]) if not c["passed"]]
    console.print("[green]all targets met[/green]" if not failed else f"[red]targets missed: {', '.join(failed)}[/red]")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + [
        "| " + " | ".join(cell(c) for c in row) + " |" for row in rows
    ]


def markdown(payload: dict[str, Any]) -> str:
    """The same tables as Markdown (for docs/BENCH.md)."""
    info = payload["info"]
    lines = [
        f"Run {payload['stamp']} (UTC): {_title(payload)}.",
        "",
        f"Models: embedder `{info.get('embedder', '?')}`, chat model `{info.get('chat_model', '?')}`; "
        f"questions: {', '.join(payload['cases'])}.",
        "",
    ]
    warning = busy_warning(payload)
    if warning:
        lines += [f"**Warning: {warning}.**", ""]
    notes = info.get("notes") or []
    if notes:
        lines += [f"Notes: {'; '.join(notes)}", ""]
    lines += [*_md_table(LATENCY_HEADER, latency_rows(payload)), ""]
    lines += [*_md_table(QUALITY_HEADER, quality_rows(payload)), ""]
    lines += _md_table(
        ["optimisation", "measured", "verdict"],
        [[o["name"], o["measured"], o["verdict"]] for o in payload["optimisations"]],
    )
    return "\n".join(lines) + "\n"


def update_doc(payload: dict[str, Any], doc: Path) -> None:
    """Replace the part of the doc between the bench markers with this run's tables."""
    text = doc.read_text(encoding="utf-8")
    start, end = text.find(DOC_START), text.find(DOC_END)
    if start < 0 or end < start:
        raise ValueError(f"{doc} has no {DOC_START} … {DOC_END} section")
    doc.write_text(text[: start + len(DOC_START)] + "\n" + markdown(payload) + text[end:], encoding="utf-8")
