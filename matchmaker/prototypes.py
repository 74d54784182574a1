"""Embedding prototypes: a few sentences per material and service in nl/fr/en,
built from the labels and synonyms, compared with a text to find what the
lexicon missed (other wordings, rare synonyms, vague descriptions).

The prototypes are embedded once per embedder (keyed by its `name`) and kept
in memory. The embedder is any object with `encode(list[str]) -> (n, d)`
L2-normalised rows.
"""
from __future__ import annotations

import threading

import numpy as np

from matchmaker import taxonomy
from matchmaker.lexicon import strip_accents

# Cosines of a whole description with a short prototype are low (0.15-0.45 with the
# multilingual USE model); only a nearest id clearly ahead of the next one is trusted.
FLOOR = 0.25     # below this cosine a prototype says nothing
SPAN = 0.25      # cosine FLOOR + SPAN gives the strongest embedding-only confidence
STRONGEST = 0.6  # an embedding alone never outweighs a clear lexicon hit
MARGIN = 0.04    # the nearest id must lead the second by this much
_TERMS_PER_PROTOTYPE = 6

_cache: dict[str, tuple[dict[str, list[str]], dict[str, np.ndarray]]] = {}
_lock = threading.Lock()


def prototype_sentences(kind: str) -> dict[str, list[str]]:
    """id -> one sentence per language: the label followed by the first plain synonyms."""
    data = taxonomy.MATERIAL_DATA if kind == "material" else taxonomy.SERVICE_DATA
    out: dict[str, list[str]] = {}
    for id_, entry in data.items():
        sentences = []
        for language in ("nl", "fr", "en"):
            terms = [t.lstrip("=") for t in entry["terms"][language] if "|" not in t]
            sentences.append(f"{entry['label'][language]}: {', '.join(terms[:_TERMS_PER_PROTOTYPE])}")
        out[id_] = sentences
    return out


def _prototypes(embedder) -> dict[str, tuple[list[str], np.ndarray]]:
    key = getattr(embedder, "name", None) or f"{type(embedder).__name__}-{id(embedder)}"
    with _lock:
        if key not in _cache:
            ids: dict[str, list[str]] = {}
            vectors: dict[str, np.ndarray] = {}
            for kind in ("material", "service"):
                sentences = prototype_sentences(kind)
                flat = [(id_, s) for id_, group in sentences.items() for s in group]
                ids[kind] = [id_ for id_, _ in flat]
                vectors[kind] = np.asarray(embedder.encode([strip_accents(s) for _, s in flat]), dtype=np.float32)
            _cache[key] = (ids, vectors)
        ids, vectors = _cache[key]
    return {kind: (ids[kind], vectors[kind]) for kind in ids}


def similarities(text: str, embedder) -> dict[str, dict[str, float]]:
    """kind -> id -> best cosine between the text and that id's prototypes."""
    query = np.asarray(embedder.encode([strip_accents(text)]), dtype=np.float32)[0]
    out: dict[str, dict[str, float]] = {}
    for kind, (ids, matrix) in _prototypes(embedder).items():
        best: dict[str, float] = {}
        for id_, score in zip(ids, matrix @ query, strict=True):
            best[id_] = max(best.get(id_, -1.0), float(score))
        out[kind] = best
    return out


def _merge(found, sims: dict[str, float], make):
    by_id = {s.id: s for s in found}
    ranked = sorted(sims.items(), key=lambda kv: -kv[1])
    if len(ranked) < 2 or ranked[0][1] - ranked[1][1] < MARGIN:
        return found
    for id_, sim in ranked[:1]:
        strength = min(1.0, max(0.0, (sim - FLOOR) / SPAN)) * STRONGEST
        if strength <= 0:
            continue
        if id_ in by_id:
            s = by_id[id_]
            # agreement raises a lexicon hit a little; it never lowers one
            by_id[id_] = make(id_, round(1 - (1 - s.confidence) * (1 - strength / 2), 3), s.evidence)
        else:
            by_id[id_] = make(id_, round(strength, 3), f"similar to '{taxonomy.label(_KIND_OF[id_], id_, 'en')}'")
    return list(by_id.values())


_KIND_OF = {**{m: "material" for m in taxonomy.MATERIALS}, **{s: "service" for s in taxonomy.SERVICES}}


def boost(text: str, materials: list, services: list, embedder, make) -> tuple[list, list]:
    """Materials and services with the embedding's nearest ids added or raised;
    `make(id, confidence, evidence)` builds a suggestion."""
    if not text.strip():
        return materials, services
    sims = similarities(text, embedder)
    return _merge(materials, sims["material"], make), _merge(services, sims["service"], make)
