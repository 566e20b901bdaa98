"""Screening: which companies and end users of a supply chain are on a screening list.

Names are compared after :func:`normalise` (case, accents, punctuation and legal forms
such as "Co., Ltd." set aside), by rapidfuzz's token-sort ratio: the share of characters
the two names have in common once their words are sorted, so word order does not count
and a one-letter typo in a long name still scores high.  A match at or above the
threshold is reported with the listed name (primary or alternative) it matched; it is
``exact`` when the normalised names are equal and the party's country is among the
entry's address countries.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from rapidfuzz import fuzz, process

from graphlib_trade.models import Dataset, ListedParty, ScreeningMatch, ScreeningResult

#: Legal forms that also open a name ("PJSC Sberbank", "Joint Stock Company Kalashnikov
#: Concern"); every other one is left out only at the end, so "Spa Holdings" keeps its "Spa".
LEADING_FORMS: tuple[str, ...] = (
    "public joint stock company",
    "open joint stock company",
    "closed joint stock company",
    "joint stock company",
    "limited liability company",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "ooo",
    "ao",
    "oao",
    "zao",
)
#: Legal forms left out of a name before comparing (at its end; the leading ones at its start too).
LEGAL_FORMS: tuple[str, ...] = tuple(
    sorted(
        (
            *LEADING_FORMS,
            *(
                "limited liability partnership",
                "public limited company",
                "company limited",
                "co ltd",
                "s a r l",
                "s a s",
                "s p a",
                "s r l",
                "l l c",
                "s a",
                "a s",
                "a g",
                "b v",
                "n v",
                "co",
                "company",
                "corp",
                "corporation",
                "inc",
                "incorporated",
                "ltd",
                "limited",
                "llc",
                "llp",
                "lp",
                "plc",
                "gmbh",
                "ag",
                "kg",
                "sa",
                "sas",
                "sarl",
                "srl",
                "spa",
                "bv",
                "nv",
                "ab",
                "oy",
                "as",
                "kk",
                "pte",
                "pty",
            ),
        ),
        key=lambda form: -len(form.split()),  # longer phrases first
    )
)
_FORMS = [f.split() for f in LEGAL_FORMS]
_LEADING = [f.split() for f in LEGAL_FORMS if f in LEADING_FORMS]
#: Latin letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i"}
)
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(name: str) -> str:
    """``name`` as screening compares it: no accents, lower case, punctuation as spaces, legal
    forms left out at the end (and the few that open names, at the start), unless nothing else
    is left.  Letters of every script are kept.

    Examples
    --------
    >>> normalise("Huawei Technologies Co., Ltd.")
    'huawei technologies'
    >>> normalise("SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORP.")
    'semiconductor manufacturing international'
    >>> normalise("Société Générale S.A."), normalise("Inc."), normalise("Ørsted A/S")
    ('societe generale', 'inc', 'orsted')
    >>> normalise("Spa Holdings"), normalise("PJSC Sberbank"), normalise("华为技术有限公司")
    ('spa holdings', 'sberbank', '华为技术有限公司')
    """
    text = unicodedata.normalize("NFKD", name.casefold().translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("&", " and ")
    words = _NOT_WORD.sub(" ", text).split()
    kept = _without_legal_forms(words)
    return " ".join(kept or words)


def _without_legal_forms(words: list[str]) -> list[str]:
    """``words`` without the legal forms at its end (any number of them: "Co., Ltd.") and
    the leading ones at its start."""
    start, end = 0, len(words)
    removed = True
    while removed and start < end:
        removed = False
        for form in _FORMS:
            if end - start > len(form) and words[end - len(form) : end] == form:
                end -= len(form)
                removed = True
                break
    removed = True
    while removed and start < end:
        removed = False
        for form in _LEADING:
            if end - start > len(form) and words[start : start + len(form)] == form:
                start += len(form)
                removed = True
                break
    return words[start:end]


def similarity(a: str, b: str) -> float:
    """How alike two normalised names are, 0..1 (rapidfuzz's token-sort ratio).

    >>> similarity("huawei technologies", "technologies huawei"), similarity("zte", "zta") < 0.9
    (1.0, True)
    """
    return float(fuzz.token_sort_ratio(a, b)) / 100.0


def screen(dataset: Dataset, entries: Sequence[ListedParty], threshold: float = 0.9) -> ScreeningResult:
    """Every company and end user of ``dataset`` whose name matches an entry of the list.

    Parameters
    ----------
    dataset : Dataset
        The analyst's data (companies by ``country``, end users by ``country`` when given).
    entries : sequence of ListedParty
        The screening list.
    threshold : float, optional
        The least similarity reported (0..1).

    Returns
    -------
    ScreeningResult
        The best match per (party, entry), by score (exact ones first among equals), and
        how many entries matched no party.

    Examples
    --------
    >>> from graphlib_trade.models import parse_dataset
    >>> hw = {"id": "hw", "name": "HUAWEI TECHNOLOGIES CO LTD", "country": "CN"}
    >>> ds = parse_dataset({"companies": [hw]}, "x")
    >>> listed = ListedParty(id="e1", source="EL", name="Huawei Technologies Co., Ltd.", countries=("CN",))
    >>> m = screen(ds, [listed]).matches[0]
    >>> (m.id, m.entry, m.score, m.exact, m.country_match)
    ('hw', 'e1', 1.0, True, True)
    """
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)  # normalised -> (entry, listed name)
    for i, entry in enumerate(entries):
        for listed in dict.fromkeys((entry.name, *entry.alt_names)):
            key = normalise(listed)
            if key and (i, listed) not in by_name[key]:
                by_name[key].append((i, listed))
    choices = list(by_name)
    best: dict[tuple[str, int], ScreeningMatch] = {}
    for party_id, party_name, kind, country in _parties(dataset):
        mine = normalise(party_name)
        if not mine:
            continue
        found = process.extract(
            mine, choices, scorer=fuzz.token_sort_ratio, score_cutoff=threshold * 100.0, limit=None
        )
        for key, raw_score, _ in found:
            score = 1.0 if key == mine else round(float(raw_score) / 100.0, 4)
            for i, listed in by_name[key]:
                entry = entries[i]
                agree = None if country is None or not entry.countries else country in entry.countries
                match = ScreeningMatch(
                    id=party_id,
                    name=party_name,
                    kind=kind,
                    entry=entry.id,
                    listed_name=entry.name,
                    source=entry.source,
                    score=score,
                    exact=key == mine and agree is True,
                    country_match=agree,
                    matched_on=listed,
                    normalised=mine,
                    listed_normalised=key,
                )
                held = best.get((party_id, i))
                if held is None or (match.exact, match.score) > (held.exact, held.score):
                    best[(party_id, i)] = match
    matched = {i for _, i in best}
    ordered = sorted(best.values(), key=lambda m: (-m.score, not m.exact, m.id, m.entry))
    return ScreeningResult(
        threshold=threshold,
        matches=tuple(ordered),
        unmatched_entries=len(entries) - len(matched),
        parties=len(dataset.companies) + len(dataset.end_users),
        entries=len(entries),
    )


def same_company(dataset: Dataset) -> Callable[[str, str | None], str | None]:
    """A lookup of the company of ``dataset`` with the same normalised name (and the same
    country, when both are known); None when there is none or more than one.

    >>> from graphlib_trade.models import parse_dataset
    >>> hw = {"id": "hw", "name": "Huawei Technologies Co., Ltd.", "country": "CN"}
    >>> find = same_company(parse_dataset({"companies": [hw]}, "x"))
    >>> find("HUAWEI TECHNOLOGIES CO LTD", "CN"), find("Huawei Technologies", "DE"), find("ZTE", None)
    ('hw', None, None)
    """
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for c in dataset.companies:
        by_name[normalise(c.name)].append((c.id, c.country))

    def find(name: str, country: str | None) -> str | None:
        found = [
            cid for cid, where in by_name.get(normalise(name), ()) if country is None or where == country
        ]
        return found[0] if len(found) == 1 else None

    return find


def _parties(dataset: Dataset) -> Iterable[tuple[str, str, str, str | None]]:
    for c in dataset.companies:
        yield c.id, c.name, "company", c.country
    for u in dataset.end_users:
        yield u.id, u.name, "end_user", u.country
