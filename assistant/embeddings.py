"""Embedders: the multilingual sentence-transformers model, and a deterministic fake for tests."""

from __future__ import annotations

import hashlib
import math
import re
import threading
from pathlib import Path

from langchain_core.embeddings import Embeddings

_WORD = re.compile(r"\w+", re.UNICODE)


def weights_dtype(choice: str, capability: str | None = None) -> str:
    """The dtype to run the embedder in: `choice`, or for "auto" the faster one on this CPU.

    bfloat16 halves the weights and, on AVX-512 CPUs, is about twice as fast as float32 (../shared/MODELS.md).
    Without AVX-512, torch emulates it: on an AVX2 CPU (a typical laptop) 16 passages took 14.8 s in bfloat16
    and 2.0 s in float32, with the same vectors (cosine 0.9999). `capability` is torch's name for the CPU's
    vector extensions ("AVX2", "AVX512"); by default it is read from torch.
    """
    if choice != "auto":
        return choice
    if capability is None:
        import torch

        capability = torch.backends.cpu.get_cpu_capability()
    return "bfloat16" if capability.upper().startswith("AVX512") else "float32"


class SentenceTransformerEmbedder(Embeddings):
    """EmbeddingGemma (or any sentence-transformers folder) on the CPU, in bfloat16 or float32 (`weights_dtype`).

    Queries and documents are encoded with the model's own query/document prompts.
    """

    def __init__(self, path: Path, batch_size: int = 16, dtype: str = "auto") -> None:
        self.path = path
        self.batch_size = batch_size
        self.dtype = dtype
        self._model = None
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        return f"st:{self.path.name}:titled-v1"

    def _load(self):
        with self._lock:
            if self._model is None:
                import os

                # Quiet, offline loading: no hub calls, no progress bars in CLI output.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                import torch
                from sentence_transformers import SentenceTransformer

                dtype = getattr(torch, weights_dtype(self.dtype))
                self._model = SentenceTransformer(
                    str(self.path), device="cpu", model_kwargs={"dtype": dtype}, local_files_only=True
                )
        return self._model

    def load(self) -> None:
        """Load the model now (otherwise it loads on first use)."""
        self._load()

    def _encode(self, texts: list[str], prompt_name: str | None = None, prompt: str | None = None) -> list[list[float]]:
        model = self._load()
        prompts = getattr(model, "prompts", {}) or {}
        kwargs = {"prompt": prompt} if prompt is not None else (
            {"prompt_name": prompt_name} if prompt_name in prompts else {})
        vectors = model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
                               **kwargs)
        return [v.astype("float32").tolist() for v in vectors]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, prompt_name="document") if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], prompt_name="query")[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several queries in one batch (a second query costs ~15 ms instead of ~40)."""
        return self._encode(texts, prompt_name="query") if texts else []

    def embed_titled(self, items: list[tuple[str, str]]) -> list[list[float]]:
        """Passages with their heading as title, in EmbeddingGemma's document format."""
        if not items:
            return []
        if "document" not in (getattr(self._load(), "prompts", {}) or {}):
            return self.embed_documents([f"{title}\n{text}" for title, text in items])
        return self._encode([f"title: {title} | text: {text}" for title, text in items], prompt="")

    def embed_similarity(self, texts: list[str]) -> list[list[float]]:
        """Vectors for comparing two statements (answer sentence vs passage sentence)."""
        return self._encode(texts, prompt_name="STS") if texts else []


class FakeEmbedder(Embeddings):
    """Deterministic hashed bag of words and character trigrams: similar texts get similar vectors."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.calls = 0
        self.embedded = 0

    @property
    def fingerprint(self) -> str:
        return f"fake:{self.dim}"

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in _WORD.findall(text.lower()):
            features = [word] + [word[i : i + 3] for i in range(max(1, len(word) - 2))]
            for feature in features:
                bucket = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=4).digest(), "little")
                vec[bucket % self.dim] += 1.0 if feature == word else 0.3
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_titled(self, items: list[tuple[str, str]]) -> list[list[float]]:
        return self.embed_documents([f"{title}\n{text}" for title, text in items])

    def embed_similarity(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]


def cosine(a: list[float], b: list[float]) -> float:
    """Cosine similarity of two vectors (the embedders return unit vectors, but be safe)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)
