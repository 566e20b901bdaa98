"""Snapshots: a supply chain built once, kept for the next command on the same data.

Parsing, validating and building the chain is most of a command's time on a big graph; the
chain itself loads five times faster from a snapshot (2.35 s against 0.42 s at 100k nodes).

- **Files**: a snapshot is keyed by the content digest of the input files (every byte of each
  file, or of each CSV file of a folder, in order).  A file's digest is noted in the cache
  folder (:func:`file_digest`) and taken from there while the file is as it was (its inode,
  size, modification and change times), as git's index does: 0.3 s of each command at 1M.
- **Neo4j**: keyed by the graph's committed state (:meth:`~graphlib_trade.store.Store.state`:
  the database's store id and the token of its last committed transaction), taken before the
  pull and checked after it; a graph that changed while it was read, or a partial one, is
  not kept.  Any commit since (a load, an edit in Neo4j Browser, a write-back) is a new
  state, so the next command reads the graph again.

A snapshot also keeps what the command worked out that holds for the data on any date
(:data:`~graphlib_trade.analysis.engine.DATE_FREE`: the de minimis fractions, the reach of lost
supplies); a later command that works out one it lacks writes it again as it ends.  It keeps the
array passes' plan and item columns too (:mod:`~graphlib_trade.analysis.passes`), and the big
tables (components, bill of materials, suppliers and parents) in parts of their own
(:data:`~graphlib_trade.analysis.chain.DEFERRED`), each read when first asked for: a what-if
answered by the array passes reads none of them.  The parties (:data:`PARTIES`) are kept value
by value in the core, and the parties by country whole: an ``explain`` reads the companies it
names, not the 100k of a 1M graph.

Both keys also hold the tool's own source and the libraries' versions: a changed file, graph
or tool is a different key, so a stale snapshot is never served.  Snapshots live in the
user's cache folder (``$GRAPHLIB_TRADE_CACHE``, else platformdirs' user cache folder), written
whole, the oldest dropped beyond :data:`KEEP` (and a killed writer's temporary file an hour
later); ``GRAPHLIB_TRADE_SNAPSHOTS=0`` turns them off.

They are Python pickles: read only from a folder the user owns and nobody else can write
(created with mode 0700; a folder others can write turns snapshots off), and a file that
changes while it is read leaves no snapshot.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import itertools
import json
import operator
import os
import pickle
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from functools import partial, reduce
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np
import platformdirs
import pydantic
import yaml

from graphlib_trade.analysis import SupplyChain
from graphlib_trade.analysis.chain import ARRAYS, DEFERRED, LOCATED, ChainArrays
from graphlib_trade.analysis.columns import COLUMNS, ColumnFractions, Shared
from graphlib_trade.analysis.engine import DATE_FREE, US_FRACTIONS
from graphlib_trade.analysis.passes import PLAN, share_with_copies
from graphlib_trade.errors import AnalysisError, OutputError
from graphlib_trade.files import write_atomic
from graphlib_trade.models import Dataset, model_of
from graphlib_trade.models.references import Ids
from graphlib_trade.sources import load_datasets

#: The core's tables of parties a snapshot keeps value by value (see :class:`LazyTable`).
PARTIES = ("companies", "products", "end_users", "supplies_of")
#: Snapshots kept; the least recently used go first.
KEEP = 8
#: A writer's temporary file untouched this long (seconds) was left by a writer that was killed:
#: the next snapshot written removes it.
STALE_AFTER = 3600
#: A snapshot file: this, each deferred part in turn (its pickle, then the blobs of its tables
#: out of band), the core (with each part's offset, the sizes of its pickle and blobs, and their
#: CRC-32) pickled, and the core's offset in the last 8 bytes.  The CRC finds a part damaged after
#: it was written (2.5 times as fast as a SHA-256: what a private folder needs, not a seal).
_FORMAT = b"graphlib-trade snapshot 3\n"
_WHERE = 8
_PROTOCOL = pickle.HIGHEST_PROTOCOL
#: What else shapes a pickled chain: Python and the libraries its models come from.
_LIBRARIES = f"python {sys.version}; pydantic {pydantic.VERSION}; pyyaml {yaml.__version__}"
_PACKAGE = Path(__file__).resolve().parent


def cache_folder() -> Path:
    """``$GRAPHLIB_TRADE_CACHE``, else ``snapshots`` in the user's cache folder."""
    given = os.environ.get("GRAPHLIB_TRADE_CACHE")
    return Path(given) if given else platformdirs.user_cache_path("graphlib-trade") / "snapshots"


