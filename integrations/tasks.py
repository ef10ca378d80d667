from celery import shared_task

from core.queueing import queue

from . import selectors, services


@shared_task
def send_notifications():
    """Periodic: record what partners' webhooks are to be told, and send what is due (retries included)."""
    services.record_due_notifications()
    for delivery_id in selectors.due_notification_ids():
        queue("integrations.tasks.deliver_notification", delivery_id)


@shared_task(acks_late=True)
def deliver_notification(delivery_id):
    services.deliver_notification(delivery_id=delivery_id)
