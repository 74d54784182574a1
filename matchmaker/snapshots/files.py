"""Snapshot folders: written whole under a temporary name, then made current at once.

    <index dir>/snapshot-<time>-<random>/   one snapshot: manifest.json and its files
    <index dir>/current -> snapshot-...      the one to load (a symlink, replaced atomically)

A reader resolves `current` once and reads that folder, which is never changed after it
was named; the writer keeps the previous snapshot too (a worker may be reading it) and
removes older ones.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
CURRENT = "current"
_PREFIX = "snapshot-"
_KEEP = 2


def _fsync_tree(root: Path) -> None:
    """Flush every file and folder: the rename must not name data still in memory."""
    for path in sorted(root.rglob("*"), reverse=True) + [root]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _checksums(folder: Path) -> dict[str, list[int]]:
    """Size and CRC-32 of every file: a truncated or damaged file is refused before hnswlib
    (C++) or numpy reads it."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        crc = 0
        with open(path, "rb") as file:
            while chunk := file.read(1 << 22):
                crc = zlib.crc32(chunk, crc)
        out[path.relative_to(folder).as_posix()] = [path.stat().st_size, crc]
    return out


def verify(folder: Path, manifest: dict[str, Any]) -> None:
    """ValueError when a file of the snapshot is missing, added or not as it was written."""
    if _checksums(folder) != manifest.get("files"):
        raise ValueError(f"the files in {folder} are not those it was written with")


def write_snapshot(directory: Path, fill: Callable[[Path], None],
                   manifest: dict[str, Any]) -> Path:
    """A new snapshot: `fill(folder)` writes its files, the manifest goes last, then the
    folder is named and made current. Returns the snapshot's folder."""
    directory.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".writing-", dir=directory))
    try:
        fill(work)
        manifest = {**manifest, "files": _checksums(work)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _fsync_tree(work)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        final = directory / f"{_PREFIX}{stamp}-{uuid.uuid4().hex[:8]}"
        work.rename(final)
        link = directory / f".current-{uuid.uuid4().hex}"
        link.symlink_to(final.name)
        os.replace(link, directory / CURRENT)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _prune(directory, final)
    return final


def _prune(directory: Path, current: Path) -> None:
    older = sorted((p for p in directory.glob(f"{_PREFIX}*") if p != current),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for path in older[_KEEP - 1:]:
        shutil.rmtree(path, ignore_errors=True)


def current_snapshot(directory: Path) -> tuple[Path, dict[str, Any]] | None:
    """(folder, manifest) of the current snapshot; None when there is none. OSError or
    ValueError when it cannot be read."""
    link = directory / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    folder = directory / os.readlink(link) if link.is_symlink() else link
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if not isinstance(manifest, dict):
        raise ValueError(f"{folder / MANIFEST} is not a JSON object")
    return folder, manifest
