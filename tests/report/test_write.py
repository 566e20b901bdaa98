"""Every format writes to a file the text it renders (the CLI's ``-o`` writes so)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from graphlib_trade import report
from graphlib_trade.analysis import SupplyChain, explain, impact, rank, timeline, whatif
from graphlib_trade.files import write_atomic
from graphlib_trade.models import Scenario
from graphlib_trade.report import json as json_report
from graphlib_trade.sources import load_dataset

HUAWEI = Path(__file__).resolve().parents[2] / "fixtures" / "huawei_2019.yaml"
DAY = dt.date(2019, 9, 1)


def _results() -> list[Any]:
    chain = SupplyChain.from_dataset(load_dataset(HUAWEI))
    return [
        impact(chain, DAY),
        whatif(chain, Scenario(restrict=("tsmc",)), DAY)[0],
        explain(chain, "p30-pro", DAY),
        rank(chain, "suppliers", DAY),
        timeline(chain),
    ]


RESULTS = _results()
CASES = [(name, r) for r in RESULTS for name in report.formats_for(type(r))]


@pytest.mark.parametrize(("fmt", "result"), CASES, ids=[f"{n}-{type(r).__name__}" for n, r in CASES])
def test_write_is_the_rendered_text(fmt: str, result: Any) -> None:
    handle = io.BytesIO()
    report.write(fmt, result, handle)
    assert handle.getvalue() == report.render(fmt, result).encode("utf-8")


def test_json_is_written_in_pieces_the_text_of_as_json(tmp_path: Path) -> None:
    # The json format writes pydantic's bytes, then the last newline: the same file as the text.
    out = tmp_path / "impact.json"
    write_atomic(out, lambda handle: report.write("json", RESULTS[0], handle))
    assert out.read_text(encoding="utf-8") == RESULTS[0].model_dump_json(indent=2) + "\n"
    assert [p.name for p in tmp_path.iterdir()] == ["impact.json"]  # no temporary file left


class TestWriteJson:
    """A big impact is written an entry at a time: the bytes of the whole answer, in pieces."""

    @pytest.mark.parametrize(
        "path",
        sorted(p for p in (HUAWEI.parent).rglob("*.yaml") if not {"scenarios", "imports"} & set(p.parts)),
        ids=lambda p: p.stem,
    )
    def test_pieces_are_the_whole_answer(self, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(json_report, "PIECES_FROM", 0)  # every impact in pieces
        chain = SupplyChain.from_dataset(load_dataset(path))
        for day in (dt.date(2019, 6, 1), dt.date(2023, 1, 1)):
            result = impact(chain, day)
            handle = io.BytesIO()
            json_report.write_json(result, handle)
            assert handle.getvalue() == (result.model_dump_json(indent=2) + "\n").encode("utf-8")
            lists = json_report._lists(result)
            assert lists is not None and json_report._pieces(result, lists) is not None  # not whole

    def test_empty_lists_and_text_that_looks_like_a_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # No end users (the empty list stays where it stands), and a name holding the text of a
        # key line: inside a JSON string the newline is written \n, so it is not taken for one.
        monkeypatch.setattr(json_report, "PIECES_FROM", 0)
        product = RESULTS[0].products[0].model_copy(update={"name": 'x\n  "end_users": []\n  "causes": []'})
        assert product.causes  # its causes are set in from their own bytes
        result = RESULTS[0].model_copy(update={"products": (product,), "end_users": ()})
        handle = io.BytesIO()
        json_report.write_json(result, handle)
        assert handle.getvalue() == (result.model_dump_json(indent=2) + "\n").encode("utf-8")
        assert json_report._pieces(result, {"products": result.products, "end_users": result.end_users})

    def test_text_that_looks_like_where_the_causes_go(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # Names holding the text of the line after an entry's causes, of an entry's end and of
        # the line between two causes: inside a JSON string a newline is written \n, so none is
        # taken for one.  Two equal causes that are two objects are each written where they stand.
        monkeypatch.setattr(json_report, "PIECES_FROM", 0)
        base = RESULTS[0]
        product = base.products[0]
        first = product.causes[0]
        twin = first.model_copy(update={"item": "x\n        },\n        {\n  },\n  {"})
        assert twin is not first and len(product.causes) >= 1
        odd = product.model_copy(
            update={"name": 'x,\n      "relies_on": \n    }', "causes": (twin, first, twin.model_copy())}
        )
        user = base.end_users[0].model_copy(update={"name": "\n    }\n  ]", "causes": (first,)})
        result = base.model_copy(update={"products": (odd, *base.products[1:]), "end_users": (user,)})
        handle = io.BytesIO()
        json_report.write_json(result, handle)
        assert handle.getvalue() == (result.model_dump_json(indent=2) + "\n").encode("utf-8")
        assert json_report._pieces(result, {"products": result.products, "end_users": result.end_users})