def enabled() -> bool:
    return os.environ.get("GRAPHLIB_TRADE_SNAPSHOTS", "1") != "0"


def digest(paths: Sequence[str | os.PathLike[str]], memo: Path | None = None) -> str:
    """The key of a set of input files: their bytes (a folder's CSV files by name), in order,
    and the tool's own source.  ``memo``: a file of the digests of files hashed before (see
    :func:`file_digest`), read and kept up to date.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "a.yaml").write_text("companies: []")
    13
    >>> key = digest([folder / "a.yaml"])
    >>> (folder / "a.yaml").write_text("companies: [] ")
    14
    >>> digest([folder / "a.yaml"]) == key
    False
    """
    known = _memo_read(memo) if memo is not None else {}
    seen = dict(known)
    h = _tool()
    for path in paths:
        p = Path(path)
        files = sorted(p.glob("*.csv")) if p.is_dir() else [p]
        h.update(b"\0input\0" + str(len(files)).encode())
        for f in files:
            h.update(b"\0" + f.name.encode() + b"\0" + file_digest(f, seen))
    if memo is not None and seen != known:
        _memo_write(memo, seen)
    return h.hexdigest()


#: A file's digest is taken from the memo when the file is as it was (see :func:`file_digest`)
#: and had not changed for this long (nanoseconds) when it was hashed.
SETTLED_NS = 2_000_000_000
#: Files whose digests the memo keeps (the most recently hashed).
MEMO_KEEP = 256
#: The memo's file in the cache folder.
MEMO = "digests.json"


def file_digest(path: Path, memo: dict[str, list[Any]]) -> bytes:
    """The SHA-256 of ``path``'s bytes, from ``memo`` when the file has not changed since it was
    hashed (else hashed, and noted in ``memo``).

    As git's index and ccache do: the file is the one hashed when its device, inode, size,
    modification and change times are those noted then; a write sets the change time, and
    nothing but the clock does.  A write within the clock's tick after the hashing could leave
    those times as they were: a digest is taken from the memo only when the file had not
    changed for :data:`SETTLED_NS` when it was hashed, and noted only when the file stayed the
    same while it was hashed.

    >>> import tempfile, pathlib, hashlib
    >>> memo = {}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.yaml"
    >>> _ = path.write_text("companies: []")
    >>> file_digest(path, memo) == hashlib.sha256(b"companies: []").digest(), len(memo)
    (True, 1)
    """
    where = str(path.resolve())
    before = _stamp(path)
    noted = memo.get(where)
    if noted is not None and noted[0] == before and max(before[3], before[4]) <= noted[1] - SETTLED_NS:
        return bytes.fromhex(noted[2])
    started = time.time_ns()
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    if _stamp(path) == before:
        memo[where] = [before, started, h.hexdigest()]
    return h.digest()


