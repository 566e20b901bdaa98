"""The ``graphlib-trade`` command line: wiring and exit codes only.

Each command is one straight pipeline: source (a data file, or Neo4j when no
``--data`` is given) -> model -> graph -> analysis -> renderer -> stdout.  Errors
of this package become one message on stderr and a non-zero exit code here, and
nowhere else.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import click

from graphlib_trade import __version__, report
from graphlib_trade.analysis import bom_order, build_graph, impact, whatif
from graphlib_trade.errors import AnalysisError, GraphlibTradeError, ScenarioError
from graphlib_trade.io import load_dataset
from graphlib_trade.models import SECTIONS, Dataset, Grant, ImpactResult, Scenario

F = TypeVar("F", bound=Callable[..., Any])


def _fail_cleanly(func: F) -> F:
    """Turn this package's errors into one message on stderr and their exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GraphlibTradeError as exc:
            click.echo(f"graphlib-trade: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("graphlib-trade: interrupted", err=True)
            sys.exit(130)

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


@contextmanager
def _about(source: str) -> Iterator[None]:
    """Prefix analysis errors with the data source they come from."""
    try:
        yield
    except AnalysisError as exc:
        raise AnalysisError(f"{source}: {exc}") from None


def _checked_file(path: str) -> Dataset:
    """A data file validated in full, BOM cycles included, before anything uses it."""
    dataset = load_dataset(path)
    with _about(path):
        bom_order(build_graph(dataset))
    return dataset


def _local_server() -> Any:
    from graphlib_trade.localserver import LocalServer

    return LocalServer.from_env()


def _open_store() -> Any:
    from graphlib_trade.store import Store, connection_from_env

    return Store(connection_from_env())


def _source(data: str | None) -> tuple[Dataset, str]:
    """The dataset and a name for it: the file, or the Neo4j store when no file is given."""
    if data is not None:
        return load_dataset(data), data
    with _open_store() as store:
        return store.pull(), store.source


def _render(renderers: dict[str, Callable[..., str]], fmt: str, result: Any) -> str:
    if fmt == "table":
        return renderers[fmt](result, width=_width(), color=_color())
    return renderers[fmt](result)


data_option = click.option(
    "--data",
    "data",
    type=click.Path(dir_okay=False),
    help="Data file (YAML or JSON).  Without it, the graph is read from Neo4j.",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    callback=_parse_date,
    metavar="DATE",
    help="Date to apply the rules on (default: today).",
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
    """Which products and end users does an export restriction or a licence affect, and why.

    Reads a data file (--data) or the Neo4j graph (NEO4J_URI / NEO4J_USER /
    NEO4J_PASSWORD, else the local server started by `graphlib-trade server start`).
    """


@cli.command("impact")
@data_option
@as_of_option
@ignore_licences_option
@format_option
@click.option(
    "--write-back",
    is_flag=True,
    help="Store each product's and end user's status on its Neo4j node (impact_status, ...).",
)
@_fail_cleanly
def impact_cmd(data: str | None, as_of: dt.date, ignore_licences: bool, fmt: str, write_back: bool) -> None:
    """Status of every product and end user on a date."""
    dataset, source = _source(data)
    with _about(source):
        result = impact(build_graph(dataset), as_of, ignore_licences=ignore_licences)
    if write_back:
        _write_back(result)
    click.echo(_render(report.IMPACT_RENDERERS, fmt, result), nl=False)


def _write_back(result: ImpactResult) -> None:
    with _open_store() as store:
        counts = store.write_back(result)
        click.echo(
            f"Wrote impact as of {result.as_of} onto {counts['products']} products and "
            f"{counts['end_users']} end users in {store.source}",
            err=True,
        )


@cli.command("whatif")
@data_option
@as_of_option
@click.option(
    "--restrict", multiple=True, metavar="COMPANY", help="Add a restriction on COMPANY from the as-of date."
)
@click.option(
    "--grant",
    multiple=True,
    metavar="SUPPLIER:COMPONENT:RECIPIENT",
    help="Add a licence to every restriction (* means any).",
)
@click.option(
    "--drop-supplier", multiple=True, metavar="COMPANY", help="Remove COMPANY's supplies and services."
)
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
    dataset, source = _source(data)
    with _about(source):
        changes, _, _ = whatif(build_graph(dataset), scenario, as_of, ignore_licences=ignore_licences)
    click.echo(_render(report.WHATIF_RENDERERS, fmt, changes), nl=False)


@cli.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@_fail_cleanly
def validate_cmd(path: str) -> None:
    """Check a data file and say what it holds."""
    ds = _checked_file(path)
    counts = ", ".join(f"{len(getattr(ds, s))} {s.replace('_', ' ')}" for s in SECTIONS)
    click.echo(f"{path}: ok ({counts})")


@cli.command("load")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Also delete what the file no longer holds.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=5000, show_default=True)
@_fail_cleanly
def load_cmd(path: str, replace: bool, batch_size: int) -> None:
    """Load a data file into Neo4j (idempotent; safe to re-run after a crash).

    The whole file is validated first: a bad file writes nothing.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    dataset = _checked_file(path)
    with (
        _open_store() as store,
        Progress(
            TextColumn("{task.description:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=_stderr_console(),
            transient=True,
        ) as bar,
    ):
        tasks: dict[str, Any] = {}

        def progress(section: str, done: int, total: int) -> None:
            if section not in tasks:
                tasks[section] = bar.add_task(section, total=max(total, 1))
            bar.update(tasks[section], completed=done if total else 1)

        sent = store.load(dataset, replace=replace, batch_size=batch_size, progress=progress)
        counts = store.counts()
    removed = f", removed {sent['removed']} stale" if replace else ""
    click.echo(
        f"Loaded {path} into {store.source}: {counts['nodes']} nodes, "
        f"{counts['relationships']} relationships in the graph{removed}"
    )


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@_fail_cleanly
def export_cmd(fmt: str) -> None:
    """Print the Neo4j graph as a data file."""
    from graphlib_trade.io import dump_dataset

    with _open_store() as store:
        dataset = store.pull()
    click.echo(dump_dataset(dataset, fmt), nl=False)


@cli.group("server")
def server_group() -> None:
    """The local Neo4j server (Neo4j Community from Maven Central, no Docker needed)."""


@server_group.command("start")
@_fail_cleanly
def server_start() -> None:
    """Install (once) and start the local server; wait until Bolt answers."""
    click.echo(_local_server().start())


@server_group.command("stop")
@_fail_cleanly
def server_stop() -> None:
    """Stop the local server."""
    click.echo(_local_server().stop())


@server_group.command("status")
@_fail_cleanly
def server_status() -> None:
    """Say whether the local server runs."""
    click.echo(_local_server().status())


@server_group.command("install")
@_fail_cleanly
def server_install() -> None:
    """Fetch the Neo4j jars from Maven Central (no-op when present)."""
    server = _local_server()
    server.install()
    click.echo(f"Neo4j jars in {server.lib}")


def main() -> None:
    cli(prog_name="graphlib-trade")
