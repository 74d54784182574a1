"""Reasons a facilitator can read aloud, in Dutch, French or English.

Each reason groups the contributions of the features behind it (material
level + material mismatch, distance within + beyond, ...), so the reasons of
a suggestion add up to its score: the explanation is the score itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker import taxonomy
from matchmaker.engine.documents import CapacityDoc, StreamDoc

LANGUAGES = ("nl", "fr", "en")

# French sets ":" and "%" apart with a no-break space, so they never start a line.
TEMPLATES: dict[str, dict[str, str]] = {
    "material_same": {"nl": "Zelfde materiaal: {items}", "fr": "Même matériau\u00a0: {items}",
                      "en": "Same material: {items}"},
    "material_covered": {"nl": "Verwerkt {items}, waaronder dit materiaal",
                         "fr": "Traite {items}, ce qui inclut ce matériau",
                         "en": "Handles {items}, which covers this material"},
    "material_part": {"nl": "Verwerkt een deel van het materiaal: {items}",
                      "fr": "Traite une partie du matériau\u00a0: {items}",
                      "en": "Handles part of the material: {items}"},
    "material_related": {"nl": "Verwant materiaal: {items}", "fr": "Matériau voisin\u00a0: {items}",
                         "en": "Related material: {items}"},
    "material_other": {"nl": "Ander materiaal: {items}", "fr": "Autre matériau\u00a0: {items}",
                       "en": "Different material: {items}"},
    "ewc_same": {"nl": "Zelfde EURAL-code: {items}", "fr": "Même code EURAL\u00a0: {items}",
                 "en": "Same EWC code: {items}"},
    "services_offered": {"nl": "Biedt gevraagde diensten: {items}",
                         "fr": "Offre les services demandés\u00a0: {items}",
                         "en": "Offers the requested services: {items}"},
    "services_missing": {"nl": "Biedt niet: {items}", "fr": "N'offre pas\u00a0: {items}",
                         "en": "Does not offer: {items}"},
    "within_radius": {"nl": "Binnen werkgebied: {distance} km van {radius} km",
                      "fr": "Dans la zone d'action\u00a0: {distance} km sur {radius} km",
                      "en": "Within service area: {distance} km of {radius} km"},
    "beyond_radius": {"nl": "Buiten werkgebied: {distance} km, werkgebied {radius} km",
                      "fr": "Hors zone d'action\u00a0: {distance} km, zone de {radius} km",
                      "en": "Outside service area: {distance} km, area {radius} km"},
    "capacity_enough": {"nl": "Capaciteit dekt het volume", "fr": "La capacité couvre le volume",
                        "en": "Capacity covers the volume"},
    "capacity_partial": {"nl": "Capaciteit dekt ongeveer {percent}% van het volume",
                         "fr": "La capacité couvre environ {percent}\u202f% du volume",
                         "en": "Capacity covers about {percent}% of the volume"},
    "certification_held": {"nl": "Heeft vereist certificaat: {items}",
                           "fr": "Détient la certification requise\u00a0: {items}",
                           "en": "Holds the required certification: {items}"},
    "certification_missing": {"nl": "Mist certificaat: {items}",
                              "fr": "Certification manquante\u00a0: {items}",
                              "en": "Missing certification: {items}"},
    "similar_text": {"nl": "Gelijkaardige omschrijving", "fr": "Description semblable",
                     "en": "Similar description"},
    "social_impact": {"nl": "Werk voor {fte} mensen uit de doelgroep",
                      "fr": "Du travail pour {fte} personnes du groupe cible",
                      "en": "Work for {fte} people from the target group"},
    "availability_conflict": {"nl": "Beschikbaarheid overlapt niet",
                              "fr": "Les disponibilités ne se recoupent pas",
                              "en": "Availability does not overlap"},
}

# reason group -> features whose contributions it carries
GROUPS: dict[str, tuple[str, ...]] = {
    "material": ("material", "material_mismatch"),
    "ewc": ("ewc",),
    "service": ("service", "service_mismatch"),
    "distance": ("within_radius", "beyond_radius"),
    "capacity": ("capacity_short",),
    "certification": ("certification_missing",),
    "text": ("semantic", "lexical"),
    "social_impact": ("social_impact",),
    "availability": ("availability_conflict",),
}
# Reasons that say a hard limit is broken (outside the service radius, a required
# certificate missing, not enough capacity): a card never hides them behind its limit.
CONSTRAINT_BREAKING: tuple[str, ...] = ("beyond_radius", "certification_missing",
                                        "capacity_partial")
# contributions smaller than this are not worth saying aloud
MIN_CONTRIBUTION = 0.02


@dataclass(frozen=True)
class Reason:
    code: str
    polarity: str  # "+" or "-"
    text: str
    contribution: float


def _lower_first(text: str) -> str:
    """"Werkkledij" -> "werkkledij" inside a sentence, but "ICT-apparatuur" stays."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _labels(kind: str, ids, language: str) -> str:
    return ", ".join(_lower_first(taxonomy.label(kind, i, language)) for i in ids)


