"""Exports follow reads: a list, an export or a mail never holds what the same caller's
single read of the object would not show.

The review found the personal-data export handing a member every match on its
organisation's items, rejected ones with the facilitator's internal note
included, while `GET /matches/{id}` answered 404 (issue 12, finding 2). The
first tests pin that instance; the last walks every list and export of the
served OpenAPI document for every role, so a new list is covered without a
new test.
"""
from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
from typing import Any

import openpyxl
import sqlalchemy as sa

from matchmaker.mail import decoded_text
from models import Capacity, Hub, Match, Organisation, Stream

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
    # hub B's social enterprise is introduced to hub A's company: hub B consents first
    assert http.post(f"/api/v1/matches/{matches['agreed']}/consent", json={"consent": True},
                     token=world.tokens["fac_b"])[0] == 201
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
        assert status == 200 and len(match["decisions"]) == 5  # hub B's consent included
        assert not any("note" in d for d in match["decisions"]) and not _holds_a_note(match)
        _, _, listed = http.get("/api/v1/matches", token=world.tokens[role])
        assert [m["id"] for m in listed["items"]] == [agreed] and not _holds_a_note(listed)
    for role in ("fac_a", "fac_b", "admin"):  # the deciding hub, the capacity's hub
        _, _, match = http.get(f"/api/v1/matches/{agreed}", token=world.tokens[role])
        assert [d["note"] for d in match["decisions"][1:] if d["party"] is None] == [
            NOTES["accepted"], NOTES["introduced"], NOTES["agreed"]]
    # nor in the mails the agreement sent them
    texts = [decoded_text(path.read_bytes())
             for path in api_app.extensions["matchmaker.mailer"].outbox_files()]
    assert any("afspraak gemaakt" in text for text in texts)
    assert not any(_holds_a_note(text) for text in texts)
    # and suggestions name a match only to whom may open it
    path = f"/api/v1/streams/{world.ids['stream_b']}/suggestions?k=50"
    for role, expected in (("co_b", {}), ("fac_b", {
            world.ids["capacity_b"]: matches["rejected"],
            world.ids["capacity_a"]: matches["withdrawn"]})):
        status, _, found = http.get(path, token=world.tokens[role])
        assert status == 200
        assert {s["capacity_id"]: s["match_id"] for s in found if s["match_id"]} == expected


# --- the class: every list and export of the OpenAPI document, every role ---------------------

ROLES = ("admin", "fac_a", "fac_b", "co_a", "se_a", "co_b", "se_b")
PAGE_SIZE = 100
# Answers that are not a JSON schema of objects: checked one by one below.
EXPORTS = ("/api/v1/organisations/{organisation_id}/personal-data", "/api/v1/exchange/export",
           "/api/v1/hubs/{hub_id}/kpis.csv", "/api/v1/hubs/{hub_id}/kpis.xlsx")
MODELS = {"hub": Hub, "organisation": Organisation, "stream": Stream, "capacity": Capacity,
          "match": Match}


def _singular(segment: str) -> str:
    for plural, single in (("ies", "y"), ("ches", "ch"), ("s", "")):
        if segment.endswith(plural):
            return segment[:-len(plural)] + single
    return segment


def _component(schema: dict | None) -> str | None:
    return schema["$ref"].rsplit("/", 1)[1] if schema and "$ref" in schema else None


def _ok_schema(operation: dict) -> dict | None:
    answer = operation.get("responses", {}).get("200", {})
    return answer.get("content", {}).get("application/json", {}).get("schema")