def _stamp(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _memo_read(memo: Path) -> dict[str, list[Any]]:
    """The digests noted in ``memo`` (none when it is missing or unreadable)."""
    try:
        found = json.loads(memo.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        where: noted
        for where, noted in found.items()
        if isinstance(noted, list)
        and len(noted) == 3
        and isinstance(noted[0], list)
        and all(type(n) is int for n in noted[0])
        and type(noted[1]) is int
        and isinstance(noted[2], str)
        and len(noted[2]) == 64
    }


def _memo_write(memo: Path, noted: dict[str, list[Any]]) -> None:
    """Keep the :data:`MEMO_KEEP` most recently hashed of ``noted`` in ``memo``, written whole
    (a memo that cannot be written is left as it was: the files are hashed again)."""
    latest = sorted(noted.items(), key=lambda item: item[1][1], reverse=True)[:MEMO_KEEP]
    try:
        memo.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(memo, lambda handle: handle.write(json.dumps(dict(latest)).encode()))
    except (OSError, OutputError):
        pass


def _tool() -> hashlib._Hash:
    """A digest holding the snapshot format, the libraries and the tool's own source, to add
    the data's key to (any change of the tool is a new key)."""
    h = hashlib.sha256(_FORMAT)
    h.update(_LIBRARIES.encode())
    for source in sorted(_PACKAGE.rglob("*.py")):
        h.update(source.read_bytes())
    return h


class GraphStore(Protocol):
    """What a snapshot of a Neo4j graph asks of :class:`~graphlib_trade.store.Store`."""

    @property
    def source(self) -> str: ...

    def state(self) -> str | None: ...

    def pull(self, wait: float = ..., *, allow_partial: bool = False) -> Dataset: ...

    def incomplete_loads(self) -> list[dict[str, Any]]: ...


def chain_of_store(
    store: GraphStore,
    notice: Callable[[str], None] | None = None,
    *,
    allow_partial: bool = False,
    later: bool = False,
) -> SupplyChain:
    """The supply chain of the graph in ``store``: from its snapshot when the graph has not
    changed since it was read (the same :meth:`~graphlib_trade.store.Store.state`), else
    pulled, and kept as a snapshot when it is whole and did not change while it was read.
    ``notice`` hears which path was taken; ``later``: as :func:`chain_of`."""
    say = notice or (lambda _: None)

    def pulled() -> SupplyChain:
        return SupplyChain.from_dataset(store.pull(allow_partial=allow_partial))

    if not enabled():
        say(f"read the graph from {store.source}")
        return pulled()
    folder = cache_folder()
    if not _private(folder):
        say(f"snapshots off: {folder} is not a folder only you can write; read the graph from {store.source}")
        return pulled()
    state = store.state()
    if state is None:
        say(
            f"{store.source} does not tell one state (a cluster, or no right to list databases): "
            "read it in full"
        )
        return pulled()
    h = _tool()
    h.update(b"\0neo4j\0" + store.source.encode() + b"\0" + state.encode())
    key = h.hexdigest()
    snapshot = folder / f"{key}.pickle"
    chain = _read(snapshot)
    if chain is not None:
        say(
            f"snapshot {key[:12]}: the graph in {store.source} has not changed since it was read, "
            "read from the snapshot"
        )
        return _read_kept(snapshot, chain, later=later)
    chain = pulled()
    if store.incomplete_loads():
        say(f"read the graph from {store.source}; it is partial: no snapshot kept")
        return chain
    if store.state() != state:
        say(f"read the graph from {store.source}; it changed while it was read: no snapshot kept")
        return chain
    _keep(snapshot, chain, say, f"read the graph from {store.source}", later=later)
    return chain


def chain_of(
    paths: Sequence[str | os.PathLike[str]],
    notice: Callable[[str], None] | None = None,
    *,
    later: bool = False,
) -> SupplyChain:
    """The supply chain of ``paths`` (merged as ``--data`` repeated): from its snapshot when one
    exists, else built from the files and kept as a snapshot.  ``notice`` hears which path was
    taken.  With ``later`` (a command line), the snapshot is written when the process ends, by a
    forked child, so the answer does not wait for it (where ``os.fork`` exists)."""
    say = notice or (lambda _: None)
    if not enabled():
        return SupplyChain.from_dataset(load_datasets(paths))
    folder = cache_folder()
    if not _private(folder):
        say(f"snapshots off: {folder} is not a folder only you can write")
        return SupplyChain.from_dataset(load_datasets(paths))
    try:
        key = digest(paths, folder / MEMO)
    except OSError:  # a file that cannot be read: let the loader say so
        return SupplyChain.from_dataset(load_datasets(paths))
    snapshot = folder / f"{key}.pickle"
    chain = _read(snapshot)
    if chain is not None:
        say(f"snapshot {snapshot.name[:12]}: the data seen before, read from the snapshot")
        return _read_kept(snapshot, chain, later=later)
    chain = SupplyChain.from_dataset(load_datasets(paths))
    try:
        unchanged = digest(paths, folder / MEMO) == key
    except OSError:
        unchanged = False
    if not unchanged:  # a file changed while it was read: keep no snapshot of a mixture
        say("a file changed while it was read: no snapshot kept")
        return chain
    _keep(snapshot, chain, say, "parsed the files", later=later)
    return chain


def _keep(snapshot: Path, chain: SupplyChain, say: Callable[[str], None], done: str, *, later: bool) -> None:
    """Write ``chain`` under ``snapshot``: now, or with ``later`` by a child forked as the process
    ends (with what the command worked out that holds on any date, :data:`DATE_FREE`)."""
    if later and hasattr(os, "fork"):
        _at_the_end(partial(_write_in_a_child, snapshot, chain))
        say(f"snapshot {snapshot.name[:12]}: {done}, keeping a snapshot for next time")
    elif _write(snapshot, chain):
        say(f"snapshot {snapshot.name[:12]}: {done}, kept a snapshot for next time")


def _read_kept(snapshot: Path, chain: SupplyChain, *, later: bool) -> SupplyChain:
    """``chain``, read from ``snapshot``; with ``later``, written again as the process ends if
    the command works out a :data:`DATE_FREE` table the snapshot lacks (the first command on
    new data may not need them all)."""
    lacking = [name for name in DATE_FREE if not chain.holds(name)]
    if lacking and later and hasattr(os, "fork"):
        _at_the_end(partial(_write_in_a_child, snapshot, chain, lacking))
    return chain


#: What a command line leaves for its end (the snapshots it keeps), in order.
_LEFT: list[Callable[[], None]] = []


def _at_the_end(task: Callable[[], None]) -> None:
    """Leave ``task`` for :func:`at_the_end` (run at exit, if nothing ran it before)."""
    if not _LEFT:
        atexit.register(at_the_end)
    _LEFT.append(task)


def at_the_end() -> None:
    """Do what the command line left for its end (write its snapshots, each by a forked
    child), once."""
    while _LEFT:
        _LEFT.pop(0)()


def _write_in_a_child(snapshot: Path, chain: SupplyChain, lacking: Sequence[str] | None = None) -> None:
    """:func:`_write` in a forked child, so that the parent exits at once (with ``lacking``: only
    when one of those tables is kept now)."""
    if lacking is not None and not any(chain.holds(name) for name in lacking):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        _write(snapshot, chain)
        return
    if pid == 0:  # the child: write, and leave without running the parent's exit handlers
        try:
            # Let go of the parent's stdin, stdout and stderr at once: whoever reads them (a pipe,
            # a test harness) sees the end of the command's output without waiting for this.
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            _write(snapshot, chain)
        finally:
            os._exit(0)


def _private(folder: Path) -> bool:
    """Whether ``folder`` (or, before it exists, its nearest existing parent, which must then be
    the user's cache folder's) can be written by the user alone: pickles are read only from there."""
    if not hasattr(os, "getuid"):
        return True  # no POSIX owners here (Windows): the user's own profile folder
    try:
        info = folder.stat()
    except FileNotFoundError:
        return True  # created below with mode 0700
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _read(snapshot: Path) -> SupplyChain | None:
    """The chain kept under ``snapshot``: its core read now, each deferred part (a group of big
    tables, the array passes' plan) when first asked for, from the file held open."""
    try:
        handle = snapshot.open("rb")
    except OSError:
        return None  # none yet
    try:
        if handle.read(len(_FORMAT)) != _FORMAT:
            raise ValueError("not a snapshot of this format")
        handle.seek(-_WHERE, os.SEEK_END)
        where = int.from_bytes(handle.read(_WHERE), "little")
        handle.seek(where)
        core, parts = pickle.load(handle)
        if not (isinstance(core, dict) and isinstance(core.get("_kept"), dict) and isinstance(parts, dict)):
            raise ValueError("not the core of a snapshot")
        if not parts.keys() >= DEFERRED.keys() or any(
            not len(_FORMAT) <= start <= start + sum(sizes) <= where for start, sizes, _ in parts.values()
        ):
            raise ValueError("a deferred part is missing or out of place")
        read = _Parts(snapshot, handle, parts)
        if PLAN in parts:  # the plan is read when the array passes first need it
            core["_kept"][PLAN] = Shared(partial(read, PLAN))
        for name in PARTIES:
            core[name] = _table(core[name], core["_kept"].get(ARRAYS))
        chain = SupplyChain.from_parts(core, partial(_group_read, read, core["_kept"].get(ARRAYS)))
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError,
            KeyError, IndexError):  # fmt: skip
        handle.close()
        return None  # unreadable: build afresh
    os.utime(snapshot)  # recently used
    return chain


