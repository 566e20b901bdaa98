"""The US Consolidated Screening List (trade.gov's bulk file, JSON or CSV) in, lists and
restrictions out.

:func:`read_screening_list` reads the file into :class:`~graphlib_trade.models.ListedParty`
entries; :func:`csl_sections` turns the entries that match the analyst's companies and
end users into the ``lists`` and ``restrictions`` of a data file (the data contract of the
rules: an entry of the Entity List takes the list's dated affiliates rule, a denied person
a denial order without affiliates, ...).

How each list is read (:data:`LISTS`):

=====  ===============  ==========================================================
code   list id          restrictions
=====  ===============  ==========================================================
EL     entity-list      the BIS Affiliates Rule: 50% in aggregate, 2025-09-29 to
                        2025-11-09, suspended, again from 2026-11-10
MEU    meu-list         the same affiliates rule (it covers the MEU list too)
DPL    denied-persons   a denial order, no affiliates (``denial: true``)
SDN    sdn              OFAC's 50 Percent Rule, always
=====  ===============  ==========================================================

``license_requirement`` gives the items ("For all items subject to the EAR" → ``all``,
the Commerce Control List → ``ccl``, ECCNs named → those ECCNs) and ``license_policy``
the review policy ("Presumption of denial" → ``denial``, "Case-by-case" →
``case_by_case``, "Presumption of approval" → ``approval``).  Text that says something
else, or several of these at once, keeps the strictest reading (all items, denial) and is
listed in a warning naming the entry, for the analyst to read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graphlib_trade.analysis.screening import normalise
from graphlib_trade.errors import DataError
from graphlib_trade.files import read_text
from graphlib_trade.imports import Imported
from graphlib_trade.models import ListedParty, ScreeningMatch, source_code

#: The lists of the Consolidated Screening List this tool reads, by the code in ``source``.
_AFFILIATES_RULE: dict[str, Any] = {
    "affiliates_threshold": 0.5,
    "affiliates_windows": [{"from": "2025-09-29", "until": "2025-11-09"}, {"from": "2026-11-10"}],
}
LISTS: dict[str, dict[str, Any]] = {
    "EL": {
        "id": "entity-list",
        "name": "Entity List (Supplement No. 4 to part 744)",
        **_AFFILIATES_RULE,
        "note": "BIS Affiliates Rule (90 FR 47201), suspended 2025-11-10 for one year",
    },
    "MEU": {
        "id": "meu-list",
        "name": "Military End-User List (Supplement No. 7 to part 744)",
        **_AFFILIATES_RULE,
        "note": "BIS Affiliates Rule (90 FR 47201), suspended 2025-11-10 for one year",
    },
    "DPL": {"id": "denied-persons", "name": "Denied Persons List", "note": "denial orders name persons only"},
    "SDN": {
        "id": "sdn",
        "name": "Specially Designated Nationals and Blocked Persons List (OFAC)",
        "affiliates_threshold": 0.5,
        "note": "OFAC 50 Percent Rule: entities owned 50% or more in aggregate by blocked persons",
    },
}
#: Lists whose entries carry no licence text of their own (the order or the sanction says it all).
_NO_TEXT_NEEDED = frozenset({"DPL", "SDN"})
_ECCN = re.compile(r"\b\d[A-E]\d{3}(?:\.[a-z0-9]+)*\b")
_LIST_FIELDS = ("alt_names", "programs")


# --------------------------------------------------------------------------- reading


def read_screening_list(path: str | os.PathLike[str]) -> tuple[ListedParty, ...]:
    """The entries of a Consolidated Screening List file: JSON (``{"results": [...]}`` or a list)
    or CSV with the same columns (list fields joined by ``;``).

    Raises
    ------
    DataError
        Naming the file, the entry (``results[3]`` or ``line 4``) and the value of every problem.
    """
    source = str(path)
    text = read_text(path)
    rows: list[tuple[str, Any]]
    if Path(path).suffix.lower() == ".csv":
        rows = _csv_rows(source, text)
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(source, [f"is not valid JSON: {exc.msg} (line {exc.lineno})"]) from None
        results = data.get("results") if isinstance(data, dict) else data
        if not isinstance(results, list):
            raise DataError(source, ['expected {"results": [...]} or a list of entries'])
        rows = [(f"results[{i}]", row) for i, row in enumerate(results)]
    entries: list[ListedParty] = []
    problems: list[str] = []
    for where, row in rows:
        try:
            entries.append(_entry(row))
        except (ValueError, TypeError, ValidationError) as exc:
            name = row.get("name") if isinstance(row, dict) else None
            label = f"{where} {name!r}" if name else where
            problems.append(f"{label}: {_reason(exc)}")
    if problems:
        raise DataError(source, problems)
    return _unique_ids(entries)


def _unique_ids(entries: list[ListedParty]) -> tuple[ListedParty, ...]:
    """The entries, an id repeated across lists (OFAC writes one number on several of its lists)
    made unique by its list's code: ``17018`` and ``17018-SSI``."""
    seen: set[str] = set()
    out = []
    for entry in entries:
        if entry.id in seen:
            entry = entry.model_copy(update={"id": f"{entry.id}-{source_code(entry.source) or 'dup'}"})
        n = 2
        while entry.id in seen:
            entry = entry.model_copy(update={"id": f"{entry.id.rsplit('~', 1)[0]}~{n}"})
            n += 1
        seen.add(entry.id)
        out.append(entry)
    return tuple(out)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        return f"{field}: {err['msg']} (got {err.get('input')!r})"
    return str(exc)