class Reader:
    """One role reading the API: single reads remembered, objects of lists checked."""

    def __init__(self, http, spec: dict, token: str, role: str) -> None:
        self.http, self.spec, self.token, self.role = http, spec, token, role
        self.schemas = spec["components"]["schemas"]
        # kind ("stream") -> path of its single read, schema name -> kind
        self.read_path: dict[str, str] = {}
        self.kind_of: dict[str, str] = {}
        for path, operations in spec["paths"].items():
            found = re.fullmatch(r"/api/v1/([a-z-]+)/\{\w+\}", path)
            name = _component(_ok_schema(operations.get("get", {})))
            if found and name:
                kind = _singular(found.group(1))
                self.read_path[kind], self.kind_of[name] = path, kind
        self._reads: dict[tuple[str, int], tuple[int, Any]] = {}
        self.failures: list[str] = []

    def read(self, kind: str, object_id: int) -> Any:
        """The single read of one object, None when refused."""
        key = (kind, object_id)
        if key not in self._reads:
            path = re.sub(r"\{\w+\}", str(object_id), self.read_path[kind])
            status, _, body = self.http.get(path, token=self.token)
            self._reads[key] = (status, body)
        status, body = self._reads[key]
        return body if status == 200 else None

    def fail(self, where: str, message: str) -> None:
        self.failures.append(f"{self.role} {where}: {message}")

    def properties(self, name: str) -> dict[str, dict]:
        return self.schemas[name].get("properties", {})

    def follows(self, where: str, shown: dict, read: dict, name: str) -> None:
        """`shown` tells nothing that `read` does not: every field of the schema the read
        leaves out is absent, every field both hold is equal (nested objects by id)."""
        for field, schema in self.properties(name).items():
            if field not in shown:
                continue
            if field not in read:
                self.fail(where, f"{name}.{field} shown, but the read of {shown.get('id')} "
                                 "leaves it out")
                continue
            nested = _component(schema.get("items") if schema.get("type") == "array"
                                else schema)
            if nested and isinstance(shown[field], list):
                by_id = {item.get("id"): item for item in read[field]}
                for item in shown[field]:
                    if item.get("id") not in by_id:
                        self.fail(where, f"{name}.{field} holds {nested} {item.get('id')} "
                                         "that the read does not")
                    else:
                        self.follows(where, item, by_id[item["id"]], nested)
            elif shown[field] != read[field]:
                self.fail(where, f"{name}.{field} {shown[field]!r} != read {read[field]!r}")

    def check_object(self, where: str, obj: dict, name: str, itself: str | None) -> None:
        kind = self.kind_of.get(name)
        if kind is not None and "id" in obj:
            if self.read_path[kind] == itself:
                return  # the single read is the reference itself
            read = self.read(kind, obj["id"])
            if read is None:
                self.fail(where, f"holds {kind} {obj['id']}, which its read refuses")
            else:
                self.follows(where, obj, read, name)
            return
        # no read of its own: whatever it names must be readable
        for field, value in obj.items():
            found = re.fullmatch(r"(\w+)_ids?", field)
            if not found or found.group(1) not in self.read_path or value is None:
                continue
            for object_id in value if isinstance(value, list) else [value]:
                if self.read(found.group(1), object_id) is None:
                    self.fail(where, f"{name}.{field} names {found.group(1)} {object_id}, "
                                     "which its read refuses")

    def walk(self, where: str, value: Any, schema: dict | None, itself: str) -> int:
        """Check every object in an answer against its schema; returns how many."""
        if schema is None:
            return 0
        if schema.get("type") == "array" and isinstance(value, list):
            return sum(self.walk(where, item, schema.get("items"), itself) for item in value)
        name = _component(schema)
        if name is None or not isinstance(value, dict):
            return 0
        self.check_object(where, value, name, itself)
        return 1 + sum(self.walk(where, value[field], sub, itself)
                       for field, sub in self.properties(name).items() if field in value)


def _fillings(session_factory, path: str) -> list[str]:
    """`path` with its ids filled in every way the database allows."""
    paths = [path]
    for param in re.findall(r"\{(\w+)\}", path):
        segment = path.split("{" + param + "}")[0].rstrip("/").rsplit("/", 1)[1]
        kind = param[:-3] if param != "item_id" else _singular(segment)
        assert kind in MODELS, f"teach this test how to fill {{{param}}} in {path}"
        with session_factory() as session:
            ids = session.scalars(sa.select(MODELS[kind].id)).all()
        paths = [p.replace("{" + param + "}", str(i)) for p in paths for i in ids]
    return paths


def richer(http, world) -> None:
    """Besides the reviewed matches: a draft, a pending organisation, an activity, a target,
    a second contact and an open invitation."""
    reviewed(http, world)
    _, _, draft = http.post(f"/api/v1/organisations/{world.ids['org_co_a']}/streams",
                            json={"title": "Oude laptops", "materials": ["electronics"]},
                            token=world.tokens["co_a"])
    http.post(f"/api/v1/streams/{draft['id']}/status", json={"status": "draft"},
              token=world.tokens["co_a"])
    http.post("/api/v1/registrations", json={
        "hub_id": world.ids["hub_b"], "email": "nieuw-bedrijf@example.org",
        "password": "a long enough secret",
        "organisation": {"name": "Nieuw bedrijf", "kind": "company"}})
    http.post(f"/api/v1/hubs/{world.ids['hub_a']}/activities", json={
        "kind": "training", "date": "2026-03-01", "title": "Opleiding",
        "organisation_ids": [world.ids["org_co_a"], world.ids["org_se_a"]]},
        token=world.tokens["fac_a"])
    http.put_json(f"/api/v1/hubs/{world.ids['hub_a']}/kpi-targets",
                  json={"year": 2026, "kpi": "matches_accepted", "target": 4},
                  token=world.tokens["fac_a"])
    http.post(f"/api/v1/organisations/{world.ids['org_co_b']}/contacts", json={
        "name": "Tweede Contact", "email": "tweede@example.org", "phone": "+32 3 555 66 77"},
        token=world.tokens["co_b"])
    http.post(f"/api/v1/organisations/{world.ids['org_se_b']}/invitations",
              json={"email": "collega-se-b@example.org"}, token=world.tokens["se_b"])