def _compact(kept: dict[str, Any]) -> dict[str, Any]:
    """``kept`` with the de minimis fractions as a view of the item columns' own column (the
    same numbers: a dict of every item's float is 0.4 s of a 1M snapshot's 1.2 s core)."""
    fractions, columns, arrays = kept.get(US_FRACTIONS), kept.get(COLUMNS), kept.get(ARRAYS)
    if not isinstance(fractions, dict) or columns is None or columns.known is None or arrays is None:
        return kept
    view = ColumnFractions(arrays, columns.known.fraction)
    if len(view) != len(fractions) or any(view.get(item) != value for item, value in fractions.items()):
        return kept
    return {**kept, US_FRACTIONS: view}


class LazyTable(dict[str, Any]):
    """A big table of a snapshot (a :data:`~graphlib_trade.analysis.chain.DEFERRED` one, keyed by
    items), each value read from its own bytes when first asked for: an ``explain`` reads the
    entries of one product's sub-BOM, not the 850k of every table at 1M nodes.

    The keys are item numbers (``ids`` names them, ``numbers()`` gives the inverse: the chain's
    :class:`~graphlib_trade.analysis.chain.ChainArrays`' own); value ``i`` is
    ``decode(blob[ends[i - 1]:ends[i]])``.  It is the dict of the values read so far (a value
    read before is found as fast as in any dict), a mapping of every key to its value: asked for
    its values or items, it reads the rest and is then the whole dict, in the keys' order.  It
    pickles as a plain dict (a chain pickled whole needs no snapshot to read it back).

    >>> import numpy as np
    >>> coded = [pickle.dumps(v) for v in (("x",), ("y", "z"))]
    >>> ends = np.cumsum([len(c) for c in coded])
    >>> ids, numbers = ["a", "b", "c"], {"a": 0, "b": 1, "c": 2}
    >>> table = LazyTable(np.array([2, 0]), b"".join(coded), ends, pickle.loads, ids, lambda: numbers)
    >>> list(table), table["a"], "b" in table, table.get("b"), len(table)
    (['c', 'a'], ('y', 'z'), False, None, 2)
    >>> table == {"c": ("x",), "a": ("y", "z")}, list(table.items())
    (True, [('c', ('x',)), ('a', ('y', 'z'))])
    """

    __slots__ = ("_blob", "_decode", "_ends", "_ids", "_keys", "_numbers", "_numbers_of", "_slot", "_whole")

    def __init__(
        self,
        keys: Ids,
        blob: bytes,
        ends: Ids,
        decode: Callable[[memoryview], Any],
        ids: Sequence[str],
        numbers: Callable[[], Mapping[str, int]],
    ) -> None:
        """``ids`` names the item numbers; ``numbers()`` (called when a key is first looked up)
        maps each id to its number."""
        super().__init__()
        self._keys, self._blob, self._ends, self._decode = keys, blob, ends, decode
        self._ids, self._numbers_of = ids, numbers
        self._whole = False
        self._numbers: Mapping[str, int] | None = None
        self._slot: Sequence[int] = ()

    def _place(self, key: object) -> int:
        """The place of ``key``'s value, or -1."""
        if self._numbers is None:
            slot = np.full(len(self._ids), -1, dtype=np.int64)
            slot[self._keys] = np.arange(len(self._keys))
            # (a memoryview reads an int as fast as a list: no list of 1M ints made per table)
            self._numbers, self._slot = self._numbers_of(), slot.data
        n = self._numbers.get(key) if isinstance(key, str) else None
        return -1 if n is None else self._slot[n]

    def _read(self, i: int) -> Any:
        return self._decode(memoryview(self._blob)[int(self._ends[i - 1]) if i else 0 : int(self._ends[i])])

    def _read_whole(self) -> None:
        if self._whole:
            return
        view, decode, ends = memoryview(self._blob), self._decode, self._ends.tolist()
        names, read = list(self), dict(dict.items(self))  # (the values read so far)
        values = [
            read[name] if name in read else decode(view[a:b])
            for name, a, b in zip(names, [0, *ends[:-1]], ends, strict=True)
        ]
        dict.clear(self)
        dict.update(self, zip(names, values, strict=True))
        self._whole, self._blob = True, b""  # (written again from the values, if ever)

    def __missing__(self, key: str) -> Any:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = dict.get(self, key, _ABSENT)
        if value is not _ABSENT or self._whole:
            return default if value is _ABSENT else value
        i = self._place(key)
        if i < 0:
            return default
        value = self._read(i)
        dict.__setitem__(self, key, value)
        return value

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (not self._whole and self._place(key) >= 0)

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self) if self._whole else map(self._ids.__getitem__, self._keys.tolist())

    def __len__(self) -> int:
        return len(self._keys)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return dict.keys(self) if self._whole else KeysView(self)

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        self._read_whole()
        return dict.items(self)

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        self._read_whole()
        return dict.values(self)

    def copy(self) -> dict[str, Any]:
        return dict(self.items())

    def __eq__(self, other: object) -> bool:
        self._read_whole()
        if isinstance(other, LazyTable):
            other._read_whole()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self.copy())

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (list(self.items()),)


