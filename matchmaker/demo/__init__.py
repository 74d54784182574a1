"""The demo data set: three hubs (Gent, Antwerpen, Kempen) in the exchange format.

Fictitious organisations with valid KBO numbers and @*.example contacts;
streams and capacities written the way hubs receive them, from neatly
structured to a line of free text with a typo.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEMO_FILE = Path(__file__).resolve().parent / "demo.json"


def load_demo() -> dict[str, Any]:
    """The demo data set as an exchange document."""
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))
