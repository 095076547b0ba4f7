"""A throwaway PostgreSQL server in a folder of its own (initdb and pg_ctl from Debian's
`postgresql` package), on a free port with its unix socket in that folder: for the
records tests and `holdfire bench records`, never for real records. As root, the server
runs as the `postgres` user, as PostgreSQL requires."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from range.records.errors import DatabaseError

USER = "holdfire"
PASSWORD = "scratch-password"


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise DatabaseError("PostgreSQL not found: expected initdb in "
                            "/usr/lib/postgresql/*/bin (install Debian's postgresql, as "
                            "tools/system-packages.sh does)")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ScratchServer:
    """`folder` (default: a new one under the system's temp folder) must be reachable by
    the `postgres` user when run as root: pytest's own temp folders are not."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or Path(tempfile.mkdtemp(prefix="holdfire-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.bin = postgres_bin()
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self._as_postgres, *command], capture_output=True, text=True,
                              timeout=120, check=False)
        if done.returncode:
            lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
            telling = [ln for ln in lines if "removing" not in ln and any(
                w in ln.lower() for w in ("error", "fatal", "denied", "cannot"))]
            raise DatabaseError(f"scratch PostgreSQL: {Path(command[0]).name} failed: "
                                f"{(telling or lines or ['no output'])[0].strip()}")

    def start(self) -> ScratchServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o755)
        password = self.folder / "password"
        password.write_text(PASSWORD + "\n", encoding="utf-8")
        if self._as_postgres:
            shutil.chown(self.folder, "postgres")
            shutil.chown(password, "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER,
                  "--pwfile", str(password), "--auth-local=trust",
                  "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=50")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "server.log"), "-w", "-t", "60", "start")
        return self

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
