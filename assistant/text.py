"""Word analysis shared by lexical search and citation checks: Dutch stems without stopwords."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

_WORD = re.compile(r"\w\w+", re.UNICODE)
# "zzp'ers", "cao's", "scenario's": the word is the part before the apostrophe. Split, the suffix became a word of
# its own ("ers" -> "er"), so "pensioen van zzp'ers" matched half of a passage that only says "zzp'ers".
_APOSTROPHE_SUFFIX = re.compile(r"['’](?:s|ers?|en|tjes?)\b")
_local = threading.local()


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

    # Yes and no carry no claim to verify: "Yes, there is a basic income in any scenario" only restates the question.
    return frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN) | {"yes", "no", "ja", "nee", "indeed", "inderdaad"}


def _stemmer():
    # Snowball stemmer objects keep state between calls: one per thread, or UI sessions corrupt each other.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("dutch")
    return stemmer


def stems(text: str, extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """Stemmed content words of a text, in order (lowercased, stopwords removed)."""
    stop = stopwords() | extra_stop
    words = _WORD.findall(_APOSTROPHE_SUFFIX.sub("", text.lower()))
    return _stemmer().stemWords([w for w in words if w not in stop])
