from celery import shared_task

from . import services


@shared_task
def dispatch_due_mailings():
    """Periodic: start mailings that are due and restart the senders of stalled ones."""
    services.queue_senders(services.dispatch_due_mailings())


@shared_task(
    bind=True,
    autoretry_for=(services.TransientSendError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=None,
    acks_late=True,
)
def send_mailing(self, mailing_id):
    if services.send_for_a_turn(mailing_id=mailing_id):
        services.queue_senders([mailing_id], senders=1)
