"""Reading amounts from free text: the quantity of a stream or capacity
("1,5 ton per jaar", "ongeveer 58 paletten wekelijks", "900 kg par semaine"),
the service radius ("binnen 25 km", "dans un rayon de 30 km") and the number
of target-group workers ("14 doelgroepwerknemers", "employing 55 people").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from matchmaker.lexicon import strip_accents

# Thousands groups ("1.500", "1 500", "1,500" in English) before plain decimals ("1,5", "2.5").
_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:(?P<sep>[. ,])\d{3})+(?![\d])(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"|(?P<word>[a-z]+[0-9]?|/)|(?P<stop>[.!?;:()\n])")

_MASS = {"kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg",
         "kilogrammes": "kg", "kilogramme": "kg", "t": "t", "ton": "t", "tonnen": "t", "tonne": "t",
         "tonnes": "t", "tons": "t", "m3": "m3", "kuub": "m3"}
_VOLUME_PHRASES = (("kubieke", "meter"), ("kubieke", "meters"), ("metres", "cubes"), ("metre", "cube"),
                   ("cubic", "meters"), ("cubic", "metres"), ("cubic", "meter"), ("cubic", "metre"))
_ITEMS = {"stuks", "stuk", "pieces", "piece", "units", "unit", "items", "item", "exemplaren",
          "eenheden", "unites", "exemplaires", "pcs", "st"}
_NOT_ITEMS = {
    "km", "m", "cm", "mm", "u", "h", "uur", "uren", "heures", "hours", "hour", "min", "minuten", "minutes",
    "jaar", "jaren", "year", "years", "an", "ans", "annees", "maanden", "maand", "months", "month", "mois",
    "weken", "week", "weeks", "semaines", "semaine", "dagen", "dag", "days", "day", "jours", "jour",
    "euro", "eur", "procent", "percent", "pourcent", "keer", "fois", "times", "x",
    "mensen", "medewerkers", "werknemers", "doelgroepwerknemers", "personen", "people", "persons",
    "employees", "workers", "staff", "personnes", "travailleurs", "collaborateurs", "employes",
    "salaries", "jobs", "banen", "fte", "vte", "etp", "vestigingen", "sites", "locaties",
    "per", "par", "a", "of", "en", "et", "and", "tot", "to", "de", "van", "in", "op", "om", "or",
    "ou", "jusqu", "up", "the", "le", "la", "les", "het", "zo", "ca", "bis", "tussen", "between", "entre",
    "m2", "vierkante", "square", "carres", "winkels", "winkel", "shops", "shop", "stores", "magasins",
    "boutiques", "vrijwilligers", "volunteers", "benevoles", "ploegen", "teams", "equipes",
    "vrachtwagens", "bestelwagens", "camions", "camionnettes", "trucks", "vans", "gemeenten",
    "communes", "municipalities", "provincies", "provinces", "sterren", "stars", "uurtjes",
}
_PERIOD_WORDS = {
    "week": "week", "weken": "week", "weeks": "week", "semaine": "week", "semaines": "week", "wk": "week",
    "maand": "month", "maanden": "month", "month": "month", "months": "month", "mois": "month",
    "jaar": "year", "year": "year", "years": "year", "an": "year", "annee": "year", "jaarbasis": "year",
    "dag": "day", "day": "day", "jour": "day", "werkdag": "day",
    "kwartaal": "quarter", "quarter": "quarter", "trimestre": "quarter",
}
_PERIOD_ADVERBS = {
    "wekelijks": "week", "weekly": "week", "hebdomadaire": "week", "hebdomadaires": "week",
    "maandelijks": "month", "monthly": "month", "mensuel": "month", "mensuels": "month",
    "mensuellement": "month", "jaarlijks": "year", "yearly": "year", "annually": "year",
    "annual": "year", "annuel": "year", "annuels": "year", "annuellement": "year",
    "dagelijks": "day", "daily": "day", "quotidien": "day", "quotidiennement": "day",
    "eenmalig": "once", "once": "once", "ponctuel": "once", "ponctuellement": "once",
}
_PERIOD_INTRO = {"per", "par", "a", "an", "each", "every", "elke", "iedere", "chaque", "op", "in", "the",
                 "de", "het", "la", "le", "l", "vers"}
_ONCE_PHRASES = (("in", "een", "keer"), ("in", "1", "keer"), ("ineens",), ("en", "une", "fois"),
                 ("une", "seule", "fois"), ("in", "one", "go"), ("one", "off"), ("one", "time"))
_WORKING_DAYS_PER_WEEK = 5
_PEOPLE = {"mensen", "medewerkers", "werknemers", "doelgroepwerknemers", "personen", "arbeidskrachten",
           "trajectanten", "people", "employees", "workers", "persons", "staff", "personnes",
           "travailleurs", "collaborateurs", "employes", "salaries", "werkkrachten"}
_TEAM = {"team", "ploeg", "equipe", "staff"}


@dataclass(frozen=True)
class QuantitySuggestion:
    amount: float
    unit: str
    per: str
    confidence: float
    evidence: str


@dataclass(frozen=True)
class _Tok:
    kind: str  # "num", "word" or "stop"
    text: str
    value: float = 0.0


def _number(text: str, language: str) -> float:
    m = re.fullmatch(r"(\d{1,3}(?:([. ,])\d{3})+)([.,]\d+)?", text)
    if m and not (m.group(2) == "," and language != "en" and not m.group(3)):
        whole = re.sub(r"[. ,]", "", m.group(1))
        return float(whole + ("." + m.group(3)[1:] if m.group(3) else ""))
    if "," in text and language == "en" and re.fullmatch(r"\d+,\d{3}", text):
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


def _lex(text: str, language: str) -> list[_Tok]:
    text = strip_accents(text or "").lower().replace("³", "3")
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        if m.group("num"):
            raw = m.group("num")
            if m.group("sep") == " " and language == "en":
                first, _, rest = raw.partition(" ")
                out.append(_Tok("num", first, _number(first, language)))
                out += _lex(rest, language)
                continue
            out.append(_Tok("num", raw, _number(raw, language)))
        elif m.group("word"):
            out.append(_Tok("word", m.group("word")))
        else:
            out.append(_Tok("stop", m.group("stop")))
    return out


def _starts(toks: list[_Tok], i: int, phrase: tuple[str, ...]) -> bool:
    return all(i + k < len(toks) and toks[i + k].text == w for k, w in enumerate(phrase))


def _period_after(toks: list[_Tok], i: int) -> tuple[str | None, int]:
    """The period named within a few words after position i, not crossing a sentence end."""
    for j in range(i, min(i + 5, len(toks))):
        t = toks[j]
        if t.kind == "stop" and t.text != "(" and t.text != ")":
            break
        if t.text in _PERIOD_ADVERBS:
            return _PERIOD_ADVERBS[t.text], j
        if t.text in _PERIOD_WORDS and j > i and toks[j - 1].text in _PERIOD_INTRO | {"/"}:
            return _PERIOD_WORDS[t.text], j
        for phrase in _ONCE_PHRASES:
            if _starts(toks, j, phrase):
                return "once", j + len(phrase) - 1
    return None, -1


def _period_before(toks: list[_Tok], i: int) -> str | None:
    for j in range(i - 1, max(i - 5, -1), -1):
        t = toks[j]
        if t.kind == "stop":
            return None
        if t.text in _PERIOD_ADVERBS:
            return _PERIOD_ADVERBS[t.text]
        if t.text in _PERIOD_WORDS and j > 0 and toks[j - 1].text in {
                "elke", "iedere", "each", "every", "chaque", "per", "par", "les", "alle"}:
            return _PERIOD_WORDS[t.text]
    return None


def _unit_at(toks: list[_Tok], j: int) -> tuple[str | None, int, float]:
    """(unit, index of its last token, how explicit) for the words right after a number."""
    if j >= len(toks) or toks[j].kind != "word":
        return None, j, 0.0
    word = toks[j].text
    if word in _MASS:
        return _MASS[word], j, 3.0
    for phrase in _VOLUME_PHRASES:
        if _starts(toks, j, phrase):
            return "m3", j + len(phrase) - 1, 3.0
    if word in _ITEMS:
        return "units", j, 2.5
    if word in _NOT_ITEMS or len(word) < 3:
        return None, j, 0.0
    return "units", j, 1.0


def extract_quantity(text: str, language: str = "nl") -> QuantitySuggestion | None:
    """The most explicit amount with a unit in the text; "once" when no period is named."""
    toks = _lex(text, language)
    best: tuple[float, int, QuantitySuggestion] | None = None
    for i, t in enumerate(toks):
        if t.kind != "num" or t.value <= 0:
            continue
        if i > 0 and toks[i - 1].text in {"iso", "nr", "nummer", "no", "postcode"}:
            continue
        unit, end, explicit = _unit_at(toks, i + 1)
        if unit is None or (explicit < 3 and 1900 <= t.value <= 2100 and "." not in t.text):
            continue
        per, last = _period_after(toks, end + 1)
        per = per or _period_before(toks, i)
        amount = t.value
        if per == "day":
            per, amount = "week", amount * _WORKING_DAYS_PER_WEEK
        elif per == "quarter":
            per, amount = "month", amount / 3
        score = explicit + (1.0 if per else 0.0)
        confidence = min(0.95, 0.45 + 0.12 * explicit + (0.15 if per else 0.0))
        evidence = " ".join(x.text for x in toks[i:max(last, end) + 1] if x.kind != "stop")
        suggestion = QuantitySuggestion(amount, unit, per or "once", round(confidence, 3), evidence)
        if best is None or score > best[0]:
            best = (score, i, suggestion)
    return best[2] if best else None


def extract_radius_km(text: str, language: str = "nl") -> float | None:
    """The first distance in km: capacities name their service radius that way."""
    toks = _lex(text, language)
    for i, t in enumerate(toks[:-1]):
        if t.kind == "num" and toks[i + 1].text in {"km", "kilometer", "kilometers", "kilometres"}:
            return t.value
    return None


def extract_target_group_fte(text: str, language: str = "nl") -> float | None:
    """Number of people at work: "18 mensen", "employing 55 people", "our team of 90"."""
    toks = _lex(text, language)
    for i, t in enumerate(toks):
        if t.kind != "num":
            continue
        following = [x.text for x in toks[i + 1:i + 3]]
        if following and (following[0] in _PEOPLE or (len(following) > 1 and following[1] in _PEOPLE)):
            return t.value
        before = [x.text for x in toks[max(0, i - 2):i]]
        if any(w in _TEAM for w in before):
            return t.value
    return None