def _check_personal_data(reader: Reader, where: str, document: dict) -> None:
    organisation = reader.read("organisation", document["organisation"]["id"])
    reader.follows(where, document["organisation"], organisation, "OrganisationOut")
    contacts = {c["id"]: c for c in organisation.get("contacts", [])}
    for section, kind, name in (("streams", "stream", "StreamOut"),
                                ("capacities", "capacity", "CapacityOut"),
                                ("matches", "match", "MatchOut")):
        for row in document[section]:
            read = reader.read(kind, row["id"])
            if read is None:
                reader.fail(where, f"holds {kind} {row['id']}, which its read refuses")
            else:
                reader.follows(where, row, read, name)
    for row in document["contacts"]:
        if row["id"] not in contacts:
            reader.fail(where, f"holds contact {row['id']}, which the organisation's read "
                               "does not show")
        else:
            reader.follows(where, row, contacts[row["id"]], "ContactOut")
    for row in document["activities"]:
        status, _, page = reader.http.get(
            f"/api/v1/hubs/{row['hub_id']}/activities?page_size={PAGE_SIZE}",
            token=reader.token)
        listed = {a["id"]: a for a in page["items"]} if status == 200 else {}
        if row["id"] not in listed:
            reader.fail(where, f"holds activity {row['id']}, not in its hub's list")
        else:
            reader.follows(where, row, listed[row["id"]], "ActivityOut")
    for entry in document["audit_entries"]:
        kind = _singular(entry["entity"])
        readable = entry["entity_id"] in contacts if kind == "contact" else \
            reader.read(kind, entry["entity_id"]) is not None
        if not readable:
            reader.fail(where, f"holds the audit of {kind} {entry['entity_id']}, which the "
                               "reader cannot read")
    # Accounts and invitations have no read of their own: they are shown to those who
    # manage the organisation, which this export requires (a 403 for anyone else).
    handled = {"format", "exported_at", "organisation", "streams", "capacities", "matches",
               "contacts", "activities", "audit_entries", "members", "invitations"}
    assert set(document) == handled, f"teach this test the sections {set(document) - handled}"


def _check_exchange(reader: Reader, session_factory, where: str, document: dict) -> None:
    pks: dict[str, dict[str, int]] = {}
    with session_factory() as session:
        for kind in ("hub", "organisation", "stream", "capacity"):
            model = MODELS[kind]
            rows = session.execute(sa.select(model.source, model.external_id, model.id)).all()
            # the file's id, or "source:id" where two sources share one
            pks[kind] = {**{rid: pk for _, rid, pk in rows},
                         **{f"{source}:{rid}": pk for source, rid, pk in rows}}
    for section, kind in (("hubs", "hub"), ("organisations", "organisation"),
                          ("streams", "stream"), ("capacities", "capacity")):
        for record in document[section]:
            read = reader.read(kind, pks[kind][record["id"]])
            if read is None:
                reader.fail(where, f"holds {kind} {record['id']}, which its read refuses")
            elif record.get("contact", {}).get("email") and record["contact"]["email"] not in {
                    c["email"] for c in read.get("contacts", [])}:
                reader.fail(where, f"holds the contact of {record['id']}, which the "
                                   "organisation's read does not show")


def _check_kpi_files(reader: Reader, path: str, body: bytes) -> None:
    """A KPI file holds the rows of the report its reader gets as JSON, and no more."""
    status, _, report = reader.http.get(path.rsplit(".", 1)[0], token=reader.token)
    if status != 200:
        reader.fail(path, "a KPI file for a report the reader may not read")
        return
    shown = {(r["kpi"], float(r["value"])) for r in report["rows"]}
    if path.endswith(".csv"):
        rows = {(r["kpi"], float(r["value"])) for r in csv.DictReader(io.StringIO(body.decode()))}
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        rows = {(r[1], float(r[2])) for r in sheet.iter_rows(min_row=3, values_only=True)}
    if rows != shown:
        reader.fail(path, f"the file's rows differ from the report: {rows ^ shown}")


