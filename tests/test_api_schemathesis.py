"""schemathesis over the served OpenAPI document, in-process (WSGI), once per role.

Every operation of /api/openapi.json gets generated requests with the role's bearer token
(or none, for the anonymous caller); each response must not be a server error and must
conform to the document: a documented status code, the documented media type (problem+json
for errors) and a body that validates against the documented schema. Both valid requests
(positive) and requests that break the document (negative: wrong types, missing fields...)
are generated, the latter as the admin and as the anonymous caller.

schemathesis' own pytest integration (`schema.parametrize()`) is not used: with pytest 9 it
fails before running anything ('Function' object has no attribute '_nodeid'). Each
operation's `as_strategy()` is driven by hypothesis here instead, and the failures of all
operations are collected before asserting, so one run shows every finding.

The world is shared by all operations of one role's run, so earlier writes (a deleted
stream, an erased contact) shape what later operations see, as in real use. Revoking
tokens is left out: the generated ids would revoke the caller's own token and turn every
later operation into a 401, which tells nothing about those operations.

SQLite only: the checks are about the document and the handlers, which do not differ per
database, and a second run on PostgreSQL would double the module's time for nothing new.
The database-specific behaviour is covered over HTTP by tests/test_fuzz_endpoints.py and
the other API tests, which run on both.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

# The world's token holder for each role; None is the anonymous caller.
ROLES = {"anonymous": None, "company_member": "co_a", "social_enterprise_member": "se_b",
         "facilitator": "fac_a", "admin": "admin"}
# Per operation, mode and role: ~60 operations x (5 roles valid + 2 roles invalid).
EXAMPLES = 8


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Overrides conftest's fixture: SQLite only (see the module docstring)."""
    return f"sqlite:///{tmp_path / 'matchmaker.sqlite'}"


@pytest.fixture
def role_headers(role: str, world) -> dict[str, str]:
    token_key = ROLES[role]
    return {"Authorization": f"Bearer {world.tokens[token_key]}"} if token_key else {}


def _load(api_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", api_app)


def _failures(api_app, headers: dict[str, str], mode: GenerationMode,
              ids: list[int]) -> dict[str, str]:
    """Run every operation; the first failure message per operation label.

    Half of the generated path ids are replaced by ids of the world's rows: random integers
    almost never name an existing object, and every call would end in a 404.
    """
    schema = _load(api_app).exclude(method="DELETE", path="/api/v1/tokens/{token_id}")
    found: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        # No shrinking: a failure is reported as generated, which keeps the run bounded.
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
        def check(case, data: st.DataObject) -> None:
            for name, value in (case.path_parameters or {}).items():
                case.path_parameters[name] = data.draw(st.sampled_from(ids) | st.just(value))
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except (FailureGroup, Exception) as error:
            found[operation.label] = str(error)
    return found


# Requests that break the document go out as the admin, who reaches every operation's
# validation, and as the anonymous caller; valid ones as every role.
RUNS = [(role, GenerationMode.POSITIVE) for role in ROLES] + [
    (role, GenerationMode.NEGATIVE) for role in ("admin", "anonymous")]


@pytest.mark.parametrize(("role", "mode"), RUNS, ids=[f"{r}-{m.value}" for r, m in RUNS])
def test_every_operation_conforms_to_the_document_for_each_role(
        api_app, world, role_headers: dict[str, str], mode: GenerationMode) -> None:
    failures = _failures(api_app, role_headers, mode, sorted(set(world.ids.values())))
    assert not failures, "\n\n".join(f"{label}:\n{message}"
                                      for label, message in failures.items())


def test_an_id_beyond_the_database_range_is_a_client_error(api_app, world) -> None:
    case = _load(api_app)["/api/v1/streams"]["GET"].Case(query={"hub": 2**63})
    case.call_and_validate(headers={"Authorization": f"Bearer {world.tokens['admin']}"},
                           checks=CHECKS)
