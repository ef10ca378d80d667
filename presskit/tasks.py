from celery import shared_task

from . import services


# acks_late: a worker that dies while building leaves the task to another; the build is idempotent.
@shared_task(acks_late=True)
def build_document(document_id):
    services.build_document(document_id=document_id)


@shared_task
def rebuild_stale_documents():
    """Every minute (celery beat): rebuild what is out of date, at most once per interval each."""
    services.rebuild_stale_documents()
