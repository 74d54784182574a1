"""`matchmaker demo`: a working service on the embedded defaults in one command."""
from __future__ import annotations

import click

from api.cli_support import PLURAL, database_session, progress_bar, stored_index_service
from matchmaker.config import Settings


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and index, then stop.")
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create the database, load the demo data, build the index and serve."""
    from matchmaker.demo.setup import install_demo

    settings = Settings.from_env()
    click.echo(f"Database: {settings.database_url}")
    with database_session(settings) as session:
        report, logins = install_demo(session)
        for line in report.lines():
            click.echo(f"  {line}")
        service = stored_index_service(settings)
        with progress_bar("embedding", unit="item") as progress:
            reports = service.build_index(
                session, progress=lambda step, kind: progress if step == "embedding" else None)
        session.commit()
        service.save_snapshot(session)
    for kind, sync in reports.items():
        click.echo(f"  {PLURAL[kind]}: {sync.embedded} embedded, {sync.unchanged} unchanged")
    click.echo("\nDemo logins (one facilitator per hub):")
    for login in logins:
        click.echo(f"  {login.hub:32} {login.email}  password: {login.password}")
    click.echo(f"\nServing on http://{host}:{port}/  (health: /healthz, API: /api/docs)")
    if no_serve:
        return
    from api.serve import default_workers, run_gunicorn

    run_gunicorn(settings, host, port, default_workers())
