"""Reading amounts from free text: the quantity of a stream or capacity
("1,5 ton per jaar", "ongeveer 58 paletten wekelijks", "900 kg par semaine"),
the service radius ("binnen 25 km", "dans un rayon de 30 km") and the number
of target-group workers ("14 doelgroepwerknemers", "employing 55 people").

A quantity's period is read in Dutch, French and English, before or after the amount and
as far as the end of its sentence: "chaque mois", "tous les trimestres", "/an",
"om de twee weken", "twice a year". It is stored as week, month, year or once, the
amount converted ("6 ton per kwartaal" is 2 t per month).
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
# Periods. Each reads as (per, factor): the amount written times `factor` is the amount
# per `per` (week, month or year), the periods a stream or capacity stores. A day counts
# as a working day (5 a week); a quarter's amount is spread over its three months.
_Period = tuple[str, float]
_WORKING_DAYS_PER_WEEK = 5
_ONCE: _Period = ("once", 1.0)
_PERIOD_NOUNS: dict[str, _Period] = {
    **dict.fromkeys(("week", "weken", "weeks", "wk", "semaine", "semaines"), ("week", 1.0)),
    **dict.fromkeys(("maand", "maanden", "mnd", "month", "months", "mois"), ("month", 1.0)),
    **dict.fromkeys(("jaar", "jaren", "jr", "year", "years", "yr", "an", "ans", "annee", "annees",
                     "annum", "jaarbasis"), ("year", 1.0)),
    **dict.fromkeys(("dag", "dagen", "werkdag", "werkdagen", "day", "days", "jour", "jours"),
                    ("week", float(_WORKING_DAYS_PER_WEEK))),
    **dict.fromkeys(("kwartaal", "kwartalen", "quarter", "quarters", "trimestre", "trimestres"),
                    ("month", 1 / 3)),
    **dict.fromkeys(("semester", "semesters", "semestre", "semestres", "halfjaar"), ("year", 2.0)),
    **dict.fromkeys(("fortnight", "quinzaine", "quinzaines"), ("week", 0.5)),
}
_DAY_NOUNS = frozenset(("dag", "dagen", "day", "days", "jour", "jours"))
_PERIOD_ADVERBS: dict[str, _Period] = {
    **dict.fromkeys(("wekelijks", "wekelijkse", "weekly", "hebdomadaire", "hebdomadaires",
                     "hebdomadairement"), ("week", 1.0)),
    **dict.fromkeys(("maandelijks", "maandelijkse", "monthly", "mensuel", "mensuels", "mensuelle",
                     "mensuelles", "mensuellement"), ("month", 1.0)),
    **dict.fromkeys(("jaarlijks", "jaarlijkse", "yearly", "annually", "annual", "annuel",
                     "annuels", "annuelle", "annuelles", "annuellement"), ("year", 1.0)),
    **dict.fromkeys(("dagelijks", "dagelijkse", "daily", "quotidien", "quotidiens", "quotidienne",
                     "quotidiennes", "quotidiennement", "journalier", "journaliers",
                     "journaliere", "journalieres"), ("week", float(_WORKING_DAYS_PER_WEEK))),
    **dict.fromkeys(("driemaandelijks", "driemaandelijkse", "kwartaalijks", "quarterly",
                     "trimestriel", "trimestriels", "trimestrielle", "trimestrielles",
                     "trimestriellement"), ("month", 1 / 3)),
    **dict.fromkeys(("halfjaarlijks", "halfjaarlijkse", "semestriel", "semestriels",
                     "semestrielle", "semestrielles", "semestriellement", "biannually",
                     "biannual", "semiannually", "semiannual"), ("year", 2.0)),
    **dict.fromkeys(("tweewekelijks", "tweewekelijkse", "veertiendaags", "veertiendaagse",
                     "fortnightly"), ("week", 0.5)),
    **dict.fromkeys(("tweemaandelijks", "tweemaandelijkse", "bimestriel", "bimestriels",
                     "bimestrielle", "bimestrielles"), ("month", 0.5)),
    **dict.fromkeys(("bimensuel", "bimensuels", "bimensuelle", "bimensuelles"), ("month", 2.0)),
    **dict.fromkeys(("bihebdomadaire", "bihebdomadaires"), ("week", 2.0)),
    **dict.fromkeys(("eenmalig", "eenmalige", "ineens", "once", "ponctuel", "ponctuelle",
                     "ponctuellement"), _ONCE),
}
# Written apart or with a hyphen ("half-yearly", "in één keer", "en une seule fois").
_PERIOD_PHRASES: dict[tuple[str, ...], _Period] = {
    ("half", "yearly"): ("year", 2.0), ("half", "jaarlijks"): ("year", 2.0),
    ("semi", "annually"): ("year", 2.0), ("semi", "annual"): ("year", 2.0),
    ("twee", "wekelijks"): ("week", 0.5), ("in", "een", "keer"): _ONCE, ("in", "1", "keer"): _ONCE,
    ("in", "een", "maal"): _ONCE, ("in", "een", "klap"): _ONCE, ("en", "une", "fois"): _ONCE,
    ("en", "une", "seule", "fois"): _ONCE, ("une", "seule", "fois"): _ONCE,
    ("in", "one", "go"): _ONCE, ("one", "off"): _ONCE, ("one", "time"): _ONCE,
}
# Words that introduce a period noun ("per maand", "chaque mois", "tous les mois", "/an");
# the counting ones may carry a number ("elke twee weken", "tous les 15 jours").
_PERIOD_INTRO = frozenset(("per", "par", "a", "an", "each", "every", "elke", "elk", "iedere",
                           "ieder", "chaque", "op", "vers", "/", "de", "het", "la", "le", "l"))
# "300 kg de maand", "2 tonnes l'an" are rhythms; "tegen het einde van de maand", "à la fin
# de la semaine" are deadlines.
_ARTICLE_INTRO = frozenset(("de", "het", "la", "le", "l"))
_DEADLINE_BEFORE = frozenset(("of", "van", "du", "d", "des", "de", "tegen", "voor", "avant", "tot",
                              "na", "apres", "sinds", "depuis", "binnen", "dans", "pendant",
                              "tijdens", "fin", "einde", "eind", "begin", "debut", "midden",
                              "milieu", "deze", "dit", "ce", "cette"))
_INTRO_PHRASES = (("tous", "les"), ("toutes", "les"), ("om", "de"))
_COUNTING_INTRO = frozenset(("per", "par", "each", "every", "elke", "elk", "iedere", "ieder",
                             "chaque"))
_COUNT_WORDS = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "un": 1, "une": 1,
                "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "huit": 8, "one": 1,
                "two": 2, "three": 3, "four": 4, "five": 5, "other": 2, "andere": 2, "half": 0.5}
# "twee keer per maand", "2x/week", "deux fois par an", "twice a year": times the amount.
_TIMES = frozenset(("keer", "maal", "fois", "times", "time", "x"))
_TIMES_WORDS = {"once": 1, "twice": 2, "thrice": 3, "eenmaal": 1, "tweemaal": 2, "driemaal": 3}
# "l'an dernier", "le mois prochain" name a moment, not a rhythm.
_MOMENT_AFTER = frozenset(("dernier", "derniere", "passe", "passee", "prochain", "prochaine",
                           "precedent", "precedente", "suivant", "suivante", "geleden", "ago"))
# tokens after the unit (French puts the period far: "... à collecter chaque mois")
_PERIOD_WINDOW = 12
_PERIOD_LEAD = 8      # tokens before the number ("chaque mois, nous avons environ 2 tonnes")
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


def _count(tok: _Tok) -> float | None:
    if tok.kind == "num":
        return tok.value or None
    return _COUNT_WORDS.get(tok.text)


def _every(toks: list[_Tok], k: int) -> tuple[_Period, int] | None:
    """A period starting at k: an adverb ("mensuellement"), a phrase ("half-yearly"), or an
    introduced noun with an optional count ("per maand", "every two weeks", "tous les 15
    jours"); with the index of its last token."""
    for phrase, period in _PERIOD_PHRASES.items():
        if _starts(toks, k, phrase):
            return period, k + len(phrase) - 1
    if k >= len(toks):
        return None
    if toks[k].text in _PERIOD_ADVERBS:
        return _PERIOD_ADVERBS[toks[k].text], k
    intro = next((phrase for phrase in _INTRO_PHRASES if _starts(toks, k, phrase)), None)
    if intro is None and toks[k].text not in _PERIOD_INTRO:
        return None
    if (intro is None and toks[k].text in _ARTICLE_INTRO and k > 0
            and toks[k - 1].text in _DEADLINE_BEFORE):
        return None
    m = k + (len(intro) if intro else 1)
    count = 1.0
    if m + 1 < len(toks) and (intro or toks[k].text in _COUNTING_INTRO) and _count(toks[m]):
        count, m = float(_count(toks[m]) or 1), m + 1
    if m >= len(toks) or toks[m].text not in _PERIOD_NOUNS:
        return None
    if m + 1 < len(toks) and toks[m + 1].text in _MOMENT_AFTER:
        return None
    per, factor = _PERIOD_NOUNS[toks[m].text]
    if toks[m].text in _DAY_NOUNS and count >= 7:   # "tous les 15 jours", "om de 14 dagen"
        return ("week", 1 / max(1, round(count / 7))), m
    return (per, factor / count), m


def _period_at(toks: list[_Tok], j: int) -> tuple[_Period, int] | None:
    """The period written from position j on, with the index of its last token; a number of
    times first ("deux fois par mois", "2x per week", "twice a year", "once a week")."""
    times, k = None, j
    if j < len(toks) and toks[j].text in _TIMES_WORDS:
        times, k = float(_TIMES_WORDS[toks[j].text]), j + 1
    elif j + 1 < len(toks) and _count(toks[j]) and toks[j + 1].text in _TIMES:
        times, k = float(_count(toks[j]) or 1), j + 2
    if times is not None:
        found = _every(toks, k)
        if found and found[0][0] != "once":
            (per, factor), last = found
            return (per, factor * times), last
    return _every(toks, j)


def _clause_end(tok: _Tok) -> bool:
    return tok.kind == "stop" and tok.text not in "()"


def _period_after(toks: list[_Tok], i: int) -> tuple[_Period | None, int]:
    """The period named after position i, in the same sentence and before the next number."""
    for j in range(i, min(i + _PERIOD_WINDOW, len(toks))):
        if _clause_end(toks[j]):
            break
        found = _period_at(toks, j)
        if found:
            return found
        if toks[j].kind == "num":
            break
    return None, -1


def _period_before(toks: list[_Tok], i: int) -> _Period | None:
    """The period named shortly before the number at i ("Elke maand zo een 300 kg"), in the
    same sentence with no other number in between; the longest one ending nearest."""
    best: tuple[int, int, _Period] | None = None
    for j in range(i - 1, max(i - _PERIOD_LEAD, 0) - 1, -1):
        if _clause_end(toks[j]):
            break
        found = _period_at(toks, j)
        if found and found[1] < i and (best is None or (found[1], -j) >= (best[0], -best[1])):
            best = (found[1], j, found[0])
        if toks[j].kind == "num" and not found:
            break
    return best[2] if best else None


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
        period, last = _period_after(toks, end + 1)
        period = period or _period_before(toks, i)
        per, factor = period or _ONCE
        amount = float(f"{t.value * factor:.6g}")
        score = explicit + (1.0 if period else 0.0)
        confidence = min(0.95, 0.45 + 0.12 * explicit + (0.15 if period else 0.0))
        evidence = " ".join(x.text for x in toks[i:max(last, end) + 1] if x.kind != "stop")
        suggestion = QuantitySuggestion(amount, unit, per, round(confidence, 3), evidence)
        if best is None or score > best[0]:
            best = (score, i, suggestion)
    return best[2] if best else None


def typed_amount(text: str, language: str = "nl", unit: str = "kg") -> tuple[float, str]:
    """An amount typed in a form field and its unit (kg, t, m3 or units): "12" is 12 of
    `unit`, "2,5 ton" is (2.5, "t"), "40 stuks" (40, "units"). ValueError for anything
    else: another unit, a negative or two numbers."""
    toks = _lex(text, language)
    if "-" in (text or "") or not toks or toks[0].kind != "num" or len(toks) > 2:
        raise ValueError(f"not an amount: {text!r}")
    if len(toks) == 2:
        word = toks[1].text
        unit = "units" if word in _ITEMS else _MASS.get(word, "")
        if not unit:
            raise ValueError(f"not an amount in kg, t, m3 or pieces: {text!r}")
    return toks[0].value, unit


def weight_kg(text: str, language: str = "nl") -> float:
    """A weight typed in a form field, in kg: "24000", "24.000 kg", "24 t", "2,5 ton" (a
    number alone is kg). ValueError for anything else: a volume, pieces, a negative or
    two numbers."""
    amount, unit = typed_amount(text, language)
    if unit not in ("kg", "t"):
        raise ValueError(f"not a weight in kg or tonnes: {text!r}")
    return amount * (1000.0 if unit == "t" else 1.0)


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
