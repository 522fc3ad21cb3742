"""Concurrency with the fake model: 20 chat sessions at once through one Assistant, threaded feedback writers.

Each session carries its own history; an answer or standalone question that mentions another session's question
would be a crossed history. The real-model variant (3 sessions) is in tests/test_reliability_real.py.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
from helpers_servers import check, rss_mb

from assistant.config import Settings
from assistant.embeddings import FakeEmbedder
from assistant.feedback import FeedbackStore
from assistant.llm import FakeChatModel
from assistant.schema import Answer, Turn
from assistant.service import Assistant, Final, Token

SCENARIOS = ("A", "B", "C", "D")
TOPICS = ("zzp'ers", "inkomenszekerheid", "jongeren", "de vakbond", "werkloosheid")
SESSIONS = [(s, t) for s in SCENARIOS for t in TOPICS]  # 20 distinct sessions


def _turns(scenario: str, topic: str) -> list[str]:
    return [f"Wat betekent scenario {scenario} voor {topic}?",
            f"En wat zegt het rapport over {topic} in de toekomst?",
            "Welke beleidsvraag hoort daarbij?"]


def _run_session(assistant: Assistant, scenario: str, topic: str, barrier: threading.Barrier,
                 out: dict[tuple[str, str], list[tuple[Answer, int]]], errors: list[BaseException]) -> None:
    history: list[Turn] = []
    try:
        barrier.wait(30)
        for question in _turns(scenario, topic):
            tokens = 0
            answer = None
            for event in assistant.stream(question, tuple(history)):
                if isinstance(event, Token):
                    tokens += 1
                elif isinstance(event, Final):
                    answer = event.answer
            assert answer is not None
            out.setdefault((scenario, topic), []).append((answer, tokens))
            history.append(Turn(question, answer.answer))
    except BaseException as exc:
        errors.append(exc)


def _round(assistant: Assistant) -> dict[tuple[str, str], list[tuple[Answer, int]]]:
    out: dict[tuple[str, str], list[tuple[Answer, int]]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(SESSIONS))
    threads = [threading.Thread(target=_run_session, args=(assistant, s, t, barrier, out, errors))
               for s, t in SESSIONS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert not errors, errors[:3]
    assert not any(t.is_alive() for t in threads)
    return out


def _crossed(out: dict[tuple[str, str], list[tuple[Answer, int]]]) -> list[str]:
    """Every way a session could have seen another's history, listed."""
    problems = []
    for (scenario, topic), turns in out.items():
        questions = _turns(scenario, topic)
        if [a.question for a, _ in turns] != questions:
            problems.append(f"{scenario}/{topic}: turns out of order or lost")
            continue
        for k in (1, 2):
            standalone = turns[k][0].standalone_question
            # The follow-up is read against this session's previous question, and no other session's.
            if questions[k - 1] not in standalone:
                problems.append(f"{scenario}/{topic} turn {k + 1}: standalone lacks its own history: {standalone!r}")
            others = [q for (s, t) in out if (s, t) != (scenario, topic) for q in _turns(s, t)[:2]
                      if q not in questions]
            if any(q in standalone for q in others):
                problems.append(f"{scenario}/{topic} turn {k + 1}: another session's question in {standalone!r}")
        first = turns[0][0]
        cited = {c.chunk.scenario for c in first.citations} - {None}
        if first.refused or (cited and cited != {scenario}):
            problems.append(f"{scenario}/{topic}: first answer cites scenarios {cited}")
    return problems


def _words(n: int) -> list[list[str]]:
    import random

    rng = random.Random(n)
    vocabulary = ["werkzekerheid", "arbeidsmarkt", "zelfstandigen", "inkomenszekerheid", "ontwikkelingen",
                  "technologische", "vakbonden", "werknemers", "flexibilisering", "scholingsmogelijkheden"]
    return [[rng.choice(vocabulary) for _ in range(40)] for _ in range(150)]


