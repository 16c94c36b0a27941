"""A real PostgreSQL server for tests: free loopback port, throwaway cluster, nothing kept.

``start_postgres(folder)`` runs ``initdb`` and ``pg_ctl start`` and yields a
:class:`PostgresServer` once the server accepts connections; leaving the ``with`` stops it.
The cluster trades durability for speed (``fsync=off`` and friends): it lives for one test
session at most. When the PostgreSQL binaries are missing the test is skipped with the reason
(``.ci/run`` installs them, so CI always runs these tests).

``initdb`` and ``postgres`` refuse to run as root. Run as root (CI, this machine's containers),
the cluster runs as the ``postgres`` account in a private folder that account owns under
``/tmp``, and that folder is removed on exit; see :func:`_server_root` for why not ``folder``.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from support.redis_server import free_port

#: The cluster's superuser (``initdb -U``); trust authentication, so no password.
SUPERUSER = "bcc"
#: How long ``pg_ctl`` waits for the server to accept connections (a cold start on a busy machine).
START_TIMEOUT = 30
#: How long ``pg_ctl stop`` waits, per shutdown mode.
STOP_TIMEOUT = 10
#: A free port can be taken by someone else before the server binds it: try a few.
PORT_ATTEMPTS = 3
#: Debian installs the binaries under /usr/lib/postgresql/<major>/bin, not on PATH.
DEBIAN_BIN_DIRS = "/usr/lib/postgresql/*/bin"
#: The account that owns the cluster when the tests run as root (the Debian package creates it).
SERVER_ACCOUNT = "postgres"
#: Database names create_database accepts: plain identifiers, so conninfo needs no escaping.
DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
#: Server settings: loopback only, no durability (a test cluster), room for worker pools.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


@dataclass(frozen=True)
class PostgresServer:
    """A running server: where to reach it, as whom; its postmaster and data folder."""

    host: str
    port: int
    user: str
    pid: int
    data: Path

    def conninfo(self, dbname: str = "postgres") -> str:
        """A libpq conninfo string for database ``dbname`` on this server."""
        return f"host={self.host} port={self.port} user={self.user} dbname={_quote(dbname)}"

    def create_database(self, name: str) -> str:
        """Create the empty database ``name`` and return its conninfo.

        Skips the calling test when psycopg (the ``postgres`` extra) is not installed.
        """
        if not DATABASE_NAME.fullmatch(name):
            raise ValueError(f"not a plain database name: {name!r}")
        psycopg = _import_psycopg()
        # CREATE DATABASE cannot run inside a transaction block.
        with psycopg.connect(self.conninfo(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
        return self.conninfo(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name``, ending any session still connected to it."""
        psycopg = _import_psycopg()
        with psycopg.connect(self.conninfo(), autocommit=True, connect_timeout=10) as conn:
            statement = psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(statement.format(psycopg.sql.Identifier(name)))


def _import_psycopg() -> Any:
    reason = 'psycopg is not installed (pip install -e ".[postgres]"; .ci/run does)'
    return pytest.importorskip("psycopg", reason=reason)


def _quote(value: str) -> str:
    """``value`` as a conninfo value: quoted when it holds anything but plain characters."""
    if re.fullmatch(r"[\w.-]+", value):
        return value
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


@dataclass(frozen=True)
class _Binaries:
    initdb: str
    pg_ctl: str


def postgres_binaries() -> _Binaries:
    """``initdb`` and ``pg_ctl``; skips the calling test when PostgreSQL is not installed."""
    names = ("initdb", "pg_ctl", "postgres")
    on_path = [shutil.which(name) for name in names]
    if all(on_path):
        return _Binaries(initdb=str(on_path[0]), pg_ctl=str(on_path[1]))
    for folder in sorted(Path("/").glob(DEBIAN_BIN_DIRS.lstrip("/")), key=_version, reverse=True):
        if all((folder / name).is_file() for name in names):
            return _Binaries(initdb=str(folder / "initdb"), pg_ctl=str(folder / "pg_ctl"))
    pytest.skip(
        "PostgreSQL is not installed: no initdb, pg_ctl and postgres on PATH or under "
        f"{DEBIAN_BIN_DIRS} (install the Debian package postgresql; .ci/run does when it "
        "runs as root)"
    )


def _version(bin_dir: Path) -> tuple[int, ...]:
    """``/usr/lib/postgresql/15/bin`` -> ``(15,)``; unparsable versions sort first."""
    parts = bin_dir.parent.name.split(".")
    return tuple(int(part) for part in parts) if all(p.isdigit() for p in parts) else (-1,)


@dataclass(frozen=True)
class _Runner:
    """Runs the PostgreSQL commands: as ``account`` when set (we are root), else as ourselves."""

    root: Path
    account: pwd.struct_passwd | None

    def run(self, *command: str, timeout: float) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env["LC_ALL"] = "C"
        as_account: dict[str, Any] = {}
        if self.account is not None:
            env["HOME"] = self.account.pw_dir
            # extra_groups=[] drops root's supplementary groups, not only its uid and gid.
            as_account = {
                "user": self.account.pw_uid,
                "group": self.account.pw_gid,
                "extra_groups": [],
            }
        # Every argument comes from this module; cwd is a folder the account can enter.
        return subprocess.run(  # noqa: S603
            command,
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            **as_account,
        )


