"""The machine-readable contract of `assistant ask` and `assistant search` (other tools depend on it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "assistant"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    cache = tmp_path_factory.mktemp("cli-cache")
    return {**os.environ, "ASSISTANT_CACHE_DIR": str(cache), "ASSISTANT_EMBEDDER": "fake",
            "ASSISTANT_LLM_BACKEND": "fake", "ASSISTANT_MIN_RELEVANCE": "0"}


def _run(args: list[str], env: dict[str, str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(BIN), *args], input=stdin, env=env, capture_output=True, timeout=120, check=False)


def _check_answer_object(data: dict) -> None:
    assert isinstance(data["question"], str)
    assert data["language"] in ("nl", "en")
    assert isinstance(data["answer"], str) and isinstance(data["refused"], bool)
    for c in data["citations"]:
        assert isinstance(c["n"], int) and isinstance(c["section"], str) and isinstance(c["text"], str)
        assert c["scenario"] in ("A", "B", "C", "D", None) and c["chunk_id"]
        assert f"[{c['n']}]" in data["answer"]


def test_ask_json_prints_one_object(env: dict[str, str]) -> None:
    out = _run(["ask", "Wat betekent scenario D voor zzp'ers?", "--json"], env)
    assert out.returncode == 0, out.stderr.decode()
    lines = out.stdout.decode().strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    _check_answer_object(data)
    assert data["citations"] and not data["refused"]


def test_ask_stdin_batch_keeps_order_and_reports_bad_lines(env: dict[str, str]) -> None:
    stdin = b"Wat betekent scenario D voor zzp'ers?\n" + b"\xff\xfe\x00\n" + \
        b"What does scenario B mean for vulnerable workers?\n"
    out = _run(["ask", "-", "--json"], env, stdin)
    objects = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(objects) == 3
    assert objects[0]["question"].startswith("Wat betekent") and "error" not in objects[0]
    assert "error" in objects[1]
    assert objects[2]["language"] == "en"
    for obj in (objects[0], objects[2]):
        _check_answer_object(obj)
    assert out.returncode == 1  # some lines failed
    assert b"Traceback" not in out.stderr


def test_search_json_shape(env: dict[str, str]) -> None:
    out = _run(["search", "inkomenszekerheid scenario B", "--json", "--k", "3"], env)
    assert out.returncode == 0, out.stderr.decode()
    data = json.loads(out.stdout)
    assert data["query"] == "inkomenszekerheid scenario B" and len(data["hits"]) == 3
    for hit in data["hits"]:
        assert set(hit) >= {"chunk_id", "section", "scenario", "text", "score"}


def test_help_is_fast_and_lists_commands(env: dict[str, str]) -> None:
    out = _run(["--help"], env)
    for command in ("models", "ingest", "search", "ask", "ui", "eval", "bench", "feedback"):
        assert command in out.stdout.decode()