def _material_reason(stream: StreamDoc, capacity: CapacityDoc) -> tuple[str, list[str]]:
    best: dict[str, list[str]] = {}
    for a in stream.materials:
        for b in capacity.materials:
            relation = taxonomy.material_relation(a, b)
            if relation is not None:
                best.setdefault(relation, []).append(b if relation in ("child", "parent") else a)
    for relation, code in (("same", "material_same"), ("child", "material_covered"),
                           ("parent", "material_part"), ("sibling", "material_related")):
        if relation in best:
            return code, list(dict.fromkeys(best[relation]))
    return "material_other", list(capacity.materials)


def _reason(code: str, contribution: float, language: str, **values) -> Reason:
    polarity = "-" if contribution < 0 else "+"
    return Reason(code, polarity, TEMPLATES[code][language].format(**values), round(contribution, 4))


def explain(stream: StreamDoc, capacity: CapacityDoc, contributions: dict[str, float],
            details: dict[str, float], language: str = "nl") -> list[Reason]:
    """Reasons for one pair, strongest first; `contributions` by feature name."""
    language = language if language in LANGUAGES else "en"
    part = {g: sum(contributions.get(f, 0.0) for f in names) for g, names in GROUPS.items()}
    reasons: list[Reason] = []
    if stream.materials and capacity.materials:
        code, ids = _material_reason(stream, capacity)
        reasons.append(_reason(code, part["material"], language,
                               items=_labels("material", ids, language)))
    shared_ewc = [c for c in stream.ewc_codes if c in capacity.ewc_codes]
    if shared_ewc:
        reasons.append(_reason("ewc_same", part["ewc"], language, items=", ".join(shared_ewc)))
    if stream.services and capacity.services:
        offered = [s for s in stream.services if s in capacity.services]
        missing = [s for s in stream.services if s not in capacity.services]
        if offered:
            reasons.append(_reason("services_offered", part["service"], language,
                                   items=_labels("service", offered, language)))
        if missing:
            reasons.append(_reason("services_missing", part["service"] if not offered else 0.0,
                                   language, items=_labels("service", missing, language)))
    distance = details.get("distance_km")
    if distance is not None and distance == distance:
        code = "within_radius" if distance <= details["radius_km"] else "beyond_radius"
        reasons.append(_reason(code, part["distance"], language, distance=round(distance),
                               radius=round(details["radius_km"])))
    share = details.get("capacity_share")
    if share is not None and share == share:
        if share >= 0.995:
            reasons.append(_reason("capacity_enough", part["capacity"], language))
        else:
            reasons.append(_reason("capacity_partial", part["capacity"], language,
                                   percent=round(share * 100)))
    if stream.requirements:
        held = [c for c in stream.requirements if c in capacity.certifications]
        missing = [c for c in stream.requirements if c not in capacity.certifications]
        if held:
            reasons.append(_reason("certification_held", 0.0, language,
                                   items=_labels("certification", held, language)))
        if missing:
            reasons.append(_reason("certification_missing", part["certification"], language,
                                   items=_labels("certification", missing, language)))
    if part["text"] >= MIN_CONTRIBUTION:
        reasons.append(_reason("similar_text", part["text"], language))
    if capacity.target_group_fte and part["social_impact"] >= MIN_CONTRIBUTION:
        reasons.append(_reason("social_impact", part["social_impact"], language,
                               fte=round(capacity.target_group_fte)))
    if part["availability"] < 0:
        reasons.append(_reason("availability_conflict", part["availability"], language))
    reasons.sort(key=lambda r: -abs(r.contribution))
    return reasons


def card_reasons(reasons: list[Reason], limit: int) -> list[Reason]:
    """The strongest `limit` reasons, and after them every constraint-breaking one."""
    return reasons[:limit] + [r for r in reasons[limit:] if r.code in CONSTRAINT_BREAKING]