def test_stemming_is_thread_safe() -> None:
    # Snowball stemmers keep state: a shared one gave IndexError or silently wrong stems under concurrency
    # (found by this test; fixed by one stemmer per thread in assistant/text.py).
    from assistant.citations import content_tokens

    with check("concurrency-stemmer", "Concurrency", "8 threads stemming passages at once through "
               "citations.content_tokens (what align() does for simultaneous answers)") as row:
        batches = _words(1)
        expected = [content_tokens(" ".join(b)) for b in batches]
        barrier = threading.Barrier(8)
        failures: list[str] = []

        def work() -> None:
            barrier.wait(10)
            for words, want in zip(batches, expected, strict=True):
                try:
                    got = content_tokens(" ".join(words))
                except Exception as exc:
                    failures.append(type(exc).__name__)
                    continue
                if got != want:
                    failures.append("wrong stems")

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        row.times = 8 * len(batches)
        kinds = {k: failures.count(k) for k in sorted(set(failures))}
        row.happened = f"{len(failures)} of {row.times} stemmings failed or differed {kinds or ''}(a shared " \
                       "stemmer failed 147 of 2400 before text.py gave each thread its own)"
        row.lost = "nothing" if not failures else "citations of concurrent answers; BM25 query tokens"
        assert not failures


def test_twenty_simultaneous_sessions_get_their_own_answers(tmp_path: Path) -> None:
    with check("concurrency-20-fake", "Concurrency", "20 chat sessions at once (threads, one Assistant, fake model, "
               "embedded Chroma built on first use), 3 turns each with their own history; 2 rounds") as row:
        settings = Settings(cache_dir=tmp_path, embedder="fake", llm_backend="fake")
        embedder = FakeEmbedder()
        assistant = Assistant(settings, embedder=embedder, chat_model=FakeChatModel())
        index = assistant.index  # the store is opened, nothing is ingested yet
        builds: list[int] = []
        sync = index.sync
        index.sync = lambda chunks, progress=None: builds.append(1) or sync(chunks, progress)  # type: ignore[method-assign]
        gc.collect()
        before = rss_mb()
        first = _round(assistant)  # cold: all 20 arrive before the index exists
        gc.collect()
        after_first = rss_mb()
        assert len(builds) == 1, "the index must be built once, not once per session"
        second = _round(assistant)
        gc.collect()
        after_second = rss_mb()
        problems = _crossed(first) + _crossed(second)
        answers = sum(len(v) for v in first.values()) + sum(len(v) for v in second.values())
        row.times = answers
        row.happened = (f"{answers} answers, {len(problems)} crossed or out of order; index built once under the "
                        f"rush; RSS {before:.0f} → {after_first:.0f} MiB after round 1 (models, index), "
                        f"{after_second:.0f} MiB after round 2")
        row.lost = "nothing" if not problems else f"{len(problems)} answers"
        assert not problems, problems[:5]
        assert answers == 2 * 3 * len(SESSIONS)
        assert after_second - after_first < 40, "memory must not grow with the number of answers"


def test_threaded_feedback_writers_lose_nothing(tmp_path: Path) -> None:
    with check("concurrency-feedback-threads", "Concurrency", "16 threads × 50 feedback records into one JSONL "
               "file (one process, like the UI)") as row:
        store = FeedbackStore(tmp_path / "feedback.jsonl")
        barrier = threading.Barrier(16)
        errors: list[BaseException] = []

        def write(worker: int) -> None:
            try:
                barrier.wait(10)
                for i in range(50):
                    store.append(question=f"t{worker}-{i}", answer="é" * (3000 + i), citations=[{"n": i}],
                                 verdict="up" if i % 2 else "down", comment="ü" * (i % 5))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(w,)) for w in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        records, skipped = store.read()
        row.times = 16 * 50
        row.happened = f"{len(records)} records read back, {skipped} unreadable lines, {len(errors)} errors"
        expected = sorted(f"t{w}-{i}" for w in range(16) for i in range(50))
        row.lost = "nothing" if sorted(r["question"] for r in records) == expected else "records"
        assert not errors and skipped == 0
        assert sorted(r["question"] for r in records) == expected
        assert all(len(r["answer"]) == 3000 + int(r["question"].split("-")[1]) for r in records)


@pytest.mark.parametrize("limit", [2])
def test_ui_concurrency_is_a_setting(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # The UI (being rebuilt elsewhere) takes its per-process answer concurrency from this setting.
    monkeypatch.setenv("ASSISTANT_UI_CONCURRENCY", str(limit + 1))
    assert Settings().ui_concurrency == limit + 1
    assert Settings.model_fields["ui_concurrency"].default == limit
