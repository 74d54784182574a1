"""An index's state as files in a folder: arrays as .npy, everything else in one pickle.

Large arrays are mapped copy-on-write (`np.load(mmap_mode="c")`): loading them reads
nothing, every process that maps the same file shares its pages through the page cache,
and a write changes a private copy of the page it touches, never the file. Small ones
are read (a mapping costs a page and a file handle). The pickle holds what numpy cannot:
dicts, strings, dataclasses. It runs code when read: the folder must be written by the
service alone, as its database file is.
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np

_OBJECTS = "objects.pickle"
# below this a file is read, not mapped
_MAP_FROM_BYTES = 1 << 20


def save_state(directory: Path, state: dict[str, Any]) -> None:
    """Write `state` into `directory` (created): its ndarray values one file each."""
    directory.mkdir(parents=True, exist_ok=True)
    objects = {}
    for name, value in state.items():
        if isinstance(value, np.ndarray):
            np.save(directory / f"{name}.npy", np.ascontiguousarray(value), allow_pickle=False)
        else:
            objects[name] = value
    with open(directory / _OBJECTS, "wb") as file:
        pickle.dump(objects, file, protocol=pickle.HIGHEST_PROTOCOL)


def load_state(directory: Path) -> dict[str, Any]:
    """What `save_state` wrote (OSError, ValueError or pickle's errors when it is damaged)."""
    with open(directory / _OBJECTS, "rb") as file:
        state = pickle.load(file)
    for path in directory.glob("*.npy"):
        mapped = path.stat().st_size >= _MAP_FROM_BYTES
        state[path.stem] = np.load(path, mmap_mode="c" if mapped else None, allow_pickle=False)
    return state
