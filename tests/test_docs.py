"""The README documents every setting and the two commands a newcomer needs."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_has_its_env_var_in_the_readme() -> None:
    missing = [f"ASSISTANT_{name.upper()}" for name in Settings.model_fields if f"ASSISTANT_{name.upper()}" not in README]
    assert not missing, f"undocumented settings: {missing}"


def test_quick_start_is_the_two_commands() -> None:
    assert "make run" in README and "make test" in README
    assert "docs/screenshot.png" in README