def _server_account() -> pwd.struct_passwd | None:
    """The account to run the server as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_ACCOUNT)
    except KeyError:
        pytest.skip(
            f"PostgreSQL refuses to run as root and there is no {SERVER_ACCOUNT!r} account "
            "to run it as (the Debian package postgresql creates it)"
        )


@contextmanager
def _server_root(folder: Path, account: pwd.struct_passwd | None) -> Iterator[Path]:
    """The folder that holds the cluster, its socket and its log.

    As ourselves: ``folder``. As root: pytest's temporary folders sit under a 0700
    ``/tmp/pytest-of-root`` the ``postgres`` account cannot enter, and opening that (or
    any parent) to everyone would expose every test's files. Instead the cluster gets its
    own folder under ``/tmp`` (world-traversable, sticky), owned by ``postgres`` and mode
    0700: only that account and root can enter it. It is removed on exit.
    """
    if account is None:
        yield folder
        return
    root = Path(tempfile.mkdtemp(prefix="bcc-postgres-", dir="/tmp"))
    try:
        os.chown(root, account.pw_uid, account.pw_gid)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def start_postgres(folder: Path) -> Iterator[PostgresServer]:
    """Run a throwaway PostgreSQL cluster on a free loopback port; stop it on exit."""
    binaries = postgres_binaries()
    account = _server_account()
    with _server_root(folder, account) as root:
        runner = _Runner(root, account)
        data, log, sockets = root / "data", root / "postgres.log", root / "socket"
        sockets.mkdir()
        if account is not None:
            os.chown(sockets, account.pw_uid, account.pw_gid)
        _initdb(runner, binaries, data)
        port = _start_on_a_free_port(runner, binaries, data, log, sockets)
        try:
            yield PostgresServer("127.0.0.1", port, SUPERUSER, _postmaster_pid(data), data)
        finally:
            _stop(runner, binaries, data)


def _start_on_a_free_port(
    runner: _Runner, binaries: _Binaries, data: Path, log: Path, sockets: Path
) -> int:
    """Start the server on a free port and return it, trying another if one is taken."""
    failure: str | None = None
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        failure = _pg_ctl_start(runner, binaries, data, log, sockets, port)
        if failure is None:
            return port
        # The port was taken, say: make sure nothing half-started lingers before the next try.
        _stop(runner, binaries, data)
    raise RuntimeError(
        f"PostgreSQL did not start in {PORT_ATTEMPTS} attempts:\n{failure}\n{_tail(log)}"
    )


def _initdb(runner: _Runner, binaries: _Binaries, data: Path) -> None:
    command = [binaries.initdb, "-D", str(data), "-A", "trust", "-U", SUPERUSER]
    command += ["--no-sync", "-E", "UTF8", "--locale=C"]
    done = runner.run(*command, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def _pg_ctl_start(
    runner: _Runner, binaries: _Binaries, data: Path, log: Path, sockets: Path, port: int
) -> str | None:
    """Start the server on ``port`` and wait until it accepts connections.

    Returns None once it does, else what ``pg_ctl`` said.
    """
    # pg_ctl hands -o to postgres through a shell: quote the one path in it.
    options = ["-h 127.0.0.1", f"-p {port}", f"-k {shlex.quote(str(sockets))}"]
    options += [f"-c {name}={value}" for name, value in SERVER_SETTINGS.items()]
    command = [binaries.pg_ctl, "start", "-D", str(data), "-l", str(log), "-w"]
    command += ["-t", str(START_TIMEOUT), "-o", " ".join(options)]
    try:
        done = runner.run(*command, timeout=START_TIMEOUT + 10)
    except subprocess.TimeoutExpired:
        return f"pg_ctl start did not return in {START_TIMEOUT + 10} s"
    return None if done.returncode == 0 else f"{done.stdout}{done.stderr}"


def _stop(runner: _Runner, binaries: _Binaries, data: Path) -> None:
    """Stop the server: fast shutdown, then immediate, then SIGKILL to the postmaster."""
    for mode in ("fast", "immediate"):
        if not (data / "postmaster.pid").exists():
            return
        command = [binaries.pg_ctl, "stop", "-D", str(data), "-m", mode, "-w"]
        with suppress(subprocess.TimeoutExpired):
            runner.run(*command, "-t", str(STOP_TIMEOUT), timeout=STOP_TIMEOUT + 10)
    if (data / "postmaster.pid").exists():
        with suppress(ProcessLookupError, ValueError):
            os.kill(_postmaster_pid(data), signal.SIGKILL)


def _postmaster_pid(data: Path) -> int:
    """The postmaster's process id: the first line of ``postmaster.pid``."""
    return int((data / "postmaster.pid").read_text(encoding="utf-8").splitlines()[0])


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
