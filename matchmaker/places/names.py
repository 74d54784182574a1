"""How typed place names are compared: one key per way of writing a name, and typo distance.

"Sint-Amandsberg", "sint amandsberg", "St.-Amandsberg" and "ST AMANDSBERG" share a key; so do
"Liège" and "Liege", "Saint-Trond" and "St Trond". Typos are measured on keys with the
optimal string alignment distance (a swap of two letters counts once).
"""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Dutch and French abbreviations written for "Sint", "Saint", "Sainte", "Onze-Lieve-Vrouw"
_ABBREVIATIONS = {"sint": "st", "saint": "st", "sainte": "ste", "sankt": "st",
                  "olv": "onze lieve vrouw"}


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def key(name: str) -> str:
    """The form two spellings of one name share: lowercase ASCII words, abbreviations unified."""
    words = _NON_WORD.sub(" ", strip_accents(name or "").lower()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def typo_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance between `a` and `b`, or `limit + 1` once it is
    certain to exceed `limit` (names are compared with thousands of others per lookup)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def allowed_typos(name_key: str) -> int:
    """One typo from five letters on, two from ten: short names are too close to each other."""
    letters = len(name_key.replace(" ", ""))
    return 0 if letters < 5 else 1 if letters < 10 else 2
