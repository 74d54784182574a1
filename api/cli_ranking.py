"""Commands of the ranking engine: build the index, rank and evaluate an exchange file."""
from __future__ import annotations

import json
import time
from contextlib import ExitStack
from pathlib import Path

import click

from api.cli_support import (
    PLURAL,
    configured_embedder,
    database_session,
    progress_bar,
    stored_index_service,
)
from matchmaker.config import Settings


@click.command("index")
@click.option("--rebuild", is_flag=True,
              help="Embed every item again, changed or not, and build the stored index anew.")
def index_command(rebuild: bool) -> None:
    """Analyse and embed new and changed streams and capacities into the vector store,
    then store the suggestion index for the web workers to load (MATCHMAKER_INDEX_DIR)."""
    settings = Settings.from_env()
    service = stored_index_service(settings)
    started = time.perf_counter()
    with database_session(settings) as session, ExitStack() as bars:
        def progress(step: str, kind: str):
            verb = {"analysis": "analysing", "embedding": "embedding"}[step]
            return bars.enter_context(progress_bar(f"{verb} {PLURAL[kind]}", unit=kind))

        reports = service.build_index(session, rebuild=rebuild, progress=progress)
        bars.close()
        session.commit()
        embedded_s = time.perf_counter() - started
        snapshot = service.save_snapshot(session, rebuild=rebuild)
        stored_s = time.perf_counter() - started - embedded_s
    for kind, report in reports.items():
        beside = f", {report.elsewhere} of them by a second process" if report.elsewhere else ""
        click.echo(f"{PLURAL[kind]}: {report.embedded} embedded{beside}, {report.unchanged} "
                   f"unchanged, {report.removed} removed ({service.embedder.name})")
    embedded = sum(report.embedded for report in reports.values())
    click.echo(f"{embedded} items embedded in {embedded_s:.1f} s "
               f"({embedded / embedded_s:.0f} items/s)")
    how = "updated from the one stored before" if service.loaded_from else "built"
    click.echo(f"index stored in {snapshot} ({how}, {stored_s:.1f} s)")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise click.BadParameter(f"{path}: {err}") from err


def _rank(data_path: Path, top: int):
    from matchmaker.errors import ValidationError
    from matchmaker.evaluation import rank_exchange

    settings = Settings.from_env()
    try:
        with progress_bar("ranking", unit="stream") as progress:
            return rank_exchange(_read_json(data_path), configured_embedder(settings), top=top,
                                 max_per_organisation=settings.max_per_organisation,
                                 progress=progress)
    except ValidationError as err:
        for error in err.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{data_path}: {len(err.errors)} error(s)") from err


@click.command("rank")
@click.option("--data", "data_path", required=True, type=click.Path(exists=True, dir_okay=False,
                                                                     path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
def rank_command(data_path: Path, out_path: Path, top: int) -> None:
    """Rank capacities for every stream of an exchange file: {stream: [capacities]}."""
    run = _rank(data_path, top)
    out_path.write_text(json.dumps(run.ranking, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    click.echo(f"{len(run.ranking)} streams ranked into {out_path}", err=True)


@click.command("evaluate")
@click.option("--data", "data_path", required=True, type=click.Path(exists=True, dir_okay=False,
                                                                     path_type=Path))
@click.option("--qrels", "qrels_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
def evaluate_command(data_path: Path, qrels_path: Path, top: int) -> None:
    """Rank an exchange file and score it against graded judgments, overall and per language."""
    from matchmaker.evaluation import score_run

    qrels = _read_json(qrels_path)
    scores = score_run(_rank(data_path, top), qrels)
    click.echo(f"{'':6} {'nDCG@10':>8} {'Recall@10':>10} {'MRR':>6} {'P@1':>6} {'n':>4}")
    for group, m in scores.items():
        click.echo(f"{group:6} {m['ndcg']:8.3f} {m['recall']:10.3f} {m['mrr']:6.3f} "
                   f"{m['p1']:6.3f} {int(m['n']):4d}")
    click.echo(json.dumps({g: {k: round(v, 4) for k, v in m.items()} for g, m in scores.items()}))


@click.command("train-scorer")
@click.option("--data", "data_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An exchange file whose graded judgments are added to the decisions.")
@click.option("--qrels", "qrels_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--seed", default=0, show_default=True, help="Which streams are held out.")
def train_scorer_command(data_path: Path | None, qrels_path: Path | None, seed: int) -> None:
    """Train a scorer on facilitators' decisions; use it only if it beats the default."""
    from matchmaker.errors import ValidationError
    from matchmaker.training import (
        combine,
        pairs_from_decisions,
        pairs_from_judgments,
        train_scorer,
    )

    if (data_path is None) != (qrels_path is None):
        raise click.UsageError("--data and --qrels go together")
    settings = Settings.from_env()
    with database_session(settings) as session:
        pairs = pairs_from_decisions(session)
        if data_path is not None:
            judged = pairs_from_judgments(_rank(data_path, 50).features, _read_json(qrels_path))
            pairs = combine(pairs, judged)
        try:
            result = train_scorer(session, pairs, seed=seed)
        except ValidationError as err:
            raise click.ClickException(str(err)) from err
        session.commit()
    report = result.report
    click.echo(f"scorer {result.version}: held-out nDCG@10 {report['learned_ndcg10']:.3f} "
               f"against {report['default_ndcg10']:.3f} for the default "
               f"({report['heldout_streams']} streams held out)")
    click.echo(f"in use: {report['chosen']} ({report['reason']})")
