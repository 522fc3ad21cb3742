"""The only module that talks to chromadb: an embedded PersistentClient or an HttpClient to a server.

Every ingest builds a complete collection for one exact set of chunks and marks it complete only at the
end; readers always open the newest complete one. A killed ingest therefore never leaves a half-built index
in service, unchanged chunks are copied with their stored vectors (no embedding work), and changed chunks
replace their old versions instead of accumulating beside them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.schema import Chunk

BATCH = 32


class IndexError_(RuntimeError):
    """The vector store is missing, unreachable or unusable; the message is for the user."""


@dataclass(frozen=True)
class IngestReport:
    collection: str
    chunks: int
    embedded: int
    copied: int
    seconds: float
    rebuilt: bool


def content_digest(chunks: Sequence[Chunk]) -> str:
    """Identifies one exact set of chunks (their ids already hash content and place)."""
    return hashlib.sha1("\n".join(sorted(c.id for c in chunks)).encode()).hexdigest()[:12]


def embed_chunks(embedder: Embeddings, chunks: Sequence[Chunk]) -> list[list[float]]:
    """Document vectors of chunks, with the heading as title where the embedder supports it."""
    titled = getattr(embedder, "embed_titled", None)
    if callable(titled):
        return titled([(c.heading, c.text) for c in chunks])
    return embedder.embed_documents([c.embed_text for c in chunks])


def _metadata(chunk: Chunk) -> dict[str, Any]:
    # Chroma metadata values cannot be None.
    return {
        "section_id": chunk.section_id,
        "scenario": chunk.scenario or "",
        "kind": chunk.kind,
        "dimension": chunk.dimension or "",
        "start": chunk.start,
        "end": chunk.end,
    }


def make_client(settings: Settings):
    """A chromadb client per the settings: HttpClient when ASSISTANT_CHROMA_URL is set, else embedded."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises several types for a server that is down
            raise IndexError_(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from exc
    path = settings.resolved_index_dir
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # a corrupt or incompatible folder surfaces as many exception types
        raise IndexError_(f"cannot open the index folder {path}: {exc}") from exc


class VectorIndex:
    """Dense vectors of the chunks in Chroma, keyed by chunk id."""

    def __init__(self, client: Any, embedder: Embeddings, prefix: str, fingerprint: str) -> None:
        self.client = client
        self.embedder = embedder
        self.prefix = prefix
        self.fingerprint = fingerprint
        self._collection: Any = None

    @property
    def _family(self) -> str:
        # Collection names: 3-512 chars of [a-zA-Z0-9._-]; the fingerprint keeps vectors of two embedders apart.
        fp = hashlib.sha1(self.fingerprint.encode()).hexdigest()[:8]
        return f"{self.prefix}-{fp}"

    def _complete_collections(self) -> list[Any]:
        found = []
        for item in self.client.list_collections():
            name = item if isinstance(item, str) else item.name
            if not name.startswith(self._family + "-"):
                continue
            collection = self.client.get_collection(name)
            meta = collection.metadata or {}
            if meta.get("complete"):
                found.append(collection)
        return sorted(found, key=lambda c: (c.metadata or {}).get("built_at", 0.0), reverse=True)

    def _all_family_names(self) -> list[str]:
        names = []
        for item in self.client.list_collections():
            name = item if isinstance(item, str) else item.name
            if name.startswith(self._family + "-"):
                names.append(name)
        return names

    def current(self) -> Any | None:
        """The newest complete collection, or None when nothing was ingested yet."""
        if self._collection is None:
            complete = self._complete_collections()
            self._collection = complete[0] if complete else None
        return self._collection

    def is_current(self, chunks: Sequence[Chunk]) -> bool:
        collection = self.current()
        return collection is not None and (collection.metadata or {}).get("digest") == content_digest(chunks)

    def sync(self, chunks: Sequence[Chunk], progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Make the served collection hold exactly these chunks, embedding only what is new."""
        started = time.perf_counter()
        digest = content_digest(chunks)
        previous = self.current()
        if previous is not None and (previous.metadata or {}).get("digest") == digest:
            return IngestReport(previous.name, len(chunks), 0, 0, time.perf_counter() - started, rebuilt=False)

        name = f"{self._family}-{digest}-{int(time.time() * 1000) % 10**10}"
        target = self.client.create_collection(
            name, metadata={"hnsw:space": "cosine", "complete": False, "digest": digest, "embedder": self.fingerprint}
        )
        reusable: dict[str, list[float]] = {}
        if previous is not None:
            wanted = [c.id for c in chunks]
            stored = previous.get(ids=wanted, include=["embeddings"])
            for cid, vector in zip(stored["ids"], stored["embeddings"], strict=True):
                reusable[cid] = list(vector)
        copied = [c for c in chunks if c.id in reusable]
        fresh = [c for c in chunks if c.id not in reusable]
        for i in range(0, len(copied), 256):
            batch = copied[i : i + 256]
            target.add(
                ids=[c.id for c in batch],
                embeddings=[reusable[c.id] for c in batch],
                documents=[c.embed_text for c in batch],
                metadatas=[_metadata(c) for c in batch],
            )
        for i in range(0, len(fresh), BATCH):
            batch = fresh[i : i + BATCH]
            vectors = embed_chunks(self.embedder, batch)
            target.add(
                ids=[c.id for c in batch],
                embeddings=vectors,
                documents=[c.embed_text for c in batch],
                metadatas=[_metadata(c) for c in batch],
            )
            if progress:
                progress(min(i + BATCH, len(fresh)), len(fresh))
        if target.count() != len(chunks):
            raise IndexError_(f"index build incomplete: {target.count()} of {len(chunks)} chunks stored")
        meta = dict(target.metadata or {})
        meta.pop("hnsw:space", None)
        meta.update({"complete": True, "built_at": time.time()})
        target.modify(metadata=meta)
        self._collection = self.client.get_collection(name)
        # Only after the switch: drop superseded and half-built collections.
        for old in self._all_family_names():
            if old != name:
                self.client.delete_collection(old)
        return IngestReport(name, len(chunks), len(fresh), len(copied), time.perf_counter() - started, rebuilt=True)

    def query(self, vector: list[float], n: int) -> list[tuple[str, float]]:
        """Chunk ids with cosine similarity, best first."""
        collection = self.current()
        if collection is None:
            raise IndexError_("the index is empty: run 'assistant ingest' first")
        count = collection.count()
        result = collection.query(query_embeddings=[vector], n_results=min(n, count), include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)]
