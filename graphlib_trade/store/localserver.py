"""A real local Neo4j Community server without Docker, from Maven Central artifacts.

The server's home is a per-user data folder (``~/.local/share/graphlib-trade/neo4j``
on Linux, the platform's own elsewhere; ``GRAPHLIB_TRADE_NEO4J_HOME`` to choose
another), so an installed wheel works from any folder.  ``install`` writes the
``pom.xml`` shipped in this package there and lets Maven copy
``org.neo4j.app:neo4j-server``, ``org.neo4j:neo4j`` and ``org.neo4j.client:neo4j-browser``
with their dependencies into ``lib/``; the server then runs as ``java -cp 'lib/*'
org.neo4j.server.CommunityEntryPoint`` with a generated ``neo4j.conf`` (Bolt on 7687,
HTTP and Browser on 7474, loopback only).  Authentication is on: the first start
generates a password, keeps it in ``<instance>/password`` (mode 0600) and sets it
on the server.  Several instances (the analyst's ``run``, the demo's, the tests')
share the jars and keep their data apart.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from graphlib_trade.errors import StoreError
from graphlib_trade.store.connection import set_initial_password, wait_until_ready

NEO4J_VERSION = "5.26.30"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_ENTRY_POINT = "org.neo4j.cli.AdminTool"


def default_home() -> Path:
    """``$GRAPHLIB_TRADE_NEO4J_HOME``, else ``neo4j`` in the user's data folder (platformdirs)."""
    env = os.environ.get("GRAPHLIB_TRADE_NEO4J_HOME")
    if env:
        return Path(env).resolve()
    return platformdirs.user_data_path("graphlib-trade") / "neo4j"


#: The Maven project that fetches the server's jars (shipped in this package).
POM = "neo4j-pom.xml"


