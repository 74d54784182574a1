"""Import and export of the exchange format over HTTP."""
from __future__ import annotations

import sqlalchemy as sa

from matchmaker.demo import load_demo
from models import AuditEntry, Stream


def test_admin_imports_the_demo_once_and_a_second_import_changes_nothing(
        http, world, session_factory):
    document = load_demo()
    status, _, report = http.post("/api/v1/exchange/import?source=demo", json=document,
                                  token=world.tokens["admin"])
    assert status == 200, report
    assert report["streams"]["created"] == len(document["streams"])
    status, _, again = http.post("/api/v1/exchange/import?source=demo", json=document,
                                 token=world.tokens["admin"])
    assert status == 200
    assert again["streams"] == {"created": 0, "updated": 0,
                                "unchanged": len(document["streams"])}
    with session_factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "import")) == 2


def test_invalid_document_is_400_with_every_error_and_imports_nothing(
        http, world, session_factory):
    status, _, problem = http.post("/api/v1/exchange/import", json={
        "format": "circular-match-exchange/1", "streams": [{"id": "s1"}, {"id": "s2"}]},
        token=world.tokens["admin"])
    assert status == 400
    assert len(problem["errors"]) >= 2
    with session_factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Stream)) == 2


def test_only_admins_import(http, world):
    for role in ("fac_a", "co_a"):
        assert http.post("/api/v1/exchange/import", json={"format": "x"},
                         token=world.tokens[role])[0] == 403


def test_facilitator_exports_own_hub_without_contacts_by_default(http, world):
    status, _, document = http.get("/api/v1/exchange/export", token=world.tokens["fac_a"])
    assert status == 200
    assert document["format"] == "circular-match-exchange/1"
    assert [s["title"] for s in document["streams"]] == ["Werkkledij a"]
    assert "person-co-a@example.org" not in str(document)
    status, _, with_contacts = http.get("/api/v1/exchange/export?contacts=true",
                                        token=world.tokens["fac_a"])
    assert "person-co-a@example.org" in str(with_contacts)


def test_export_of_another_hub_is_refused(http, world):
    status, _, _ = http.get(f"/api/v1/exchange/export?hub={world.ids['hub_b']}",
                            token=world.tokens["fac_a"])
    assert status == 403
    assert http.get("/api/v1/exchange/export", token=world.tokens["co_a"])[0] == 403
