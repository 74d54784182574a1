"""Property-based fuzzing of the exchange import and the text analysis: whatever the
document or text, the answer is a result or a `ValidationError` naming fields, and an
import that is refused leaves the database as it was."""
from __future__ import annotations

import copy
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_exchange_validation import VALID

from matchmaker.analysis import analyse
from matchmaker.errors import ValidationError
from matchmaker.exchange import import_exchange
from matchmaker.exchange.validation import validate
from models import Capacity, Hub, Organisation, Stream

scalars = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=3),
                           max_leaves=8)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a document where a value could be replaced."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


PATHS = _paths(VALID)


@st.composite
def mutated_documents(draw) -> Any:
    """VALID with a few values anywhere replaced by arbitrary JSON, or arbitrary JSON."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    document = copy.deepcopy(VALID)
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3)):
        target = document
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced a parent of this path
    return document


@settings(max_examples=300, deadline=None)
@given(document=mutated_documents())
def test_validation_returns_field_errors_for_any_document(document) -> None:
    for error in validate(document):
        assert isinstance(error.path, str) and error.message


def _counts(session) -> list[int]:
    return [session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (Hub, Organisation, Stream, Capacity)]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=mutated_documents())
def test_import_of_any_document_stores_all_of_it_or_nothing(session, document) -> None:
    before = _counts(session)
    try:
        import_exchange(session, document, source="fuzz")
    except ValidationError as err:
        assert err.errors and all(e.message for e in err.errors)
        assert _counts(session) == before
    else:
        assert sum(_counts(session)) >= sum(before)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), language=st.sampled_from([None, "nl", "fr", "en", "xx"]),
       role=st.sampled_from(["stream", "capacity"]))
def test_analysis_reads_any_text_without_failing(text, language, role) -> None:
    result = analyse(text, language, role=role)
    assert result is not None
