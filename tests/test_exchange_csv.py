"""CSV files as a way in: flattened columns, ";" lists, errors that name the row and column."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchmaker.errors import ValidationError
from matchmaker.exchange import columns, import_csv, read_csv, validate
from models import Contact, Organisation, Stream

HUBS = "id,name,lat,lon\nhub-gent,Circulair Werk(t) Gent,51.054,3.717\n"
ORGANISATIONS = (
    "id,name,kind,enterprise_number,recognitions,hub,postcode,municipality,lat,lon,"
    "contact_name,contact_email\n"
    "org-1,Naaiatelier De Steek vzw,social_enterprise,0456.123.989,maatwerkbedrijf;kringwinkel,"
    "hub-gent,9000,Gent,51.045,3.725,An Peeters,an@steek.example\n"
    "org-2,Proclean nv,company,,,hub-gent,9080,Lochristi,,,,\n"
)
STREAMS = (
    "id,organisation,title,description,materials,services_wanted,"
    "quantity_amount,quantity_unit,quantity_per\n"
    's-1,org-2,Werkkledij,"Polo\'s en broeken, gewassen",workwear,collection;sorting,'
    '"2,5",t,year\n'
    ",,,,,,,,\n"
    "s-2,org-2,,Oude paletten,pallets,repair,60,units,week\n"
)


def write(folder: Path, **files: str) -> Path:
    for kind, text in files.items():
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
    return folder


def test_rows_become_exchange_records() -> None:
    fragment = read_csv(STREAMS, "streams")
    assert fragment["streams"][0] == {
        "id": "s-1", "organisation": "org-2", "title": "Werkkledij",
        "description": "Polo's en broeken, gewassen", "materials": ["workwear"],
        "services_wanted": ["collection", "sorting"],
        "quantity": {"amount": 2.5, "unit": "t", "per": "year"},
    }
    assert [s["id"] for s in fragment["streams"]] == ["s-1", "s-2"]


def test_nested_columns_fill_location_and_contact(tmp_path: Path) -> None:
    path = write(tmp_path, organisations=ORGANISATIONS) / "organisations.csv"
    assert read_csv(str(path), "organisations") == read_csv(path, "organisations")
    org = read_csv(path, "organisations")["organisations"][0]
    assert org["location"] == {"postcode": "9000", "municipality": "Gent",
                               "lat": 51.045, "lon": 3.725}
    assert org["contact"] == {"name": "An Peeters", "email": "an@steek.example"}
    assert org["recognitions"] == ["maatwerkbedrijf", "kringwinkel"]


def test_every_json_field_has_a_column() -> None:
    assert "capacity_amount" in columns("capacities")
    assert {"contact_email", "lat", "hub"} <= set(columns("organisations"))


def test_unknown_or_missing_columns_list_the_expected_ones() -> None:
    with pytest.raises(ValidationError) as raised:
        read_csv("id,title,colour\ns-1,Werkkledij,blue\n", "streams")
    [error] = raised.value.errors
    assert error.path == "streams.csv"
    assert error.message.startswith(
        "unknown column 'colour'; missing column 'organisation' (expected columns: id, "
        "organisation, title, description, language, materials, ewc_codes,")


def test_cell_that_is_not_a_number_names_row_and_column() -> None:
    with pytest.raises(ValidationError) as raised:
        read_csv(STREAMS.replace(",60,", ",zestig,"), "streams")
    assert [str(e) for e in raised.value.errors] == [
        "streams.csv row 4, quantity_amount: 'zestig' is not a number"]


def test_row_with_too_many_cells_is_reported() -> None:
    with pytest.raises(ValidationError, match=r"streams.csv row 2: has more cells"):
        read_csv("id,organisation,title\ns-1,org-1,Werkkledij,extra\n", "streams")


def test_folder_of_csv_files_imports_with_contacts(session: Session, tmp_path: Path) -> None:
    folder = write(tmp_path, hubs=HUBS, organisations=ORGANISATIONS, streams=STREAMS)
    report = import_csv(session, folder)
    assert (report.hubs.created, report.organisations.created, report.streams.created) == (1, 2, 2)
    stream = session.scalars(sa.select(Stream).where(Stream.external_id == "s-2")).one()
    assert (stream.title, stream.description, stream.quantity_per) == ("", "Oude paletten", "week")
    assert session.scalars(sa.select(Contact.email)).one() == "an@steek.example"
    assert not import_csv(session, folder).changed


def test_organisations_csv_may_name_a_hub_already_in_the_database(
    session: Session, tmp_path: Path
) -> None:
    import_csv(session, write(tmp_path, hubs=HUBS) / "hubs.csv", source="setup")
    import_csv(session, write(tmp_path, organisations=ORGANISATIONS) / "organisations.csv")
    hubs = session.scalars(sa.select(Organisation.hub_id).distinct()).all()
    assert len(hubs) == 1 and hubs[0] is not None


def test_validation_errors_name_the_csv_row_and_column(session: Session, tmp_path: Path) -> None:
    streams = STREAMS.replace(",60,units,", ",60,tonnes,").replace("org-2,,", "org-7,,")
    folder = write(tmp_path, hubs=HUBS, organisations=ORGANISATIONS, streams=streams)
    with pytest.raises(ValidationError) as raised:
        import_csv(session, folder)
    assert [str(e) for e in raised.value.errors] == [
        "streams.csv row 4, quantity_unit: 'tonnes' is not one of kg, t, units, m3",
        "streams.csv row 4, organisation: no organisation with id 'org-7'",
    ]
    assert session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def test_csv_document_validates_like_json() -> None:
    fragments = [read_csv(text, kind) for kind, text in
                 (("hubs", HUBS), ("organisations", ORGANISATIONS), ("streams", STREAMS))]
    data = {"format": "circular-match-exchange/1"}
    for fragment in fragments:
        data |= fragment
    assert validate(data) == []


def test_file_with_another_name_is_refused(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "stromen.csv"
    path.write_text(STREAMS, encoding="utf-8")
    with pytest.raises(ValidationError, match="must be named hubs.csv"):
        import_csv(session, path)


def test_row_numbers_count_blank_lines_and_multi_line_cells_like_a_spreadsheet() -> None:
    text = ('id,organisation,description,quantity_amount\n'
            's-1,org-1,"Regel een\nregel twee",1\n'
            '\n'
            's-2,org-1,Paletten,veel\n')
    with pytest.raises(ValidationError) as raised:
        read_csv(text, "streams")
    assert [str(e) for e in raised.value.errors] == [
        "streams.csv row 4, quantity_amount: 'veel' is not a number"]
