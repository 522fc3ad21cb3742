"""The LCEL chains: the only place that composes LangChain runnables.

answer chain:   AnswerInput -> [system, user] messages -> chat model -> text
condense chain: CondenseInput -> [user] message -> chat model -> standalone question
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.prompts import render
from assistant.schema import Chunk, Language, Turn


@dataclass(frozen=True)
class ContextPassage:
    n: int
    heading: str
    text: str


@dataclass(frozen=True)
class AnswerInput:
    question: str
    language: Language
    passages: tuple[ContextPassage, ...]
    comparison: bool = False
    insist_language: bool = False


@dataclass(frozen=True)
class CondenseInput:
    question: str
    language: Language
    history: tuple[Turn, ...]


def context_passages(chunks: Sequence[Chunk]) -> tuple[ContextPassage, ...]:
    """Number the passages [1]..[n] in the order given to the model."""
    return tuple(ContextPassage(i, c.heading, c.text) for i, c in enumerate(chunks, 1))


def answer_messages(data: AnswerInput) -> list[BaseMessage]:
    """System prompt (fixed per language, so llama.cpp reuses its KV cache) plus passages and question."""
    user = render(f"answer_{data.language}.j2", passages=data.passages, question=data.question,
                  comparison=data.comparison)
    if data.insist_language:
        user += " (Nederlands)" if data.language == "nl" else " (in English)"
    return [SystemMessage(render(f"system_{data.language}.j2")), HumanMessage(user)]


def condense_messages(data: CondenseInput) -> list[BaseMessage]:
    return [HumanMessage(render(f"condense_{data.language}.j2", history=data.history, question=data.question))]


def build_answer_chain(model: BaseChatModel) -> Runnable[AnswerInput, str]:
    return RunnableLambda(answer_messages) | model | StrOutputParser()


def build_condense_chain(model: BaseChatModel) -> Runnable[CondenseInput, str]:
    return RunnableLambda(condense_messages) | model.bind(max_tokens=60) | StrOutputParser()
