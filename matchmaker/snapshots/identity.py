"""What a snapshot was made with, each of which must be what the loading worker uses."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, fields

from matchmaker.engine.columns import CERTIFICATION_IDS, MATERIAL_IDS, SERVICE_IDS, Block
from matchmaker.engine.documents import CapacityDoc, StreamDoc
from matchmaker.stored_analysis import VERSION as ANALYSER_VERSION

# Bump when what is stored, or how, changes in a way the fingerprints below do not show.
FORMAT = 1


def _documents_fingerprint() -> str:
    """The shape of the stored docs and arrays: their classes' fields and the vocabularies
    that give the arrays' columns. Code that changes them makes older snapshots unusable."""
    parts = [",".join(f.name for f in fields(cls)) for cls in (StreamDoc, CapacityDoc, Block)]
    parts += [",".join(ids) for ids in (MATERIAL_IDS, SERVICE_IDS, CERTIFICATION_IDS)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Identity:
    database: str
    embedder: str
    dim: int
    ann_threshold: int
    analyser: str = ANALYSER_VERSION
    documents: str = ""
    format: int = FORMAT

    def __post_init__(self) -> None:
        if not self.documents:
            object.__setattr__(self, "documents", _documents_fingerprint())

    def to_json(self) -> dict:
        return asdict(self)

    def differences(self, stored: dict) -> list[str]:
        """What `stored` (a snapshot's identity) has that differs from this one."""
        return [f"{name} {stored.get(name)!r}, not {value!r}"
                for name, value in asdict(self).items() if stored.get(name) != value]
