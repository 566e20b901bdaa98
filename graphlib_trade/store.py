"""Neo4j as the system of record.  The only module that imports the ``neo4j`` driver.

Ingestion follows get -> transform (pure) -> load: :func:`load_rows` turns a
validated :class:`Dataset` into parameter rows, and :meth:`Store.load` sends them in
batches of ``UNWIND $rows`` with ``MERGE`` on the constrained ``id``.  Every query
lives in a ``.cypher`` file (see :func:`query`) and takes values only as parameters.
Reads and writes go through the driver's managed transactions, so transient
errors (leader switch, deadlock, dropped connection) are retried and a cluster
behind ``neo4j://`` works unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import ssl
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, LiteralString

from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

import neo4j
from graphlib_trade.errors import DataError, StoreError
from graphlib_trade.models import ID_SECTIONS, SECTIONS, Dataset, ImpactResult, parse_dataset
from neo4j import GraphDatabase, NotificationMinimumSeverity, RoutingControl

if TYPE_CHECKING:
    from graphlib_trade.localserver import LocalServer

BATCH_SIZE = 5000

#: A running load that has committed nothing for its retry time plus this margin is taken as
#: interrupted (its loader has given up or died).
STALE_MARGIN = 30
#: How long a read waits for running loads to finish before it gives up.
WAIT_SECONDS = 600.0

#: Server notifications (deprecations, unknown property keys in pulls) are not for analysts.
_DRIVER_CONFIG: dict[str, Any] = {"notifications_min_severity": NotificationMinimumSeverity.OFF}

#: Load order: nodes (the sections with ids) before the relationships that join them.
LOAD_ORDER: tuple[str, ...] = (
    *ID_SECTIONS,
    "ownership",
    "supplies",
    "bom_product",
    "bom_component",
    "services",
    "uses",
)

Progress = Callable[[str, int, int], None]


# --------------------------------------------------------------------------- queries


def _cypher_dir() -> Path:
    here = Path(__file__).resolve().parent.parent / "cypher"
    if (here / "schema.cypher").is_file():
        return here
    return Path(str(resources.files("graphlib_trade.cypher")))


_QUERY_NAME = re.compile(r"^[a-z_]+(/[a-z0-9_]+)?$")


@cache
def query(name: str) -> LiteralString:
    """The text of ``cypher/NAME.cypher`` (comment lines kept: Neo4j ignores them)."""
    if not _QUERY_NAME.match(name):
        raise StoreError(f"{name!r} is not the name of a query file (folder/name, lower case)")
    path = _cypher_dir() / f"{name}.cypher"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise StoreError(f"query file {path} is missing") from None
    # The text is a file shipped with the package, never built from user values.
    return text


def statements(name: str) -> list[LiteralString]:
    """The ``;``-separated statements of a multi-statement file such as ``schema.cypher``."""
    body = "\n".join(line for line in query(name).splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in body.split(";") if s.strip()]


# --------------------------------------------------------------------------- connection


@dataclass(frozen=True)
class Connection:
    """Where the store is; ``repr`` never shows the password."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str | None = None
    #: How long the driver retries a transaction through transient errors before giving up.
    retry_seconds: float = 30.0

    def describe(self) -> str:
        return f"{self.uri} as {self.user}" + (f" (database {self.database})" if self.database else "")


def connection_from_env(
    env: Mapping[str, str] | None = None, local_password: Callable[[], str | None] | None = None
) -> Connection:
    """``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``, else the local server."""
    env = os.environ if env is None else env
    retry = _retry_seconds(env.get("GRAPHLIB_TRADE_RETRY_SECONDS"))
    uri = env.get("NEO4J_URI")
    if uri:
        return Connection(
            uri=uri,
            user=env.get("NEO4J_USER", "neo4j"),
            password=env.get("NEO4J_PASSWORD", ""),
            database=env.get("NEO4J_DATABASE") or None,
            retry_seconds=retry,
        )
    from graphlib_trade.localserver import LocalServer

    server = LocalServer.from_env()
    password = (local_password or server.password)()
    if password is None:
        raise StoreError(
            "no Neo4j configured: set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD), "
            "or start the local server with `make neo4j-start`"
        )
    return Connection(uri=server.uri, user="neo4j", password=password, database=None, retry_seconds=retry)


