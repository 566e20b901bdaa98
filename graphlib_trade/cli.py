"""The ``graphlib-trade`` command line: wiring and exit codes only.

Each command is one straight pipeline: source (file or Neo4j) -> model -> graph ->
analysis -> renderer -> stdout.  Errors of this package become one message on
stderr and a non-zero exit code here, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from graphlib_trade import __version__, report
from graphlib_trade.analysis import build_graph, impact, whatif
from graphlib_trade.errors import GraphlibTradeError, ScenarioError
from graphlib_trade.io import load_dataset
from graphlib_trade.models import Dataset, Grant, Scenario

F = TypeVar("F", bound=Callable[..., Any])


def _fail_cleanly(func: F) -> F:
    """Turn this package's errors into one line on stderr and their exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GraphlibTradeError as exc:
            click.echo(f"graphlib-trade: error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected an ISO date such as 2019-05-16, got {value!r}") from None


def _width() -> int:
    return max(80, min(shutil.get_terminal_size((140, 40)).columns, 200))


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _load(data: str | None) -> Dataset:
    if data is None:
        raise click.UsageError("give --data FILE (reading from Neo4j comes with the store)")
    return load_dataset(data)


def _render(renderers: dict[str, Callable[..., str]], fmt: str, result: Any) -> str:
    if fmt == "table":
        return renderers[fmt](result, width=_width(), color=_color())
    return renderers[fmt](result)


data_option = click.option(
    "--data", "data", type=click.Path(dir_okay=False), help="Data file (YAML or JSON)."
)
as_of_option = click.option(
    "--as-of", "as_of", callback=_parse_date, metavar="DATE", help="Date to apply the rules on (default: today)."
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(report.FORMATS), default="table", show_default=True
)
ignore_licences_option = click.option(
    "--ignore-licences", is_flag=True, help="Evaluate as if no licence existed."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphlib-trade")
def cli() -> None:
    """Which products and end users does an export restriction or a licence affect, and why."""


@cli.command("impact")
@data_option
@as_of_option
@ignore_licences_option
@format_option
@_fail_cleanly
def impact_cmd(data: str | None, as_of: dt.date, ignore_licences: bool, fmt: str) -> None:
    """Status of every product and end user on a date."""
    dataset = _load(data)
    result = impact(build_graph(dataset), as_of, ignore_licences=ignore_licences)
    click.echo(_render(report.IMPACT_RENDERERS, fmt, result), nl=False)


@cli.command("whatif")
@data_option
@as_of_option
@click.option("--restrict", multiple=True, metavar="COMPANY", help="Add a restriction on COMPANY from the as-of date.")
@click.option(
    "--grant",
    multiple=True,
    metavar="SUPPLIER:COMPONENT:RECIPIENT",
    help="Add a licence to every restriction (* means any).",
)
@click.option("--drop-supplier", multiple=True, metavar="COMPANY", help="Remove COMPANY's supplies and services.")
@ignore_licences_option
@format_option
@_fail_cleanly
def whatif_cmd(
    data: str | None,
    as_of: dt.date,
    restrict: tuple[str, ...],
    grant: tuple[str, ...],
    drop_supplier: tuple[str, ...],
    ignore_licences: bool,
    fmt: str,
) -> None:
    """What changes against the data as it is, under added restrictions, licences or disruptions."""
    try:
        grants = tuple(Grant.parse(g) for g in grant)
    except ValueError as exc:
        raise ScenarioError(f"--grant: {exc}") from None
    scenario = Scenario(restrict=restrict, grant=grants, drop_suppliers=drop_supplier)
    dataset = _load(data)
    changes, _, _ = whatif(build_graph(dataset), scenario, as_of, ignore_licences=ignore_licences)
    click.echo(_render(report.WHATIF_RENDERERS, fmt, changes), nl=False)


@cli.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@_fail_cleanly
def validate_cmd(path: str) -> None:
    """Check a data file and say what it holds."""
    ds = load_dataset(path)
    from graphlib_trade.analysis import bom_order

    bom_order(build_graph(ds))
    counts = ", ".join(f"{len(getattr(ds, s))} {s.replace('_', ' ')}" for s in ds.model_fields)
    click.echo(f"{path}: ok ({counts})")


def main() -> None:
    cli(prog_name="graphlib-trade")
