"""Matching free text against the synonym lists of the vocabularies.

Owns text normalisation (lowercase, accents stripped), Dutch compound splitting
("textielinzameling" holds "textiel" and "inzameling") and typo tolerance
(edit distance on words of seven letters or more, six inside phrases). Knows nothing of the meaning
of the ids it finds: `matchmaker.analysis` decides what to make of the hits.

Terms come from the JSON data as strings: "term" (weight 1), "term|0.4" (a weak
cue) and "=term" (whole-word only, never part of a compound or a typo).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHE_S = re.compile(r"(?<=[a-z0-9])['’]s\b")

EXACT, HEAD, MODIFIER, FUZZY = 0.95, 0.85, 0.65, 0.7
_MIN_PART = 4       # shortest lexicon term found inside a compound
_MIN_MODIFIER = 5   # shortest lexicon term found at the start of a compound
_MIN_REST = 3       # a compound's other half is at least this long
_MIN_FUZZY = 7      # shortest token tried for typos


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lowercase ASCII words separated by single spaces; "pc's" -> "pcs", "m³" -> "m3"."""
    text = _APOSTROPHE_S.sub("s", strip_accents(text or "").lower())
    return _NON_WORD.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    return normalise(text).split()


_CAPITALISED = re.compile(r"(?<![.!?:;\n(\-–—\"'])\s+([A-Z][a-z\u00e0-\u00ff]+(?:-[A-Z]?[a-z\u00e0-\u00ff]+)*)")


def proper_names(text: str) -> frozenset[str]:
    """Normalised tokens of words capitalised in mid-sentence (place and brand names):
    Dutch, French and English capitalise no common nouns there."""
    return frozenset(w for m in _CAPITALISED.finditer(text or "") for w in tokens(m.group(1)))


@dataclass(frozen=True)
class Term:
    kind: str
    id: str
    words: tuple[str, ...]
    weight: float
    whole_word: bool
    language: str = ""


@dataclass(frozen=True)
class Hit:
    """One occurrence of a term over tokens `start` to `start + length - 1`; `how` is
    "exact", "head" or "modifier" (part of a compound) or "fuzzy" (a typo)."""

    kind: str
    id: str
    confidence: float
    evidence: str
    how: str
    start: int
    length: int = 1


def parse_term(kind: str, id: str, raw: str, language: str = "") -> Term:
    text, _, weight = raw.partition("|")
    whole = text.startswith("=")
    words = tuple(tokens(text.lstrip("=")))
    return Term(kind, id, words, float(weight) if weight else 1.0,
                whole or len(words[0]) < _MIN_PART, language)


_ENDINGS = {"nl": ("s", "e", "n", "en"), "fr": ("s", "x", "e", "es"), "en": ("s", "es")}


def inflections(word: str, language: str = "") -> set[str]:
    """Plural and inflected surface forms of a word (in `language`, else in nl/fr/en) and
    its bare form; derived forms shorter than five letters are left out as too ambiguous."""
    languages = [language] if language in _ENDINGS else list(_ENDINGS)
    forms = {word}
    for lang in languages:
        forms.update(word + ending for ending in _ENDINGS[lang])
        if word.endswith("s"):
            forms.add(word[:-1])
    if "nl" in languages:
        if len(word) >= 3 and word[-1] not in "aeiouy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
            forms.add(word + word[-1] + "en")
        if word.endswith("en"):
            forms.add(word[:-2])
    return {f for f in forms if f == word or len(f) >= 5}


# Pronouns and articles that may stand inside a phrase: "venir LES chercher", "pick IT up".
_FILLERS = frozenset("les le la l het de ze hem it them this these dit dat deze die ons onze our".split())


def _span_end(words: list[str], i: int, term: Term) -> tuple[int, bool]:
    """End (exclusive) of `term` matched from words[i], allowing one filler word per gap,
    and whether a misspelt word (edit distance 1, six letters or more) was accepted;
    (0, False) when the term is not there."""
    j = i + 1
    typo = words[i] not in inflections(term.words[0], term.language)
    for expected in term.words[1:]:
        forms = inflections(expected, term.language)
        for k in (j, j + 1):
            if k >= len(words) or (k == j + 1 and words[j] not in _FILLERS):
                continue
            if words[k] in forms:
                j = k + 1
                break
            if len(expected) >= _MIN_FUZZY - 1 and words[k][:1] == expected[:1] and damerau(words[k], expected, 1) <= 1:
                j, typo = k + 1, True
                break
        else:
            return 0, False
    return j, typo


