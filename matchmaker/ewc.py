"""The European List of Waste (EURAL/EWC): chapters, the codes that matter for
our materials, their labels and the materials each code maps to.

Codes are written "20 01 10"; a trailing "*" marks a hazardous entry.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources

from matchmaker.errors import FieldError, ValidationError

_DATA = json.loads(resources.files("matchmaker.data").joinpath("ewc.json").read_text("utf-8"))
CHAPTERS: dict[str, dict[str, str]] = _DATA["chapters"]
# "20 01 10" -> {"en": ..., "nl": ..., "fr": ..., "materials": [...]}; hazardous codes keep their star.
CODES: dict[str, dict] = _DATA["codes"]

_CODE_RE = re.compile(r"^\s*(\d{2})[\s.\-/]*(\d{2})[\s.\-/]*(\d{2})\s*(\*)?\s*$")


@dataclass(frozen=True)
class EwcCode:
    """A normalised code; `code` never carries the star, `hazardous` says whether it had one."""

    code: str
    hazardous: bool

    def __str__(self) -> str:
        return self.code + ("*" if self.hazardous else "")


def parse_ewc(code: str) -> EwcCode:
    """Read "200110", "20.01.10", "20 01 10*"...; raises ValidationError on anything else."""
    m = _CODE_RE.match(code or "")
    if not m or m.group(1) not in CHAPTERS:
        raise ValidationError([FieldError("ewc_code", f"not a EURAL code: {code!r}")])
    plain = f"{m.group(1)} {m.group(2)} {m.group(3)}"
    return EwcCode(plain, bool(m.group(4)) or f"{plain}*" in CODES)


def normalise_ewc(code: str) -> str:
    """The canonical spelling "20 01 10", with "*" kept for hazardous entries."""
    return str(parse_ewc(code))


def ewc_label(code: str, language: str = "en") -> str:
    """Label of a code (or of its chapter when the code is not in our list)."""
    parsed = parse_ewc(code)
    entry = CODES.get(str(parsed)) or CODES.get(parsed.code)
    if entry is None:
        entry = CHAPTERS[parsed.code[:2]]
    return entry.get(language) or entry["en"]


def ewc_materials(code: str) -> set[str]:
    """Materials a code maps to directly; empty for codes outside our materials."""
    parsed = parse_ewc(code)
    entry = CODES.get(str(parsed)) or CODES.get(parsed.code) or {}
    return set(entry.get("materials", ()))


def codes_by_material() -> dict[str, list[str]]:
    """material -> the codes mapping to it directly, in list order."""
    out: dict[str, list[str]] = {}
    for code, entry in CODES.items():
        for material in entry["materials"]:
            out.setdefault(material, []).append(code)
    return out
