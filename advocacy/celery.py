import os
import sys

from celery import Celery, signals
from celery import Task as BaseTask
from kombu.exceptions import OperationalError

from core import redis_outages
from core.production import RefusedInProduction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")


class Task(BaseTask):
    """A task whose `.delay()` fails at once while the broker (Redis) is known not to answer.

    The broker's timeouts (settings: CELERY_BROKER_TRANSPORT_OPTIONS) bound one attempt;
    core.redis_outages spares the next requests of this process that wait, as the
    cache does. Every caller of `.delay()` in a request already goes on without the
    broker: what it hands over is also found later by a sweep.
    """

    def apply_async(self, *args, **kwargs):
        if self.app.conf.task_always_eager:
            return super().apply_async(*args, **kwargs)
        server = redis_outages.server_of_url(self.app.conf.broker_url)
        if server is None:
            return super().apply_async(*args, **kwargs)
        try:
            redis_outages.refuse_if_recently_failed(server)
        except redis_outages.RecentlyUnreachable as error:
            raise OperationalError(str(error)) from error
        try:
            return super().apply_async(*args, **kwargs)
        except OperationalError as error:
            if redis_outages.is_timeout(error):
                redis_outages.record_failure(server)
            raise


app = Celery("advocacy", task_cls=Task)


@app.on_configure.connect
def refuse_in_one_line(sender, **kwargs):
    """Load Django's settings just before Celery reads them, so that a production refusal
    (core/production.py) ends `celery worker` and `celery beat` with its one-line
    message instead of a traceback through Celery's command line. In a web process the
    settings are loaded already: nothing happens."""
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reading a setting loads them)
    except RefusedInProduction as refusal:
        sys.exit(str(refusal))


app.config_from_object("django.conf:settings", namespace="CELERY")


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def scrub_worker_logs(logger, **kwargs):
    """The worker's log lines scrubbed as the site's are (settings.LOGGING): Celery sets up its own handlers."""
    from core.error_reports import PersonalDataLogFilter

    for handler in logger.handlers:
        handler.addFilter(PersonalDataLogFilter())


app.autodiscover_tasks()
