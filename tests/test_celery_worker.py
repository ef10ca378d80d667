"""A real Celery worker, fed through Redis, sends a sign-on's confirmation email exactly once.

Everywhere else tasks run eagerly in the test process; this test checks the path
production takes: `.delay()` → Redis → `celery -A advocacy worker` in another
process → the database → the email backend. It needs Redis and a database that
another process can open (PostgreSQL, or a SQLite file), so rows are committed
(`transaction=True`) for the worker to see them.
"""

import os
import re
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.utils import timezone

from campaigns.models import Campaign, Statement
from signatories.models import Contact, Organization, SignOn
from signatories.tasks import send_sign_on_confirmation

from .workers import sent_messages

pytestmark = [pytest.mark.requires_celery_worker, pytest.mark.django_db(transaction=True)]

# A Redis database of its own on REDIS_URL's server, emptied at the start, so no message left over
# from another run (or from development) reaches this worker.
BROKER_REDIS_DB = int(os.environ.get("TEST_BROKER_REDIS_DB", "15"))
TIMEOUT_SECONDS = 60


def with_redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


@pytest.fixture
def broker_url(settings):
    """Overrides tests/workers.py's private redis-server."""
    url = with_redis_db(settings.REDIS_URL, BROKER_REDIS_DB)
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()
    return url


def make_unconfirmed_sign_on() -> SignOn:
    campaign = Campaign.objects.create(name="UN Cybercrime Convention", slug="un-cybercrime-convention")
    statement = Statement.objects.create(
        campaign=campaign,
        slug="joint-statement",
        title="Joint statement on the proposed cybercrime treaty",
        state=Statement.State.OPEN,
    )
    organization = Organization.objects.create(
        name="Electronic Frontier Foundation", acronym="EFF", country="US", website="https://www.eff.org"
    )
    contact = Contact.objects.create(signatory=organization, name="Ada Lovelace", email="ada@eff.example.org")
    return SignOn.objects.create(
        statement=statement,
        signatory=organization,
        contact=contact,
        consent_version="test",
        consent_given_at=timezone.now(),
    )


def test_worker_sends_the_confirmation_email_once(celery_worker, tasks_sent_to_broker):
    sign_on = make_unconfirmed_sign_on()

    first = send_sign_on_confirmation.delay(sign_on.pk)
    celery_worker.wait_for_task(first.id)

    messages = sent_messages(celery_worker.mail_dir)
    assert len(messages) == 1, f"expected one email, found {len(messages)} in {celery_worker.mail_dir}"
    message = messages[0]
    assert "ada@eff.example.org" in message["To"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert re.search(r"http://testserver/(\S*/)?confirm/\S+", body), body
    sign_on.refresh_from_db()
    assert sign_on.confirmation_email_sent_at is not None

    # A duplicated or retried task finds the email already claimed and sends nothing.
    second = send_sign_on_confirmation.delay(sign_on.pk)
    celery_worker.wait_for_task(second.id)

    assert len(sent_messages(celery_worker.mail_dir)) == 1


def test_worker_imports_a_file_of_sign_ons_once(celery_worker, tasks_sent_to_broker):
    from signatories import imports
    from signatories.models import SignOnImport

    statement = make_unconfirmed_sign_on().statement
    rows = "".join(f"Organization {n},info{n}@example.org,KE\n" for n in range(3))
    upload = SignOnImport.objects.create(
        statement=statement, filename="responses.csv", data=f"Organisation name,E-mail address,Country\n{rows}".encode()
    )
    headings = imports.read_table(bytes(upload.data), upload.filename).headings

    imports.queue_run(upload, mapping=imports.guess_mapping(headings), options=imports.ImportOptions(), dry_run=False)

    deadline = time.monotonic() + TIMEOUT_SECONDS
    while SignOnImport.objects.get().state == SignOnImport.State.QUEUED and time.monotonic() < deadline:
        time.sleep(0.2)
    upload.refresh_from_db()
    assert upload.state == SignOnImport.State.IMPORTED, celery_worker.log()[-6000:]
    assert sorted(SignOn.objects.filter(source=SignOn.Source.IMPORT).values_list("contact__email", flat=True)) == [
        "info0@example.org",
        "info1@example.org",
        "info2@example.org",
    ]
    assert bytes(upload.data) == b""
