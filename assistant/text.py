"""Word analysis shared by lexical search and citation checks: Dutch stems without stopwords."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

_WORD = re.compile(r"\w\w+", re.UNICODE)
# "zzp'ers", "cao's", "scenario's": the word is the part before the apostrophe. Split, the suffix became a word of
# its own ("ers" -> "er"), so "pensioen van zzp'ers" matched half of a passage that only says "zzp'ers".
_APOSTROPHE_SUFFIX = re.compile(r"['’](?:s|ers?|en|tjes?)\b")
_local = threading.local()
# Words that rank ("the highest", "het gunstigst"). "Most" and "least" only as "the most", "is least": "most workers"
# counts, it does not rank.
SUPERLATIVES = (r"(?:the|is|are|de|het)\s+(?:most|least)|highest|lowest|best|worst|greatest|largest|smallest|strongest|"
                r"weakest|biggest|hardest|harshest|toughest|fewest|safest|meest\w*|minst\w*|hoogst\w*|laagst\w*|"
                r"grootst\w*|kleinst\w*|sterkst\w*|zwakst\w*|beste?|slechtst\w*|gunstigst\w*|ongunstigst\w*|"
                r"zwaarst\w*|moeilijkst\w*|zekerst\w*|onzekerst\w*|veiligst\w*")
SUPERLATIVE = re.compile(rf"\b(?:{SUPERLATIVES})\b", re.IGNORECASE)
# Words that rank or compare, in the report ("minder prestatiedruk", "vooral kwetsbare werkenden").
RANKING = re.compile(
    rf"\b(?:{SUPERLATIVES}|most|least|more|less|fewer|higher|lower|greater|larger|smaller|stronger|weaker|better|"
    r"worse|especially|meer|minder|hoger\w*|lager\w*|groter\w*|kleiner\w*|sterker\w*|zwakker\w*|beter\w*|"
    r"slechter\w*|vooral|(?!andere\b)\w+ere)\b",
    re.IGNORECASE,
)


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


def lower_words(text: str) -> list[str]:
    """The lowercased words of a text, "zzp'ers" as "zzp"."""
    return _WORD.findall(_APOSTROPHE_SUFFIX.sub("", text.lower()))


def stems(text: str, extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """Stemmed content words of a text, in order (lowercased, stopwords removed)."""
    stop = stopwords() | extra_stop
    return _stemmer().stemWords([w for w in lower_words(text) if w not in stop])


# Dutch writes compounds as one word: "omscholing", "scholingsmogelijkheden", "inkomenszekerheid". A search for
# "scholing" found neither passage on training in scenarios C and D. A compound also counts as its parts when both
# are words of the corpus, or when it is a noun with a prefix ("omscholing", "bijscholing", "herplaatsing").
# Prefixed verbs are not split: "voorwaarden" is not "waarden", "daarnaast" not "naast" ("voor", "daar" are
# stopwords, so no words of the vocabulary).
_MIN_HEAD, _MIN_MODIFIER, _MIN_COMPOUND = 5, 4, 9
_LINKING = ("s", "en", "e")
_PREFIXES = ("om", "bij", "her", "na")


def compound_vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """The words (lowercased, not stopwords) that compounds in these texts may be split into."""
    stop = stopwords()
    return frozenset(w for text in texts for w in lower_words(text) if len(w) >= _MIN_MODIFIER and w not in stop)


def _split(word: str, vocabulary: frozenset[str]) -> list[str]:
    for cut in range(2, len(word) - _MIN_HEAD + 1):  # the longest head first
        head, modifier = word[cut:], word[:cut]
        if head not in vocabulary:
            continue
        if modifier in _PREFIXES and head.endswith("ing"):  # not "bijvoorbeeld", "bijhouden"
            return [head]
        for link in ("", *_LINKING):
            stem = modifier[: len(modifier) - len(link)]
            if modifier.endswith(link) and len(stem) >= _MIN_MODIFIER and stem in vocabulary:
                return [head, stem]
    return []


def compound_parts(text: str, vocabulary: frozenset[str]) -> list[str]:
    """The parts of the compound words in a text that are words of the vocabulary ("omscholing" -> "scholing")."""
    return [part for w in lower_words(text) if len(w) >= _MIN_COMPOUND for part in _split(w, vocabulary)]
