"""The API's frame: OpenAPI document, problem details for every error, limits."""
from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def test_openapi_document_lists_the_versioned_resources(http):
    status, _, spec = http.get("/api/openapi.json")
    assert status == 200
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/streams", "/api/v1/capacities/{item_id}", "/api/v1/matches",
                 "/api/v1/matches/{match_id}/decisions", "/api/v1/tokens"):
        assert path in spec["paths"]
    assert "bearer" in spec["components"]["securitySchemes"]
    problem = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(problem) == [PROBLEM]


def test_without_credentials_the_api_answers_401_problem(http):
    status, headers, body = http.get("/api/v1/streams")
    assert status == 401
    assert headers["Content-Type"] == PROBLEM
    assert body["status"] == 401 and body["title"] == "Unauthorized"
    assert headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_field_is_a_400_naming_the_field(http, world):
    status, headers, body = http.patch(f"/api/v1/streams/{world.ids['stream_a']}",
                                       json={"title": "x", "owner": 7},
                                       token=world.tokens["fac_a"])
    assert status == 400
    assert headers["Content-Type"] == PROBLEM
    assert {"path": "owner", "message": "Unknown field."} in body["errors"]


@pytest.mark.parametrize("field", ["id", "status", "version", "organisation_id", "hub_id"])
def test_ids_status_and_version_are_not_writable(http, world, field):
    status, _, body = http.patch(f"/api/v1/streams/{world.ids['stream_a']}",
                                 json={field: 99}, token=world.tokens["fac_a"])
    assert status == 400
    assert [e["path"] for e in body["errors"]] == [field]


def test_invalid_values_are_reported_per_field_at_once(http, world):
    status, _, body = http.post(f"/api/v1/organisations/{world.ids['org_co_a']}/streams",
                                json={"materials": ["moon_rock"], "quantity_amount": -1},
                                token=world.tokens["fac_a"])
    assert status == 400
    paths = {e["path"] for e in body["errors"]}
    assert paths == {"title", "materials.0", "quantity_amount"}


def test_page_size_above_the_cap_is_refused(http, world):
    status, _, body = http.get("/api/v1/streams?page_size=1000", token=world.tokens["admin"])
    assert status == 400
    assert body["errors"][0]["path"] == "query.page_size"


def test_unknown_object_is_a_404_problem(http, world):
    status, headers, body = http.get("/api/v1/streams/999999", token=world.tokens["admin"])
    assert status == 404
    assert headers["Content-Type"] == PROBLEM
    assert "999999" in body["detail"]


def test_wrong_method_is_a_405_with_allow(http, world):
    status, headers, body = http.request("PUT", f"/api/v1/streams/{world.ids['stream_a']}",
                                         token=world.tokens["admin"])
    assert status == 405
    assert "PATCH" in headers["Allow"]
    assert body["status"] == 405


def test_oversized_body_is_a_413(http, world):
    status, _, body = http.request("POST", "/api/v1/matches", data=b" " * (3 * 1024 * 1024),
                                   token=world.tokens["admin"])
    assert status == 413
    assert body["status"] == 413


def test_malformed_json_is_a_400(http, world):
    status, _, body = http.request("POST", "/api/v1/matches", data=b"{not json",
                                   token=world.tokens["admin"])
    assert status == 400
    assert body["status"] == 400


def test_unexpected_error_is_a_500_without_stack_trace(api_app, http, world, monkeypatch):
    from api.resources import matches

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(matches, "paginate", explode)
    status, headers, body = http.get("/api/v1/matches", token=world.tokens["admin"])
    assert status == 500
    assert headers["Content-Type"] == PROBLEM
    assert "secret" not in str(body) and "Traceback" not in str(body)
    assert http.get("/api/v1/hubs", token=world.tokens["admin"])[0] == 200
