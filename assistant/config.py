"""One Settings object, read once at the entry point (CLI, UI, eval runner)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


def default_cache_dir() -> Path:
    """Where models and the local index live: outside the repo, shared by clones."""
    return Path.home() / ".cache" / "scenario-assistant"


class Settings(BaseSettings):
    """All configuration; every field can be set with an ``ASSISTANT_<NAME>`` environment variable."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=None, extra="ignore")

    cache_dir: Path = Field(default_factory=default_cache_dir, description="Models and index cache.")
    corpus_path: Path = Field(
        default=REPO_ROOT / "corpus" / "report.json", description="The structured report (committed)."
    )

    # Embeddings
    embedder: Literal["sentence-transformers", "fake"] = Field(
        default="sentence-transformers", description="Embedding backend; 'fake' is for tests."
    )
    embedder_path: Path | None = Field(
        default=None, description="A local sentence-transformers folder; default: the fetched EmbeddingGemma."
    )
    embedder_dtype: Literal["auto", "float32", "bfloat16"] = Field(
        default="auto", description="Embedder weights: auto = bfloat16 on AVX-512 CPUs, float32 elsewhere."
    )

    # Vector store
    index_dir: Path | None = Field(default=None, description="Embedded Chroma folder; default: <cache>/index.")
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a Chroma server; unset = embedded store."
    )
    collection: str = Field(default="veerkracht", description="Chroma collection name prefix.")

    # Chat model
    llm_backend: Literal["llamacpp", "openai", "fake"] = Field(
        default="llamacpp", description="llamacpp (local GGUF), openai (any OpenAI-compatible server), fake."
    )
    llm_path: Path | None = Field(default=None, description="A local GGUF file; default: the fetched Qwen2.5 1.5B.")
    openai_base_url: str = Field(default="http://127.0.0.1:8000/v1", description="OpenAI-compatible endpoint.")
    openai_model: str = Field(default="local", description="Model name sent to the OpenAI-compatible server.")
    openai_api_key: str = Field(default="not-needed", description="API key for the OpenAI-compatible server.")
    n_ctx: int = Field(default=4096, description="llama.cpp context window (tokens).")
    n_threads: int = Field(default=2, description="llama.cpp CPU threads.")
    max_answer_tokens: int = Field(default=220, description="Maximum tokens generated per answer.")
    temperature: float = Field(default=0.0, description="Sampling temperature (0 = deterministic).")
    request_timeout: float = Field(default=120.0, description="Seconds a model request may go without progress (first token, then between tokens).")
    max_retries: int = Field(default=1, description="Retries for a failed model-server request.")

    # Retrieval and answering
    top_k: int = Field(default=6, description="Passages returned by search.")
    context_k: int = Field(default=2, description="Passages given to the chat model.")
    max_question_chars: int = Field(default=2000, description="Longer questions are refused with a message.")
    min_relevance: float = Field(
        default=0.30, description="Below this dense similarity of the best passage the question is refused."
    )
    weak_relevance: float = Field(
        default=0.40, description="Below this, a question is answered only if some of the model's own sentences verify."
    )

    # UI
    ui_host: str = Field(default="127.0.0.1", description="Interface the UI binds to.")
    ui_port: int = Field(default=7860, description="UI port.")
    ui_users: str | None = Field(default=None, description="'user:pass,user2:pass2' enables a login.")
    ui_concurrency: int = Field(default=2, description="Answers generated at once by one UI process.")
    feedback_path: Path | None = Field(default=None, description="Feedback JSONL; default: <cache>/feedback.jsonl.")

    @property
    def models_dir(self) -> Path:
        return self.cache_dir / "models"

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir or self.cache_dir / "index"

    @property
    def resolved_feedback_path(self) -> Path:
        return self.feedback_path or self.cache_dir / "feedback.jsonl"
