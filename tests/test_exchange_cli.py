"""`matchmaker import` and `matchmaker export` end to end, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_exchange_csv import HUBS, ORGANISATIONS, STREAMS

from api.cli import main
from matchmaker.demo import DEMO_FILE, load_demo


@pytest.fixture
def run(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MATCHMAKER_HOME", str(tmp_path / "home"))

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    return invoke


def test_import_prints_the_report_and_reimporting_the_export_changes_nothing(
    run, tmp_path: Path
) -> None:
    demo = load_demo()
    result = run("import", str(DEMO_FILE), "--source", "demo")
    assert result.exit_code == 0, result.output
    assert f"streams: {len(demo['streams'])} created, 0 updated, 0 unchanged" in result.stdout

    exported = run("export")
    assert exported.exit_code == 0
    document = json.loads(exported.stdout)
    assert [len(document[k]) for k in ("organisations", "streams", "capacities")] == [
        len(demo["organisations"]), len(demo["streams"]), len(demo["capacities"])]

    path = tmp_path / "export.json"
    path.write_text(exported.stdout, encoding="utf-8")
    again = run("import", str(path), "--source", "demo")
    assert f"capacities: 0 created, 0 updated, {len(demo['capacities'])} unchanged" in again.stdout


def test_import_with_errors_prints_each_and_exits_1_writing_nothing(run, tmp_path: Path) -> None:
    demo = load_demo()
    demo["streams"][3]["quantity"]["unit"] = "tonnes"
    demo["capacities"][-1]["organisation"] = "org-404"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(demo), encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 1
    assert "streams[3].quantity.unit: 'tonnes' is not one of kg, t, units, m3" in result.stderr
    assert f"capacities[{len(demo['capacities']) - 1}].organisation: no organisation with id " \
        "'org-404'" in result.stderr
    assert "2 error(s); nothing was imported" in result.stderr
    assert json.loads(run("export").stdout)["organisations"] == []


def test_import_of_a_file_that_is_not_json_fails_cleanly(run, tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("{not json", encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 1
    assert "data.json: is not a JSON file" in result.stderr


def test_import_of_a_csv_folder(run, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    for kind, text in (("hubs", HUBS), ("organisations", ORGANISATIONS), ("streams", STREAMS)):
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
    result = run("import", str(folder))
    assert result.exit_code == 0, result.output
    assert "organisations: 2 created, 0 updated, 0 unchanged" in result.stdout


def test_export_of_one_hub_to_a_file(run, tmp_path: Path) -> None:
    run("import", str(DEMO_FILE))
    path = tmp_path / "kempen.json"
    result = run("export", str(path), "--hub", "hub-kempen", "--no-contacts")
    assert result.exit_code == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [h["id"] for h in document["hubs"]] == ["hub-kempen"]
    assert {o["hub"] for o in document["organisations"]} == {"hub-kempen"}
    assert all("contact" not in o for o in document["organisations"])


def test_export_of_an_unknown_hub_is_a_usage_error(run) -> None:
    run("migrate")
    result = run("export", "--hub", "hub-brugge")
    assert result.exit_code == 2
    assert "no hub with id hub-brugge" in result.stderr
