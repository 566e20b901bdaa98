"""The store: one Neo4j database holding one supply-chain graph.

Loads send batches of ``UNWIND $rows`` with ``MERGE`` on the constrained ``id``;
every query is a ``.cypher`` file (:mod:`~graphlib_trade.store.queries`) taking
values only as parameters.  Reads and writes go through the driver's managed
transactions, so a cluster behind ``neo4j://`` works unchanged; transient errors
are retried within the configured time (:func:`~graphlib_trade.store.connection.retrying`).
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl

from graphlib_trade.errors import DataError, StoreError
from graphlib_trade.models import SECTIONS, Dataset, ImpactResult, parse_dataset
from graphlib_trade.store.connection import DRIVER_CONFIG, Connection, Notice, retrying, translate
from graphlib_trade.store.journal import STALE_MARGIN, describe_load, interrupted_summary, is_live
from graphlib_trade.store.queries import query, statements
from graphlib_trade.store.rows import (
    LOAD_ORDER,
    batches,
    load_rows,
    raw_from_records,
    rows_digest,
    write_back_rows,
)

BATCH_SIZE = 5000

#: How long a read waits for running loads to finish before it gives up.
WAIT_SECONDS = 600.0

Progress = Callable[[str, int, int], None]


#: Rows per record of a pull: wide enough for the driver to decode fast, small enough that the
#: server never holds a big section's rows as maps at once.
PULL_CHUNK = 20_000


T = TypeVar("T")


def fetched_ahead(fetch: Callable[[str], T], names: Sequence[str]) -> Iterator[T]:
    """``fetch(name)`` for each of ``names`` in turn, the next one already under way (in a thread)
    while the caller works on this one: two answers at most are alive at once.

    The thread is a daemon: a command stopped meanwhile (Ctrl-C) does not wait for the fetch in
    flight.  A fetch that fails raises where its answer is asked for.

    >>> list(fetched_ahead(str.upper, ["a", "b"]))
    ['A', 'B']
    """
    answers: dict[int, tuple[bool, Any]] = {}

    def run(i: int) -> None:
        try:
            answers[i] = (True, fetch(names[i]))
        except BaseException as exc:  # raised in the caller's thread, where it is asked for
            answers[i] = (False, exc)

    def start(i: int) -> threading.Thread:
        thread = threading.Thread(target=run, args=(i,), name=f"fetch {names[i]}", daemon=True)
        thread.start()
        return thread

    coming = start(0) if names else None
    for i in range(len(names)):
        assert coming is not None
        coming.join()
        ok, answer = answers.pop(i)
        coming = start(i + 1) if i + 1 < len(names) else None
        if not ok:
            raise answer
        yield answer
        del answer


class Store:
    """A connection to Neo4j holding one supply-chain graph."""

    def __init__(self, conn: Connection, *, notice: Notice | None = None) -> None:
        """Connect to ``conn``; ``notice`` receives one-line progress (a retry, a partial graph)."""
        self.conn = conn
        self._notice = notice
        try:
            self._driver = GraphDatabase.driver(
                conn.uri,
                auth=(conn.user, conn.password),
                # Retries are ours (connection.retrying): bounded by the configured time, told once.
                max_transaction_retry_time=0,
                connection_timeout=min(15.0, max(conn.retry_seconds, 1.0)),
                **DRIVER_CONFIG,
            )
            self._driver.verify_connectivity()
        except Exception as exc:
            raise translate(exc, conn, "connecting") from None

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def source(self) -> str:
        """How errors name this store (never with credentials)."""
        return self.conn.uri + (f"/{self.conn.database}" if self.conn.database else "")

    # -- primitives
    def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        def work() -> list[dict[str, Any]]:
            records, _, _ = self._driver.execute_query(
                query(name), params, routing_=RoutingControl.READ, database_=self.conn.database
            )
            # dict(zip(keys, record)) skips data()'s recursive transform (pulled values are plain
            # already) and the record's per-key lookups.
            keys = records[0].keys() if records else []
            return [dict(zip(keys, r, strict=True)) for r in records]

        return retrying(self.conn, f"running {name}", work, notice=self._notice)

    def _write(self, text: LiteralString, doing: str, **params: Any) -> list[dict[str, Any]]:
        def tx_work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(text, params)]

        def work() -> list[dict[str, Any]]:
            with self._driver.session(database=self.conn.database) as session:
                return session.execute_write(tx_work)

        return retrying(self.conn, doing, work, notice=self._notice)

    # -- schema and load
    def apply_schema(self) -> None:
        for statement in statements("schema"):
            self._write(statement, "creating the schema")

    def load(
        self,
        dataset: Dataset,
        *,
        replace: bool = False,
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
        source: str = "",
        empty_only: bool = False,
    ) -> dict[str, int]:
        """Merge ``dataset`` into Neo4j; with ``replace``, also delete what it does not hold.

        Idempotent: loading the same data twice changes nothing.  Each batch is its
        own transaction, so a crash leaves a subset of the file in the store; loading
        again completes it.  With ``replace`` the deletion runs only after every
        batch is in, so a crash never leaves less than the old or the new graph.

        The load keeps a journal entry (``:GraphlibTradeLoad``) that each batch
        updates in its own transaction: readers wait for running loads, and an
        interrupted load stays on record with the rows it committed until the same
        data is loaded again.  On failure the :class:`StoreError` says what was
        committed.  Returns how many rows each section sent.

        With ``empty_only`` the load refuses, writing nothing, unless the database
        holds no node at all (for a database that may hold someone else's data).
        """
        if empty_only and not self.is_empty():
            raise StoreError(
                f"the database at {self.source} is not empty; this load only goes into an empty "
                "database (it never mixes with or replaces data already there)"
            )
        self.apply_schema()
        stamp = uuid.uuid4().hex
        rows = load_rows(dataset)
        self._check_no_conflicting_load(replace)
        total = sum(len(rows[section]) for section in LOAD_ORDER)
        self._write(
            query("journal/begin"),
            "starting the load",
            stamp=stamp,
            digest=rows_digest(rows),
            source=source,
            replace=replace,
            rows=total,
            stale_after=int(self.conn.retry_seconds) + STALE_MARGIN,
        )
        sent: dict[str, int] = {}
        section, in_flight, committed = "", 0, 0
        try:
            for section in LOAD_ORDER:
                section_rows = rows[section]
                sent[section] = 0
                if progress:
                    progress(section, 0, len(section_rows))
                for batch in batches(section_rows, batch_size):
                    in_flight = len(batch)
                    self._write_batch(section, batch, stamp, committed + in_flight)
                    committed += in_flight
                    sent[section] += in_flight
                    in_flight = 0
                    if progress:
                        progress(section, sent[section], len(section_rows))
            section = "removing stale data"
            if replace:
                sent["removed"] = self._prune(stamp, batch_size)
        except StoreError as exc:
            with contextlib.suppress(StoreError):
                self._write(query("journal/finish"), "closing the journal", stamp=stamp, state="interrupted")
            raise StoreError(f"{exc}\n{interrupted_summary(rows, sent, section, in_flight)}") from None
        self._write(query("journal/finish"), "closing the journal", stamp=stamp, state="done")
        self._write(query("journal/supersede"), "closing the journal", stamp=stamp)
        return sent

    def _write_batch(self, section: str, batch: list[dict[str, Any]], stamp: str, committed: int) -> None:
        """One batch and its journal update (``committed`` rows so far), in one transaction.

        A commit cut off by a dropped connection may or may not have happened, but a
        batch is idempotent (MERGE, and the journal takes the absolute count), so it
        is sent again like any transient failure, until the retry time runs out.
        """

        def tx_work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(query(f"load/{section}"), rows=batch, stamp=stamp).consume()
            tx.run(query("journal/progress"), stamp=stamp, committed=committed, section=section).consume()

        def work() -> None:
            with self._driver.session(database=self.conn.database) as session:
                session.execute_write(tx_work)

        retrying(self.conn, f"loading {section}", work, notice=self._notice, idempotent=True)

    def _check_no_conflicting_load(self, replace: bool) -> None:
        busy = [e for e in self.open_loads() if is_live(e)]
        if busy and (replace or any(e["replace"] for e in busy)):
            raise StoreError(
                f"another load into {self.source} is running ({describe_load(busy[0])}); "
                "a load with --replace runs alone: try again when it has finished"
            )

    # -- the load journal
    def open_loads(self) -> list[dict[str, Any]]:
        """Journal entries of loads still running or interrupted, oldest first (``idle`` in seconds)."""
        return self._journal()[1]

    def incomplete_loads(self) -> list[dict[str, Any]]:
        """Loads that stopped before their last batch and were not completed by a later load."""
        return [e for e in self.open_loads() if not is_live(e)]

    def _journal(self) -> tuple[tuple[Any, ...], list[dict[str, Any]]]:
        """The journal's version (entry count; stamp, state and rows of each open entry) and open entries."""
        (row,) = self._read("journal/running")
        running = list(row["running"])
        return (row["entries"], tuple((e["stamp"], e["state"], e["committed"]) for e in running)), running

    def _between_loads(self, read: Callable[[], Any], wait: float) -> Any:
        """``read()`` at a moment no load is writing: wait for running loads, retry if one started."""
        deadline = time.monotonic() + wait
        while True:
            before, running = self._journal()
            busy = [e for e in running if is_live(e)]
            if not busy:
                result = read()
                if self._journal()[0] == before:
                    return result
            elif time.monotonic() > deadline:
                raise StoreError(
                    f"a load into {self.source} is still running ({describe_load(busy[0])}) after "
                    f"{wait:g} s of waiting: try again when it has finished"
                )
            time.sleep(0.2)

    def _prune(self, stamp: str, batch_size: int) -> int:
        removed = 0
        for name in ("prune_relationships", "prune_nodes"):
            while True:
                (row,) = self._write(query(name), "removing stale data", stamp=stamp, batch=batch_size)
                removed += row["deleted"]
                if row["deleted"] == 0:
                    break
        return removed

    def clear(self) -> int:
        """Delete every node and relationship graphlib-trade manages, and the load journal
        (other labels are left alone)."""
        removed = self._prune("", BATCH_SIZE)
        self._write(query("journal/clear"), "clearing the load journal")
        return removed

    # -- state
    def state(self) -> str | None:
        """A token of the graph's committed state; equal tokens mean nothing was committed in
        between (None: the server does not tell one state).

        The token holds the database's store id (a new store, e.g. from ``neo4j-admin``
        import, has a new one), the bookmark the server gives for an empty read of it
        (Neo4j's token of the last transaction committed before the read, the same until
        the next commit, whoever makes it), the system database's bookmark (users and their
        rights, which shape what a pull sees, are committed there), the node and
        relationship counts, and the user.  It is compared whole and never shown.  A
        cluster lists a database once per server: no token there (its members may be at
        different transactions).
        """

        def work() -> str | None:
            try:
                with self._driver.session(database="system") as session:
                    rows = session.execute_read(
                        lambda tx: [
                            r.data() for r in tx.run(query("state/database"), name=self.conn.database)
                        ]
                    )
                    system = sorted(session.last_bookmarks().raw_values)
            except neo4j.exceptions.ClientError:  # no right to list databases: no token
                return None
            if len(rows) != 1:
                return None
            with self._driver.session(database=self.conn.database) as session:
                counts = session.execute_read(
                    lambda tx: tx.run(query("state/read")).single(strict=True).data()
                )
                marks = sorted(session.last_bookmarks().raw_values)
            if not marks or not system:
                return None
            size = f"{counts['nodes']} nodes, {counts['relationships']} relationships"
            return "\n".join([self.conn.user, rows[0]["name"], rows[0]["databaseID"], *marks, *system, size])

        return retrying(self.conn, "reading the state of the graph", work, notice=self._notice)

    # -- pull
    def pull_raw(self, wait: float = WAIT_SECONDS) -> dict[str, list[dict[str, Any]]]:
        """Every section as data-file rows, read while no load is writing (see :meth:`load`)."""

        def records_of(section: str) -> list[dict[str, Any]]:
            return self._read(f"pull/{section}", chunk=PULL_CHUNK)

        def read() -> dict[str, list[dict[str, Any]]]:
            # Each pull returns wide records: its rows as maps, PULL_CHUNK at most in each (see
            # cypher/pull/; the small sections come in one).  The server works out the next
            # section while this one becomes data-file rows (half of a pull at 1M nodes is the
            # wait for the server, and the driver waits on its socket without the GIL): the
            # driver's rows of two sections at most are alive beside them.
            out: dict[str, list[dict[str, Any]]] = {}
            for section, records in zip(SECTIONS, fetched_ahead(records_of, SECTIONS), strict=True):
                rows = [row for record in records for row in record["rows"]]
                del records
                out[section] = raw_from_records({section: rows})[section]
            return out

        pulled: dict[str, list[dict[str, Any]]] = self._between_loads(read, wait)
        return pulled

    def pull(self, wait: float = WAIT_SECONDS, *, allow_partial: bool = False) -> Dataset:
        """The stored graph as a validated :class:`Dataset` (sections sorted by key).

        A graph whose last load was interrupted is partial: an answer computed on it
        could be wrong, so it is refused unless ``allow_partial`` (then ``notice`` is
        told).  Run the same load again to complete it.
        """
        raw = self.pull_raw(wait)
        incomplete = self.incomplete_loads()
        partial = [f"the graph is partial: {describe_load(e)}" for e in incomplete]
        if partial and not allow_partial:
            raise StoreError(
                f"{partial[0]}; run that load again to complete it, or pass --allow-partial "
                "to analyse the graph as it is"
            )
        for line in partial:
            if self._notice is not None:
                self._notice(f"{line}; analysing it as it is (--allow-partial)")
        try:
            return parse_dataset(raw, self.source)
        except DataError as exc:
            if not partial:
                raise
            raise DataError(
                exc.source, [partial[0] + "; run that load again to complete it", *exc.problems]
            ) from None

    def is_empty(self) -> bool:
        """True when the database holds no node at all (of any label)."""
        (row,) = self._read("any_node")
        return not row["any"]

    def counts(self) -> dict[str, int]:
        (row,) = self._read("counts")
        return {"nodes": row["nodes"], "relationships": row["relationships"]}

    # -- write-back
    def write_back(self, result: ImpactResult, batch_size: int = BATCH_SIZE) -> dict[str, int]:
        rows = write_back_rows(result)
        for section, name in (("products", "write_back_products"), ("end_users", "write_back_end_users")):
            for batch in batches(rows[section], batch_size):
                self._write(query(name), "writing results back", rows=batch)
        return {section: len(r) for section, r in rows.items()}

    def run_read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read query file by name (e.g. ``browser/blocked_products``)."""
        return self._read(name, **params)

    def run_write(self, name: str, doing: str, **params: Any) -> list[dict[str, Any]]:
        """Run a write query file by name in one transaction; ``doing`` words a failure."""
        return self._write(query(name), doing, **params)
