"""The real PostgreSQL server of the tests (tests/support/postgres_server.py) and its fixtures."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from support import postgres_server
from support.postgres_server import PostgresServer, start_postgres
from support.redis_server import free_port

psycopg = pytest.importorskip("psycopg", reason='psycopg is not installed (the "postgres" extra)')

#: What a database fresh from template1 holds in its public schema: nothing.
USER_TABLES = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"


def test_the_server_answers_a_query(postgres_conninfo: str) -> None:
    with psycopg.connect(postgres_conninfo) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_the_server_listens_on_loopback_only(
    postgres_server: PostgresServer, postgres_conninfo: str
) -> None:
    with psycopg.connect(postgres_conninfo) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
    assert postgres_server.host == "127.0.0.1"


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_gets_an_empty_database_of_its_own(postgres_conninfo: str, run: str) -> None:
    # Both runs leave a table behind: the other run fails if it gets the same database.
    with psycopg.connect(postgres_conninfo) as conn:
        assert conn.execute(USER_TABLES).fetchone() == (0,)
        name = conn.execute("SELECT current_database()").fetchone()
        assert name is not None
        assert name[0] not in {"postgres", "template0", "template1"}
        conn.execute("CREATE TABLE marker (run text)")
        conn.execute("INSERT INTO marker VALUES (%s)", (run,))


def test_two_test_databases_are_distinct(
    postgres_server: PostgresServer, postgres_conninfo: str
) -> None:
    other = postgres_server.create_database("test_distinct_other")
    try:
        with psycopg.connect(postgres_conninfo) as conn:
            conn.execute("CREATE TABLE marker (id int)")
        with psycopg.connect(other) as conn:
            assert conn.execute(USER_TABLES).fetchone() == (0,)
        assert other != postgres_conninfo
    finally:
        postgres_server.drop_database("test_distinct_other")


def test_the_server_is_gone_after_the_context_manager_exits(tmp_path: Path) -> None:
    with start_postgres(tmp_path) as server:
        with psycopg.connect(server.conninfo()) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert running(server.pid)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.conninfo(), connect_timeout=5)
    assert not accepts_tcp(server.port)
    assert not running(server.pid)
    assert not (server.data / "postmaster.pid").exists()


def test_a_taken_port_is_retried_with_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with listening() as taken:
        ports = iter([taken, free_port()])
        monkeypatch.setattr(postgres_server, "free_port", lambda: next(ports))
        with start_postgres(tmp_path) as server, psycopg.connect(server.conninfo()) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert server.port != taken


def test_no_free_port_in_every_attempt_fails_with_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with listening() as taken:
        monkeypatch.setattr(postgres_server, "free_port", lambda: taken)
        failed = pytest.raises(RuntimeError, match=r"(?s)did not start in 3 attempts.*in use")
        with failed, start_postgres(tmp_path):
            pass


def test_conninfo_names_host_port_user_and_database() -> None:
    server = PostgresServer("127.0.0.1", 5999, "bcc", 1, Path("data"))
    assert server.conninfo() == "host=127.0.0.1 port=5999 user=bcc dbname=postgres"
    assert server.conninfo("it's x") == r"host=127.0.0.1 port=5999 user=bcc dbname='it\'s x'"


@pytest.mark.parametrize("name", ["", "Upper", "drop; x", "1st", "a" * 64])
def test_create_database_takes_plain_names_only(name: str) -> None:
    server = PostgresServer("127.0.0.1", 5999, "bcc", 1, Path("data"))
    with pytest.raises(ValueError, match="not a plain database name"):
        server.create_database(name)


def test_without_postgresql_the_test_skips_naming_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(postgres_server, "DEBIAN_BIN_DIRS", f"{tmp_path}/*/bin")
    skipped = pytest.raises(pytest.skip.Exception, match=r"Debian package postgresql.*\.ci/run")
    with skipped, start_postgres(tmp_path):
        pass


def running(pid: int) -> bool:
    """Whether process ``pid`` runs (an exited process nobody reaped yet does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    # The state follows the command name, which is in parentheses and may hold spaces.
    return stat.rpartition(")")[2].split()[0] != "Z"


@contextmanager
def listening() -> Iterator[int]:
    """A loopback port someone else listens on, for as long as the ``with`` lasts."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def accepts_tcp(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False