def _csv_rows(source: str, text: str) -> list[tuple[str, Any]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        rows = []
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise DataError(
                    source, [f"line {reader.line_num}: the number of fields differs from the header"]
                )
            entry: dict[str, Any] = dict(row)
            for key in _LIST_FIELDS:
                entry[key] = [v.strip() for v in (row.get(key) or "").split(";") if v.strip()]
            entry["addresses"] = [
                {"country": part.rsplit(",", 1)[-1].strip()}
                for part in (row.get("addresses") or "").split(";")
                if part.strip()
            ]
            rows.append((f"line {reader.line_num}", entry))
        return rows
    except csv.Error as exc:
        raise DataError(source, [f"is not valid CSV: {exc}"]) from None


def _entry(row: Any) -> ListedParty:
    if not isinstance(row, Mapping):
        raise ValueError(f"expected an entry (a mapping), got {type(row).__name__}")
    entry_id = row.get("id") or row.get("_id")
    if not entry_id:
        raise ValueError("no id")
    if not row.get("name"):
        raise ValueError("no name")
    countries = []
    for address in row.get("addresses") or ():
        country = (address or {}).get("country") if isinstance(address, Mapping) else None
        if isinstance(country, str) and re.fullmatch(r"[A-Za-z]{2}", country.strip()):
            countries.append(country.strip().upper())
    return ListedParty.model_validate(
        {
            "id": str(entry_id),
            "source": row.get("source") or "",
            "name": row["name"],
            "alt_names": tuple(row.get("alt_names") or ()),
            "countries": tuple(dict.fromkeys(countries)),
            "entity_number": _text(row.get("entity_number")),
            "type": _text(row.get("type")),
            "programs": tuple(row.get("programs") or ()),
            "federal_register_notice": _text(row.get("federal_register_notice")),
            "start_date": _date(row.get("start_date"), "start_date"),
            "end_date": _date(row.get("end_date"), "end_date"),
            "license_requirement": _text(row.get("license_requirement")),
            "license_policy": _text(row.get("license_policy")),
            "remarks": _text(row.get("remarks")),
        }
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any, field: str) -> dt.date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{field}: not a date (YYYY-MM-DD): {text!r}") from None


# --------------------------------------------------------------------------- transforming


def licence_terms(entry: ListedParty) -> tuple[Any, str | None, list[str]]:
    """(``items``, ``review_policy``, warnings) read from the entry's licence texts.

    Examples
    --------
    >>> smic = ListedParty(id="x", source="Entity List (EL)", name="SMIC",
    ...                    license_requirement="For all items subject to the EAR.",
    ...                    license_policy="Case-by-case review.")
    >>> licence_terms(smic)
    ('all', 'case_by_case', [])
    """
    code = source_code(entry.source)
    warnings: list[str] = []
    label = f"entry {entry.id} {entry.name!r}"
    requirement = (entry.license_requirement or "").casefold()
    items: Any
    eccns = list(dict.fromkeys(_ECCN.findall(entry.license_requirement or "")))
    if not requirement:
        items = "all"
        if code not in _NO_TEXT_NEEDED:
            warnings.append(f"{label}: no license_requirement: all items subject to the EAR assumed")
    elif "all items subject to the ear" in requirement and "except" not in requirement:
        items = "all"  # ECCNs it also names ("including 3A090") narrow nothing
    elif eccns and "except" not in requirement:
        items = eccns
    elif ("commerce control list" in requirement or "ccl" in requirement) and "except" not in requirement:
        items = "ccl"
    else:
        items = "all"
        warnings.append(
            f"{label}: license_requirement {entry.license_requirement!r} read as all items subject to "
            "the EAR (the strictest reading): check it"
        )
    policy = (entry.license_policy or "").casefold()
    found = [
        name
        for name, words in (
            ("denial", ("presumption of denial", "policy of denial")),
            ("case_by_case", ("case-by-case", "case by case")),
            ("approval", ("presumption of approval",)),
        )
        if any(w in policy for w in words)
    ]
    review: str | None
    if not policy:
        review = "denial" if code == "DPL" else None
    elif len(found) == 1:
        review = found[0]
    else:
        review = "denial"
        warnings.append(
            f"{label}: license_policy {entry.license_policy!r} read as a presumption of denial "
            "(the strictest reading): check it"
        )
    return items, review, warnings


def csl_sections(
    entries: Sequence[ListedParty],
    matches: Iterable[ScreeningMatch],
    confirmed: Iterable[tuple[str, str]] = (),
) -> Imported:
    """The ``lists`` and ``restrictions`` for the entries matched to the analyst's parties.

    A match counts when it is ``exact`` or confirmed (``(party id, entry id)`` in
    ``confirmed``); other matches are reported in the warnings, never imported.  Each
    entry becomes one restriction (:func:`restriction_id`) targeting every party matched to it.
    """
    accepted = set(confirmed)
    by_id = {e.id: e for e in entries}
    targets: dict[str, list[str]] = {}
    warnings: list[str] = []
    for m in matches:
        if m.exact or (m.id, m.entry) in accepted:
            targets.setdefault(m.entry, [])
            if m.id not in targets[m.entry]:
                targets[m.entry].append(m.id)
        else:
            warnings.append(
                f"not imported: {m.kind} {m.id!r} {m.name!r} ~ {m.matched_on!r} (entry {m.entry}, "
                f"{m.source}, score {m.score:.2f}, country {_agreement(m.country_match)}): "
                "confirm it in the matches file (--confirm) to import it"
            )
    lists: dict[str, dict[str, Any]] = {}
    restrictions: list[dict[str, Any]] = []
    ids: set[str] = set()
    for entry_id, parties in targets.items():
        entry = by_id[entry_id]
        code = source_code(entry.source)
        if code not in LISTS:
            warnings.append(
                f"entry {entry.id} {entry.name!r}: {entry.source!r} is not a list this tool reads "
                f"(it reads {', '.join(LISTS)}): matched {', '.join(parties)}, not imported"
            )
            continue
        spec = LISTS[code]
        lists[spec["id"]] = spec
        items, review, said = licence_terms(entry)
        warnings += said
        if entry.start_date is None:
            warnings.append(
                f"entry {entry.id} {entry.name!r}: no start_date: in force from 1900-01-01 assumed"
            )
        restriction: dict[str, Any] = {
            "id": restriction_id(entry, ids),
            "name": entry.name,
            "authority": entry.source,
            "list": spec["id"],
            "targets": parties,
            "items": items,
            "effective_from": (entry.start_date or dt.date(1900, 1, 1)).isoformat(),
        }
        if code == "DPL":
            restriction["denial"] = True
        if review is not None:
            restriction["review_policy"] = review
        if entry.end_date is not None:
            restriction["effective_until"] = entry.end_date.isoformat()
        cited = f"{entry.federal_register_notice}; " if entry.federal_register_notice else ""
        restriction["note"] = f"{cited}CSL entry {entry.id}"
        restrictions.append(restriction)
    sections: dict[str, list[dict[str, Any]]] = {"lists": list(lists.values()), "restrictions": restrictions}
    return Imported(sections=sections, warnings=tuple(warnings))


def restriction_id(entry: ListedParty, taken: set[str]) -> str:
    """A readable id for the restriction of a list entry: its list's code and its name
    normalised (``el-huawei-technologies``), numbered when two entries would share it; the
    entry's own id goes into the note.

    >>> huawei = ListedParty(id="x", source="Entity List (EL)", name="Huawei Technologies Co., Ltd.")
    >>> restriction_id(huawei, set()), restriction_id(huawei, {"el-huawei-technologies"})
    ('el-huawei-technologies', 'el-huawei-technologies-2')
    """
    base = f"{(source_code(entry.source) or 'csl').lower()}-{normalise(entry.name).replace(' ', '-')}"[:60]
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    taken.add(found)
    return found


def _agreement(country_match: bool | None) -> str:
    return {True: "agrees", False: "differs", None: "unknown"}[country_match]


def read_confirmed(path: str | os.PathLike[str]) -> set[tuple[str, str]]:
    """The (party id, entry id) pairs marked ``confirmed`` in a matches file written by
    ``screen`` (JSON or CSV) and edited by the analyst (yes, y, true, 1 or x)."""
    source = str(path)
    text = read_text(path)
    rows: list[Mapping[str, Any]]
    if Path(path).suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(source, [f"is not valid JSON: {exc.msg} (line {exc.lineno})"]) from None
        rows = data.get("matches", []) if isinstance(data, dict) else []
    out: set[tuple[str, str]] = set()
    problems = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping) or "id" not in row or "entry" not in row:
            problems.append(f"match {i}: needs the columns id and entry (as screen writes them)")
            continue
        mark = row.get("confirmed")
        if mark is True or str(mark).strip().casefold() in ("yes", "y", "true", "1", "x"):
            out.add((str(row["id"]), str(row["entry"])))
    if problems:
        raise DataError(source, problems)
    return out
