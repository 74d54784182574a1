"""Exports follow reads: a list, an export or a mail never holds what the same caller's
single read of the object would not show.

The review found the personal-data export handing a member every match on its
organisation's items, rejected ones with the facilitator's internal note
included, while `GET /matches/{id}` answered 404 (issue 12, finding 2). These
tests pin that instance.
"""
from __future__ import annotations

import json
from typing import Any

from matchmaker.mail import decoded_text

# Internal notes of the hubs: no organisation may ever read them.
NOTES = {"rejected": "NOTE-1 is in financial trouble, do not tell them",
         "accepted": "NOTE-2 check their insurance first",
         "introduced": "NOTE-3 the director is difficult",
         "agreed": "NOTE-4 price negotiated below cost",
         "withdrawn": "NOTE-5 withdrawn because of a complaint"}
AGREEMENT = {"volume_kg": 800, "period_start": "2026-02-01", "period_end": "2026-07-31",
             "estimated_hours": 320}


def _decide(http, world, match_id: int, role: str, to_status: str, **body) -> None:
    _, _, current = http.get(f"/api/v1/matches/{match_id}", token=world.tokens[role])
    status, _, answer = http.post(f"/api/v1/matches/{match_id}/decisions", json={
        "to_status": to_status, "version": current["version"], "note": NOTES[to_status],
        **body}, token=world.tokens[role])
    assert status == 201, answer


def _take(http, world, stream: str, capacity: str, role: str) -> int:
    status, _, match = http.post("/api/v1/matches", json={
        "stream_id": world.ids[stream], "capacity_id": world.ids[capacity]},
        token=world.tokens[role])
    assert status == 201, match
    return match["id"]


def reviewed(http, world) -> dict[str, int]:
    """Matches in every kind of state, each decision with an internal note: rejected and
    withdrawn (never introduced), agreed (introduced to both parties), proposed."""
    matches = {"rejected": _take(http, world, "stream_b", "capacity_b", "fac_b"),
               "agreed": _take(http, world, "stream_a", "capacity_b", "fac_a"),
               "withdrawn": _take(http, world, "stream_b", "capacity_a", "fac_b"),
               "proposed": _take(http, world, "stream_a", "capacity_a", "fac_a")}
    _decide(http, world, matches["rejected"], "fac_b", "rejected", reason_code="other")
    _decide(http, world, matches["withdrawn"], "fac_b", "withdrawn")
    for step in ("accepted", "introduced"):
        _decide(http, world, matches["agreed"], "fac_a", step)
    _decide(http, world, matches["agreed"], "fac_a", "agreed", agreement=AGREEMENT)
    return matches


def _holds_a_note(value: Any) -> bool:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return any(note in text for note in NOTES.values())


def test_a_member_reads_in_its_export_only_the_matches_it_may_open_and_no_hub_note(
        http, world):
    matches = reviewed(http, world)
    path = f"/api/v1/organisations/{world.ids['org_se_b']}/personal-data"
    status, _, document = http.get(path, token=world.tokens["se_b"])
    assert status == 200
    assert [m["id"] for m in document["matches"]] == [matches["agreed"]]
    assert not _holds_a_note(document)
    assert http.get(f"/api/v1/matches/{matches['rejected']}", token=world.tokens["se_b"])[0] \
        == 404
    assert {e["entity_id"] for e in document["audit_entries"] if e["entity"] == "matches"} == {
        matches["agreed"]}
    # the hubs keep their notes, in the export as in the read
    _, _, for_hub = http.get(path, token=world.tokens["fac_b"])
    assert {m["id"] for m in for_hub["matches"]} == {matches["rejected"], matches["agreed"]}
    assert _holds_a_note(for_hub)


def test_the_parties_read_a_match_without_the_hubs_notes(api_app, http, world):
    matches = reviewed(http, world)
    agreed = matches["agreed"]
    for role in ("co_a", "se_b"):
        status, _, match = http.get(f"/api/v1/matches/{agreed}", token=world.tokens[role])
        assert status == 200 and len(match["decisions"]) == 4
        assert not any("note" in d for d in match["decisions"]) and not _holds_a_note(match)
        _, _, listed = http.get("/api/v1/matches", token=world.tokens[role])
        assert [m["id"] for m in listed["items"]] == [agreed] and not _holds_a_note(listed)
    for role in ("fac_a", "fac_b", "admin"):  # the deciding hub, the capacity's hub
        _, _, match = http.get(f"/api/v1/matches/{agreed}", token=world.tokens[role])
        assert [d["note"] for d in match["decisions"][1:]] == [
            NOTES["accepted"], NOTES["introduced"], NOTES["agreed"]]
    # nor in the mails the agreement sent them
    texts = [decoded_text(path.read_bytes())
             for path in api_app.extensions["matchmaker.mailer"].outbox_files()]
    assert any("afgesproken" in text for text in texts)
    assert not any(_holds_a_note(text) for text in texts)
    # and suggestions name a match only to whom may open it
    path = f"/api/v1/streams/{world.ids['stream_b']}/suggestions?k=50"
    for role, expected in (("co_b", {}), ("fac_b", {
            world.ids["capacity_b"]: matches["rejected"],
            world.ids["capacity_a"]: matches["withdrawn"]})):
        status, _, found = http.get(path, token=world.tokens[role])
        assert status == 200
        assert {s["capacity_id"]: s["match_id"] for s in found if s["match_id"]} == expected

