"""Shared fixtures: fakes for the fast suite, the real models (once per session) for the slow one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embeddings import FakeEmbedder
from assistant.llm import FakeChatModel
from assistant.service import Assistant

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path / "cache", embedder="fake", llm_backend="fake")


@pytest.fixture(scope="session")
def shared_fake_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """One fake-model assistant over a real embedded Chroma in a temp folder, ingested once."""
    cache = tmp_path_factory.mktemp("fake-cache")
    settings = Settings(cache_dir=cache, embedder="fake", llm_backend="fake", min_relevance=0.0,
                        weak_relevance=0.0)
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=FakeChatModel())
    assistant.ingest()
    return assistant


def real_settings() -> Settings:
    settings = Settings()
    return settings


@pytest.fixture(scope="session")
def real_assistant() -> Iterator[Assistant]:
    """The default offline models and the real index (built by `make test` before pytest runs)."""
    from assistant.models import CHAT_MODEL, EMBEDDER, is_ready

    settings = real_settings()
    if not (is_ready(EMBEDDER, settings.models_dir) and is_ready(CHAT_MODEL, settings.models_dir)):
        pytest.skip("real models not installed: run 'make models'")
    assistant = Assistant(settings)
    assistant.ingest()
    yield assistant