def _compounds(term: Term) -> bool:
    """Only Dutch writes compounds as one word; French and English terms stay whole."""
    return not term.whole_word and term.language in ("nl", "")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, stopping early once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class Lexicon:
    """Index of terms of several kinds; `match(words)` returns every hit."""

    def __init__(self, terms: list[Term], common_words: frozenset[str] = frozenset()) -> None:
        self.common_words = common_words
        self._single: dict[str, list[Term]] = {}
        self._multi: dict[str, list[Term]] = {}
        self._fuzzy: dict[str, set[str]] = {}
        self._fuzzy_multi: dict[str, set[str]] = {}
        for term in terms:
            forms = {f for f in inflections(term.words[0], term.language)
                     if f == term.words[0] or f not in common_words}
            if len(term.words) > 1:
                for form in forms:
                    self._multi.setdefault(form, []).append(term)
                first = term.words[0]
                if len(first) >= _MIN_FUZZY - 1:
                    for key in {first} | _deletes(first):
                        self._fuzzy_multi.setdefault(key, set()).add(first)
                continue
            for form in forms:
                self._single.setdefault(form, []).append(term)
            word = term.words[0]
            if not term.whole_word and len(word) >= _MIN_FUZZY - 1:
                for key in {word} | _deletes(word):
                    self._fuzzy.setdefault(key, set()).add(word)
        for entries in self._multi.values():
            entries.sort(key=lambda t: -len(t.words))

    def match(self, words: list[str], language: str = "", names: frozenset[str] = frozenset()) -> list[Hit]:
        """Every hit in the token list. A multi-word term hides the single words it
        covers, for its own kind only. Typos are only sought among the terms of
        `language` (all languages when empty), so that a word of one language is not
        read as a misspelt word of another. `names` (proper nouns: places, brands)
        only match whole terms: "Brasschaat" is no compound of "brass"."""
        hits: list[Hit] = []
        used: dict[str, set[int]] = {}
        for i in range(len(words)):
            for term in self._phrases_from(words[i], language):
                end, typo = _span_end(words, i, term)
                taken = used.setdefault(term.kind, set())
                if end and not taken.intersection(range(i, end)):
                    hits.append(Hit(term.kind, term.id, (FUZZY if typo else EXACT) * term.weight,
                                    " ".join(words[i:end]), "fuzzy" if typo else "exact", i, end - i))
                    taken.update(range(i, end))
        for i, word in enumerate(words):
            hits += [h for h in self._match_word(word, i, language, word in names)
                     if i not in used.get(h.kind, ())]
        return hits

    def _phrases_from(self, word: str, language: str) -> list[Term]:
        """Multi-word terms that may start at `word`, longest first; a misspelt first word
        is allowed (edit distance 1, same first letter) for terms of `language`."""
        if word in self._multi:
            return self._multi[word]
        if len(word) < _MIN_FUZZY - 1 or word in self.common_words:
            return []
        keys = {word} | _deletes(word)
        firsts = {c for k in keys for c in self._fuzzy_multi.get(k, ()) if c[0] == word[0]}
        terms = [t for c in firsts if damerau(word, c, 1) <= 1 for t in self._multi[c]
                 if not language or t.language == language]
        return sorted(terms, key=lambda t: -len(t.words))

    def _match_word(self, word: str, i: int, language: str, is_name: bool) -> list[Hit]:
        exact = [Hit(t.kind, t.id, EXACT * t.weight, word, "exact", i) for t in self._single.get(word, ())]
        if is_name:
            return exact
        found = []
        if language in ("nl", "") and word not in self.common_words:  # only Dutch writes closed compounds
            kinds = {h.kind for h in exact}
            found = [h for h in self._compound(word, i) if h.kind not in kinds]
        if exact or len(word) < _MIN_FUZZY or word in self.common_words or word.isdigit():
            return exact + found
        # a misspelt whole word ("martassen") explains it better than a compound part ("tassen")
        typos = self._typo(word, i, language)
        typo_kinds = {h.kind for h in typos}
        return typos + [h for h in found if h.kind not in typo_kinds]

    def _compound(self, word: str, i: int) -> list[Hit]:
        """Longest known head (end) and modifier (start) of a compound; the head wins per kind."""
        hits: dict[str, Hit] = {}
        for k in range(_MIN_REST, len(word) - _MIN_PART + 1):
            part = word[k:]
            terms = [t for t in self._single.get(part, ()) if _compounds(t)]
            if terms:
                for t in terms:
                    hits.setdefault(t.kind, Hit(t.kind, t.id, HEAD * t.weight, word, "head", i))
                break
        for k in range(len(word) - _MIN_REST, _MIN_MODIFIER - 1, -1):
            part = word[:k]
            terms = [t for t in self._single.get(part, ()) if _compounds(t) and len(t.words[0]) >= _MIN_MODIFIER]
            if terms:
                for t in terms:
                    if t.kind not in hits:
                        hits[t.kind] = Hit(t.kind, t.id, MODIFIER * t.weight, word, "modifier", i)
                break
        return list(hits.values())

    def _typo(self, word: str, i: int, language: str) -> list[Hit]:
        limit = 1 if len(word) <= 8 else 2
        keys = {word} | _deletes(word)
        if limit == 2:
            keys |= {d2 for d in _deletes(word) for d2 in _deletes(d)}
        candidates = {c for k in keys for c in self._fuzzy.get(k, ()) if c[0] == word[0]}
        best = sorted((damerau(word, c, limit), c) for c in candidates)
        if not best or best[0][0] > limit:
            return []
        found = {(t.kind, t.id): Hit(t.kind, t.id, FUZZY * t.weight, word, "fuzzy", i)
                 for t in self._single[best[0][1]]
                 if not t.whole_word and (not language or t.language == language)}
        return list(found.values())
