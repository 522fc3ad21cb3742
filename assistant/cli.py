"""Command line: models | ingest | search | ask | ui | eval | bench | feedback.

Heavy libraries are imported inside the commands so that `assistant --help` is instant.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Cited answers about the TNO report "
                  "'Veerkracht in een veranderende arbeidsmarkt — Toekomstscenario's', offline.")
models_app = typer.Typer(no_args_is_help=True, help="Fetch, verify or locate the offline models.")
app.add_typer(models_app, name="models")

EXIT_USAGE = 2  # bad input from the user
EXIT_UNAVAILABLE = 3  # a model, index or server is missing or down


def _settings():
    from assistant.config import Settings

    return Settings()


def _fail(message: str, code: int = EXIT_UNAVAILABLE) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _user_errors():
    from assistant.corpus import CorpusError
    from assistant.index import IndexError_
    from assistant.llm import ModelUnavailable
    from assistant.models import ProvisioningError

    return (ProvisioningError, IndexError_, ModelUnavailable, CorpusError)


def _assistant():
    from assistant.service import Assistant

    return Assistant(_settings())


@models_app.command("fetch")
def models_fetch() -> None:
    """Download, join and verify the default models (no-op when already verified)."""
    from assistant.models import ProvisioningError, ensure_models

    settings = _settings()
    try:
        ensure_models(settings, progress=lambda m: typer.echo(m, err=True))
    except ProvisioningError as exc:
        _fail(str(exc))
    typer.echo(f"models ready in {settings.models_dir}")


@models_app.command("verify")
def models_verify() -> None:
    """Recompute the checksums of the installed default models."""
    from assistant.models import CHAT_MODEL, EMBEDDER, verify

    settings = _settings()
    bad = [spec.name for spec in (EMBEDDER, CHAT_MODEL) if not verify(spec, settings.models_dir)]
    if bad:
        _fail(f"not installed or checksum mismatch: {', '.join(bad)} (run 'assistant models fetch')")
    typer.echo("all models verified")


@models_app.command("where")
def models_where() -> None:
    """Print where the models are (or would be) loaded from."""
    from assistant.models import embedder_path, llm_path

    settings = _settings()
    typer.echo(f"embedder:   {embedder_path(settings)}")
    typer.echo(f"chat model: {llm_path(settings) if settings.llm_backend == 'llamacpp' else settings.llm_backend}")
    typer.echo(f"index:      {settings.chroma_url or settings.resolved_index_dir}")


@app.command()
def ingest(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Build or update the vector index from corpus/ (unchanged content costs nothing)."""
    started = time.perf_counter()
    try:
        assistant = _assistant()
        report = assistant.ingest(progress=(lambda done, total: typer.echo(f"embedded {done}/{total}", err=True))
                                  if verbose else None)
    except _user_errors() as exc:
        _fail(str(exc))
    typer.echo(f"index {report.collection}: {report.chunks} chunks, {report.embedded} embedded, "
               f"{report.copied} reused" + ("" if report.rebuilt else " (up to date)"))
    if verbose:
        typer.echo(f"ingest time: {time.perf_counter() - started:.2f} s", err=True)


