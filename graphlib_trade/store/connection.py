"""Where the store is, how the driver is set up, and how its failures read.

The driver's own retries are off: :func:`retrying` retries transient failures itself,
within the configured retry time, and says so in one line of its own (the driver's
log lines never reach the terminal).
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from neo4j import GraphDatabase, NotificationMinimumSeverity
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graphlib_trade.errors import StoreError

T = TypeVar("T")

#: Server notifications (deprecations, unknown property keys in pulls) are not for analysts.
DRIVER_CONFIG: dict[str, Any] = {"notifications_min_severity": NotificationMinimumSeverity.OFF}

#: The retry time when none is configured (``GRAPHLIB_TRADE_RETRY_SECONDS``).
RETRY_SECONDS = 30.0

# The driver logs its retries and lost connections as warnings; what matters reaches the analyst
# as a StoreError or as our own progress line, so its log stays out of the terminal.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False

Notice = Callable[[str], None]


@dataclass(frozen=True)
class Connection:
    """Where the store is; ``repr`` never shows the password."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str | None = None
    #: How long the driver retries a transaction through transient errors before giving up.
    retry_seconds: float = RETRY_SECONDS

    def describe(self) -> str:
        return f"{self.uri} as {self.user}" + (f" (database {self.database})" if self.database else "")


def retry_seconds(value: str | None) -> float:
    """``GRAPHLIB_TRADE_RETRY_SECONDS`` checked: seconds from 0 to 3600 (default 30)."""
    if value is None or value == "":
        return RETRY_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise StoreError(
            f"GRAPHLIB_TRADE_RETRY_SECONDS must be a number of seconds from 0 to 3600, got {value!r}"
        )
    return seconds


def retrying(
    conn: Connection,
    doing: str,
    work: Callable[[], T],
    *,
    notice: Notice | None = None,
    idempotent: bool = False,
) -> T:
    """``work()``, tried again through transient failures until ``conn.retry_seconds`` have passed.

    A transient failure is one the driver calls retryable (server unavailable, leader
    switch, deadlock); with ``idempotent``, also a commit cut off by a dropped
    connection (it may or may not have happened, and doing it twice is the same).
    The first retry says so through ``notice``, once.  Other failures, and the last
    one, become a :class:`StoreError` saying what was being done.
    """
    deadline = time.monotonic() + conn.retry_seconds
    delay = 0.5
    told = False
    while True:
        try:
            return work()
        except Exception as exc:
            transient = (isinstance(exc, IncompleteCommit) and idempotent) or (
                isinstance(exc, (Neo4jError, DriverError)) and exc.is_retryable()
            )
            left = deadline - time.monotonic()
            if not transient or left <= 0:
                raise translate(exc, conn, doing) from None
            if notice is not None and not told:
                notice(
                    f"Neo4j at {conn.uri} did not answer while {doing}; "
                    f"retrying for up to {conn.retry_seconds:g} s"
                )
                told = True
            time.sleep(min(delay, left))
            delay = min(delay * 2, 5.0)


def translate(exc: Exception, conn: Connection, doing: str) -> StoreError:
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
            GraphDatabase.driver(uri, auth=(user, old), **DRIVER_CONFIG) as driver,
            driver.session(database="system") as session,
        ):
            session.run("ALTER CURRENT USER SET PASSWORD FROM $old TO $new", old=old, new=new).consume()
    except Exception as exc:
        raise translate(exc, conn, "setting the initial password") from None


def wait_until_ready(uri: str, auth: tuple[str, str], timeout: float = 60.0) -> None:
    """Wait until the server answers a query with ``auth``."""
    conn = Connection(uri, auth[0], auth[1])
    deadline = time.monotonic() + timeout
    while True:
        try:
            with GraphDatabase.driver(uri, auth=auth, **DRIVER_CONFIG) as driver:
                driver.execute_query("RETURN 1")
                return
        except AuthError as exc:
            raise translate(exc, conn, "connecting") from None
        except (ServiceUnavailable, ClientError, DriverError) as exc:
            if time.monotonic() > deadline:
                raise translate(exc, conn, "waiting for the server") from None
            time.sleep(0.5)