class ModelState:
    """Codes a model of ``kind`` as its field values (in order) and the place of its fields set
    among those the codec has seen (``sets``), and back: each field's name is then written once
    per table, not once per value (a component read whole: 2.6 s -> 1.5 s for 800k at 1M)."""

    def __init__(self, kind: type[pydantic.BaseModel], sets: Sequence[frozenset[str]] = ()) -> None:
        self.kind, self.fields = kind, tuple(kind.model_fields)
        values = operator.itemgetter(*self.fields)  # (a tuple of the values, for two fields or more)
        self._values = values if len(self.fields) > 1 else lambda state: (values(state),)
        self._sets = list(sets)
        self._place = {fields: i for i, fields in enumerate(self._sets)}

    def encode(self, model: pydantic.BaseModel) -> bytes:
        fields = frozenset(model.__pydantic_fields_set__)
        place = self._place.get(fields)
        if place is None:
            place = self._place[fields] = len(self._sets)
            self._sets.append(fields)
        return pickle.dumps((self._values(model.__dict__), place), _PROTOCOL)

    def __call__(self, data: memoryview) -> pydantic.BaseModel:
        values, place = pickle.loads(data)
        return model_of(self.kind, dict(zip(self.fields, values, strict=True)), set(self._sets[place]))

    def __reduce__(self) -> tuple[Any, ...]:
        return ModelState, (self.kind, tuple(self._sets))


