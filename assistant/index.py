"""The only module that talks to chromadb: an embedded PersistentClient or an HttpClient to a server.

Every ingest builds a complete collection for one exact set of chunks and marks it complete only at the
end; readers always open the newest complete one. A killed ingest therefore never leaves a half-built index
in service, unchanged chunks are copied with their stored vectors (no embedding work), and changed chunks
replace their old versions instead of accumulating beside them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.schema import Chunk

BATCH = 32
logger = logging.getLogger(__name__)


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
    """A chromadb client per the settings: HttpClient when ASSISTANT_CHROMA_URL is set, else embedded.

    An embedded folder that cannot be opened or read (corrupt, or written by an incompatible chromadb) is moved
    aside to ``<dir>.corrupt-<timestamp>`` and a fresh one is started: the index is derived data, and the next
    ingest (run on demand by the Assistant) rebuilds it from the corpus.
    """
    import chromadb

    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=_chroma_settings(),
            )
        except Exception as exc:  # chromadb raises several types for a server that is down
            raise IndexError_(f"cannot reach the Chroma server at {settings.chroma_url}: {_one_line(exc)} "
                              "(is 'chroma run' up? ASSISTANT_CHROMA_URL)") from exc
    path = settings.resolved_index_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexError_(f"cannot create the index folder {path}: {exc}") from exc
    try:
        return _open_embedded(path)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a corrupt folder surfaces as many types, Rust panics included
        if not _looks_corrupt(exc) or _in_use(path):
            raise IndexError_(f"cannot open the index folder {path}: {_one_line(exc)}") from exc
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        try:
            path.rename(aside)
            path.mkdir(parents=True)
        except OSError as move_exc:
            raise IndexError_(f"the index folder {path} is unreadable ({_one_line(exc)}) and could not be moved "
                              f"aside ({move_exc}): delete it and run 'assistant ingest'") from exc
        logger.warning("the index folder %s could not be opened (%s); moved it aside to %s, the index is rebuilt "
                       "from the corpus", path, _one_line(exc), aside)
    try:
        return _open_embedded(path)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise IndexError_(f"cannot open the index folder {path}: {_one_line(exc)}") from exc


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _open_embedded(path: Path):
    """A PersistentClient on the folder, proven readable; a failed attempt leaves nothing cached behind."""
    import chromadb

    try:
        client = chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    except BaseException:
        _forget_system(path)
        raise
    try:
        client.list_collections()  # a folder can open and still be unreadable
    except BaseException:
        client.close()
        _forget_system(path)
        raise
    return client


def _forget_system(path: Path) -> None:
    """Drop chromadb's cached System for this folder when no client holds it.

    Workaround, chromadb 1.5.9: a System whose start failed stays cached under the folder's path, so every later
    PersistentClient for that path gets the broken one ('RustBindingsAPI' object has no attribute 'bindings').
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    systems = getattr(SharedSystemClient, "_identifier_to_system", {})
    refcounts = getattr(SharedSystemClient, "_identifier_to_refcount", {})
    if refcounts.get(str(path), 0) <= 0:
        systems.pop(str(path), None)


def _in_use(path: Path) -> bool:
    """Another client in this process holds the folder open: never move it away under it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    return getattr(SharedSystemClient, "_identifier_to_refcount", {}).get(str(path), 0) > 0


def _looks_corrupt(exc: BaseException) -> bool:
    """Damage or an incompatible format, not a transient condition (locked, busy, no permission)."""
    import sqlite3

    from chromadb.errors import ChromaError

    text = str(exc).lower()
    if any(word in text for word in ("locked", "busy", "permission", "readonly", "read-only", "no space")):
        return False
    return isinstance(exc, ChromaError | sqlite3.DatabaseError) or type(exc).__name__ == "PanicException"


@lru_cache(maxsize=1)
def _store_errors() -> tuple[type[BaseException], ...]:
    """What chromadb raises when the store is unreachable or refuses an operation."""
    import httpx
    from chromadb.errors import ChromaError

    return (ChromaError, httpx.HTTPError, ConnectionError, OSError)


def _is_not_found(exc: BaseException) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError) or "does not exist" in str(exc).lower()


def _one_line(value: object, limit: int = 200) -> str:
    text = " ".join(str(value).split()) or type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(client: Any) -> str:
    """Where the client's data lives, for messages: the server URL or the folder."""
    get_settings = getattr(client, "get_settings", None)
    chroma = get_settings() if callable(get_settings) else None
    if chroma is not None and getattr(chroma, "chroma_server_host", None):
        scheme = "https" if chroma.chroma_server_ssl_enabled else "http"
        return f"the Chroma server at {scheme}://{chroma.chroma_server_host}:{chroma.chroma_server_http_port}"
    if chroma is not None and getattr(chroma, "persist_directory", None):
        return f"the index folder {chroma.persist_directory}"
    return "the vector store"


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

    @contextmanager
    def _store(self, action: str) -> Iterator[None]:
        """Store failures become IndexError_ with a readable message (where, what, what to do)."""
        try:
            yield
        except IndexError_:
            raise
        except _store_errors() as exc:
            if _is_not_found(exc):
                self._collection = None  # e.g. another process's ingest replaced the collection
            where = describe(self.client)
            hint = ("is the server running? (ASSISTANT_CHROMA_URL)" if "server" in where
                    else "run 'assistant ingest' to rebuild it")
            raise IndexError_(f"{action}: {where} failed ({_one_line(exc)}); {hint}") from exc

    def _complete_collections(self) -> list[Any]:
        found = []
        for name in self._all_family_names():
            try:
                collection = self.client.get_collection(name)
            except _store_errors() as exc:
                if _is_not_found(exc):
                    continue  # dropped by another process's ingest between the listing and now
                raise
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
            with self._store("opening the index"):
                complete = self._complete_collections()
            self._collection = complete[0] if complete else None
        return self._collection

    def is_current(self, chunks: Sequence[Chunk]) -> bool:
        collection = self.current()
        return collection is not None and (collection.metadata or {}).get("digest") == content_digest(chunks)

    def sync(self, chunks: Sequence[Chunk], progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Make the served collection hold exactly these chunks, embedding only what is new."""
        with self._store("building the index"):
            return self._sync(chunks, progress)

    def _sync(self, chunks: Sequence[Chunk], progress: Callable[[int, int], None] | None) -> IngestReport:
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
                try:
                    self.client.delete_collection(old)
                except _store_errors() as exc:
                    if not _is_not_found(exc):  # another process may have dropped it already
                        raise
        return IngestReport(name, len(chunks), len(fresh), len(copied), time.perf_counter() - started, rebuilt=True)

    def query(self, vector: list[float], n: int) -> list[tuple[str, float]]:
        """Chunk ids with cosine similarity, best first."""
        held = self._collection
        try:
            return self._query(vector, n)
        except IndexError_:
            if held is None or self._collection is not None:
                raise
            return self._query(vector, n)  # our collection was replaced meanwhile: once more, on the newest

    def _query(self, vector: list[float], n: int) -> list[tuple[str, float]]:
        collection = self.current()
        if collection is None:
            raise IndexError_("the index is empty: run 'assistant ingest' first")
        with self._store("searching the index"):
            count = collection.count()
            result = collection.query(query_embeddings=[vector], n_results=min(n, count), include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)]
