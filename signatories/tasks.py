from smtplib import SMTPException

from celery import shared_task

from . import imports, inbox, services

# Transient mail-server or network trouble: retried with backoff (up to ten minutes apart).
EMAIL_TASK_RETRIES = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(**EMAIL_TASK_RETRIES)
def send_sign_on_confirmation(sign_on_id):
    services.send_confirmation_email(sign_on_id=sign_on_id)


@shared_task
def record_sign_on_submissions():
    inbox.record_submissions()


@shared_task
def record_pending_sign_on_submissions():
    """Inbox sweep: sign-ons whose drain could not be queued, and signers still owed an email."""
    inbox.record_pending_submissions()


@shared_task(**EMAIL_TASK_RETRIES)
def send_already_signed_email(submission_id):
    inbox.send_already_signed_email(submission_id=submission_id)


@shared_task
def send_unsent_confirmation_emails():
    """Outbox sweep: send confirmation emails that could not be queued when the sign-on came in."""
    for sign_on_id in services.unsent_confirmation_ids():
        send_sign_on_confirmation.delay(sign_on_id)


@shared_task(**EMAIL_TASK_RETRIES)
def send_rejection_notice(sign_on_id):
    services.send_rejection_email(sign_on_id=sign_on_id)


@shared_task(acks_late=True)
def run_sign_on_import(upload_id):
    imports.run_queued(upload_id)


@shared_task
def discard_stale_sign_on_uploads():
    imports.discard_stale_uploads()


@shared_task(acks_late=True)
def read_sign_on_upload(upload_id):
    imports.read_kept_upload(upload_id)
