"""The ``graphlib-trade`` command line: wiring and exit codes only.

Each command is one straight pipeline: source (a data file, or Neo4j when no
``--data`` is given) -> model -> supply chain -> analysis -> renderer -> stdout.  Errors
of this package become one message on stderr and a non-zero exit code here, and
nowhere else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import importlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from graphlib_trade import __version__, report
from graphlib_trade.analysis import (
    SupplyChain,
    apply_scenario,
    data_changes,
    diff_scenarios,
    explain,
    impact,
    rank,
    screen,
    timeline,
    whatif_changes,
)
from graphlib_trade.analysis.screening import same_company
from graphlib_trade.errors import AnalysisError, GraphlibTradeError, OutputError, ScenarioError
from graphlib_trade.files import write_atomic
from graphlib_trade.imports import Imported
from graphlib_trade.imports.csl import csl_sections, read_confirmed, read_screening_list
from graphlib_trade.imports.ftm import read_ftm
from graphlib_trade.models import (
    SECTIONS,
    DataChanges,
    Dataset,
    Explanation,
    Grant,
    ImpactResult,
    Ranking,
    Scenario,
    ScenarioDiff,
    ScreeningResult,
    Timeline,
    WhatIfReport,
    common_day,
    parse_dataset,
)
from graphlib_trade.snapshot import at_the_end, chain_of, chain_of_store
from graphlib_trade.sources import (
    FORMS,
    dump_dataset,
    form_of,
    load_datasets,
    load_scenario,
    parse_merged,
    parts_of,
    write_dataset,
)

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


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


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
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


def _checked_file(paths: Sequence[str]) -> Dataset:
    """Data files validated in full (merged when several), BOM cycles included, before anything
    uses them."""
    dataset = load_datasets(paths)
    with _about(" + ".join(paths)):
        SupplyChain.from_dataset(dataset)
    return dataset


def _local_server() -> Any:
    from graphlib_trade.store import LocalServer

    return LocalServer.from_env()


def _notice(line: str) -> None:
    click.echo(f"graphlib-trade: {line}", err=True)


def _open_store() -> Any:
    from graphlib_trade.store import Store, connection_from_env

    return Store(connection_from_env(), notice=_notice)


def _source(data: Sequence[str], allow_partial: bool = False) -> tuple[Dataset, str]:
    """The dataset and a name for it: the files (merged), or the Neo4j store when none is given."""
    if data:
        return load_datasets(data), " + ".join(data)
    with _open_store() as store:
        return store.pull(allow_partial=allow_partial), store.source


def _chain(data: Sequence[str], allow_partial: bool = False) -> tuple[SupplyChain, str]:
    """The supply chain and a name for its source (files: through their snapshot)."""
    notice = _notice if _verbose() else None
    if data:
        source = " + ".join(data)
        with _about(source):
            # The command line (main) ends with the command: its snapshot is written as it ends.
            return _held(chain_of(data, notice, later=_WHOLE_PROCESS)), source
    with _open_store() as store, _about(store.source):
        # The graph unchanged since it was last read comes from its snapshot.
        chain = chain_of_store(store, notice, allow_partial=allow_partial, later=_WHOLE_PROCESS)
        return _held(chain), store.source


def _verbose() -> bool:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return bool(isinstance(obj, dict) and obj.get("verbose"))


def _render(fmt: str, result: Any, output: str | None = None) -> None:
    """Render ``result`` to stdout, or to ``output`` (written whole, atomically)."""
    _held(result)
    if output is None:
        click.echo(report.render(fmt, result, width=_width(), color=_color()), nl=False)
    else:
        write_atomic(output, lambda handle: report.write(fmt, result, handle, width=_width()))
        click.echo(f"Wrote {output}", err=True)


@contextmanager
def _scenario_file(path: str | None) -> Iterator[None]:
    """Prefix scenario errors with the scenario file they come from."""
    try:
        yield
    except ScenarioError as exc:
        if path is None or str(exc).startswith(path):
            raise
        raise ScenarioError(f"{path}: {exc}") from None


data_option = click.option(
    "--data",
    "data",
    type=click.Path(dir_okay=True),
    multiple=True,
    help="Data file (YAML or JSON) or CSV folder; repeat it to merge several (references may "
    "cross files).  Without it, the graph is read from Neo4j.",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    callback=_parse_date,
    metavar="DATE",
    help="Date to apply the rules on (default: today).",
)


def format_option(kind: type) -> Callable[[F], F]:
    """``--format`` with the names of the formats that can show a ``kind`` result."""
    return click.option(
        "--format", "fmt", type=click.Choice(report.formats_for(kind)), default="table", show_default=True
    )


output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout."
)
ignore_licences_option = click.option(
    "--ignore-licences", is_flag=True, help="Evaluate as if no licence existed."
)
allow_partial_option = click.option(
    "--allow-partial",
    is_flag=True,
    help="Analyse the Neo4j graph even if its last load was interrupted (refused otherwise).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphlib-trade")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Say on stderr how the data was read (a snapshot of files seen before, the files, Neo4j).",
)
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Which products and end users does an export restriction or a licence affect, and why.

    Reads a data file (--data) or the Neo4j graph (NEO4J_URI / NEO4J_USER /
    NEO4J_PASSWORD, else the local server started by `graphlib-trade server start`).
    Files seen before are read from a snapshot (GRAPHLIB_TRADE_SNAPSHOTS=0 turns that off).
    """
    ctx.obj = {"verbose": verbose}


