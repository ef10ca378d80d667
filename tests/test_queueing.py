"""Services hand work to the workers by the task's name (core.queueing), so that a services
module and the tasks module calling it back need not import each other."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from kombu.exceptions import OperationalError

from core.queueing import queue
from presskit import tasks


def test_a_web_process_finds_a_task_by_name_without_importing_its_module():
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, sys; django.setup(); from core.queueing import registered_task; "
            "assert 'presskit.tasks' not in sys.modules; print(registered_task('presskit.tasks.build_document').name)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert found.stdout.strip() == "presskit.tasks.build_document"


def test_a_misspelt_task_name_fails_loudly():
    with pytest.raises(KeyError):
        queue("presskit.tasks.build_documents", 1)


def test_a_broker_that_refuses_the_task_is_logged_and_reported(monkeypatch, caplog):
    def broker_down(*args):
        raise OperationalError("Error 111 connecting to redis")

    monkeypatch.setattr(tasks.build_document, "delay", broker_down)
    with caplog.at_level(logging.WARNING, logger="core.queueing"):
        assert queue("presskit.tasks.build_document", 7) is False
    assert "Could not queue presskit.tasks.build_document(7,): OperationalError" in caplog.text
