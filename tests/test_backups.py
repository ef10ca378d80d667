"""`make backup` and `make restore` (docs/deploy.md): a sign-on dumped from one database is found in another.

The real PostgreSQL client tools against the test run's PostgreSQL server: the backup is
taken of the test database (committed rows) and restored into a fresh database of its own.
"""

import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from .factories import SignOnFactory
from .service_checks import unavailable

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]


def make(target, *arguments, database_url, check=True):
    return subprocess.run(
        [MAKE, "-s", target, *arguments],
        cwd=ROOT,
        env={
            **{name: value for name, value in os.environ.items() if name not in {"MAKEFLAGS", "MAKELEVEL"}},
            "DATABASE_URL": database_url,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


@pytest.fixture
def fresh_database(worker_database_url):
    """An empty database on the test run's server, dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:12]}"
    server = urlsplit(worker_database_url)
    maintenance = server._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_client_tools():
    for tool in ("make", "pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed (apt-get install make postgresql-client)")


def test_a_backup_restored_into_a_fresh_database_holds_the_sign_on(
    postgres_client_tools, worker_database_url, fresh_database, tmp_path
):
    sign_on = SignOnFactory(signatory__name="Asociación por los Derechos Civiles")

    backup = make("backup", f"BACKUP_DIR={tmp_path}", database_url=worker_database_url).stdout.strip()
    make("restore", f"FILE={backup}", database_url=fresh_database)

    assert Path(backup).parent == tmp_path
    assert Path(backup).stat().st_mode & 0o077 == 0, "a backup holds contact details: its owner's only"
    with psycopg.connect(fresh_database) as connection:
        restored = connection.execute(
            "SELECT signatory.name, contact.email FROM signatories_signon sign_on"
            " JOIN signatories_signatory signatory ON signatory.id = sign_on.signatory_id"
            " JOIN signatories_contact contact ON contact.id = sign_on.contact_id"
            " WHERE sign_on.id = %s",
            [sign_on.pk],
        ).fetchall()
    assert restored == [("Asociación por los Derechos Civiles", sign_on.contact.email)]


def test_backup_and_restore_say_what_they_need(postgres_client_tools, tmp_path):
    backup = make("backup", database_url="", check=False)
    restore = make("restore", database_url="postgres://nowhere/none", check=False)

    assert backup.returncode != 0
    assert "Set DATABASE_URL" in backup.stderr
    assert restore.returncode != 0
    assert "make restore FILE=" in restore.stderr
