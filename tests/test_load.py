"""Sign-ons under load, through a real HTTP server with a bounded worker pool, on PostgreSQL.

Hundreds of clients post at the same moment; the database constraints, not luck,
keep one sign-on per signatory, and every accepted sign-on gets its confirmation
email once.
"""

import time

import pytest
from django.db.models import Count

from signatories.models import Contact, Signatory, SignOn, SignOnSubmission

from .factories import ContactFactory, OrganizationFactory, SignOnFactory, StatementFactory, TierFactory
from .helpers import organization_post, sign_url
from .pooled_server import csrf_for, pooled_server, post_all_at_once

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]

# Database connections the server may hold: PostgreSQL (max_connections 100) is
# shared with other test processes.
SERVER_WORKERS = 8


@pytest.fixture
def open_statement():
    statement = StatementFactory()
    TierFactory(statement=statement)
    return statement


def form(token, **fields):
    return {"csrfmiddlewaretoken": token, **organization_post(**fields)}


def test_200_simultaneous_submissions_of_a_listed_organization_keep_one_sign_on_and_all_say_already_signed(
    open_statement, mailoutbox
):
    eff = OrganizationFactory(name="Electronic Frontier Foundation", acronym="EFF", website="https://www.eff.org/")
    SignOnFactory(statement=open_statement, signatory=eff, contact=ContactFactory(signatory=eff))
    started = time.monotonic()

    with pooled_server(SERVER_WORKERS) as server:
        cookies, token = csrf_for(server.port, open_statement.get_absolute_url())
        payloads = [
            form(
                token,
                name="Electronic Frontier Foundation",
                acronym="EFF",
                website="https://www.eff.org/",
                contact_email=f"staff{index}@eff.example",
            )
            for index in range(200)
        ]
        answers = post_all_at_once(server.port, sign_url(open_statement), payloads, cookies=cookies)

    assert sorted({answer.status for answer in answers}) == [302]
    assert SignOn.objects.filter(statement=open_statement).count() == 1
    assert Signatory.objects.filter(kind=Signatory.Kind.ORGANIZATION).count() == 1
    # Each signer is told by email that EFF is on the list already (signatories.inbox), once.
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        f"staff{index}@eff.example" for index in range(200)
    )
    assert all(message.subject.startswith("Already signed") for message in mailoutbox)
    assert not SignOnSubmission.objects.exists()
    assert time.monotonic() - started < 60


def test_200_simultaneous_first_submissions_of_one_organization_make_one_sign_on_and_one_email(
    open_statement, mailoutbox
):
    with pooled_server(SERVER_WORKERS) as server:
        cookies, token = csrf_for(server.port, open_statement.get_absolute_url())
        # The same answers 200 times, each with its own form stamp (a stamp is good for one sign-on).
        payloads = [
            form(
                token,
                name="Access Now",
                website="https://www.accessnow.org/",
                contact_email="campaigns@accessnow.example",
            )
            for _ in range(200)
        ]
        answers = post_all_at_once(server.port, sign_url(open_statement), payloads, cookies=cookies)

    # Not yet public, so every answer is the same "check your email": nobody learns who won.
    assert {answer.status for answer in answers} == {302}
    assert {answer.headers["location"] for answer in answers} == {f"{open_statement.get_absolute_url()}thank-you/#main"}
    # The address waits on the sign-on until it is confirmed: no contact yet.
    assert (Signatory.objects.count(), Contact.objects.count(), SignOn.objects.count()) == (1, 0, 1)
    assert [message.to for message in mailoutbox] == [["campaigns@accessnow.example"]]


def test_500_simultaneous_distinct_sign_ons_are_all_kept_each_with_one_confirmation_email(open_statement, mailoutbox):
    started = time.monotonic()
    with pooled_server(SERVER_WORKERS) as server:
        cookies, token = csrf_for(server.port, open_statement.get_absolute_url())
        payloads = [
            form(
                token,
                name=f"Digital Rights Group {index}",
                website="",
                country="KE",
                contact_email=f"contact{index}@group{index}.example",
            )
            for index in range(500)
        ]
        answers = post_all_at_once(server.port, sign_url(open_statement), payloads, cookies=cookies)

    assert {answer.status for answer in answers} == {302}
    assert SignOn.objects.filter(statement=open_statement).count() == 500
    assert not SignOn.objects.values("signatory").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert SignOn.objects.filter(confirmation_email_sent_at__isnull=True).count() == 0
    addresses = sorted(address for message in mailoutbox for address in message.to)
    assert addresses == sorted(f"contact{index}@group{index}.example" for index in range(500))
    assert time.monotonic() - started < 60