_ABSENT = object()

#: The models coded so far, by kind: the codec of the kind and the bytes of each, by identity.
Coded = dict[type, tuple[ModelState, dict[int, bytes]]]
#: The first item of a table :func:`_stored` keeps as the parts of a :class:`LazyTable`.
_LAZY = "graphlib-trade lazy table"


def _stored(table: Any, numbers: Mapping[str, int], coded: Coded) -> Any:
    """How :func:`_write` keeps ``table``: a mapping keyed by items as the parts of a
    :class:`LazyTable` (``_LAZY``, keys, blob, ends, decoder); anything else as it is.
    ``coded``: the bytes of the models coded so far, by kind and identity (the items are the
    components' own models)."""
    if isinstance(table, LazyTable) and not table._whole:
        return (_LAZY, table._keys, pickle.PickleBuffer(table._blob), table._ends, table._decode)
    numbered = list(map(numbers.get, table)) if isinstance(table, Mapping) and table else [None]
    if None in numbered:
        return table
    values = list(table.values())
    codec = _codec(values)
    if isinstance(codec, ModelState):
        # One codec and one coding of each model per kind: a component is an item too.
        codec, memo = coded.setdefault(codec.kind, (codec, {}))
        found = list(map(memo.get, map(id, values)))
        for i in [i for i, b in enumerate(found) if b is None]:
            found[i] = memo[id(values[i])] = codec.encode(values[i])
        blobs: list[bytes] = found  # type: ignore[assignment]
    else:
        blobs = list(map(codec.encode, values))
    ends = np.cumsum(np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)))
    return (_LAZY, np.array(numbered, dtype=np.int64), pickle.PickleBuffer(b"".join(blobs)), ends, codec)