def _retry_seconds(value: str | None) -> float:
    if value is None or value == "":
        return 30.0
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise StoreError(
            f"GRAPHLIB_TRADE_RETRY_SECONDS must be a number of seconds from 0 to 3600, got {value!r}"
        )
    return seconds


def _translate(exc: Exception, conn: Connection, doing: str) -> StoreError:
    if isinstance(exc, AuthError):
        return StoreError(f"Neo4j at {conn.uri} refused the credentials of user {conn.user!r}")
    if isinstance(exc, IncompleteCommit):
        return StoreError(
            f"lost the connection to Neo4j at {conn.uri} while committing ({doing}): "
            "that transaction may or may not have been committed"
        )
    tls = _tls_failure(exc)
    if tls is not None:
        return StoreError(f"TLS with Neo4j at {conn.uri} failed while {doing}: {tls}")
    if isinstance(exc, (ServiceUnavailable, SessionExpired)):
        retried = "" if doing == "connecting" else f" (retried for {conn.retry_seconds:g} s)"
        return StoreError(f"cannot reach Neo4j at {conn.uri} while {doing}{retried}: is the server running?")
    if isinstance(exc, Neo4jError):
        code = exc.code or "error"
        message = (exc.message or "").splitlines()[0] if exc.message else ""
        return StoreError(f"Neo4j at {conn.uri} failed while {doing}: {code}: {message}")
    if isinstance(exc, DriverError):
        return StoreError(f"Neo4j driver error at {conn.uri} while {doing}: {type(exc).__name__}")
    return StoreError(f"unexpected error talking to Neo4j at {conn.uri} while {doing}: {type(exc).__name__}")


def _tls_failure(exc: BaseException) -> str | None:
    """What went wrong in a TLS handshake behind ``exc``, if that is why it failed."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return f"the server's certificate is not trusted ({current.verify_message})"
        if isinstance(current, ssl.SSLError):
            return f"the handshake failed ({current.reason or type(current).__name__})"
        current = current.__cause__ or current.__context__
    return None


def set_initial_password(uri: str, user: str, old: str, new: str) -> None:
    """Replace the default password of a fresh server (its only allowed query until then)."""
    conn = Connection(uri, user, old)
    try:
        with (
            GraphDatabase.driver(uri, auth=(user, old), **_DRIVER_CONFIG) as driver,
            driver.session(database="system") as session,
        ):
            session.run("ALTER CURRENT USER SET PASSWORD FROM $old TO $new", old=old, new=new).consume()
    except Exception as exc:
        raise _translate(exc, conn, "setting the initial password") from None


def wait_until_ready(uri: str, auth: tuple[str, str], timeout: float = 60.0) -> None:
    """Wait until the server answers a query with ``auth``."""
    conn = Connection(uri, auth[0], auth[1])
    deadline = time.monotonic() + timeout
    while True:
        try:
            with GraphDatabase.driver(uri, auth=auth, **_DRIVER_CONFIG) as driver:
                driver.execute_query("RETURN 1")
                return
        except AuthError as exc:
            raise _translate(exc, conn, "connecting") from None
        except (ServiceUnavailable, ClientError, DriverError) as exc:
            if time.monotonic() > deadline:
                raise _translate(exc, conn, "waiting for the server") from None
            time.sleep(0.5)


# --------------------------------------------------------------------------- transform (pure)


def _props(entry: Any, *drop: str) -> dict[str, Any]:
    """Node or relationship properties; an empty list is stored as no property, as a bulk import
    stores it, unless the field's default is not empty (``origins: []`` differs from no origins)."""
    fields = type(entry).model_fields
    out = {}
    for key, value in entry.__dict__.items():
        if key in drop:
            continue
        if isinstance(value, tuple):
            value = list(value) if value or fields[key].default else None
        out[key] = value
    return out


