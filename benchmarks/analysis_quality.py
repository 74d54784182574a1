"""Quality of the free-text analysis on a labelled set (circular-match-exchange/1).

For every stream and capacity that has structured fields, analyse() reads only
its title + description and is scored against those fields: micro precision,
recall and F1 for materials (exact, and "same or parent/child"), services and
certifications; precision and recall of exact values for quantities (amount +
unit + per), service radius and target-group workforce; overall and per language.

    .venv/bin/python benchmarks/analysis_quality.py [DEV_FOLDER] [--embedder use-multilingual]

The last line printed is one JSON object with the overall figures.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchmaker.analysis import CONFIDENT, analyse  # noqa: E402
from matchmaker.taxonomy import material_relation  # noqa: E402


class Counts:
    def __init__(self) -> None:
        self.tp_pred = self.pred = self.tp_gold = self.gold = 0

    def add(self, predicted: set[str], gold: set[str], related=None) -> None:
        same = related or (lambda a, b: a == b)
        self.pred += len(predicted)
        self.gold += len(gold)
        self.tp_pred += sum(any(same(p, g) for g in gold) for p in predicted)
        self.tp_gold += sum(any(same(p, g) for p in predicted) for g in gold)

    def scores(self) -> dict[str, float]:
        p = self.tp_pred / self.pred if self.pred else 0.0
        r = self.tp_gold / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), "n_gold": self.gold}


def _lenient(a: str, b: str) -> bool:
    return material_relation(a, b) in ("same", "parent", "child")


def evaluate(data: dict, embedder=None, verbose: bool = False) -> dict:
    results: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
    quantity: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    numbers: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    items = [("stream", s) for s in data["streams"]] + [("capacity", c) for c in data["capacities"]]
    for role, item in items:
        text = ". ".join(x for x in (item.get("title"), item.get("description")) if x)
        a = analyse(text, item.get("language"), role=role, embedder=embedder)
        for lang in ("all", item.get("language") or a.language):
            got = {s.id for s in a.materials if s.confidence >= CONFIDENT}
            if item.get("materials"):
                results[lang]["materials_exact"].add(got, set(item["materials"]))
                results[lang]["materials_lenient"].add(got, set(item["materials"]), _lenient)
            services = item.get("services_wanted" if role == "stream" else "services")
            if services:
                results[lang]["services"].add({s.id for s in a.services if s.confidence >= CONFIDENT}, set(services))
            certs = item.get("requirements" if role == "stream" else "certifications")
            if certs is not None:
                results[lang]["certifications"].add(
                    {s.id for s in a.certifications if s.confidence >= CONFIDENT}, set(certs))
            q = item.get("quantity" if role == "stream" else "capacity")
            if q:
                hit = a.quantity is not None and (a.quantity.amount, a.quantity.unit, a.quantity.per) == (
                    float(q["amount"]), q["unit"], q["per"])
                quantity[lang][0] += hit
                quantity[lang][1] += a.quantity is not None
                quantity[lang][2] += 1
            for field in ("service_radius_km", "target_group_fte"):
                if role == "capacity" and item.get(field) is not None:
                    got_value = getattr(a, field)
                    numbers[lang][field][0] += got_value is not None and float(got_value) == float(item[field])
                    numbers[lang][field][1] += got_value is not None
                    numbers[lang][field][2] += 1
        if verbose:
            print(item["id"], "| materials", item.get("materials"), [(s.id, s.confidence) for s in a.materials],
                  "| services", item.get("services_wanted", item.get("services")),
                  [(s.id, s.confidence) for s in a.services],
                  "| certifications", item.get("requirements", item.get("certifications")),
                  [(s.id, s.confidence) for s in a.certifications])
    out = {}
    for lang, per_aspect in sorted(results.items()):
        out[lang] = {aspect: c.scores() for aspect, c in sorted(per_aspect.items())}
        # Many labelled quantities are not written in the text at all: precision shows how
        # well what is written is read, recall how much of the labels text alone recovers.
        ok, predicted, n = quantity[lang]
        out[lang]["quantity_exact"] = {"p": round(ok / predicted, 3) if predicted else 0.0,
                                       "r": round(ok / n, 3) if n else 0.0, "n_gold": n}
        for field, (ok, predicted, n) in sorted(numbers[lang].items()):
            out[lang][field] = {"p": round(ok / predicted, 3) if predicted else 0.0,
                                "r": round(ok / n, 3) if n else 0.0, "n_gold": n}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "dev"))
    parser.add_argument("--embedder", default="", help="e.g. use-multilingual; default: lexicon only")
    parser.add_argument("--verbose", action="store_true", help="print every item's analysis")
    args = parser.parse_args()
    path = Path(args.folder) / "data.json"
    if not path.exists():
        sys.exit(f"no labelled data at {path}: pass the folder holding data.json")
    embedder = None
    if args.embedder:
        from indexing.embedders import get_embedder

        embedder = get_embedder(args.embedder)
    results = evaluate(json.loads(path.read_text("utf-8")), embedder, args.verbose)
    for lang, aspects in results.items():
        for aspect, figures in aspects.items():
            print(f"{lang:4} {aspect:20} {figures}")
    print(json.dumps({"embedder": args.embedder or None, **results["all"]}))


if __name__ == "__main__":
    main()