class Pickled:
    """Codes a value as its pickle."""

    def encode(self, value: Any) -> bytes:
        return pickle.dumps(value, _PROTOCOL)

    def __call__(self, data: memoryview) -> Any:
        return pickle.loads(data)


class Lines:
    """Codes a tuple of named tuples of ``kind`` (a parent's BOM lines) as a tuple of plain
    tuples (the class named once per table, not once per value)."""

    def __init__(self, kind: type[tuple[Any, ...]]) -> None:
        self.kind = kind

    def encode(self, value: tuple[tuple[Any, ...], ...]) -> bytes:
        return pickle.dumps(tuple(map(tuple, value)), _PROTOCOL)

    def __call__(self, data: memoryview) -> tuple[Any, ...]:
        return tuple(map(self.kind._make, pickle.loads(data)))  # type: ignore[attr-defined]


def _codec(values: list[Any]) -> ModelState | Lines | Pickled:
    """The codec of a table's ``values``: :class:`ModelState` for models of one kind,
    :class:`Lines` for tuples of named tuples of one kind, else :class:`Pickled`."""
    kind = type(values[0])
    if issubclass(kind, pydantic.BaseModel) and all(
        type(v) is kind and v.__pydantic_extra__ is None and v.__pydantic_private__ is None for v in values
    ):
        return ModelState(kind)
    line = next((type(v[0]) for v in values if isinstance(v, tuple) and v), None)
    if (
        line is not None
        and issubclass(line, tuple)
        and hasattr(line, "_make")
        and all(type(v) is tuple and all(type(x) is line for x in v) for v in values)
    ):
        return Lines(line)
    return Pickled()


def _stored_group(group: Callable[[], Mapping[str, Any]], numbers: Mapping[str, int]) -> dict[str, Any]:
    coded: Coded = {}
    return {name: _stored(table, numbers, coded) for name, table in group().items()}


def _group_read(read: Callable[[str], Any], arrays: ChainArrays | None, group: str) -> dict[str, Any]:
    """The tables of a deferred ``group``, as :func:`_stored_group` kept them."""
    tables = read(group)
    if not isinstance(tables, dict):
        raise AnalysisError(f"the snapshot's part {group!r} is not a group of tables: run the command again")
    try:
        return {name: _table(stored, arrays) for name, stored in tables.items()}
    except ValueError as e:
        raise AnalysisError(f"the snapshot's part {group!r}: {e}") from None


def _table(stored: Any, arrays: ChainArrays | None) -> Any:
    """The table :func:`_stored` kept: a :class:`LazyTable` named by the chain's ``arrays``."""
    if not (isinstance(stored, tuple) and len(stored) == 5 and stored[0] == _LAZY):
        return stored
    if arrays is None:
        raise ValueError("a table of a snapshot without the arrays that name its keys")
    return LazyTable(*stored[1:], arrays.ids, lambda: arrays.numbers)


#: The sizes of a part's pickle and of each of its blobs.
Sizes = tuple[int, ...]


def _out_of_band(blobs: list[pickle.PickleBuffer], buffer: pickle.PickleBuffer) -> bool:
    """Keep a table's blob (bytes, or a view of the bytes read) out of the pickle, in ``blobs``;
    anything else (numpy's arrays, which would be read back as read-only views) in it."""
    if isinstance(buffer.raw().obj, (bytes, memoryview)):
        blobs.append(buffer)
        return False
    return True


