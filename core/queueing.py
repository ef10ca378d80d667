"""Handing work to the Celery workers from a service, by the task's name.

A service queues the task that calls it back (``signatories.services`` queues the
confirmation email whose task calls ``signatories.services``): naming the task keeps
the two modules from importing each other. Every caller goes on when the broker does
not take the task, and says what picks the work up instead (a sweep, or staff trying
again): a request never fails because Redis is down.
"""

import logging
from importlib import import_module

from celery import current_app

logger = logging.getLogger(__name__)


def queue(task_name: str, *args) -> bool:
    """Queue the task named ``task_name`` (e.g. ``"mailings.tasks.send_mailing"``) with ``args``;
    return False, logged as a warning, when the broker would not take it.

    Only the task's name reaches the log, never its arguments' meaning: they are ids.
    """
    task = registered_task(task_name)  # a misspelt name fails here, loudly
    try:
        task.delay(*args)
    except Exception as error:
        logger.warning("Could not queue %s%s: %s", task_name, args, type(error).__name__)
        return False
    return True


def runs_in_process() -> bool:
    """Whether queued tasks run here and now (the embedded default: no broker, no worker)."""
    return bool(current_app.conf.task_always_eager)


def registered_task(task_name: str):
    tasks = current_app.tasks
    if task_name not in tasks:
        # A web process has not imported the tasks module: its name is the task's, less the function.
        # (Celery's loader.import_default_modules would also run django.setup() again, which
        # reconfigures logging, and every system check, on the first task of each process.)
        import_module(task_name.rpartition(".")[0])
    return tasks[task_name]
