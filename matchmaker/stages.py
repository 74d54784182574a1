"""Where a request's time goes: named stages, timed per request.

A request opens a record (`start`); code on its path wraps its parts in `stage(name)`.
A stage's time excludes the stages nested in it (the refresh that analyses an item counts
the analysis under "analysis", the rest under "refresh"), so the stages of one request add
up to at most its wall time. Outside a record `stage` costs two clock reads. The API sends
the record as a `Server-Timing` header, which the load benchmark aggregates per stage.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_record: ContextVar[dict[str, float] | None] = ContextVar("stage_record", default=None)
# time spent in stages nested in the one running now (subtracted from it)
_nested: ContextVar[float] = ContextVar("stage_nested", default=0.0)


def start() -> dict[str, float]:
    """Open a record for the rest of this context (a request); returns it."""
    record: dict[str, float] = {}
    _record.set(record)
    _nested.set(0.0)
    return record


def stop() -> None:
    """Close this context's record: the stages that follow are not counted."""
    _record.set(None)


def add(name: str, seconds: float) -> None:
    """Count `seconds` under `name` in the current record (if any)."""
    record = _record.get()
    if record is not None:
        record[name] = record.get(name, 0.0) + seconds


@contextmanager
def stage(name: str) -> Iterator[None]:
    outer = _nested.get()
    _nested.set(0.0)
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        add(name, elapsed - _nested.get())
        _nested.set(outer + elapsed)


def server_timing(record: dict[str, float]) -> str:
    """The record as a Server-Timing header value (milliseconds)."""
    return ", ".join(f"{name};dur={1000 * seconds:.2f}" for name, seconds in record.items())