def load_rows(ds: Dataset) -> dict[str, list[dict[str, Any]]]:
    """Parameter rows for each load query: pure, no database.

    Node rows are ``{"id", "props", ...}``; ``props`` keeps ``None`` for absent
    optional fields so that a re-load removes a property the file no longer has.
    """
    products = {p.id for p in ds.products}
    return {
        "companies": [{"id": c.id, "props": _props(c, "id")} for c in ds.companies],
        "components": [{"id": c.id, "props": _props(c, "id")} for c in ds.components],
        "products": [{"id": p.id, "maker": p.maker, "props": _props(p, "id", "maker")} for p in ds.products],
        "end_users": [{"id": u.id, "props": _props(u, "id")} for u in ds.end_users],
        "restrictions": [
            {"id": r.id, "targets": list(r.targets), "props": _props(r, "id", "targets")}
            for r in ds.restrictions
        ],
        "licences": [
            {"id": lic.id, "restriction": lic.restriction, "props": _props(lic, "id", "restriction")}
            for lic in ds.licences
        ],
        "ownership": [
            {"owner": o.owner, "owned": o.owned, "props": _props(o, "owner", "owned")} for o in ds.ownership
        ],
        "supplies": [{"supplier": s.supplier, "component": s.component} for s in ds.supplies],
        "bom_product": [
            {"parent": b.parent, "component": b.component, "props": _props(b, "parent", "component")}
            for b in ds.bom
            if b.parent in products
        ],
        "bom_component": [
            {"parent": b.parent, "component": b.component, "props": _props(b, "parent", "component")}
            for b in ds.bom
            if b.parent not in products
        ],
        "services": [{"provider": s.provider, "product": s.product, "kind": s.kind} for s in ds.services],
        "uses": [{"user": u.user, "product": u.product} for u in ds.uses],
    }


def _native(value: Any) -> Any:
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value


