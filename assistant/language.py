"""Detect whether a question (or an answer) is Dutch, English or another language."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from assistant.schema import Language

# py3langid misreads very short Dutch follow-ups ("En in scenario C?" -> English). For texts of a few
# words, unambiguous function words decide; langid decides everything else.
_NL_WORDS = {"wat", "welke", "welk", "hoe", "waarom", "wie", "waar", "het", "de", "een", "en", "voor", "van", "op",
             "met", "zijn", "betekent", "bij", "dat", "die", "er", "niet", "ook", "nog", "vergelijk", "geef", "uit",
             "wordt", "worden", "kun", "kan", "je", "jij", "u", "ik", "mij", "tussen", "zegt", "staat"}
_EN_WORDS = {"what", "which", "how", "why", "who", "where", "the", "and", "for", "of", "on", "with", "are", "does",
             "do", "mean", "about", "compare", "give", "explain", "between", "says", "say", "is", "you", "me", "tell"}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_NON_LATIN = re.compile(r"[^\x00-\u024f\s\d\W]")
# "Patrick van der Duin", "Ellemarijn de Geit": names carry no language, but their particles and spelling read as
# Dutch, so an English answer listing the project team was classified as Dutch.
_NAME = re.compile(r"\b[A-Z][^\W\d_]+(?:\s+(?:van|der|den|de|ten|ter|te)){0,3}\s+[A-Z][^\W\d_]+")
# The scenarios' Dutch names are names too: "highest in scenario A: Prestatiemaatschappij and C: Collectieve
# waarden boven winst" is an English sentence.
_SCENARIO_NAME = re.compile(
    r"prestatie\s*maatschappij|technologie solidair aan zet|collectieve waarden boven winst|solowerk in crisistijd",
    re.IGNORECASE,
)
_lock = threading.Lock()


@dataclass(frozen=True)
class Detection:
    language: Language  # the language to answer in
    detected: Literal["nl", "en", "other"]
    code: str  # ISO code that langid saw


@lru_cache(maxsize=1)
def _identifiers():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    full = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    pair = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    pair.set_languages(["nl", "en"])
    return full, pair


def _drop_name(match: re.Match[str]) -> str:
    """A name goes; capitalised function words ("What Does Scenario D Mean For …?", title case) stay."""
    capitals = [w.lower() for w in _WORD.findall(match.group(0)) if w[0].isupper()]
    return match.group(0) if any(w in _NL_WORDS or w in _EN_WORDS for w in capitals) else " "


def detect(text: str, default: Language = "nl") -> Detection:
    """Language of the text; ambiguous short texts get `default` (e.g. the conversation's language)."""
    unnamed = _NAME.sub(_drop_name, _SCENARIO_NAME.sub(" ", text))
    text = unnamed if _WORD.search(unnamed) else text
    words = [w.lower() for w in _WORD.findall(text)]
    nl = sum(w in _NL_WORDS for w in words)
    en = sum(w in _EN_WORDS for w in words)
    with _lock:
        full, pair = _identifiers()
        code, prob = full.classify(text)
        pair_code, pair_prob = pair.classify(text)
    if code not in ("nl", "en") and prob >= 0.6 and nl + en <= 1 and len(words) >= 3:
        return Detection("en", "other", code)
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(bool(_NON_LATIN.match(ch)) for ch in letters) > len(letters) / 2:
        return Detection("en", "other", code)  # Cyrillic, CJK, Arabic...: not a Dutch or English question
    if len(words) <= 6 and nl != en:
        lang: Language = "nl" if nl > en else "en"
        return Detection(lang, lang, code)
    if pair_prob >= 0.8:
        return Detection(pair_code, pair_code, code)  # type: ignore[arg-type]
    if nl != en:
        lang = "nl" if nl > en else "en"
        return Detection(lang, lang, code)
    return Detection(default, default, code)


# A single word is classified as Dutch only when langid is this sure: "geprivilegieerde", "werkdruk" (0.97);
# English words the report also uses are far below it ("trends" 0.51, "skills" 0.17, "platform" 0.5).
DUTCH_WORD_MIN = 0.9


@lru_cache(maxsize=4096)
def is_dutch_word(word: str) -> bool:
    """Whether a word on its own is clearly Dutch rather than English (or shared by both)."""
    with _lock:
        _, pair = _identifiers()
        code, prob = pair.classify(word)
    return code == "nl" and prob >= DUTCH_WORD_MIN
