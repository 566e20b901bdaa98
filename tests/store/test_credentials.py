"""Credentials: authentication on, a private git-ignored password file, passwords never in output
or logs, TLS URIs (``bolt+s://``, ``neo4j+s://``) passed through to a real TLS server, and wrong
credentials or an untrusted certificate ending in a clear error."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphlib_trade.errors import StoreError
from graphlib_trade.store import Connection, LocalServer, Store, default_home
from tests.store.conftest import TEST_SERVER

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).parent.parent.parent
HUAWEI = ROOT / "fixtures" / "huawei_2019.yaml"


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graphlib_trade", *args],
        env={**os.environ, "NO_COLOR": "1", "GRAPHLIB_TRADE_RETRY_SECONDS": "3", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def cli_env(conn: Connection, uri: str | None = None, password: str | None = None) -> dict[str, str]:
    return {
        "NEO4J_URI": uri or conn.uri,
        "NEO4J_USER": conn.user,
        "NEO4J_PASSWORD": conn.password if password is None else password,
    }


class TestLocalServerSecrets:
    def test_password_file_is_private_and_out_of_git(self, neo4j_connection: Connection) -> None:
        if not TEST_SERVER.password_file.exists():
            pytest.skip("the tests run against NEO4J_URI or a container, not the local server")
        mode = stat.S_IMODE(TEST_SERVER.password_file.stat().st_mode)
        assert mode == 0o600
        for path in (TEST_SERVER.password_file, default_home() / "run" / "password"):
            # In the user's data folder, outside the checkout; if a home inside it is chosen, git-ignored.
            if path.resolve().is_relative_to(ROOT):
                ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT, check=False)
                assert ignored.returncode == 0, f"{path} is not git-ignored"

    def test_authentication_is_on(self, neo4j_connection: Connection) -> None:
        for password in ("", "neo4j", "not-the-password"):
            with pytest.raises(StoreError, match="refused the credentials of user 'neo4j'"):
                Store(Connection(neo4j_connection.uri, "neo4j", password))


class TestPasswordsNeverShown:
    def test_not_in_any_output_or_log(self, neo4j_connection: Connection, tmp_path: Path) -> None:
        secret = neo4j_connection.password
        wrong = "Wrong-Secret-4242"
        env = cli_env(neo4j_connection)
        runs = [
            run_cli(env, "load", str(HUAWEI)),
            run_cli(env, "impact", "--as-of", "2019-05-20"),
            run_cli(env, "impact", "--as-of", "2019-05-20", "--format", "json", "--write-back"),
            run_cli(env, "whatif", "--as-of", "2019-05-20", "--restrict", "samsung"),
            run_cli(env, "export", "--format", "yaml"),
            run_cli(env, "load", str(tmp_path / "missing.yaml")),
            run_cli(cli_env(neo4j_connection, password=wrong), "impact"),
            run_cli(cli_env(neo4j_connection, uri="bolt://127.0.0.1:1", password=wrong), "load", str(HUAWEI)),
            run_cli(cli_env(neo4j_connection, uri="bolt://127.0.0.1:1"), "impact"),
        ]
        assert [r.returncode for r in runs] == [0, 0, 0, 0, 0, 2, 4, 4, 4]
        assert "refused the credentials of user 'neo4j'" in runs[6].stderr
        logs = [p for p in TEST_SERVER.run_dir.rglob("*.log")] if TEST_SERVER.run_dir.exists() else []
        texts = [r.stdout + r.stderr for r in runs] + [p.read_text(errors="replace") for p in logs]
        for text in texts:
            assert secret not in text
            assert wrong not in text
        print(f"{len(runs)} CLI runs and {len(logs)} server logs searched")


# ------------------------------------------------------------------------------------------ TLS

TLS_SERVER_PORTS = (7693, 7480)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalServer, Path]]:
    """A local server whose Bolt also speaks TLS, with a certificate from a throw-away CA."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    folder = tmp_path_factory.mktemp("tls")
    certs = folder / "bolt"
    certs.mkdir()
    cert.private_key_pem.write_to_path(str(certs / "private.key"))
    cert.cert_chain_pems[0].write_to_path(str(certs / "public.crt"))
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = LocalServer(
        home=default_home(),
        bolt_port=TLS_SERVER_PORTS[0],
        http_port=TLS_SERVER_PORTS[1],
        heap="512m",
        pagecache="128m",
        instance="run-tls",
        tls_dir=certs,
    )
    server.stop()
    shutil.rmtree(server.run_dir, ignore_errors=True)
    server.start()
    try:
        yield server, ca_file
    finally:
        server.stop()
        shutil.rmtree(server.run_dir, ignore_errors=True)


class TestTlsUris:
    @pytest.mark.parametrize("scheme", ["bolt+s", "neo4j+s"])
    def test_tls_uri_passes_through(self, tls: tuple[LocalServer, Path], scheme: str) -> None:
        server, ca_file = tls
        uri = f"{scheme}://localhost:{server.bolt_port}"
        env = {"NEO4J_URI": uri, "NEO4J_PASSWORD": server.password() or "", "SSL_CERT_FILE": str(ca_file)}
        loaded = run_cli(env, "load", str(HUAWEI), "--replace")
        assert loaded.returncode == 0, loaded.stderr
        assert f"into {uri}" in loaded.stdout
        shown = run_cli(env, "impact", "--as-of", "2019-05-20", "--format", "csv")
        assert shown.returncode == 0, shown.stderr
        # On 2019-05-20 the P30 Pro is blocked (worked out by hand in tests/test_huawei_fixture.py).
        assert any(
            line.startswith("product,p30-pro,") and ",blocked," in line for line in shown.stdout.splitlines()
        )
        assert (
            server.password() or "<none>"
        ) not in loaded.stdout + loaded.stderr + shown.stdout + shown.stderr

    def test_untrusted_certificate_is_a_clear_error(
        self, tls: tuple[LocalServer, Path], tmp_path: Path
    ) -> None:
        server, _ = tls
        other = tmp_path / "other-ca.pem"
        import trustme

        trustme.CA().cert_pem.write_to_path(str(other))
        env = {
            "NEO4J_URI": f"bolt+s://localhost:{server.bolt_port}",
            "NEO4J_PASSWORD": server.password() or "",
            "SSL_CERT_FILE": str(other),
        }
        r = run_cli(env, "impact")
        assert r.returncode == 4
        assert r.stderr == (
            f"graphlib-trade: error: TLS with Neo4j at bolt+s://localhost:{server.bolt_port} failed while "
            "connecting: the server's certificate is not trusted (unable to get local issuer certificate)\n"
        )
        assert "Traceback" not in r.stderr
