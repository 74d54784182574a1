"""The yearly report's files: the Excel workbook (sheets, labels in the reader's language,
number and date formats, native charts, text never run as a formula, opened and printed by
LibreOffice) and the CSV file for Belgian spreadsheets.

SQLite only: the files are made from the report's figures, whose computation is tested on
both databases in tests/test_reports.py.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from matchmaker import kpis
from matchmaker.reports import csv_report, hub_report, workbook
from matchmaker.reports.hub_report import CHARTED
from matchmaker.reports.periods import Period
from tests.reporting_data import YEAR, add_history

PERIOD = Period.year(YEAR)


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Overrides conftest's fixture: SQLite only (see the module docstring)."""
    return f"sqlite:///{tmp_path / 'matchmaker.sqlite'}"


@pytest.fixture
def history(world, session_factory):
    world.ids.update(add_history(session_factory, world))
    return world


@pytest.fixture
def report(history, session_factory) -> hub_report.HubReport:
    with session_factory() as session:
        return hub_report.build(session, history.ids["hub_a"], PERIOD)


def _workbook(report, language: str):
    return load_workbook(io.BytesIO(workbook.hub_workbook(report, language)))


@pytest.mark.parametrize(("language", "summary", "objective"), [
    ("nl", "Overzicht", "Netwerking"), ("fr", "Synthèse", "Mise en réseau"),
    ("en", "Summary", "Networking")])
def test_workbook_is_titled_and_labelled_in_the_readers_language(report, language, summary,
                                                                  objective):
    book = _workbook(report, language)
    assert book.sheetnames[0] == summary and len(book.sheetnames) == 8
    sheet = book[summary]
    assert "Hub A" in sheet["A1"].value and str(YEAR) in sheet["A1"].value
    assert sheet["B2"].value == dt.datetime(YEAR, 1, 1) and sheet["B2"].number_format == "dd/mm/yyyy"
    assert sheet["C2"].value == dt.datetime(YEAR, 12, 31)
    assert sheet["A6"].value == objective


def test_workbook_numbers_percentages_and_charts(report):
    book = _workbook(report, "nl")
    summary = book["Overzicht"]
    rows = {r[1].value: r for r in summary.iter_rows(min_row=6, max_row=5 + len(
        report.headline_rows()))}
    assigned = rows["Nieuwe opdrachten"]
    assert [c.value for c in assigned[3:9]] == [2, 4, 3, 0.5, 0, None]
    assert (assigned[3].number_format, assigned[6].number_format) == ("#,##0", "0%")
    rate = rows["Aanvaardingsgraad"]
    assert rate[3].number_format == "0.0%" and rate[3].value == 1.0
    assert rows["VTE doelgroep"][3].value == pytest.approx(0.6)
    charts = {name: book[name]._charts for name in book.sheetnames}
    assert len(charts["Overzicht"]) == 1 and charts["Overzicht"][0].type == "bar"
    assert len(charts["Per maand"]) == len(CHARTED)
    assert all(len(charts[name]) == 1 for name in book.sheetnames if name[0] in "1234")
    progress = charts["Overzicht"][0]
    assert progress.series[0].val.numRef.f.startswith("'Overzicht'!$B$")
    months = book["Per maand"]
    assert months["A4"].value == dt.datetime(YEAR, 1, 1) and months["A4"].number_format == "mmm yyyy"


def test_workbook_lists_the_agreements_with_real_dates_and_totals(report):
    sheet = _workbook(report, "en")["Agreements"]
    header = [c.value for c in sheet[3]]
    assert header[:6] == ["Agreed on", "Organisation of the stream", "Social enterprise",
                          "Hub of the social enterprise", "Materials", "Volume (kg)"]
    first = [c.value for c in sheet[4]]
    assert first[0] == dt.datetime(YEAR, 2, 3) and first[1:3] == ["CO A", "SE A"]
    assert first[4] == "Workwear" and first[10] == "yes" and first[11] == "completed"
    assert [c.value for c in sheet[6]][5:8] == [2300, pytest.approx(0.6), 420]