@dataclass(frozen=True)
class LocalServer:
    """One local server: jars in ``home/lib``, its data, logs and password in ``home/<instance>``."""

    home: Path
    bolt_port: int = 7687
    http_port: int = 7474
    heap: str = "1g"
    pagecache: str = "512m"
    instance: str = "run"
    #: A folder holding ``private.key`` and ``public.crt``: Bolt then also accepts TLS
    #: (``bolt+s://``, ``neo4j+s://``); plain Bolt stays open on loopback.
    tls_dir: Path | None = None

    @classmethod
    def from_env(cls) -> LocalServer:
        """The local server the environment names (ports, memory, instance), else the defaults."""
        return cls(
            home=default_home(),
            bolt_port=int(os.environ.get("GRAPHLIB_TRADE_BOLT_PORT", "7687")),
            http_port=int(os.environ.get("GRAPHLIB_TRADE_HTTP_PORT", "7474")),
            heap=os.environ.get("GRAPHLIB_TRADE_NEO4J_HEAP", "1g"),
            pagecache=os.environ.get("GRAPHLIB_TRADE_NEO4J_PAGECACHE", "512m"),
            instance=os.environ.get("GRAPHLIB_TRADE_NEO4J_INSTANCE", "run"),
        )

    # -- paths
    @property
    def lib(self) -> Path:
        return self.home / "lib"

    @property
    def run_dir(self) -> Path:
        return self.home / self.instance

    @property
    def pid_file(self) -> Path:
        return self.run_dir / "neo4j.pid"

    @property
    def password_file(self) -> Path:
        return self.run_dir / "password"

    @property
    def log_file(self) -> Path:
        return self.run_dir / "logs" / "console.log"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    # -- install
    def installed(self) -> bool:
        return (self.lib / f"neo4j-{NEO4J_VERSION}.jar").is_file() and (
            self.lib / f"neo4j-server-{NEO4J_VERSION}.jar"
        ).is_file()

    def install(self) -> None:
        """Copy the server jars from Maven Central into ``lib/`` (once; later runs reuse them)."""
        if self.installed():
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise StoreError("Maven (mvn) is needed to fetch Neo4j from Maven Central; install it first")
        if shutil.which("java") is None:
            raise StoreError("Java 17 or 21 is needed to run Neo4j; install a JDK first")
        self.home.mkdir(parents=True, exist_ok=True)
        pom = self.home / "pom.xml"
        pom.write_text(resources.files("graphlib_trade.store").joinpath(POM).read_text(encoding="utf-8"))
        proc = subprocess.run(
            [mvn, "-q", "-B", "-f", str(pom), "package"],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0 or not self.installed():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-5:])
            raise StoreError(f"fetching Neo4j {NEO4J_VERSION} with Maven failed:\n{tail}")

    # -- state
    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        _reap(pid)  # a server of ours that died is a zombie until reaped, and would look alive
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def bolt_open(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.bolt_port), timeout=1):
                return True
        except OSError:
            return False

    def password(self) -> str | None:
        try:
            return self.password_file.read_text().strip() or None
        except OSError:
            return None

    def _ensure_password(self) -> tuple[str, bool]:
        """The password, and whether it was generated now (so the server still has the default)."""
        existing = self.password()
        if existing:
            return existing, False
        self.run_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(24)
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        return value, True

    def write_config(self) -> Path:
        conf_dir = self.run_dir / "conf"
        for sub in ("conf", "data", "logs", "import", "plugins", "pid"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        r = self.run_dir
        conf = f"""# Generated by graphlib-trade; edit graphlib_trade/store/localserver.py, not this file.
server.default_listen_address=127.0.0.1
server.bolt.listen_address=127.0.0.1:{self.bolt_port}
server.bolt.advertised_address=127.0.0.1:{self.bolt_port}
server.http.listen_address=127.0.0.1:{self.http_port}
server.http.advertised_address=127.0.0.1:{self.http_port}
server.http.enabled=true
server.https.enabled=false
dbms.security.auth_enabled=true
server.memory.heap.initial_size={self.heap}
server.memory.heap.max_size={self.heap}
server.memory.pagecache.size={self.pagecache}
dbms.memory.transaction.total.max=0
dbms.usage_report.enabled=false
server.jvm.additional=-XX:+UseG1GC
server.directories.data={r / "data"}
server.directories.logs={r / "logs"}
server.directories.run={r / "pid"}
server.directories.import={r / "import"}
server.directories.plugins={r / "plugins"}
db.tx_log.rotation.retention_policy=1 files
"""
        if self.tls_dir is not None:
            for sub in ("trusted", "revoked"):
                (self.tls_dir / sub).mkdir(parents=True, exist_ok=True)
            conf += f"""dbms.ssl.policy.bolt.enabled=true
dbms.ssl.policy.bolt.base_directory={self.tls_dir}
dbms.ssl.policy.bolt.private_key=private.key
dbms.ssl.policy.bolt.public_certificate=public.crt
dbms.ssl.policy.bolt.client_auth=NONE
server.bolt.tls_level=OPTIONAL
"""
        (conf_dir / "neo4j.conf").write_text(conf)
        return conf_dir

    # -- lifecycle
    def start(self, timeout: float = 180.0) -> str:
        """Start the server unless it runs; wait until Bolt answers.  Returns a status line."""
        deadline = time.monotonic() + timeout
        running = self.pid()
        if running is not None:
            # Ours and up, or ours and still booting: never start a second server on the same data.
            self._wait_for_bolt(deadline, running)
            return f"Neo4j already running (pid {running}) at {self.uri}"
        if self.bolt_open():
            raise StoreError(
                f"port {self.bolt_port} is taken by another process; stop it, or point NEO4J_URI at it"
            )
        self.install()
        if self.password() is None and (self.run_dir / "data" / "dbms").exists():
            raise StoreError(
                f"{self.password_file} is missing but {self.run_dir / 'data'} already has a graph with a "
                "password set; restore the file, or move that data folder away to start over"
            )
        password, fresh = self._ensure_password()
        conf_dir = self.write_config()
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        java = shutil.which("java") or "java"
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(
                [
                    java,
                    f"-Xms{self.heap}",
                    f"-Xmx{self.heap}",
                    "-XX:+UseG1GC",
                    "-cp",
                    str(self.lib / "*"),
                    ENTRY_POINT,
                    f"--home-dir={self.run_dir}",
                    f"--config-dir={conf_dir}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{proc.pid}\n")
        self._wait_for_bolt(deadline, proc.pid, proc)
        if fresh:
            set_initial_password(self.uri, "neo4j", "neo4j", password)
        wait_until_ready(self.uri, ("neo4j", password), timeout=max(10.0, deadline - time.monotonic()))
        return f"Neo4j {NEO4J_VERSION} started (pid {proc.pid}) at {self.uri}; Browser at {self.browser_url}"

    def _wait_for_bolt(self, deadline: float, pid: int, proc: subprocess.Popen[bytes] | None = None) -> None:
        """Wait until Bolt answers; raise if the server process ``pid`` exits or the deadline passes."""
        while not self.bolt_open():
            exited = proc.poll() is not None if proc is not None else self.pid() != pid
            if exited:
                code = f" with code {proc.returncode}" if proc is not None else ""
                raise StoreError(f"Neo4j exited{code} while starting; see {self.log_file}")
            if time.monotonic() > deadline:
                self.stop()
                raise StoreError(f"Neo4j did not open Bolt in time; see {self.log_file}")
            time.sleep(0.5)

    def stop(self, timeout: float = 60.0) -> str:
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return "Neo4j is not running"
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.pid() is not None and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.3)
        if self.pid() is not None:
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
            _reap(pid)
        self.pid_file.unlink(missing_ok=True)
        return f"Neo4j stopped (pid {pid})"

    def bulk_import(
        self,
        node_files: Sequence[Path],
        relationship_files: Sequence[Path],
        *,
        multiline: bool = False,
        database: str = "neo4j",
    ) -> dict[str, float]:
        """Run ``neo4j-admin database import full`` into ``database`` (the server must be stopped).

        Overwrites the database files: the caller checks the database is empty first.
        Returns the nodes, relationships and seconds the import tool reported.
        """
        if self.pid() is not None:
            raise StoreError("stop the Neo4j server before a bulk import (it writes the database files)")
        self.install()
        conf_dir = self.write_config()
        java = shutil.which("java") or "java"
        command = [
            java,
            "-Xmx1g",
            "-cp",
            str(self.lib / "*"),
            ADMIN_ENTRY_POINT,
            "database",
            "import",
            "full",
            database,
            "--overwrite-destination=true",
            "--id-type=string",
            f"--multiline-fields={'true' if multiline else 'false'}",
            f"--report-file={self.run_dir / 'import.report'}",
            *(f"--nodes={path}" for path in node_files),
            *(f"--relationships={path}" for path in relationship_files),
        ]
        env = {**os.environ, "NEO4J_HOME": str(self.run_dir), "NEO4J_CONF": str(conf_dir)}
        started = time.monotonic()
        proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        seconds = time.monotonic() - started
        report = proc.stdout + proc.stderr
        nodes = re.search(r"^\s*(\d+) nodes$", report, re.MULTILINE)
        rels = re.search(r"^\s*(\d+) relationships$", report, re.MULTILINE)
        if proc.returncode != 0 or "IMPORT DONE" not in report or nodes is None or rels is None:
            lines = [ln for ln in report.splitlines() if ln.strip() and not ln.startswith((".", "-."))]
            tail = "\n".join(lines[-8:])
            raise StoreError(f"neo4j-admin import failed (exit {proc.returncode}):\n{tail}")
        return {"nodes": int(nodes.group(1)), "relationships": int(rels.group(1)), "seconds": seconds}

    def status(self) -> str:
        pid = self.pid()
        if pid is None:
            return "Neo4j is not running" + ("" if self.installed() else " (not installed yet)")
        state = "answering on Bolt" if self.bolt_open() else "not answering on Bolt yet"
        return f"Neo4j running (pid {pid}), {state} at {self.uri}; Browser at {self.browser_url}"


def _reap(pid: int) -> None:
    """Collect a child that has exited, so it does not linger as a zombie that still 'exists'."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
