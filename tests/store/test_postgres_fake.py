"""The PostgreSQL test helper fails loudly, with the install command, when it cannot run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes import postgres
from tests.fakes.postgres import PostgresServer, PostgresUnavailable
from tests.store.helpers import child_env


def test_missing_binaries_fail_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HOTSEAT_PG_BIN", raising=False)
    monkeypatch.setattr(postgres.shutil, "which", lambda _name: None)
    monkeypatch.setattr(postgres.glob, "glob", lambda _pattern: [])
    with pytest.raises(PostgresUnavailable, match="apt-get install -y postgresql"):
        postgres.find_bin_dir()


def test_explicit_bin_dir_without_binaries_is_not_accepted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOTSEAT_PG_BIN", str(tmp_path))
    with pytest.raises(PostgresUnavailable, match="HOTSEAT_PG_BIN"):
        postgres.find_bin_dir()


def test_fixture_fails_rather_than_skips_without_binaries(tmp_path: Path) -> None:
    test_file = tmp_path / "test_needs_pg.py"
    test_file.write_text(
        "from tests.fakes.postgres import postgres_server  # noqa: F401\n"
        "def test_uses_it(postgres_server):\n"
        "    pass\n"
    )
    env = {**child_env(), "HOTSEAT_PG_BIN": str(tmp_path / "nowhere")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-p", "no:cacheprovider", "-rA"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout and "skipped" not in result.stdout
    assert "apt-get install -y postgresql" in result.stdout


@pytest.mark.postgres
def test_server_listens_on_loopback_with_password_auth(postgres_server: PostgresServer) -> None:
    import psycopg

    assert postgres_server.host == "127.0.0.1"
    url = postgres_server.create_database()
    assert url.startswith(f"postgresql+psycopg://hotseat:{postgres_server.password}@127.0.0.1:")
    conninfo = f"host=127.0.0.1 port={postgres_server.port} user=hotseat dbname=postgres"
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(conninfo, password="wrong").close()
    with psycopg.connect(conninfo, password=postgres_server.password) as conn:
        encoding = conn.execute("SHOW server_encoding").fetchone()
    assert encoding == ("UTF8",)
