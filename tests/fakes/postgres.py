"""A real PostgreSQL server on loopback for tests: initdb in a temp dir, pg_ctl start/stop.

Use the `postgres_server` fixture (session scope: one server per test run) and call
`server.create_schema()` (fast) or `server.create_database()` for a fresh, empty URL.
The server runs as the `postgres` user when the tests run as root (initdb refuses root).
Missing binaries fail the test with the install command; they are never a silent skip.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with "
    "`apt-get install -y postgresql` (Debian/Ubuntu), or put their directory on PATH, "
    "or set HOTSEAT_PG_BIN=/usr/lib/postgresql/<version>/bin."
)
SERVER_USER = "postgres"  # the OS account that owns the cluster when we run as root
DB_USER = "hotseat"


class PostgresUnavailable(RuntimeError):
    """The test server cannot be started; the message says what to install or check."""


def find_bin_dir() -> Path:
    """The directory holding initdb and pg_ctl: HOTSEAT_PG_BIN, PATH, or Debian's layout."""
    explicit = os.environ.get("HOTSEAT_PG_BIN")
    if explicit:  # explicit means only that one: no surprise fallback to another version
        candidates = [explicit]
    else:
        candidates = []
        on_path = shutil.which("pg_ctl")
        if on_path and shutil.which("initdb"):
            candidates.append(str(Path(on_path).parent))
        # Debian puts the server binaries outside PATH, one directory per major version.
        candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for candidate in candidates:
        path = Path(candidate)
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file():
            return path
    raise PostgresUnavailable(INSTALL_HINT)


def _version_key(path: str) -> int:
    version = Path(path).parent.name
    return int(version) if version.isdigit() else 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path
    port: int
    password: str
    host: str = "127.0.0.1"
    _databases: int = field(default=0, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(
        self, database: str = "postgres", *, password: str | None = None, schema: str = ""
    ) -> str:
        secret = self.password if password is None else password
        url = f"postgresql+psycopg://{DB_USER}:{secret}@{self.host}:{self.port}/{database}"
        # libpq's options parameter sets search_path for every connection of the URL.
        return f"{url}?options=-csearch_path%3D{schema}" if schema else url

    def _admin(self, sql: str) -> None:
        import psycopg

        conninfo = f"host={self.host} port={self.port} user={DB_USER} dbname=postgres"
        with psycopg.connect(conninfo, password=self.password, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def _new_name(self, prefix: str) -> str:
        self._databases += 1
        return f"{prefix}_{self._databases}_{secrets.token_hex(3)}"

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database and return its SQLAlchemy URL (~0.1-0.5 s: a file copy)."""
        name = name or self._new_name("test")
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def create_schema(self, name: str | None = None) -> str:
        """An empty schema in the postgres database, as a URL whose search_path is it.

        Much cheaper than a database per test (no template copy), and just as empty.
        """
        name = name or self._new_name("test")
        self._admin(f'CREATE SCHEMA "{name}"')
        return self.url(schema=name)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def _as_server_user(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; drop to the postgres account then.
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--", *cmd]
    return cmd


def _run(cmd: list[str], what: str, server: PostgresServer | None = None) -> None:
    result = subprocess.run(
        _as_server_user(cmd), capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        log = f"\nserver log:\n{server.log_tail()}" if server else ""
        raise PostgresUnavailable(
            f"{what} failed (exit {result.returncode}): {result.stderr.strip()}"
            f"{result.stdout.strip()}{log}"
        )


def start_postgres() -> PostgresServer:
    """initdb a throwaway cluster and start it on 127.0.0.1 at a free port."""
    bin_dir = find_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="hotseat-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user=SERVER_USER, group=SERVER_USER)
    server = PostgresServer(bin_dir, root, free_port(), secrets.token_urlsafe(12))
    pwfile = root / "pwfile"
    pwfile.write_text(server.password + "\n")
    if os.geteuid() == 0:
        shutil.chown(pwfile, user=SERVER_USER, group=SERVER_USER)
    pwfile.chmod(0o600)
    try:
        # Password auth over TCP, as a team server would have; --no-sync because the
        # cluster is thrown away after the run.
        _run(
            [str(bin_dir / "initdb"), "-D", str(server.data_dir), "-U", DB_USER,
             f"--pwfile={pwfile}", "--auth-host=scram-sha-256", "--auth-local=trust",
             "-E", "UTF8", "--locale=C", "--no-sync"],
            "initdb",
        )  # fmt: skip
        pwfile.unlink()
        # No durability needed for a test cluster; the unix socket goes in our temp dir so
        # nothing depends on /var/run/postgresql.
        options = (
            f"-h {server.host} -p {server.port} -k {root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _run(
            [str(bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-l", str(server.log_file),
             "-o", options, "-w", "-t", "60", "start"],
            "pg_ctl start",
            server,
        )  # fmt: skip
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return server


def stop_postgres(server: PostgresServer) -> None:
    try:
        _run(
            [str(server.bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-m", "immediate",
             "-w", "stop"],
            "pg_ctl stop",
        )  # fmt: skip
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    server = start_postgres()
    try:
        yield server
    finally:
        stop_postgres(server)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole test run; fails (never skips) when unavailable."""
    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        stop_postgres(server)