def _personal_strings(session_factory) -> set[str]:
    """What would make a file personal: people's addresses, names and phones, and the hubs'
    internal notes."""
    from matchmaker import scoping
    from models import Contact, Decision, User

    with session_factory() as session:
        found = {v for c in session.scalars(sa.select(Contact))
                 for v in (c.email, c.name, c.phone) if v}
        found |= {v for u in session.scalars(sa.select(User)) for v in (u.email, u.display_name)
                  if v}
        found |= {getattr(d, field) for d in session.scalars(sa.select(Decision))
                  for field in scoping.hidden_fields(None, Decision) if getattr(d, field)}
    return found


def _check_report_file(reader: Reader, personal: set[str], path: str, body: bytes) -> None:
    """A report for people (workbook, CSV) names hubs, organisations and figures: no person,
    no internal note, whoever reads it."""
    if path.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(body))
        text = "\n".join(str(cell) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for cell in row
                         if cell is not None)
    elif path.endswith(".csv"):
        text = body.decode("utf-8-sig")
    else:
        return  # a PDF is the report page printed; the page's HTML is what is checked
    for value in personal:
        if value in text:
            reader.fail(path, f"holds {value!r}, personal or the hub's own")


def _check_mails(api_app, http, world, session_factory, spec) -> list[str]:
    """Each mail to a party: no hub-only field of any decision, and of the contacts of other
    organisations only those the recipient's own read of that organisation shows."""
    from matchmaker import scoping
    from models import Contact, Decision, User

    with session_factory() as session:
        hidden = [getattr(d, field) for d in session.scalars(sa.select(Decision))
                  for field in scoping.hidden_fields(None, Decision) if getattr(d, field)]
        contacts = [(c.organisation_id, c.email) for c in session.scalars(sa.select(Contact))
                    if c.email and c.erased_at is None]
        organisation_of = {**{email: org for org, email in contacts}, **{
            u.email: u.organisation_id for u in session.scalars(sa.select(User))
            if u.organisation_id is not None}}
    role_of = {world.ids[f"org_{short}"]: short for short in ("co_a", "se_a", "co_b", "se_b")}
    failures, checked = [], 0
    for path in api_app.extensions["matchmaker.mailer"].outbox_files():
        text = decoded_text(path.read_bytes())
        recipient = re.search(r"^To: .*?([^\s<>]+@[^\s<>]+)", text, re.M).group(1)
        failures += [f"mail to {recipient} holds a hub's note" for note in hidden
                     if note in text]
        role = role_of.get(organisation_of.get(recipient))
        if role is None:
            continue
        checked += 1
        reader = Reader(http, spec, world.tokens[role], role)
        for organisation_id, email in contacts:
            if email in text and organisation_id != organisation_of[recipient]:
                read = reader.read("organisation", organisation_id) or {}
                if email not in {c["email"] for c in read.get("contacts", [])}:
                    failures.append(f"mail to {role} holds {email}, which {role} cannot read")
    assert checked, "no mail to a party was checked"
    return failures


def test_every_list_export_and_mail_holds_only_what_the_callers_reads_show(
        api_app, http, world, session_factory):
    richer(http, world)
    spec = http.get("/api/openapi.json")[2]
    operations = [(path, op) for path, ops in spec["paths"].items()
                  for method, op in ops.items() if method == "get"]
    failures: list[str] = []
    personal = _personal_strings(session_factory)
    for role in ROLES:
        reader = Reader(http, spec, world.tokens[role], role)
        objects = 0
        for template, operation in operations:
            query = "?page_size=100" if any(p.get("name") == "page_size"
                                            for p in operation.get("parameters", [])) else ""
            for path in _fillings(session_factory, template):
                if template.endswith((".csv", ".xlsx", ".pdf")):
                    try:
                        body = http.raw("GET", path, token=reader.token)
                    except urllib.error.HTTPError:
                        continue  # refused
                    if template in EXPORTS[2:]:
                        _check_kpi_files(reader, path, body)
                    else:
                        _check_report_file(reader, personal, path, body)
                    continue
                if template == EXPORTS[1]:
                    path += "?contacts=true"
                status, _, body = http.get(path + query, token=reader.token)
                if status != 200:
                    continue  # refusals are the authorisation grid's business
                if template == EXPORTS[0]:
                    _check_personal_data(reader, path, body)
                elif template == EXPORTS[1]:
                    _check_exchange(reader, session_factory, path, body)
                else:
                    objects += reader.walk(path, body, _ok_schema(operation), template)
        assert objects, f"{role} saw no object at all"
        failures += reader.failures
    failures += _check_mails(api_app, http, world, session_factory, spec)
    assert not failures, "\n".join(failures)
