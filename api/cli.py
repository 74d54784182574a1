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


if __name__ == "__main__":
    main()
