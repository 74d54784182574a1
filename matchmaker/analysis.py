"""Free-text analysis of streams and capacities: which materials, services,
certifications, EURAL codes and quantities a title + description speaks of.

Lexicon matching (`matchmaker.lexicon`) does the bulk; an optional embedder
adds what the lexicon missed (`matchmaker.prototypes`). Every suggestion
carries a confidence in [0, 1] and the words it rests on.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from matchmaker import ewc, taxonomy
from matchmaker.lexicon import Hit, Lexicon, parse_term, proper_names, tokens
from matchmaker.prototypes import boost
from matchmaker.quantities import (
    QuantitySuggestion,
    extract_quantity,
    extract_radius_km,
    extract_target_group_fte,
)

REPORTED = 0.3    # weaker suggestions are dropped
CONFIDENT = 0.5   # the level at which a suggestion counts as a finding (benchmarks, forms)
_WEAK = 0.4

# Words that exist in two of the languages ("de", "en", "in", "we", "is") are left out:
# they would not tell the languages apart.
_STOPWORDS = {
    "nl": frozenset("het een van op te dat die met voor zijn wij ons onze er niet aan bij ook om "
                    "als dan kan worden wordt nog naar zo al wie deze dit graag gaat hebben heeft "
                    "zich uit door tot over iemand ze moet mag kunnen gezocht liefst ongeveer jaar "
                    "maand wekelijks het".split()),
    "fr": frozenset("le la les un une des du et est que qui dans pour par sur au aux avec nous "
                    "notre nos ce cette ces il ils elle sont pas plus peut peuvent vous votre "
                    "chaque environ recherche pourrait mois semaine usages usagees".split()),
    "en": frozenset("the and to that which with for are our us it they them this these be can "
                    "could from by at as or not all about every who would looking available month "
                    "year used old".split()),
}
# "é" and "ë" are left out: Dutch writes them too ("één", "geïnteresseerd", "café").
_FRENCH_ACCENTS = re.compile(r"[àâçèêîôûœ]")
_COMMON = frozenset().union(*_STOPWORDS.values()) | frozenset(
    "zoeken kosten laten werken maken komen houden staan nemen geven leveren vragen "
    "collectie bieden zorgen gebruikt gebruiken nieuwe oude goede andere regio partner "
    "bedrijf bedrijven besturen lokale sociale onderneming afspraak contact ploeg atelier "
    "vestiging klanten mensen welkom termijn samenwerking structurele kwaliteit staat "
    "services service company companies social enterprise contact team partners "
    "entreprise entreprises economie sociale contacter equipe partenaire creates created "
    "tonnes tonnen kilos stuks pieces units leiden bieden werkgebied paddenstoelen champignons "
    "mushrooms bestelwagens camionnettes vestigingen".split())
_CERTIFIED = frozenset("gecertificeerd gecertificeerde certificaat attest attesten erkende "
                       "certified certificate certification certifie certifiee certificat "
                       "attestation veilig veilige secure securely securise rapport report".split())
_CLAUSE_END = re.compile(r"[.!?;,:\n]+(?!\d)")
_NEGATIONS = frozenset("niet geen nooit not cannot cant never no pas plus jamais".split())
_NOT_ONLY = frozenset("alleen enkel only seulement".split())
_OBLIGATION = frozenset("must moet moeten has have should needs need doit doivent faut".split())
_EXAMPLE = frozenset("bv bijvoorbeeld zoals vb bijv exemple comme eg such like including".split())
_CERTIFIED_SERVICE = {"certified_data_wiping": "data_wiping"}
_CHAPTER_PREFERENCE = {"20": 0, "16": 1, "17": 2, "15": 3, "02": 4, "19": 5}
_EWC_IN_TEXT = re.compile(r"\b(\d{2})[ .]?(\d{2})[ .]?(\d{2})(?![\d]|[.,]\d)(\s?\*)?")
_EWC_WORD = re.compile(r"(?i)\b(eural|ewc|ler|afvalcode|code|codes|euralcode)\b")


@dataclass(frozen=True)
class Suggestion:
    id: str
    confidence: float
    evidence: str


@dataclass(frozen=True)
class Analysis:
    language: str
    materials: list[Suggestion]
    services: list[Suggestion]
    certifications: list[Suggestion]
    ewc_codes: list[Suggestion]
    quantity: QuantitySuggestion | None
    service_radius_km: float | None
    target_group_fte: float | None


def detect_language(text: str) -> str:
    """nl, fr or en by counting stopwords (and French accents, for short titles); nl when
    nothing tells."""
    counts = Counter(tokens(text))
    per_language = {lang: sum(n for w, n in counts.items() if w in words) for lang, words in _STOPWORDS.items()}
    per_language["fr"] += len(_FRENCH_ACCENTS.findall((text or "").lower()))
    best = max(per_language, key=lambda lang: (per_language[lang], lang == "nl"))
    return best if per_language[best] > 0 else "nl"


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon of materials, services and certifications, built once."""
    terms = []
    for kind, data in (("material", taxonomy.MATERIAL_DATA), ("service", taxonomy.SERVICE_DATA),
                       ("certification", taxonomy.CERTIFICATION_DATA)):
        for id_, entry in data.items():
            for language, raw_terms in entry["terms"].items():
                terms += [parse_term(kind, id_, raw, language) for raw in raw_terms]
    return Lexicon(terms, _COMMON)


