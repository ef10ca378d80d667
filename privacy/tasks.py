from celery import shared_task

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def apply_retention():
    """Periodic: erase what is past its retention period. Running it twice erases nothing more."""
    run = services.apply_retention()
    return len(run.contacts)
