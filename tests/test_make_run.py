"""`make run` writes links (emails, feeds) on the address it serves: HOST_PORT, unless SITE_URL is set."""

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="GNU make is not installed")

# Stands for every program of the virtualenv: notes its arguments and the SITE_URL it was given.
RECORDING_PROGRAM = """#!/bin/sh
echo "$(basename "$0") $* SITE_URL=${SITE_URL:-unset}" >> "$RECORD"
"""


def _make_environment(**variables):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"HOST_PORT", "SITE_URL", "REDIS_URL", "DATABASE_URL", "MAKEFLAGS", "MAKELEVEL"}
    }
    environment.update(variables)
    return environment


def _recorded_run(tmp_path, *make_arguments, **environment):
    """What `make run` starts, with the virtualenv's programs replaced by recorders (nothing really runs)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for program in ("python", "celery", "pybabel"):
        path = venv / "bin" / program
        path.write_text(RECORDING_PROGRAM)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    # Newer than the requirements: make installs nothing.
    (venv / ".installed-requirements").touch()
    record = tmp_path / "record"
    subprocess.run(
        [MAKE, "-s", "run", f"VENV={venv}", *make_arguments],
        cwd=ROOT,
        env=_make_environment(RECORD=str(record), **environment),
        check=True,
        capture_output=True,
        timeout=60,
    )
    return [line for line in record.read_text().splitlines() if "runserver" in line]


def test_make_run_host_port_on_the_command_line_sets_the_site_url(tmp_path):
    assert _recorded_run(tmp_path, "HOST_PORT=127.0.0.1:8011") == [
        "python manage.py runserver 127.0.0.1:8011 SITE_URL=http://127.0.0.1:8011"
    ]


def test_make_run_host_port_in_the_environment_sets_the_site_url(tmp_path):
    assert _recorded_run(tmp_path, HOST_PORT="127.0.0.1:8012") == [
        "python manage.py runserver 127.0.0.1:8012 SITE_URL=http://127.0.0.1:8012"
    ]


def test_make_run_with_a_port_alone_links_to_the_local_address(tmp_path):
    assert _recorded_run(tmp_path, "HOST_PORT=8013") == [
        "python manage.py runserver 8013 SITE_URL=http://127.0.0.1:8013"
    ]


def test_make_run_keeps_a_site_url_set_explicitly(tmp_path):
    assert _recorded_run(tmp_path, "HOST_PORT=127.0.0.1:8014", SITE_URL="https://campaigns.example.org") == [
        "python manage.py runserver 127.0.0.1:8014 SITE_URL=https://campaigns.example.org"
    ]


def test_make_run_by_default_serves_and_links_on_port_8000(tmp_path):
    assert _recorded_run(tmp_path) == ["python manage.py runserver 127.0.0.1:8000 SITE_URL=http://127.0.0.1:8000"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url, *, server, deadline):
    """The JSON at ``url`` once the server answers; an error as soon as it has stopped."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_make_run_on_another_port_writes_that_address_in_the_json_feed(tmp_path):
    """The real thing: `make run HOST_PORT=…` on a free port, its own SQLite file, and the demo's feed."""
    port = _free_port()
    environment = _make_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", EMAIL_FILE_PATH=str(tmp_path / "mail")
    )
    log = (tmp_path / "make.log").open("w")
    server = subprocess.Popen(
        [MAKE, "run", f"HOST_PORT=127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        feed = _get_json(
            f"http://127.0.0.1:{port}/campaigns/un-cybercrime-convention/civil-society-joint-statement/"
            "signatories.json",
            server=server,
            deadline=time.monotonic() + 240,
        )
    except Exception:
        log.flush()
        pytest.fail("make run did not serve the feed:\n" + (tmp_path / "make.log").read_text()[-3000:])
    finally:
        # make, its shell, runserver and its reloader, the Celery beat: all in the session started here.
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    base = f"http://127.0.0.1:{port}/"
    assert feed["statement"]["url"].startswith(base)
    assert feed["statement"]["sign_url"].startswith(base)