def _outside_phrases(hits: list[Hit]) -> list[Hit]:
    """A phrase hides the single words inside it from the other kinds: "washing machines"
    asks no cleaning, "inzamelaar en vervoerder" (a registration) offers no logistics.
    A certification keeps the service it certifies ("gecertificeerde datawissing")."""
    covered: dict[int, Hit] = {i: h for h in hits if h.length > 1 for i in range(h.start, h.start + h.length)}

    def hidden(h: Hit) -> bool:
        phrase = covered.get(h.start)
        return (phrase is not None and h.length == 1 and phrase.kind != h.kind
                and _CERTIFIED_SERVICE.get(phrase.id) != h.id)

    return [h for h in hits if not hidden(h)]


def _clauses(text: str) -> list[int]:
    """Clause number of every token of `tokens(text)`: punctuation ends a clause."""
    out: list[int] = []
    for n, clause in enumerate(_CLAUSE_END.split(text or "")):
        out += [n] * len(tokens(clause))
    return out if len(out) == len(tokens(text)) else [0] * len(tokens(text))


def _negation_before(words: list[str], clauses: list[int], i: int) -> bool:
    """A negation among the five words before i, in the same clause, with no obligation
    in between ("what cannot be reused MUST be prepared for recycling")."""
    for k in range(i - 1, max(-1, i - 6), -1):
        if clauses[k] != clauses[i] or words[k] in _OBLIGATION:
            return False
        if words[k] in _NEGATIONS:
            return not (k + 1 < len(words) and words[k + 1] in _NOT_ONLY)
    return False


def _negated(hits: list[Hit], words: list[str], clauses: list[int], role: str) -> list[Hit]:
    """Services under a negation in their clause ("die we niet meer kunnen verkopen") count
    for little; so do, in a stream, services only found inside a compound noun
    ("na onze speelgoedinzameling" tells of a past toy drive, not of a wish)."""
    out = []
    for h in hits:
        if h.kind == "service":
            if _negation_before(words, clauses, h.start):
                h = replace(h, confidence=h.confidence * 0.3)
            elif role == "stream" and h.how in ("head", "modifier"):
                h = replace(h, confidence=h.confidence * 0.55)
        out.append(h)
    return out


def _made_products(hits: list[Hit], words: list[str]) -> list[Hit]:
    """"...nieuwe producten van maken, bv. tassen of meubels": materials named as examples
    of what upcycling could make are outputs, not the stream's material."""
    starts = [h.start + h.length for h in hits if h.kind == "service" and h.id == "upcycling"]
    out = []
    for h in hits:
        example = h.kind == "material" and any(
            s <= h.start <= s + 8 and _EXAMPLE.intersection(words[s:h.start]) for s in starts)
        out.append(replace(h, confidence=h.confidence * 0.4) if example else h)
    return out


def _radius_statements(hits: list[Hit], words: list[str]) -> list[Hit]:
    """"Ophaling binnen 25 km" states how far a provider goes, not that collection is asked
    or offered as a service of its own: such a hit counts for little."""
    return [replace(h, confidence=h.confidence * 0.5)
            if h.kind == "service" and h.id == "collection" and "km" in words[h.start + 1:h.start + 5]
            else h for h in hits]


def _combine(hits: list[Hit], kind: str) -> list[Suggestion]:
    """One suggestion per id: the strongest hit, a little more for each further distinct hit."""
    by_id: dict[str, list[Hit]] = {}
    for h in hits:
        if h.kind == kind:
            by_id.setdefault(h.id, []).append(h)
    out = []
    for id_, found in by_id.items():
        found.sort(key=lambda h: -h.confidence)
        extra = len({h.evidence for h in found}) - 1
        confidence = min(0.99, found[0].confidence + 0.05 * extra)
        out.append(Suggestion(id_, round(confidence, 3), found[0].evidence))
    return out