@app.command()
def search(
    query: str,
    k: Annotated[int, typer.Option("--k", help="Number of passages.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Hybrid search over the report."""
    from assistant.service import InputError

    started = time.perf_counter()
    try:
        result = _assistant().search(_text(query), k)
    except InputError as exc:
        _fail(str(exc), EXIT_USAGE)
    except _user_errors() as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps({"query": result.query, "hits": [
            {"chunk_id": h.chunk.id, "section": h.chunk.heading, "scenario": h.chunk.scenario, "text": h.chunk.text,
             "score": round(h.score, 6)} for h in result.hits]}, ensure_ascii=False))
    else:
        for i, hit in enumerate(result.hits, 1):
            typer.secho(f"{i}. {hit.chunk.heading}  [{hit.chunk.scenario or '-'}]  score {hit.score:.4f}", bold=True)
            typer.echo(f"   {hit.chunk.text[:300]}")
    if verbose:
        typer.echo(f"route: scenarios={','.join(result.route.scenarios) or '-'} comparison={result.route.comparison}",
                   err=True)
        typer.echo(f"query time: {time.perf_counter() - started:.2f} s (incl. loading)", err=True)


def _print_answer(answer, verbose: bool) -> None:
    if answer.notice:
        typer.secho(answer.notice, fg=typer.colors.YELLOW)
    typer.echo(answer.answer)
    if answer.citations:
        typer.echo("")
        typer.secho("Bronnen / Sources:", bold=True)
        for c in answer.citations:
            typer.echo(f"[{c.n}] {c.chunk.heading}" + (f" (scenario {c.chunk.scenario})" if c.chunk.scenario else ""))
            typer.echo(f"    “{c.quote}”")
    if verbose:
        t = answer.timings
        typer.echo("", err=True)
        typer.echo(f"standalone question: {answer.standalone_question}", err=True)
        typer.echo(f"retrieval {t.retrieval_s:.2f} s, first token {t.first_token_s or 0:.2f} s, total {t.total_s:.2f} s, "
                   f"prompt tokens {answer.prompt_tokens}", err=True)
        for s in answer.dropped:
            typer.echo(f"dropped (unsupported): {s}", err=True)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, or '-' to read one question per line from stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per answer.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    scenario: Annotated[list[str] | None, typer.Option("--scenario", "-s", help="Limit to scenario(s) A-D.")] = None,
) -> None:
    """Answer a question with numbered, verified citations."""
    from assistant.service import InputError

    started = time.perf_counter()
    try:
        assistant = _assistant()
        if question == "-":
            assistant.warm_up()
    except _user_errors() as exc:
        _fail(str(exc))
    if verbose:
        typer.echo(f"load time: {time.perf_counter() - started:.2f} s", err=True)
    scenarios = [s.upper() for s in scenario] if scenario else None

    def one(q: str) -> dict[str, object]:
        answer = assistant.ask(q, scenarios=scenarios)
        if not as_json:
            _print_answer(answer, verbose)
        return answer.to_json()

    if question != "-":
        question = _text(question)
        try:
            data = one(question)
        except InputError as exc:
            _fail_json(question, str(exc), EXIT_USAGE, as_json)
        except _user_errors() as exc:
            _fail_json(question, str(exc), EXIT_UNAVAILABLE, as_json)
        if as_json:
            typer.echo(json.dumps(data, ensure_ascii=False))
        return
    # Batch: every non-empty input line yields exactly one JSON object, in order, with its line number; a failing
    # line gets an "error" (and its exit "code") and the batch goes on.
    answered, codes = 0, []
    stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
    for number, raw in enumerate(stdin, 1):
        line = _text(raw).rstrip("\r\n")
        if not line:
            continue
        try:
            data = {"line": number, **one(line)}
            answered += 1
        except InputError as exc:
            codes.append(EXIT_USAGE)
            data = {"line": number, "question": line, "error": str(exc), "code": EXIT_USAGE}
        except _user_errors() as exc:
            codes.append(EXIT_UNAVAILABLE)
            data = {"line": number, "question": line, "error": str(exc), "code": EXIT_UNAVAILABLE}
        except Exception as exc:  # one broken line must not lose the rest of the batch
            codes.append(1)
            data = {"line": number, "question": line, "error": f"unexpected error ({type(exc).__name__}: {exc})",
                    "code": 1}
        if as_json:
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif "error" in data:
            typer.secho(f"error (line {number}): {data['error']}", fg=typer.colors.RED, err=True)
    if codes and not answered and set(codes) == {EXIT_UNAVAILABLE}:
        raise typer.Exit(EXIT_UNAVAILABLE)  # nothing could be answered: the model or index is down
    if codes:
        raise typer.Exit(1)


def _text(value: str | bytes) -> str:
    """Valid Unicode from stdin bytes or argv (invalid UTF-8 arrives as lone surrogates): bad bytes become U+FFFD."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def _fail_json(question: str, message: str, code: int, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"question": question, "error": message, "code": code}, ensure_ascii=False))
    _fail(message, code)


@app.command()
def ui(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860).")] = None,
) -> None:
    """Serve the chat UI in the browser."""
    from assistant.ui import serve

    settings = _settings()
    if host:
        settings.ui_host = host
    if port:
        settings.ui_port = port
    try:
        serve(settings)
    except _user_errors() as exc:
        _fail(str(exc))


@app.command("eval")
def eval_command(
    suite: Annotated[str, typer.Option(help="retrieval | answers | all")] = "all",
    backend: Annotated[str | None, typer.Option(help="Chat backend: llamacpp | openai | fake.")] = None,
    cases: Annotated[Path | None, typer.Option(help="Cases file (YAML).")] = None,
    limit: Annotated[int | None, typer.Option(help="Only N cases, spread over the set (quick runs).")] = None,
    update_baseline: Annotated[bool, typer.Option(help="Write these figures as the new baseline.")] = False,
) -> None:
    """Run the eval set, write reports under evals/reports/, and gate on evals/baseline.json."""
    from assistant.evals.runner import run_cli

    settings = _settings()
    if backend:
        settings.llm_backend = backend  # type: ignore[assignment]
    code = run_cli(settings, suite=suite, cases_path=cases, limit=limit, update_baseline=update_baseline)
    raise typer.Exit(code)


@app.command()
def feedback(last: Annotated[int, typer.Option(help="How many recent comments to show.")] = 5) -> None:
    """Summarise the feedback given in the UI."""
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(_settings().resolved_feedback_path)
    summary = store.summary(last)
    typer.echo(f"{summary.total} answers rated: {summary.up} 👍, {summary.down} 👎 ({summary.skipped} unreadable lines)")
    for record in summary.latest:
        typer.echo(f"- [{record.get('verdict')}] {record.get('question')!r}: {record.get('comment') or ''}")


@app.command()
def bench(
    runs: Annotated[int, typer.Option(help="Repetitions per question.")] = 1,
    questions: Annotated[int, typer.Option(help="How many eval questions.")] = 8,
) -> None:
    """Measure start-up, ingest, retrieval and answer latency, beside a naive LangChain baseline."""
    from assistant.bench import run_bench

    raise typer.Exit(run_bench(_settings(), runs=runs, questions=questions))


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