@cli.command("impact")
@data_option
@as_of_option
@ignore_licences_option
@format_option(ImpactResult)
@output_option
@allow_partial_option
@click.option(
    "--write-back",
    is_flag=True,
    help="Store each product's and end user's status on its Neo4j node (impact_status, ...).",
)
@_fail_cleanly
def impact_cmd(
    data: tuple[str, ...],
    as_of: dt.date | None,
    ignore_licences: bool,
    fmt: str,
    output: str | None,
    allow_partial: bool,
    write_back: bool,
) -> None:
    """Status of every product and end user on a date."""
    chain, source = _chain(data, allow_partial)
    with _about(source):
        result = impact(chain, as_of or dt.date.today(), ignore_licences=ignore_licences)
    if write_back:
        _write_back(result)
    _render(fmt, result, output)


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
    "--scenario",
    "scenario_path",
    type=click.Path(dir_okay=False),
    help="A scenario file (YAML or JSON): a named set of changes.  The flags below add to it.",
)
@click.option(
    "--restrict", multiple=True, metavar="COMPANY", help="Add a restriction on COMPANY from the as-of date."
)
@click.option(
    "--restrict-destination",
    "restrict_destination",
    multiple=True,
    metavar="COUNTRY",
    help="Add a country-wide control (every item, everyone located in COUNTRY) from the as-of date.",
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
@format_option(WhatIfReport)
@output_option
@allow_partial_option
@_fail_cleanly
def whatif_cmd(
    data: tuple[str, ...],
    as_of: dt.date | None,
    scenario_path: str | None,
    restrict: tuple[str, ...],
    restrict_destination: tuple[str, ...],
    grant: tuple[str, ...],
    drop_supplier: tuple[str, ...],
    ignore_licences: bool,
    fmt: str,
    output: str | None,
    allow_partial: bool,
) -> None:
    """What changes against the data as it is, under added restrictions, licences or disruptions.

    The html format is a briefing report in one file: summary, changes, timeline
    and picture.
    """
    try:
        grants = tuple(Grant.parse(g) for g in grant)
    except ValueError as exc:
        raise ScenarioError(f"--grant: {exc}") from None
    base = load_scenario(scenario_path) if scenario_path else Scenario()
    try:
        scenario = base.with_flags(restrict, grants, drop_supplier, restrict_destination)
    except ValueError as exc:
        raise ScenarioError(f"--restrict-destination: {exc}") from None
    day = scenario.day(as_of)
    chain, source = _chain(data, allow_partial)
    with _about(source), _scenario_file(scenario_path):
        applied = apply_scenario(chain, scenario, day, flags=scenario_path is None)
        # The full impact after the scenario, and the timeline under it, for the formats that show
        # them (the impact first: the changes then take the statuses it keeps).
        after = impact(applied, day, ignore_licences=ignore_licences) if report.shows(fmt, "after") else None
        changes = whatif_changes(chain, scenario, day, ignore_licences=ignore_licences, applied=applied)
        tl = timeline(applied) if report.shows(fmt, "timeline") else None
    _render(fmt, WhatIfReport(changes=changes, after=after, timeline=tl), output)


@cli.command("diff")
@click.argument("scenario_a", type=click.Path(dir_okay=False))
@click.argument("scenario_b", type=click.Path(dir_okay=False))
@data_option
@as_of_option
@format_option(ScenarioDiff)
@output_option
@_fail_cleanly
def diff_cmd(
    scenario_a: str,
    scenario_b: str,
    data: tuple[str, ...],
    as_of: dt.date | None,
    fmt: str,
    output: str | None,
) -> None:
    """Compare two scenario files: the products and end users whose status differs.

    The date is --as-of, else the scenarios' own as_of (they must agree), else today.
    """
    a, b = load_scenario(scenario_a), load_scenario(scenario_b)
    day = common_day((scenario_a, a), (scenario_b, b), as_of)
    chain, source = _chain(data)
    # Each applied (and checked) on its own, so that an error names the file it comes from.
    with _about(source), _scenario_file(scenario_a):
        under_a = apply_scenario(chain, a, day)
    with _about(source), _scenario_file(scenario_b):
        under_b = apply_scenario(chain, b, day)
    with _about(source):
        result = diff_scenarios(chain, a, b, day, applied=(under_a, under_b))
    _render(fmt, result, output)


@cli.command("explain")
@click.argument("item")
@data_option
@as_of_option
@format_option(Explanation)
@output_option
@_fail_cleanly
def explain_cmd(
    item: str, data: tuple[str, ...], as_of: dt.date | None, fmt: str, output: str | None
) -> None:
    """Why a product or end user has its status: each chain from restriction to ITEM.

    Restriction -> restricted party (and the ownership that made it one) -> blocked
    supply or service -> parts up the BOM -> product -> end users, with the licences
    that would lift each link and a minimal set of licences that would make it ok.
    """
    chain, source = _chain(data)
    with _about(source):
        result = explain(chain, item, as_of or dt.date.today())
    _render(fmt, result, output)


@cli.command("rank")
@click.argument("kind", type=click.Choice(["suppliers", "components", "countries"]))
@data_option
@as_of_option
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows to show.")
@format_option(Ranking)
@output_option
@_fail_cleanly
def rank_cmd(
    kind: str, data: tuple[str, ...], as_of: dt.date | None, top: int, fmt: str, output: str | None
) -> None:
    """Who matters most: what would be lost without each supplier, component or country of origin.

    Suppliers are also ranked as if a new restriction listed them.  Single sources
    and suppliers whose loss cuts a product off come out of one pass (critical
    sets over the BOM), not one re-run per candidate.
    """
    chain, source = _chain(data)
    with _about(source):
        result = rank(chain, kind, as_of or dt.date.today(), top=top)  # type: ignore[arg-type]
    _render(fmt, result, output)


@cli.command("timeline")
@data_option
@click.option(
    "--from",
    "start",
    callback=_parse_date,
    metavar="DATE",
    help="First day (default: the day before the first window date).",
)
@click.option(
    "--to", "end", callback=_parse_date, metavar="DATE", help="Last day (default: the last window date)."
)
@format_option(Timeline)
@output_option
@_fail_cleanly
def timeline_cmd(
    data: tuple[str, ...], start: dt.date | None, end: dt.date | None, fmt: str, output: str | None
) -> None:
    """Every date on which some status changes, what changes then, and licence expiry warnings."""
    if start is not None and end is not None and end < start:
        raise click.BadParameter(f"--to {end} is before --from {start}", param_hint="--to")
    chain, source = _chain(data)
    with _about(source):
        result = timeline(chain, start, end)
    _render(fmt, result, output)


@cli.command("validate")
@click.argument("paths", metavar="PATH...", nargs=-1, required=True, type=click.Path(dir_okay=True))
@_fail_cleanly
def validate_cmd(paths: tuple[str, ...]) -> None:
    """Check data files (merged when several) and say what they hold."""
    ds = _checked_file(paths)
    counts = ", ".join(f"{len(getattr(ds, s))} {s.replace('_', ' ')}" for s in SECTIONS)
    click.echo(f"{' + '.join(paths)}: ok ({counts})")


@cli.command("load")
@click.argument("paths", metavar="PATH...", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--replace", is_flag=True, help="Also delete what the file no longer holds.")
@click.option(
    "--bulk",
    is_flag=True,
    help="Import offline with neo4j-admin into the local server's empty database (fastest for big files).",
)
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=5000, show_default=True)
@click.option(
    "--empty-only",
    is_flag=True,
    help="Refuse, writing nothing, unless the database is empty (for a database not only yours).",
)
@_fail_cleanly
def load_cmd(paths: tuple[str, ...], replace: bool, bulk: bool, batch_size: int, empty_only: bool) -> None:
    """Load data files or CSV folders (merged when several) into Neo4j (idempotent; safe to
    re-run after a crash).

    The whole data is validated first: a bad file writes nothing.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    dataset = _checked_file(paths)
    path = " + ".join(paths)
    if bulk:
        _bulk_load(path, dataset, replace)
        return
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

        sent = store.load(
            dataset,
            replace=replace,
            batch_size=batch_size,
            progress=progress,
            source=path,
            empty_only=empty_only,
        )
        counts = store.counts()
    removed = f", removed {sent['removed']} stale" if replace else ""
    click.echo(
        f"Loaded {path} into {store.source}: {counts['nodes']} nodes, "
        f"{counts['relationships']} relationships in the graph{removed}"
    )


def _bulk_load(path: str, dataset: Dataset, replace: bool) -> None:
    from graphlib_trade.store import bulk_load, bulk_server

    if replace:
        raise click.UsageError("--bulk imports into an empty database; --replace has nothing to replace")
    server = bulk_server()
    click.echo(f"Bulk import of {path} into the local server (it restarts) ...", err=True)
    stats = bulk_load(dataset, server)
    click.echo(
        f"Imported {path} into {server.uri}: {stats['nodes']:.0f} nodes, "
        f"{stats['relationships']:.0f} relationships in {stats['seconds']:.1f} s (neo4j-admin)"
    )


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMS), default="yaml", show_default=True)
@click.option(
    "-o", "--out", "out", type=click.Path(), help="Write here (a folder for csv) instead of stdout."
)
@allow_partial_option
@_fail_cleanly
def export_cmd(fmt: str, out: str | None, allow_partial: bool) -> None:
    """Print or write the Neo4j graph as a data file (or a CSV folder with neo4j-admin headers)."""
    if fmt == "csv" and out is None:
        raise click.UsageError("--format csv writes a folder: give it with --out")
    with _open_store() as store:
        dataset = store.pull(allow_partial=allow_partial)
    if out is None:
        click.echo(dump_dataset(dataset, fmt), nl=False)
        return
    write_dataset(dataset, fmt, out)
    click.echo(f"Wrote {out}", err=True)


@cli.command("generate")
@click.option("--nodes", type=click.IntRange(50, 50_000_000), required=True, help="About this many nodes.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same data.")
@click.option(
    "--out",
    "out",
    type=click.Path(),
    required=True,
    help="A .json, .yaml or .yml file, or a folder for CSV files.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMS),
    default=None,
    help="Default: from --out's suffix (.json, .yaml/.yml; anything else is a CSV folder).",
)
@_fail_cleanly
def generate_cmd(nodes: int, seed: int, out: str, fmt: str | None) -> None:
    """Write a synthetic supply chain (tiered BOMs, power-law suppliers, ownership, licences)."""
    from graphlib_trade.generate import generate

    dataset = parse_dataset(generate(nodes, seed=seed), f"generate --nodes {nodes} --seed {seed}")
    write_dataset(dataset, fmt or form_of(out), out)
    click.echo(f"Wrote {out}", err=True)


@cli.command("changes")
@click.option(
    "--before",
    "before",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=True),
    help="The data before the update (repeat for several files).",
)
@click.option(
    "--after",
    "after",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=True),
    help="The data after the update (repeat for several files).",
)
@as_of_option
@format_option(DataChanges)
@output_option
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["worse"]),
    help="Exit 1 when anything got worse (a status, or a new restricted party): for a scheduled job.",
)
@_fail_cleanly
def changes_cmd(
    before: tuple[str, ...],
    after: tuple[str, ...],
    as_of: dt.date | None,
    fmt: str,
    output: str | None,
    fail_on: str | None,
) -> None:
    """What a data update (a new list version, a new BOM) changes: restrictions and restricted
    parties added or removed, and every product and end user whose status moves."""
    old, old_source = _chain(before)
    new, new_source = _chain(after)
    with _about(f"{old_source} -> {new_source}"):
        found = data_changes(old, new, as_of or dt.date.today())
    _render(fmt, found, output)
    if fail_on == "worse" and found.worse:
        sys.exit(1)


# --------------------------------------------------------------------------- real data in

threshold_option = click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=0.9,
    show_default=True,
    help="The least name similarity reported (0..1, after normalising case, accents, punctuation "
    "and legal forms).",
)


@cli.command("screen")
@click.argument("list_file", metavar="LIST_FILE", type=click.Path(dir_okay=False))
@data_option
@threshold_option
@format_option(ScreeningResult)
@output_option
@_fail_cleanly
def screen_cmd(list_file: str, data: tuple[str, ...], threshold: float, fmt: str, output: str | None) -> None:
    """Which companies and end users are on a screening list (the US Consolidated Screening List,
    JSON or CSV): each match with the names that matched.  Exit 0 whatever it finds."""
    dataset, _ = _source(data)
    result = screen(dataset, read_screening_list(list_file), threshold)
    _render(fmt, result, output)


@cli.group("import")
def import_group() -> None:
    """Write a data file from a format an analyst already holds (merge it with --data)."""


out_option = click.option(
    "--out",
    "out",
    type=click.Path(),
    required=True,
    help="A .yaml/.yml or .json file, or a folder for a CSV folder.",
)
force_option = click.option("--force", is_flag=True, help="Replace --out if it exists.")


def _write_import(imported: Imported, out: str, force: bool, data: Sequence[str], what: str) -> None:
    """Check the imported sections (with the analyst's data, when given) and write them whole;
    warnings go to stderr, one line each.  Nothing is written when the check fails."""
    if Path(out).exists() and not force:
        raise click.UsageError(f"{out} exists: pass --force to replace it")
    # The warnings first: they say why an entry the check then misses was left out.
    for line in imported.warnings:
        click.echo(f"graphlib-trade: warning: {line}", err=True)
    # The import's own entries are named as they will be in --out.
    parse_merged([*parts_of(data), (out, imported.sections, lambda s, i: f"{what} -> {out} {s}[{i}]")])
    written = Dataset.model_validate(imported.sections)
    write_dataset(written, form_of(out), out)
    counts = ", ".join(f"{len(v)} {k.replace('_', ' ')}" for k, v in imported.sections.items() if v)
    click.echo(f"Wrote {out} ({counts or 'nothing'}; {len(imported.warnings)} warnings)", err=True)


@import_group.command("csl")
@click.argument("list_file", metavar="LIST_FILE", type=click.Path(dir_okay=False))
@data_option
@out_option
@click.option(
    "--confirm",
    "confirm",
    type=click.Path(dir_okay=False),
    help="The matches file `screen` wrote (JSON or CSV), with `confirmed` marked yes where a fuzzy "
    "match is the listed party.",
)
@threshold_option
@force_option
@_fail_cleanly
def import_csl_cmd(
    list_file: str, data: tuple[str, ...], out: str, confirm: str | None, threshold: float, force: bool
) -> None:
    """Lists and restrictions for the screening-list entries that match your companies and end users.

    Exact matches (same normalised name, same country) and confirmed ones are imported; the
    other candidates are reported, never imported silently.
    """
    if not data:
        raise click.UsageError("import csl matches the list against your data: give it with --data")
    dataset = load_datasets(data)
    entries = read_screening_list(list_file)
    found = screen(dataset, entries, threshold)
    confirmed = read_confirmed(confirm) if confirm else set()
    _write_import(csl_sections(entries, found.matches, confirmed), out, force, data, list_file)


@import_group.command("ftm")
@click.argument("entities", metavar="ENTITIES.jsonl", type=click.Path(dir_okay=False))
@data_option
@out_option
@force_option
@_fail_cleanly
def import_ftm_cmd(entities: str, data: tuple[str, ...], out: str, force: bool) -> None:
    """Companies and dated ownership from FollowTheMoney entities (OpenSanctions, a company register).

    With --data, a company already in your data (same name once normalised, same country)
    keeps your id.
    """
    match = same_company(load_datasets(data)) if data else None
    _write_import(read_ftm(entities, match), out, force, data, entities)


@import_group.command("cyclonedx")
@click.argument("bom_file", metavar="BOM_FILE", type=click.Path(dir_okay=False))
@data_option
@out_option
@force_option
@_fail_cleanly
def import_cyclonedx_cmd(bom_file: str, data: tuple[str, ...], out: str, force: bool) -> None:
    """A product, its components, suppliers and bill of materials from a CycloneDX BOM (1.4-1.6,
    JSON or XML).  Components without a supplier are reported: merge with --data to complete them."""
    from graphlib_trade.imports.cyclonedx import read_cyclonedx  # its library takes a while to import

    _write_import(read_cyclonedx(bom_file), out, force, data, bom_file)


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
@click.option(
    "--password-file", is_flag=True, help="Print where the password is kept (never the password itself)."
)
@_fail_cleanly
def server_status(password_file: bool) -> None:
    """Say whether the local server runs."""
    server = _local_server()
    click.echo(server.password_file if password_file else server.status())


@server_group.command("install")
@_fail_cleanly
def server_install() -> None:
    """Fetch the Neo4j jars from Maven Central (no-op when present)."""
    server = _local_server()
    server.install()
    click.echo(f"Neo4j jars in {server.lib}")


def _small_pages() -> None:
    """numpy asks Linux for huge pages for each array of 4 MB or more (``madvise``), and the
    first touch of a huge page can be slow: on this project's machine (a virtual machine; no
    compaction stall counted), an ``arange`` and a ``concatenate`` of 5M numbers took 1.0 s
    with huge pages and 78 ms without, and ``impact`` at 1M nodes 15.9 -> 12.5 s.  A command's
    arrays are fresh memory, touched once or twice: off for the command, unless
    ``NUMPY_MADVISE_HUGEPAGE`` says otherwise (numpy reads it itself)."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return
    for name in ("numpy._core.multiarray", "numpy.core.multiarray"):  # numpy 2, numpy 1
        try:
            multiarray = importlib.import_module(name)
        except ImportError:
            continue
        setter = getattr(multiarray, "_set_madvise_hugepage", None)  # numpy's switch for the variable
        if setter is not None:
            setter(False)
        return


#: Whether this process runs one command and ends (``main``), rather than a caller's (tests, an API).
_WHOLE_PROCESS = False


#: What a command line holds until it ends (see :func:`_held`).
_HELD: list[Any] = []


def _held(value: T) -> T:
    """``value``, kept alive until the process ends when it runs one command: the memory goes
    back with the process, not object by object (0.3 s of ``explain`` and 0.5 s of ``impact``
    at 1M nodes went to freeing the chain and the answer once they were written)."""
    if _WHOLE_PROCESS:
        _HELD.append(value)
    return value


def main() -> NoReturn:
    # One command per process, over millions of dicts, tuples and models that form no
    # reference cycles: reference counting frees them, and the cyclic collector would
    # only walk them again and again (measured: 35% of `impact` end to end at 100k
    # nodes).  The process ends with the command.
    gc.disable()
    _small_pages()
    global _WHOLE_PROCESS
    _WHOLE_PROCESS = True
    try:
        cli(prog_name="graphlib-trade")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    code = _flushed(code)
    at_the_end()  # the snapshots it keeps (each written by a child)
    os._exit(_flushed(code))  # at once: what it holds is not freed object by object


def _exit_code(exc: SystemExit) -> int:
    """The exit code ``exc`` asks for, as Python gives it (a message is printed, and 1)."""
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    print(exc.code, file=sys.stderr)
    return 1


def _flushed(code: int) -> int:
    """Flush stdout and stderr, and give the exit code: ``code``, or the output layer's when the
    answer could not be written out in full (said on stderr; a reader that left the pipe is no
    error)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    except (OSError, ValueError) as exc:
        with contextlib.suppress(OSError, ValueError):
            print(f"graphlib-trade: error: cannot write the answer: {exc}", file=sys.stderr)
        code = code or OutputError.exit_code
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    return code