def test_text_that_looks_like_a_formula_stays_text(report):
    """An organisation named "=HYPERLINK(...)" must not become a live formula."""
    import dataclasses

    formula = '=HYPERLINK("https://evil.example","klik")'
    named = dataclasses.replace(report, hub_name=formula, agreements=[
        dataclasses.replace(a, stream_organisation=formula) for a in report.agreements])
    cell = load_workbook(io.BytesIO(workbook.hub_workbook(named, "nl")))["Overeenkomsten"]["B4"]
    assert (cell.data_type, cell.value) == ("s", formula)
    # control characters (typed or pasted into a title) cannot be stored in a workbook
    garbled = dataclasses.replace(report, agreements=[
        dataclasses.replace(a, capacity_organisation="SE\x00\x1b A") for a in report.agreements])
    sheet = load_workbook(io.BytesIO(workbook.hub_workbook(garbled, "nl")))["Overeenkomsten"]
    assert sheet["C4"].value == "SE A"
    # ... nor in the titles that carry the hub's name (schemathesis found this one)
    titled = load_workbook(io.BytesIO(workbook.hub_workbook(
        dataclasses.replace(report, hub_name="Hub\x01\x0b B"), "nl")))
    assert all(sheet["A1"].value.endswith("Hub B") for sheet in titled.worksheets[:3])
    rows = list(csv.reader(io.StringIO(csv_report.hub_csv(named, "nl").decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[1][0] == "'" + formula


def test_csv_opens_as_columns_in_belgian_spreadsheets(report):
    raw = csv_report.hub_csv(report, "nl")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0])[:5] == ["Hub", "Van", "Tot en met", "Doelstelling", "KPI"]
    by_kpi = {r["KPI"]: r for r in rows}
    assert by_kpi["Nieuwe opdrachten"]["Voortgang (%)"] == "50"
    assert by_kpi["VTE doelgroep"]["Waarde"] == "0,6"
    assert by_kpi["Aanvaardingsgraad"]["Eenheid"] == "%"
    assert rows[0]["Van"] == f"01/01/{YEAR}"
    assert len(rows) == len(report.kpis.rows)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed "
                    "(apt-get install --no-install-recommends libreoffice-calc-nogui)")
def test_workbooks_open_in_libreoffice_and_convert_to_pdf(report, history, session_factory,
                                                          tmp_path: Path):
    from matchmaker.reports import programme, programme_workbook

    with session_factory() as session:
        view = programme.view(session, PERIOD, {o: 1.0 for o in kpis.OBJECTIVES})
    (tmp_path / "hub.xlsx").write_bytes(workbook.hub_workbook(report, "fr"))
    (tmp_path / "programme.xlsx").write_bytes(
        programme_workbook.programme_workbook(view, None, "nl"))
    done = subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
         str(tmp_path / "hub.xlsx"), str(tmp_path / "programme.xlsx")],
        capture_output=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr.decode()
    for name in ("hub", "programme"):
        pdf = (tmp_path / "pdf" / f"{name}.pdf").read_bytes()
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
        assert pdf.startswith(b"%PDF") and pages >= 8, (name, pages)  # a page or more a sheet


def test_the_command_line_writes_the_same_reports(history, db_url, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from api.cli import main
    from matchmaker.reports.pdf import find_chromium

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MATCHMAKER_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    formats = ("xlsx", "csv", "pdf") if find_chromium() else ("xlsx", "csv")
    for kind in formats:
        out = tmp_path / f"report.{kind}"
        result = runner.invoke(main, ["report", "--hub", "Hub A", "--year", str(YEAR),
                                      "--format", kind, "--lang", "fr", "--no-opportunities",
                                      str(out)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert load_workbook(tmp_path / "report.xlsx").sheetnames[0] == "Synthèse"
    assert (tmp_path / "report.csv").read_bytes().startswith("\ufeffHub;Du;Au".encode())
    if "pdf" in formats:
        assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    result = runner.invoke(main, ["programme-report", "--year", str(YEAR), "--no-opportunities",
                                  str(tmp_path / "programme.xlsx")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Hub B" in {c.value for c in load_workbook(tmp_path / "programme.xlsx")[
        "Overzicht"]["A"]}
    refused = runner.invoke(main, ["report", "--hub", "Hub Z", str(tmp_path / "x.xlsx")])
    assert refused.exit_code == 2 and "no hub 'Hub Z'" in refused.output
