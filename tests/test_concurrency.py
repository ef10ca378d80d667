"""Sign-ons arriving at the same moment: the database keeps one per signatory."""

import threading

import pytest
from django.db import connection
from django.test import Client

from signatories.models import Contact, Signatory, SignOn, SignOnSubmission

from .factories import ContactFactory, OrganizationFactory, SignOnFactory, StatementFactory, TierFactory
from .helpers import individual_post, organization_post, sign_url

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]

PARALLEL_REQUESTS = 12


def post_all_at_once(url, payloads):
    """POST each payload from its own thread, released together; return the responses."""
    barrier = threading.Barrier(len(payloads))
    responses = [None] * len(payloads)
    errors = []

    def worker(index, payload):
        try:
            client = Client()
            barrier.wait(timeout=30)
            responses[index] = client.post(url, payload)
        except Exception as error:  # surfaced below: a thread must not swallow it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, payload)) for index, payload in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


@pytest.fixture
def open_statement():
    statement = StatementFactory()
    TierFactory(statement=statement)
    return statement


def test_simultaneous_sign_ons_of_one_organization_make_one_sign_on(open_statement):
    payloads = [
        organization_post(name="Electronic Frontier Foundation", contact_email=f"staff{index}@eff.example")
        for index in range(PARALLEL_REQUESTS)
    ]
    responses = post_all_at_once(sign_url(open_statement), payloads)

    assert all(response.status_code == 302 for response in responses), [r.status_code for r in responses]
    assert Signatory.objects.count() == 1
    assert SignOn.objects.count() == 1
    # Only the address of the sign-on recorded waits for its confirmation; no one's is a contact yet.
    assert Contact.objects.count() == 0
    assert SignOn.objects.get().pending_email in {f"staff{index}@eff.example" for index in range(PARALLEL_REQUESTS)}


def test_simultaneous_variants_of_a_listed_organization_attach_no_address_to_it(open_statement):
    organization = OrganizationFactory(name="Electronic Frontier Foundation", website="https://www.eff.org")
    contact = ContactFactory(signatory=organization, email="press@eff.org")
    SignOnFactory(statement=open_statement, signatory=organization, contact=contact)
    names = ["Electronic Frontier Foundation", "ELECTRONIC FRONTIER FOUNDATION", "electronic frontier foundation"]
    payloads = [
        organization_post(
            name=names[index % len(names)],
            website="https://www.eff.org/",
            contact_email=f"stranger{index}@webmail.example",
        )
        for index in range(PARALLEL_REQUESTS)
    ]
    responses = post_all_at_once(sign_url(open_statement), payloads)

    # Each answered "check your email" (signatories.inbox), and told by email that EFF had signed.
    assert {response.status_code for response in responses} == {302}
    assert list(organization.contacts.values_list("email", flat=True)) == ["press@eff.org"]
    assert not SignOn.objects.exclude(pending_email="").exists()
    assert SignOn.objects.filter(statement=open_statement).count() == 1
    assert not SignOnSubmission.objects.exists()


def test_simultaneous_identical_submissions_make_one_signatory_and_sign_on(open_statement):
    # Each its own form stamp (a stamp is good for one sign-on); the same answers in every one.
    payloads = [organization_post() for _ in range(PARALLEL_REQUESTS)]
    responses = post_all_at_once(sign_url(open_statement), payloads)
    assert {response.status_code for response in responses} == {302}
    assert (Signatory.objects.count(), Contact.objects.count(), SignOn.objects.count()) == (1, 0, 1)


def test_simultaneous_sign_ons_of_one_individual_make_one_sign_on(open_statement):
    payloads = [individual_post() for _ in range(PARALLEL_REQUESTS)]
    responses = post_all_at_once(sign_url(open_statement), payloads)
    assert {response.status_code for response in responses} == {302}
    assert SignOn.objects.count() == 1
    assert Signatory.objects.filter(kind=Signatory.Kind.INDIVIDUAL).count() == 1


def test_simultaneous_distinct_sign_ons_are_all_kept(open_statement):
    payloads = [
        organization_post(name=f"Organization number {index}", contact_email=f"contact{index}@example.org", website="")
        for index in range(PARALLEL_REQUESTS)
    ]
    responses = post_all_at_once(sign_url(open_statement), payloads)
    assert {response.status_code for response in responses} == {302}
    assert SignOn.objects.count() == PARALLEL_REQUESTS