def _prefer_specific(materials: list[Suggestion], hits: list[Hit]) -> list[Suggestion]:
    """A parent found together with one of its children speaks for that child: "brood" and
    "overschotten" make food surplus, "toestellen" and "groot elektro" large appliances.
    The child takes the combined confidence and the parent is dropped, unless the child's
    cue is weak or only the first half of a compound ("confectieatelier" is a workshop)."""
    by_id = {s.id: s for s in materials}
    solid = {h.id for h in hits if h.kind == "material" and h.how != "modifier"}
    for parent in [s for s in materials if taxonomy.material_children(s.id)]:
        children = [by_id[c] for c in taxonomy.material_children(parent.id)
                    if c in by_id and c in solid and by_id[c].confidence >= _WEAK]
        if not children:
            continue
        del by_id[parent.id]
        for child in children:
            combined = 1 - (1 - child.confidence) * (1 - parent.confidence)
            by_id[child.id] = replace(child, confidence=round(min(0.99, combined), 3))
    return list(by_id.values())


def _certifications(hits: list[Hit], words: list[str], services: list[Suggestion]) -> list[Suggestion]:
    found = {s.id: s for s in _combine(hits, "certification")}
    wiping = next((s for s in services if s.id == "data_wiping"), None)
    cue = next((w for w in words if w in _CERTIFIED), None)
    if wiping and cue and "certified_data_wiping" not in found:
        found["certified_data_wiping"] = Suggestion("certified_data_wiping", 0.7, f"{cue} / {wiping.evidence}")
    return list(found.values())


def _ewc_codes(text: str, materials: list[Suggestion]) -> list[Suggestion]:
    """Codes written in the text, then the codes of the confidently found materials. A
    written code counts when it is in our list or follows a word like "EURAL": six digits
    alone may be a date or a phone number."""
    out: dict[str, Suggestion] = {}
    for m in _EWC_IN_TEXT.finditer(text):
        code = f"{m.group(1)} {m.group(2)} {m.group(3)}{'*' if m.group(4) else ''}"
        if m.group(1) not in ewc.CHAPTERS:
            continue
        code = ewc.normalise_ewc(code)
        named = _EWC_WORD.search(text[max(0, m.start() - 25):m.start()])
        if code in ewc.CODES or named:
            out.setdefault(code, Suggestion(code, 0.95, m.group(0).strip()))
    for s in materials:
        if s.confidence < CONFIDENT:
            continue
        for code in _usual_codes(s.id):
            if code not in out:
                out[code] = Suggestion(code, round(0.6 * s.confidence, 3), s.evidence)
    return sorted(out.values(), key=lambda s: -s.confidence)


def _usual_codes(material: str, limit: int = 3) -> list[str]:
    """The codes most used for a material: its own (else its nearest ancestor's), municipal
    and equipment chapters first."""
    by_material = ewc.codes_by_material()
    codes: list[str] = []
    for m in (material, *taxonomy.material_ancestors(material)):
        codes = by_material.get(m, [])
        if codes:
            break
    return sorted(codes, key=lambda c: (_CHAPTER_PREFERENCE.get(c[:2], 9), c))[:limit]


def _ranked(suggestions: list[Suggestion]) -> list[Suggestion]:
    return sorted((s for s in suggestions if s.confidence >= REPORTED), key=lambda s: (-s.confidence, s.id))


def analyse(text: str, language: str | None = None, *, role: str = "stream", embedder=None) -> Analysis:
    """Read a title + description. `role` is "stream" (services wanted) or "capacity"
    (services offered; radius and workforce are read too). `embedder`, when given, is an
    object with `encode(list[str]) -> (n, d)` L2-normalised array."""
    text = text or ""
    lang = language if language in ("nl", "fr", "en") else detect_language(text)
    words = tokens(text)
    hits = lexicon().match(words, lang, proper_names(text))
    hits = _made_products(_radius_statements(_outside_phrases(hits), words), words)
    hits = _negated(hits, words, _clauses(text), role)
    materials = _combine(hits, "material")
    services = _combine(hits, "service")
    if embedder is not None:
        materials, services = boost(text, materials, services, embedder, Suggestion)
    materials = _ranked(_prefer_specific(materials, hits))
    services = _ranked(services)
    capacity = role == "capacity"
    return Analysis(
        language=lang,
        materials=materials,
        services=services,
        certifications=_ranked(_certifications(hits, words, services)),
        ewc_codes=_ewc_codes(text, materials),
        quantity=extract_quantity(text, lang),
        service_radius_km=extract_radius_km(text, lang) if capacity else None,
        target_group_fte=extract_target_group_fte(text, lang) if capacity else None,
    )
