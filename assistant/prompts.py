"""Prompt templates live in prompts/ as files and are rendered with strict variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.config import REPO_ROOT

PROMPTS_DIR = REPO_ROOT / "prompts"


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
    )


def render(name: str, **variables: Any) -> str:
    """Render prompts/<name>; a missing variable raises jinja2.UndefinedError."""
    return _environment().get_template(name).render(**variables).strip()


@lru_cache(maxsize=1)
def _messages() -> dict[str, dict[str, str]]:
    return yaml.safe_load((PROMPTS_DIR / "messages.yaml").read_text(encoding="utf-8"))


def message(key: str, language: str, **variables: Any) -> str:
    """A fixed sentence from prompts/messages.yaml in the given language."""
    return _messages()[key][language].format(**variables)


def prompt_path(name: str) -> Path:
    return PROMPTS_DIR / name
