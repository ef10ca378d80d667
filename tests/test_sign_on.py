"""Signing a statement through the public form."""

import datetime
import re
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Statement
from signatories import services
from signatories.models import Contact, Signatory, SignOn, SignOnSubmission

from .factories import OrganizationFactory, SignOnFactory, StatementFactory, TierFactory
from .helpers import individual_post, input_tag, organization_post, sign, sign_url, spam_check_fields

pytestmark = pytest.mark.django_db


def test_statement_page_offers_organization_and_individual_forms(client, statement):
    page = client.get(statement.get_absolute_url()).content.decode()
    for label in [
        "Organization name",
        "Acronym",
        "Website",
        "Your name",
        "Your email address",
        "Title",
        "Affiliation",
        "Listed publicly",
        "Listed publicly, without country",
        "Not listed (counted only)",
        "privacy notice",
        "I am authorized to sign on behalf of this organization.",
    ]:
        assert label in page
    assert 'for="id_organization-contact_email"' in page
    assert 'for="id_individual-email"' in page


def test_organization_sign_on_is_recorded_with_contact_consent_and_version(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    statement.version = 3
    statement.save()
    before = timezone.now()

    response = sign(client, statement, organization_post(), django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"].endswith("/thank-you/#main")
    sign_on = SignOn.objects.get()
    assert sign_on.signatory.kind == Signatory.Kind.ORGANIZATION
    assert sign_on.signatory.name == "Derechos Digitales"
    assert sign_on.signatory.country.code == "CL"
    assert sign_on.signatory.website_domain == "derechosdigitales.org"
    # Unproven until confirmed: the address waits on the sign-on, not as the organization's contact.
    assert (sign_on.pending_email, sign_on.pending_contact_name) == (
        "maria@derechosdigitales.example",
        "María José Pérez",
    )
    assert sign_on.contact is None
    assert sign_on.listing == SignOn.Listing.LISTED
    assert sign_on.authorized_to_sign
    assert sign_on.consent_version == settings.PRIVACY_NOTICE_VERSION
    assert sign_on.consent_given_at >= before
    assert sign_on.statement_version == 3
    assert sign_on.tier.name == "Full list of signatories supporting the letter"
    assert sign_on.confirmation_state == SignOn.Confirmation.UNCONFIRMED
    assert sign_on.submitted_profile["website"] == "https://www.derechosdigitales.org/"
    assert len(mailoutbox) == 1


def test_thank_you_page_asks_to_check_email(client, statement, django_capture_on_commit_callbacks):
    response = sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    page = client.get(response["Location"]).content.decode()
    assert "Check your email" in page


def test_trailing_acronym_in_the_name_becomes_the_acronym(client, statement, django_capture_on_commit_callbacks):
    sign(
        client,
        statement,
        organization_post(name="Kenya ICT Action Network (KICTANet)"),
        django_capture_on_commit_callbacks,
    )
    signatory = Signatory.objects.get()
    assert (signatory.name, signatory.acronym) == ("Kenya ICT Action Network", "KICTANet")
    assert signatory.display_name == "Kenya ICT Action Network (KICTANet)"


def test_individual_sign_on_keeps_title_and_affiliation(client, statement, django_capture_on_commit_callbacks):
    response = sign(client, statement, individual_post(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    signatory = Signatory.objects.get()
    assert signatory.kind == Signatory.Kind.INDIVIDUAL
    assert signatory.title == "Full Professor"
    assert signatory.affiliation == "Department of Criminology, University of Ottawa"
    assert signatory.sign_ons.get().pending_email == "valerie@uottawa.example"
    # The email identifies the individual without being stored on the public profile.
    assert "valerie" not in (signatory.identity_key or "")


@pytest.mark.parametrize("listing", ["listed", "listed_without_country", "unlisted"])
def test_each_listing_choice_is_recorded(client, statement, listing, django_capture_on_commit_callbacks):
    sign(client, statement, organization_post(listing=listing), django_capture_on_commit_callbacks)
    assert SignOn.objects.get().listing == listing


def test_requested_tier_is_offered_only_when_the_statement_allows_it(
    client, statement, django_capture_on_commit_callbacks
):
    lead_tier = statement.tiers.get(position=0)
    page = client.get(statement.get_absolute_url()).content.decode()
    assert 'name="organization-tier"' not in page

    statement.allows_tier_requests = True
    statement.save()
    page = client.get(statement.get_absolute_url()).content.decode()
    assert 'name="organization-tier"' in page
    assert lead_tier.name in page

    sign(client, statement, organization_post(tier=str(lead_tier.pk)), django_capture_on_commit_callbacks)
    sign_on = SignOn.objects.get()
    assert sign_on.requested_tier == lead_tier
    assert sign_on.tier.is_default  # staff grant the requested tier; the signer cannot take it


def test_tier_of_another_statement_is_refused(client, statement, django_capture_on_commit_callbacks):
    statement.allows_tier_requests = True
    statement.save()
    foreign_tier = TierFactory(is_requestable=True)
    response = sign(client, statement, organization_post(tier=str(foreign_tier.pk)), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert 'id="id_organization-tier_errors"' in response.content.decode()
    assert not SignOn.objects.exists()


def test_organization_signing_a_second_statement_is_the_same_organization(
    client, statement, django_capture_on_commit_callbacks
):
    second = StatementFactory(campaign=statement.campaign)
    sign(
        client, statement, organization_post(name="Electronic Frontier Foundation"), django_capture_on_commit_callbacks
    )
    sign(
        client,
        second,
        organization_post(name="  electronic   frontier foundation ", contact_email="other@eff.example"),
        django_capture_on_commit_callbacks,
    )
    assert Signatory.objects.count() == 1
    organization = Signatory.objects.get()
    assert organization.sign_ons.count() == 2
    assert sorted(organization.sign_ons.values_list("pending_email", flat=True)) == [
        "maria@derechosdigitales.example",
        "other@eff.example",
    ]


def test_organization_is_found_again_by_website_domain(client, statement, django_capture_on_commit_callbacks):
    second = StatementFactory(campaign=statement.campaign)
    sign(
        client,
        statement,
        organization_post(name="Electronic Frontier Foundation", website="https://www.eff.org"),
        django_capture_on_commit_callbacks,
    )
    sign(
        client,
        second,
        organization_post(name="EFF", website="http://eff.org/about"),
        django_capture_on_commit_callbacks,
    )
    assert Signatory.objects.count() == 1
    assert Signatory.objects.get().sign_ons.count() == 2


def test_shared_hosting_domain_does_not_merge_organizations(client, statement, django_capture_on_commit_callbacks):
    sign(
        client,
        statement,
        organization_post(name="Collective One", website="https://collective-one.wordpress.com"),
        django_capture_on_commit_callbacks,
    )
    sign(
        client,
        statement,
        organization_post(
            name="Collective Two", website="https://wordpress.com/collective-two", contact_email="two@example.org"
        ),
        django_capture_on_commit_callbacks,
    )
    assert Signatory.objects.count() == 2


def test_anonymous_submission_does_not_rewrite_an_existing_profile(
    client, statement, django_capture_on_commit_callbacks
):
    existing = OrganizationFactory(name="Access Now", country="US", website="https://www.accessnow.org")
    sign(
        client,
        statement,
        organization_post(name="access now", country="RU", website="https://evil.example"),
        django_capture_on_commit_callbacks,
    )
    existing.refresh_from_db()
    assert existing.country.code == "US"
    assert existing.website == "https://www.accessnow.org"
    sign_on = SignOn.objects.get()
    assert sign_on.signatory == existing
    # What the signer typed is still kept, on the sign-on, for staff to review.
    assert sign_on.submitted_profile["country"] == "RU"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"contact_email": "not-an-email"}, "contact_email", "Enter a valid email address."),
        ({"website": "javascript:alert(1)"}, "website", "Enter a valid URL."),
        ({"country": "XX"}, "country", "Select a valid choice."),
        ({"listing": "everywhere"}, "listing", "Select a valid choice."),
        ({"name": "N" * 301}, "name", "Ensure this value has at most 300 characters"),
        ({"acronym": "A" * 31}, "acronym", "Ensure this value has at most 30 characters"),
        ({"name": "Null\x00Byte"}, "name", "Null characters are not allowed."),
        ({"consent": None}, "consent", "Please agree to the privacy notice"),
        ({"authorized": None}, "authorized", "Only a person authorized by the organization may sign for it."),
    ],
)
def test_bad_input_shows_the_form_again_with_field_errors_and_typed_values(
    client, statement, overrides, field, message, django_capture_on_commit_callbacks
):
    response = sign(client, statement, organization_post(**overrides), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    page = response.content.decode()
    errors_id = f"id_organization-{field}_errors"
    assert f'id="{errors_id}"' in page
    assert message in page
    if field != "listing":  # radios are described by their fieldset
        # The input points at its error message, for screen readers.
        tag = input_tag(page, f"id_organization-{field}")
        assert errors_id in tag
        assert 'aria-invalid="true"' in tag
    # What the signer typed is still there.
    if field != "contact_email":
        assert 'value="maria@derechosdigitales.example"' in page
    if field not in {"name"}:
        assert 'value="Derechos Digitales"' in page
    assert not SignOn.objects.exists()


def error_summary(page, prefix):
    """The error summary of the ``prefix`` form: present, focusable, and the target of the form's address."""
    match = re.search(
        rf'<div class="form-errors" role="alert" id="{prefix}-errors" tabindex="-1">(.*?)</div>', page, re.S
    )
    assert match, f"no error summary for {prefix}"
    return match.group(1)


def test_sign_on_forms_send_the_signer_back_to_their_error_summary(client, statement):
    """Sent back with errors, the browser opens the page at the summary (the fragment), not at the top."""
    page = client.get(statement.get_absolute_url()).content.decode()
    for prefix in ("organization", "individual"):
        assert re.search(rf'<form method="post" action="{re.escape(sign_url(statement))}#{prefix}-errors"', page)


def test_failed_sign_on_lists_each_field_in_error_with_a_link_to_it(
    client, statement, django_capture_on_commit_callbacks
):
    response = sign(
        client,
        statement,
        organization_post(name="", contact_email="not-an-email", listing=None, consent=None),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    page = response.content.decode()
    summary = error_summary(page, "organization")
    assert "Please correct the fields marked below." in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [target for target, _text in links] == [
        "id_organization-name",
        "id_organization-contact_email",
        "id_organization-listing_0",
        "id_organization-consent",
    ]
    assert [text for _target, text in links] == [
        "Organization name: This field is required.",
        "Your email address: Enter a valid email address.",
        "How may we list this signature?: This field is required.",
        # A box to tick: its own message says what is missing.
        "Please agree to the privacy notice so that we can store your signature.",
    ]
    # Each link leads to an input of the page.
    for target, _text in links:
        assert f'id="{target}"' in page
    # The summary opens the form it belongs to; the other form is untouched.
    form = page[page.index('id="sign-organization"') : page.index('id="sign-individual"')]
    assert 'id="organization-errors"' in form
    assert 'id="individual-errors"' not in page


def test_individual_errors_land_on_the_individual_summary(client, statement, django_capture_on_commit_callbacks):
    response = sign(client, statement, individual_post(email=""), django_capture_on_commit_callbacks)
    summary = error_summary(response.content.decode(), "individual")
    assert '<a href="#id_individual-email">Your email address: This field is required.</a>' in summary


def test_a_form_sent_too_quickly_lands_on_the_summary_of_the_form(
    client, statement, settings, django_capture_on_commit_callbacks
):
    settings.SPAM_PROTECTION_MIN_SECONDS = 3
    data = {**organization_post(), **spam_check_fields("organization", shown_seconds_ago=0)}
    response = sign(client, statement, data, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "quicker than a person can fill in this form" in error_summary(response.content.decode(), "organization")
    assert not SignOn.objects.exists()


def test_too_many_sign_ons_land_on_the_summary_of_the_form(
    client, statement, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMIT_CACHE_PREFIX = f"rate-limit-test-{time.time_ns()}"
    settings.RATE_LIMITS = {"sign-on": {"client": "1/h", "email": "5/h"}}
    sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    response = sign(
        client,
        statement,
        organization_post(name="Second Org", contact_email="second@example.org"),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 429
    assert "Too many submissions came from your connection" in error_summary(response.content.decode(), "organization")


def test_pages_a_sign_on_leads_to_name_their_own_fragment(client, statement, django_capture_on_commit_callbacks):
    """A redirect without a fragment would keep the form's #…-errors in the address of the thank-you page."""
    response = sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    assert response["Location"].endswith("/thank-you/#main")
    statement.state = Statement.State.CLOSED
    statement.save()
    response = sign(client, statement, organization_post(name="Late Org"), django_capture_on_commit_callbacks)
    assert response["Location"] == statement.get_absolute_url() + "#main"


def test_unknown_form_kind_is_a_clear_bad_request(client, statement):
    response = client.post(sign_url(statement), {"kind": "robot"})
    assert response.status_code == 400


def test_oversized_request_is_refused_without_a_server_error(client, statement):
    response = client.post(sign_url(statement), organization_post(name="x" * (3 * 1024 * 1024)))
    assert response.status_code == 400
    assert not SignOn.objects.exists()


@pytest.mark.parametrize(
    "state, late, deadline_offset, accepting",
    [
        (Statement.State.OPEN, False, None, True),
        (Statement.State.OPEN, False, datetime.timedelta(days=1), True),
        (Statement.State.OPEN, False, datetime.timedelta(days=-1), False),
        (Statement.State.CLOSED, False, None, False),
        (Statement.State.PUBLISHED, False, None, False),
        (Statement.State.PUBLISHED, True, None, True),
    ],
)
def test_sign_on_form_is_open_only_while_the_statement_accepts_sign_ons(
    client, statement, state, late, deadline_offset, accepting, django_capture_on_commit_callbacks
):
    statement.state = state
    statement.accepts_late_sign_ons = late
    statement.sign_on_deadline = timezone.now() + deadline_offset if deadline_offset else None
    statement.save()

    page = client.get(statement.get_absolute_url()).content.decode()
    assert ('name="organization-contact_email"' in page) is accepting

    response = sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    assert SignOn.objects.exists() is accepting
    if not accepting:
        assert "not accepting sign-ons" in client.get(response["Location"]).content.decode()


def test_draft_statement_cannot_be_signed(client, statement, django_capture_on_commit_callbacks):
    statement.state = Statement.State.DRAFT
    statement.save()
    response = sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not SignOn.objects.exists()


def test_signing_again_for_a_listed_signatory_is_answered_by_email_and_adds_no_row(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    """The POST only queues the signature (signatories.inbox): the signer learns by email that it was there already."""
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Privacy International", country="GB"))
    response = sign(
        client,
        statement,
        organization_post(name="Privacy International", contact_email="press@privacyinternational.example"),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/thank-you/#main")
    assert SignOn.objects.count() == 1
    assert not SignOnSubmission.objects.exists()  # told, the address is kept nowhere
    [message] = mailoutbox
    assert message.to == ["press@privacyinternational.example"]
    assert message.subject == f"Already signed: {statement.title}"
    assert "Privacy International had already signed it" in message.body
    assert "Privacy International is on the list of signatories:" in message.body
    assert statement.get_absolute_url() in message.body
    assert "/manage/" not in message.body  # not the address that signed: no private link


def test_the_address_that_signed_gets_its_private_link_when_it_signs_again(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    earlier = SignOnFactory(statement=statement, listing=SignOn.Listing.UNLISTED)
    response = sign(
        client,
        statement,
        organization_post(name=earlier.signatory.name, contact_email=earlier.contact.email.upper()),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == [earlier.contact.email.upper()]
    assert "is on the list" not in message.body  # unlisted: not on the public list
    assert services.make_management_token(earlier) in message.body


def test_second_sign_on_of_an_unlisted_signatory_reveals_nothing(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    """Someone probing whether an at-risk organization signed learns nothing."""
    SignOnFactory(
        statement=statement, listing=SignOn.Listing.UNLISTED, signatory=OrganizationFactory(name="Quiet Defenders")
    )
    probe = sign(
        client,
        statement,
        organization_post(name="Quiet Defenders", contact_email="probe@example.org"),
        django_capture_on_commit_callbacks,
    )
    fresh = sign(
        client,
        statement,
        organization_post(name="Brand New Org", contact_email="new@example.org"),
        django_capture_on_commit_callbacks,
    )
    assert probe.status_code == fresh.status_code == 302
    assert probe["Location"] == fresh["Location"]
    assert SignOn.objects.filter(signatory__name="Quiet Defenders").count() == 1
    assert [message.to for message in mailoutbox] == [["new@example.org"]]


def test_signing_again_before_confirming_resends_the_link_not_a_new_sign_on(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    SignOn.objects.update(confirmation_email_sent_at=timezone.now() - datetime.timedelta(hours=1))
    sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    # Right away again: no email loop.
    sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    assert SignOn.objects.count() == 1
    assert Contact.objects.count() == 0  # an address becomes a contact only once confirmed
    assert len(mailoutbox) == 2
    # The signer asked for a new email: it is not a retry of the lost one, so a mail client must not hide it.
    assert mailoutbox[0].extra_headers["Message-ID"] != mailoutbox[1].extra_headers["Message-ID"]


def test_database_refuses_a_second_sign_on_for_the_same_signatory(statement):
    from django.db import IntegrityError, transaction

    first = SignOnFactory(statement=statement)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOn.objects.create(statement=statement, signatory=first.signatory)


@pytest.mark.parametrize(
    "typed, name, acronym",
    [
        ("Association for Progressive Communications (APC)", "Association for Progressive Communications", "APC"),
        (
            "Human Rights Network for Journalists-Uganda (HRNJ-U)",
            "Human Rights Network for Journalists-Uganda",
            "HRNJ-U",
        ),
        ("Centre for Independent Journalism (Malaysia)", "Centre for Independent Journalism (Malaysia)", ""),
        ("Jinbonet (Korean Progressive Network Center)", "Jinbonet (Korean Progressive Network Center)", ""),
        ("International Press Centre (IPC) Lagos-Nigeria", "International Press Centre (IPC) Lagos-Nigeria", ""),
    ],
)
def test_only_a_real_trailing_acronym_is_split_from_the_name(typed, name, acronym):
    signatory = OrganizationFactory(name=typed)
    assert (signatory.name, signatory.acronym) == (name, acronym)


def test_sign_ons_follow_changes_to_the_statement_they_reuse(client, statement, django_capture_on_commit_callbacks):
    """The statement is loaded once for many sign-ons, yet every change to it counts from the next one."""

    def post(name, email):
        return sign(
            client,
            statement,
            organization_post(name=name, contact_email=email, website=""),
            django_capture_on_commit_callbacks,
        )

    post("First Org", "a@first.example")
    # The second sign-on reads the statement's version, not the statement with its tiers again.
    with CaptureQueriesContext(connection) as queries:
        post("Second Org", "b@second.example")
    assert SignOn.objects.filter(signatory__name="Second Org").exists()
    loads_the_statement = f'"{Statement._meta.db_table}"."title"'
    from_statements = f'FROM "{Statement._meta.db_table}"'
    assert not [
        query["sql"]
        for query in queries.captured_queries
        if from_statements in query["sql"] and loads_the_statement in query["sql"]
    ]

    statement.version = 2
    statement.save()
    post("Third Org", "c@third.example")
    third = SignOn.objects.get(signatory__name="Third Org")
    assert third.statement_version == 2

    Statement.objects.filter(pk=statement.pk).update(state=Statement.State.CLOSED)  # no save(), no signal
    response = post("Fourth Org", "d@fourth.example")
    assert not SignOn.objects.filter(signatory__name="Fourth Org").exists()
    assert "not accepting sign-ons" in client.get(response["Location"]).content.decode()


def test_a_reused_statement_is_fresh_within_the_production_bound(
    client, statement, settings, django_capture_on_commit_callbacks
):
    settings.STATEMENT_PAGE_FRESH_SECONDS = 0.2
    sign(
        client,
        statement,
        organization_post(name="First Org", contact_email="a@first.example"),
        django_capture_on_commit_callbacks,
    )
    statement.state = Statement.State.CLOSED
    statement.save()
    time.sleep(0.25)
    sign(
        client,
        statement,
        organization_post(name="Late Org", contact_email="b@late.example"),
        django_capture_on_commit_callbacks,
    )
    assert not SignOn.objects.filter(signatory__name="Late Org").exists()
