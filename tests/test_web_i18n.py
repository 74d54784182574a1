"""The pages' message catalogues: every text of the templates and views is translated
into Dutch and French, placeholders match, and the committed .mo files are current."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "api" / "translations"
LANGUAGES = ("nl", "fr")


def _extracted() -> set[str]:
    method_map = [("api/web/**.py", "python"), ("api/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None}
    return {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords) if isinstance(message, str)}


def _catalogue(language: str, suffix: str = "po"):
    path = TRANSLATIONS / language / "LC_MESSAGES" / f"messages.{suffix}"
    with path.open("rb") as f:
        return read_po(f) if suffix == "po" else read_mo(f)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_the_pages_is_translated(language):
    catalogue = _catalogue(language)
    translated = {m.id for m in catalogue if m.id and m.string and "fuzzy" not in m.flags}
    extracted = _extracted()
    assert "Review queue" in extracted and "proposed" in extracted
    missing = sorted(extracted - translated)
    assert not missing, f"untranslated in {language}: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    problems = [(m.id, errors) for m, errors in _catalogue(language).check()]
    assert not problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language):
    source = {m.id: m.string for m in _catalogue(language) if m.id}
    compiled = {m.id: m.string for m in _catalogue(language, "mo") if m.id}
    assert compiled == source, "run: pybabel compile -d api/translations"
