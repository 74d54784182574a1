"""The notebooks run headless from top to bottom on small data, and are committed clean.

Each notebook is executed with nbclient in a real kernel, with its parameters
replaced by a cell injected after the one tagged "parameters" (as papermill
does). Figures come out as PNG from matplotlib's inline backend, which draws
with Agg: no display is needed.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import sqlalchemy as sa
from nbclient import NotebookClient

from matchmaker import kpis
from matchmaker.demo.setup import install_demo
from models import Activity, Match, make_engine, make_session_factory, upgrade

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"
TIMEOUT_S = 600


def execute(name: str, **parameters: object) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    index = next(i for i, cell in enumerate(notebook.cells)
                 if "parameters" in cell.metadata.get("tags", []))
    injected = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in parameters.items()))
    injected.metadata["tags"] = ["injected-parameters"]
    notebook.cells.insert(index + 1, injected)
    NotebookClient(notebook, timeout=TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def text_of(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for output in outputs(notebook):
        data = output.get("data", {})
        parts.append(data.get("text/html") or data.get("text/markdown") or output.get("text", ""))
    return "\n".join(parts)


def figures(notebook: nbformat.NotebookNode) -> int:
    return sum("image/png" in o.get("data", {}) for o in outputs(notebook))


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """The kernel inherits this environment: no real database, an empty MATCHMAKER_HOME."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MATCHMAKER_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture
def dev_subset(tmp_path):
    """The first 20 judged streams of the dev set with all its capacities."""
    if not DEV.is_dir():
        pytest.skip(f"dev set not found at {DEV}")
    data = json.loads((DEV / "data.json").read_text(encoding="utf-8"))
    qrels = json.loads((DEV / "qrels.json").read_text(encoding="utf-8"))
    kept = sorted(qrels)[:20]
    data["streams"] = [s for s in data["streams"] if s["id"] in kept]
    (tmp_path / "data.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "qrels.json").write_text(json.dumps({s: qrels[s] for s in kept}),
                                         encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_ranking_notebook_measures_a_judged_set(dev_subset, kernel_env):
    notebook = execute("ranking_evaluation.ipynb", DATA=str(dev_subset / "data.json"),
                       QRELS=str(dev_subset / "qrels.json"), WORST=3)
    text = text_of(notebook)
    assert "20 judged streams" in text
    for heading in ("nDCG@10", "Recall@10", "MRR", "<td>all</td>", "<td>nl</td>"):
        assert heading in text
    for variant in ("no dense channel", "no lexical channel", "no blocking", "without material",
                    "without semantic"):
        assert f"<td>{variant}</td>" in text
    assert "relevant (grade &gt;= 2)" in text
    assert "The 3 worst-ranked streams by nDCG@10" in text
    assert "Gelijkaardige omschrijving" in text or "Similar description" in text
    # metrics by language, ablation, score distribution
    assert figures(notebook) == 3


@pytest.mark.slow
def test_ranking_notebook_falls_back_to_the_demo_data_without_metrics(kernel_env):
    notebook = execute("ranking_evaluation.ipynb", DATA=str(kernel_env / "absent.json"))
    text = text_of(notebook)
    assert "the demo data" in text and "no metric" in text
    assert "nDCG@10" not in text and "<td>no dense channel</td>" not in text
    assert "best three suggestions" in text
    assert "streams whose best suggestion scores lowest" in text
    assert figures(notebook) == 1


@pytest.mark.slow
def test_kpi_notebook_reports_a_temporary_demo_hub_and_writes_html(kernel_env):
    html_file = kernel_env / "report.html"
    notebook = execute("hub_kpi_report.ipynb", HUB="hub-antwerpen", START="2025-01-01",
                       END="2025-12-31", HTML_REPORT=str(html_file))
    text = text_of(notebook)
    assert "a temporary demo database" in text and "Simulated history" in text
    assert "Circulair Werk(t) Antwerpen" in text
    for kpi in kpis.KPI_NAMES:
        assert f"<td>{kpi}</td>" in text
    assert "results 01/01/2025 to 31/12/2025" in text
    assert "<th>agreed (kg)</th>" in text
    # targets, month by month, materials
    assert figures(notebook) == 3
    page = html_file.read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 3
    assert "<td>assignment_volume_kg</td>" in page


@pytest.mark.slow
def test_kpi_notebook_simulates_in_a_copy_and_leaves_the_database_alone(kernel_env):
    url = f"sqlite:///{kernel_env / 'demo.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            install_demo(session)
        notebook = execute("hub_kpi_report.ipynb", DATABASE_URL=url, HUB="hub-gent",
                           START="2025-01-01", END="2025-06-30")
        with engine.connect() as connection:
            untouched = [connection.scalar(sa.select(sa.func.count()).select_from(model))
                         for model in (Match, Activity)]
    finally:
        engine.dispose()
    text = text_of(notebook)
    assert "Simulated history" in text and "demo.sqlite" in text
    assert "<td>matches_accepted</td>" in text
    assert untouched == [0, 0]


def test_committed_notebooks_have_no_outputs_or_execution_counts():
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert {p.name for p in notebooks} >= {"ranking_evaluation.ipynb", "hub_kpi_report.ipynb"}
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{path.name}: a cell has outputs"
                assert cell.execution_count is None, f"{path.name}: a cell has an execution count"