class _Parts:
    """Reads a snapshot's deferred parts, by name, from the file held open (a snapshot written
    again later is a new file: this one stays as it was).  Each read is positioned (a forked
    process shares the file, not a position) and checked against the part's CRC.  A table's blob
    is a view of the bytes read, not a copy (read out of band: see :func:`_write`)."""

    def __init__(self, path: Path, handle: BinaryIO, parts: Mapping[str, tuple[int, Sizes, int]]) -> None:
        self._path = path
        self._handle = handle
        self._parts = dict(parts)

    def __call__(self, name: str) -> Any:
        start, sizes, crc = self._parts[name]
        data = os.pread(self._handle.fileno(), sum(sizes), start)
        if len(data) != sum(sizes) or zlib.crc32(data) != crc:
            self._path.unlink(missing_ok=True)  # the next command builds the chain afresh
            raise AnalysisError(
                f"the snapshot {self._path} was damaged after it was written (its part {name!r}); "
                "it is removed: run the command again"
            )
        view, ends = memoryview(data), np.cumsum(sizes).tolist()
        return pickle.loads(view[: ends[0]], buffers=[view[a:b] for a, b in itertools.pairwise(ends)])

    def __del__(self) -> None:
        self._handle.close()


def _write(snapshot: Path, chain: SupplyChain) -> bool:
    """Keep ``chain`` whole under ``snapshot``, with its arrays and the :data:`DATE_FREE` tables it
    has worked out, and nothing else it has computed; False when the cache folder cannot be
    written (the command goes on without)."""
    folder = snapshot.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".snapshot.", dir=folder)
        try:
            shared = share_with_copies(chain)
            for name in shared:  # worked out first: what they need (the fractions) is kept too
                _ = chain.held(name).value
            chain.located("")  # (kept: a command then reads the parties it needs, not all of them)
            whole = chain.changed(keep=(*DATE_FREE, ARRAYS, LOCATED, *shared))
            core, groups = whole.parts()
            core["_kept"] = _compact(core["_kept"])
            deferred: dict[str, Callable[[], Any]] = dict(groups)
            arrays = whole.arrays
            if arrays is not None:  # the big tables value by value (see LazyTable)
                numbers = arrays.numbers
                coded: Coded = {}
                for name in PARTIES:
                    core[name] = _stored(core[name], numbers, coded)
                for name, group in groups.items():
                    deferred[name] = partial(_stored_group, group, numbers)
            if PLAN in core["_kept"]:  # a part of its own: only the array passes read it
                core["_kept"] = dict(core["_kept"])
                plan: Shared[Any] = core["_kept"].pop(PLAN)
                deferred[PLAN] = lambda: plan.value
            with os.fdopen(fd, "wb") as handle:
                handle.write(_FORMAT)
                parts: dict[str, tuple[int, Sizes, int]] = {}
                for name, part in deferred.items():
                    blobs: list[pickle.PickleBuffer] = []
                    data = pickle.dumps(
                        part(), protocol=_PROTOCOL, buffer_callback=partial(_out_of_band, blobs)
                    )
                    pieces = [memoryview(data), *(b.raw() for b in blobs)]
                    sizes = tuple(piece.nbytes for piece in pieces)
                    crc = reduce(lambda c, piece: zlib.crc32(piece, c), pieces, 0)
                    parts[name] = (handle.tell(), sizes, crc)
                    for piece in pieces:
                        handle.write(piece)
                    del data, pieces, blobs
                where = handle.tell()
                pickle.dump((core, parts), handle, protocol=_PROTOCOL)
                handle.write(where.to_bytes(_WHERE, "little"))
            os.replace(tmp, snapshot)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        kept = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
        for left in folder.glob(".snapshot.*"):  # a writer's, not touched for an hour: killed
            with contextlib.suppress(OSError):
                if left.stat().st_mtime < time.time() - STALE_AFTER:
                    left.unlink()
    except OSError:
        return False
    return True
