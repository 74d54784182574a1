"""The `matchmaker` command line: one entry point for operators and CI.

Commands are thin: parse options, call a `matchmaker` service function, print.
"""
from __future__ import annotations

import click

from matchmaker.config import Settings


def settings() -> Settings:
    return Settings.from_env()


@click.group(help="Circular-social matchmaker: streams, capacities and matches for the hubs.")
def main() -> None:
    """Entry point of the console script."""


@main.command("migrate")
def migrate_command() -> None:
    """Create the database or bring it up to the latest schema."""
    from models import upgrade

    s = settings()
    upgrade(s.database_url)
    click.echo(f"Database is up to date: {s.database_url.split('@')[-1]}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn workers [default: cores + 1]")
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn.")
def serve_command(host: str, port: int, workers: int | None, dev: bool) -> None:
    """Serve the web app and the API."""
    from api.app import create_app
    from api.serve import default_workers, run_gunicorn

    if dev:
        create_app().run(host=host, port=port, debug=False)
        return
    run_gunicorn(create_app, host, port, workers or default_workers())


if __name__ == "__main__":
    main()