def raw_from_records(records: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Data-file sections from pulled rows: ``None`` (absent property) falls back to the default."""
    return {
        section: [{k: _native(v) for k, v in row.items() if v is not None} for row in rows]
        for section, rows in records.items()
    }


def write_back_rows(result: ImpactResult) -> dict[str, list[dict[str, Any]]]:
    """Parameter rows for the write-back queries: pure, no database."""
    as_of = result.as_of
    return {
        "products": [
            {
                "id": p.id,
                "status": p.status.value,
                "as_of": as_of,
                "without_licences": p.without_licences.value,
                "restrictions": sorted({c.restriction for c in p.causes}),
                "suppliers": sorted({c.supplier for c in p.causes}),
                "lost": [*p.lost_required, *p.lost_optional],
                "relies_on": list(p.relies_on),
            }
            for p in result.products
        ],
        "end_users": [
            {"id": u.id, "status": u.status.value, "as_of": as_of, "via": list(u.via)}
            for u in result.end_users
        ],
    }


def rows_digest(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """A content digest of the load rows: the journal knows two loads of the same data by it."""
    text = json.dumps([rows[section] for section in LOAD_ORDER], default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def interrupted_summary(
    rows: Mapping[str, Sequence[Any]], sent: Mapping[str, int], section: str, in_flight: int
) -> str:
    """What an interrupted load committed, section by section (pure; for the error message)."""
    done = [f"{name} {sent[name]}/{len(rows[name])}" for name in LOAD_ORDER if name in sent]
    untouched = [name for name in LOAD_ORDER if name not in sent]
    lines = ["the load was interrupted; committed before the failure: " + (", ".join(done) or "nothing")]
    if in_flight:
        lines.append(
            f"the batch in flight ({in_flight} rows of {section}) was not confirmed "
            "(if the connection dropped while it committed, it may be in)"
        )
    if untouched:
        lines.append("not started: " + ", ".join(untouched))
    if section == "removing stale data":
        lines.append("every row was loaded; removing the data the file no longer holds was interrupted")
    lines.append("loads are idempotent: run the same load again to complete it")
    return "\n".join(lines)


def is_live(entry: Mapping[str, Any]) -> bool:
    """Whether a journal entry is a load still running (not interrupted, not gone quiet)."""
    return bool(entry["state"] == "running" and entry["idle"] < entry["stale_after"])


def describe_load(entry: Mapping[str, Any]) -> str:
    """One journal entry in words, for messages."""
    state = "running" if is_live(entry) else "interrupted"
    source = f" of {entry['source']}" if entry.get("source") else ""
    return (
        f"the load{source} started {entry['started']} is {state} with {entry['committed']} of "
        f"{entry['rows']} rows committed"
    )


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# --------------------------------------------------------------------------- bulk import


def bulk_load(dataset: Dataset, server: LocalServer) -> dict[str, float]:
    """Import ``dataset`` into the local server's empty database with ``neo4j-admin`` (offline).

    Starts the server to check the database is empty (a bulk import replaces the
    database files, so it refuses anything else), writes the validated data as a CSV
    folder, stops the server, imports, starts it again and creates the schema.
    Returns the import tool's counts and seconds.
    """
    from graphlib_trade.csvio import write_csv_folder

    server.start()
    conn = Connection(server.uri, "neo4j", server.password() or "")
    with Store(conn) as store:
        if not store.is_empty():
            raise StoreError(
                f"the database at {server.uri} is not empty: a bulk import is for an empty database "
                "(use `load` to merge into it, or clear it first)"
            )
    staging = server.run_dir / "import" / f"bulk-{uuid.uuid4().hex}"
    try:
        folder = write_csv_folder(dataset, staging)
        server.stop()
        try:
            stats = server.bulk_import(
                folder.node_files, folder.relationship_files, multiline=folder.multiline
            )
        finally:
            server.start()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with Store(conn) as store:
        store.apply_schema()
        empty = [{"id": r.id} for r in dataset.restrictions if not r.origins]
        if empty:
            store._write(query("load/bulk_empty_origins"), "completing the bulk import", rows=empty)
    return stats


# --------------------------------------------------------------------------- the store


class Store:
    """A connection to Neo4j holding one supply-chain graph."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        try:
            self._driver = GraphDatabase.driver(
                conn.uri,
                auth=(conn.user, conn.password),
                max_transaction_retry_time=conn.retry_seconds,
                connection_timeout=min(15.0, max(conn.retry_seconds, 1.0)),
                **_DRIVER_CONFIG,
            )
            self._driver.verify_connectivity()
        except Exception as exc:
            raise _translate(exc, conn, "connecting") from None

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
        try:
            records, _, _ = self._driver.execute_query(
                query(name), params, routing_=RoutingControl.READ, database_=self.conn.database
            )
        except Exception as exc:
            raise _translate(exc, self.conn, f"running {name}") from None
        # dict(record) skips data()'s recursive transform: pulled values are plain already (2x faster).
        return [dict(r) for r in records]

    def _write(self, text: LiteralString, doing: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(text, params)]

        try:
            with self._driver.session(database=self.conn.database) as session:
                return session.execute_write(work)
        except Exception as exc:
            raise _translate(exc, self.conn, doing) from None

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
        """
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
                for batch in _batches(section_rows, batch_size):
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

        The driver retries the transaction through transient errors.  A commit cut off
        by a dropped connection is not retried by the driver (it may have happened), but
        a batch is idempotent (MERGE, and the journal takes the absolute count), so it is
        sent again here until the retry time runs out.
        """

        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(query(f"load/{section}"), rows=batch, stamp=stamp).consume()
            tx.run(query("journal/progress"), stamp=stamp, committed=committed, section=section).consume()

        deadline = time.monotonic() + self.conn.retry_seconds
        while True:
            try:
                with self._driver.session(database=self.conn.database) as session:
                    session.execute_write(work)
                return
            except IncompleteCommit as exc:
                if time.monotonic() > deadline:
                    raise _translate(exc, self.conn, f"loading {section}") from None
                time.sleep(0.5)
            except Exception as exc:
                raise _translate(exc, self.conn, f"loading {section}") from None

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

    # -- pull
    def pull_raw(self, wait: float = WAIT_SECONDS) -> dict[str, list[dict[str, Any]]]:
        """Every section as data-file rows, read while no load is writing (see :meth:`load`)."""

        def read() -> dict[str, list[dict[str, Any]]]:
            return {section: self._read(f"pull/{section}") for section in SECTIONS}

        return raw_from_records(self._between_loads(read, wait))

    def pull(self, wait: float = WAIT_SECONDS) -> Dataset:
        """The stored graph as a validated :class:`Dataset` (sections sorted by key)."""
        raw = self.pull_raw(wait)
        try:
            return parse_dataset(raw, self.source)
        except DataError as exc:
            incomplete = self.incomplete_loads()
            if not incomplete:
                raise
            hint = f"the graph is partial: {describe_load(incomplete[0])}; run that load again to complete it"
            raise DataError(exc.source, [hint, *exc.problems]) from None

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
            for batch in _batches(rows[section], batch_size):
                self._write(query(name), "writing results back", rows=batch)
        return {section: len(r) for section, r in rows.items()}

    def run_read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read query file by name (e.g. ``browser/blocked_products``)."""
        return self._read(name, **params)
