"""The ranking commands end to end: demo, index, rank and evaluate, with the real model."""
from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from api.app import create_app
from api.cli import main
from matchmaker.config import Settings
from matchmaker.demo import DEMO_FILE, load_demo
from models import Organisation, make_engine
from tests.serving import serving

DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path / "var"


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_rank_writes_a_ranked_list_of_known_capacities_for_every_stream(home, tmp_path):
    out = tmp_path / "run.json"
    result = run("rank", "--data", str(DEMO_FILE), "--out", str(out), "--top", "5")
    assert result.exit_code == 0, result.output
    ranking = json.loads(out.read_text())
    demo = load_demo()
    assert set(ranking) == {s["id"] for s in demo["streams"]}
    capacity_ids = {c["id"] for c in demo["capacities"]}
    assert all(0 < len(ids) <= 5 and set(ids) <= capacity_ids for ids in ranking.values())
    assert ranking["s-012"][0] in {"c-005", "c-015"}   # found bicycles -> bicycle repair


def test_rank_refuses_an_invalid_file_and_names_the_field(home, tmp_path):
    bad = load_demo()
    bad["streams"][3]["quantity"] = {"amount": 2, "unit": "tonnes", "per": "year"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = CliRunner().invoke(main, ["rank", "--data", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "streams[3].quantity.unit: 'tonnes' is not one of kg, t, units, m3" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(not DEV_SET.is_dir(), reason="the development set (../shared) is absent")
def test_dev_set_quality_stays_above_the_targets(home):
    result = run("evaluate", "--data", str(DEV_SET / "data.json"),
                 "--qrels", str(DEV_SET / "qrels.json"))
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output.strip().splitlines()[-1])
    assert scores["all"]["ndcg"] >= 0.85 and scores["all"]["recall"] >= 0.90
    assert all(m["ndcg"] >= 0.80 for m in scores.values()), scores


def test_index_embeds_only_what_changed_and_stores_the_index(home, tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_INDEX_DIR", str(tmp_path / "shared" / "index"))
    assert run("import", str(DEMO_FILE), "--source", "demo").exit_code == 0
    first = run("index")
    assert "streams: 26 embedded, 0 unchanged" in first.output
    current = (tmp_path / "shared" / "index" / "current").resolve()
    assert f"index stored in {current}" in first.output
    assert json.loads((current / "manifest.json").read_text())["counts"] == {
        "stream": 26, "capacity": 22}
    assert "(built," in first.output
    second = run("index")
    assert "streams: 0 embedded, 26 unchanged" in second.output
    assert "(updated from the one stored before," in second.output
    rebuilt = run("index", "--rebuild")
    assert "capacities: 22 embedded, 0 unchanged" in rebuilt.output
    assert "(built," in rebuilt.output


def test_demo_prepares_a_database_that_the_app_serves(home):
    result = run("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "facilitator.gent@demo.example" in result.output

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 34
    engine.dispose()

    app = create_app(settings)
    with serving(app) as base:
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
            assert response.status == 200 and json.load(response)["status"] == "ok"
        with urllib.request.urlopen(f"{base}/readyz", timeout=60) as response:
            body = json.load(response)
            assert response.status == 200 and body["checks"] == {"database": "ok", "index": "ok"}
        # the app loaded the index the demo stored instead of building it
        assert app.extensions["matchmaker.index"].loaded_from == home / "index"
    app.extensions["matchmaker.engine"].dispose()
