"""The Python API, for notebooks: load data, ask the questions of the CLI, get typed answers.

Every answer is a frozen model (``ImpactResult``, ``WhatIfResult``, ``Explanation``,
``ScreeningResult``, ...) with typed fields; :func:`to_dict` gives its JSON shape as plain
Python, :func:`records` the rows of its CSV form, and :func:`dataframe` those rows as a
pandas DataFrame when pandas is installed (it stays optional).

Examples
--------
>>> from graphlib_trade import api
>>> chain = api.load("fixtures/huawei_2019.yaml")
>>> result = api.impact(chain, "2019-06-01")
>>> next(p.status.value for p in result.products if p.id == "p30-pro")
'blocked'
>>> api.records(result)[0]["type"]
'product'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from graphlib_trade import analysis, report
from graphlib_trade.analysis import SupplyChain
from graphlib_trade.imports.csl import read_screening_list
from graphlib_trade.models import (
    Explanation,
    Grant,
    ImpactResult,
    Scenario,
    ScreeningResult,
    WhatIfResult,
)
from graphlib_trade.snapshot import chain_of, chain_of_store
from graphlib_trade.sources import load_datasets, load_scenario

Source = str | os.PathLike[str]
Day = dt.date | str | None


def _day(value: Day) -> dt.date:
    if value is None:
        return dt.date.today()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def load(*sources: Source) -> SupplyChain:
    """The supply chain of one or several data files and CSV folders (merged, as ``--data``
    repeated); with none, the Neo4j graph (``NEO4J_URI``, ... or the local server).  Both
    through their snapshot, as the CLI."""
    if sources:
        return chain_of(sources)
    from graphlib_trade.store import Store, connection_from_env

    with Store(connection_from_env()) as store:
        return chain_of_store(store)


def impact(chain: SupplyChain, as_of: Day = None, *, ignore_licences: bool = False) -> ImpactResult:
    """Every product's and end user's status on ``as_of`` (ISO text or a date; default today)."""
    return analysis.impact(chain, _day(as_of), ignore_licences=ignore_licences)


def whatif(
    chain: SupplyChain,
    as_of: Day = None,
    *,
    restrict: Iterable[str] = (),
    restrict_destinations: Iterable[str] = (),
    grant: Iterable[str] = (),
    drop_suppliers: Iterable[str] = (),
    scenario: Source | Scenario | None = None,
) -> WhatIfResult:
    """What changes under a scenario (a file, a :class:`Scenario`, and/or the flags of ``whatif``:
    ``grant`` as ``SUPPLIER:COMPONENT:RECIPIENT``)."""
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario) if scenario else Scenario()
    changed = base.with_flags(
        tuple(restrict),
        tuple(Grant.parse(g) for g in grant),
        tuple(drop_suppliers),
        tuple(restrict_destinations),
    )
    flags = not isinstance(scenario, (str, os.PathLike))
    return analysis.whatif_changes(chain, changed, changed.day(_day(as_of) if as_of else None), flags=flags)


def explain(chain: SupplyChain, item: str, as_of: Day = None) -> Explanation:
    """Why a product or end user has its status: the chains of causes, and the licences that
    would lift them."""
    return analysis.explain(chain, item, _day(as_of))


def screen(list_file: Source, *sources: Source, threshold: float = 0.9) -> ScreeningResult:
    """Which companies and end users of ``sources`` are on the screening list ``list_file``."""
    return analysis.screen(load_datasets(sources), read_screening_list(list_file), threshold)


def to_dict(result: BaseModel) -> dict[str, Any]:
    """The answer as plain Python: its JSON shape (``--format json``)."""
    return result.model_dump(mode="json")


def records(result: BaseModel) -> list[dict[str, str]]:
    """The answer's rows as ``--format csv`` writes them (lists joined with ``;``).

    Raises
    ------
    TypeError
        For an answer without a CSV form (an ``Explanation``): use :func:`to_dict`.
    """
    if "csv" not in report.formats_for(type(result)):
        raise TypeError(f"a {type(result).__name__} has no rows: use to_dict()")
    return list(csv.DictReader(io.StringIO(report.render("csv", result))))


def dataframe(result: BaseModel) -> Any:
    """:func:`records` as a pandas DataFrame (pandas is optional: ``pip install pandas``)."""
    try:
        import pandas
    except ImportError:
        raise ImportError("dataframe() needs pandas (pip install pandas); records() gives the rows") from None
    return pandas.DataFrame.from_records(records(result))


__all__ = ["dataframe", "explain", "impact", "load", "records", "screen", "to_dict", "whatif"]
