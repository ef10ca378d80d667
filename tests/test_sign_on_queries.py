"""What one public sign-on costs the database: a fixed, small number of queries (issue 16).

The POST's own share, without the statement lookup (public_site/statement_page.py):
find the signatory, then one transaction with the INSERTs and no savepoint of its own.
Here every test runs inside a transaction, so that transaction shows as one savepoint
(SAVEPOINT … RELEASE), where production has BEGIN … COMMIT.
"""

import pytest
from django.conf import settings
from django.db.models import prefetch_related_objects

from signatories import services
from signatories.models import Signatory, SignOn

from .factories import OrganizationFactory, SignOnFactory, StatementFactory

pytestmark = pytest.mark.django_db


def organization(name="Sursiendo", email="contact@sursiendo.example"):
    return services.SignatoryDetails(
        kind=Signatory.Kind.ORGANIZATION, name=name, email=email, contact_name="Ana", country="MX"
    )


def submit(statement, details):
    return services.submit_sign_on(
        statement=statement,
        details=details,
        listing=SignOn.Listing.LISTED,
        consent_version=settings.PRIVACY_NOTICE_VERSION,
        authorized_to_sign=True,
    )


def test_a_new_organization_signs_in_five_queries_without_audit_copies_of_the_new_rows(
    statement, django_assert_num_queries, django_capture_on_commit_callbacks
):
    prefetch_related_objects([statement], "tiers")  # as the view gets it
    with django_capture_on_commit_callbacks() as queued, django_assert_num_queries(5) as captured:
        result = submit(statement, organization())

    # The lookup, then SAVEPOINT, INSERT signatory, INSERT sign-on, RELEASE: no savepoint inside.
    assert [query["sql"].split()[0] for query in captured.captured_queries] == [
        "SELECT",
        "SAVEPOINT",
        "INSERT",
        "INSERT",
        "RELEASE",
    ]
    assert result.outcome == services.SubmissionOutcome.RECEIVED
    assert len(queued) == 1  # the confirmation email, queued once the transaction commits
    # The rows record their own creation; the audit trail starts with their first change.
    assert not Signatory.history.filter(id=result.sign_on.signatory_id).exists()
    assert not SignOn.history.filter(id=result.sign_on.pk).exists()
    services.confirm_sign_on(token=services.make_confirmation_token(result.sign_on))
    assert SignOn.history.get(id=result.sign_on.pk).history_change_reason == services.CONFIRMATION_CHANGE_REASON


def test_an_organization_that_signed_before_signs_again_in_four_queries(statement, django_assert_num_queries):
    known = OrganizationFactory(name="Sursiendo")
    SignOnFactory(statement=StatementFactory(), signatory=known)
    prefetch_related_objects([statement], "tiers")

    with django_assert_num_queries(4):
        result = submit(statement, organization())

    assert result.outcome == services.SubmissionOutcome.RECEIVED
    assert result.sign_on.signatory == known


def test_a_second_sign_on_of_the_same_statement_is_answered_as_before(statement):
    first = submit(statement, organization())

    again = submit(statement, organization(email="someone.else@sursiendo.example"))

    assert again.outcome == services.SubmissionOutcome.ALREADY_RECORDED
    assert again.sign_on == first.sign_on
    assert SignOn.objects.count() == Signatory.objects.count() == 1
