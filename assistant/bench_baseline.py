"""The naive LangChain RAG pipeline that `assistant bench` measures ours against.

It is the textbook recipe, deliberately without our optimisations: the report's section texts joined into one
document, RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), the same embedder into a Chroma
collection of its own (langchain-chroma), top-4 similarity search, one "stuff" prompt with all four chunks and
the question, the same chat model instance, and no citation verification.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from assistant.corpus import Report

CHUNK_SIZE, CHUNK_OVERLAP, TOP_K = 1000, 200, 4
COLLECTION = "naive-baseline"
# The LangChain RAG tutorial's prompt, plus the plain language instruction the brief asks for.
STUFF_SYSTEM = (
    "You are an assistant for question-answering tasks. Use the following pieces of retrieved context to answer "
    "the question. If you don't know the answer, say that you don't know. Use three sentences maximum and keep "
    "the answer concise. Answer in the language of the question: in Dutch if the question is in Dutch, in English "
    "if it is in English.\n\nContext:\n{context}"
)


@dataclass(frozen=True)
class BaselineIngest:
    chunks: int
    seconds: float


@dataclass(frozen=True)
class BaselineAnswer:
    question: str
    answer: str
    docs: tuple[Document, ...]
    retrieval_s: float
    first_token_s: float | None
    total_s: float
    prompt_tokens: int | None


def report_text(report: Report) -> str:
    """The raw section texts of the report as one document (no headings, no structure)."""
    return "\n\n".join(section.text for section in report.sections)


def stuff_prompt() -> ChatPromptTemplate:
    return ChatPromptTemplate.from_messages([("system", STUFF_SYSTEM), ("human", "{question}")])


class NaiveRAG:
    """Split → embed → Chroma → top-4 → stuff prompt → chat model, timed like our pipeline."""

    def __init__(self, embedder: Embeddings, chat_model: BaseChatModel, persist_dir: Path, k: int = TOP_K) -> None:
        self.embedder = embedder
        self.chat_model = chat_model
        self.persist_dir = persist_dir
        self.k = k
        self.prompt = stuff_prompt()
        self.chain = self.prompt | chat_model | StrOutputParser()
        self._store = None

    def build(self, text: str) -> BaselineIngest:
        """Split the text and embed every chunk into a fresh collection."""
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        started = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        docs = splitter.create_documents([text])
        self._store = Chroma.from_documents(
            docs,
            self.embedder,
            collection_name=COLLECTION,
            persist_directory=str(self.persist_dir),
            client_settings=ChromaSettings(anonymized_telemetry=False),
        )
        return BaselineIngest(len(docs), time.perf_counter() - started)

    def retrieve(self, question: str) -> list[Document]:
        if self._store is None:
            raise RuntimeError("NaiveRAG.build() must run before retrieve()")
        return self._store.similarity_search(question, k=self.k)

    def messages(self, question: str, docs: list[Document]) -> list[BaseMessage]:
        context = "\n\n".join(d.page_content for d in docs)
        return self.prompt.format_messages(context=context, question=question)

    def answer(self, question: str, on_token: Callable[[str], None] | None = None) -> BaselineAnswer:
        """Retrieve and stream an answer; times are measured from the call, as for our pipeline."""
        started = time.perf_counter()
        docs = self.retrieve(question)
        retrieval_s = time.perf_counter() - started
        context = "\n\n".join(d.page_content for d in docs)
        text, first = "", None
        for piece in self.chain.stream({"context": context, "question": question}):
            if piece and first is None:
                first = time.perf_counter() - started
            if on_token:
                on_token(piece)
            text += piece
        total = time.perf_counter() - started
        return BaselineAnswer(
            question,
            text,
            tuple(docs),
            retrieval_s,
            first,
            total,
            prompt_tokens(self.chat_model, self.messages(question, docs)),
        )


def prompt_tokens(chat_model: BaseChatModel, messages: list[BaseMessage]) -> int | None:
    """Tokens of the message contents, counted as our Assistant counts its own prompts."""
    counter = getattr(chat_model, "count_tokens", None)
    if not callable(counter):
        return None
    return sum(counter(str(m.content)) for m in messages)
