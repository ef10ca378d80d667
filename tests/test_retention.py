"""Retention: N days after a campaign closes, its signers' contact details go; the public record stays."""

import io
import logging
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from mailings.models import Delivery, Invitation, Mailing
from privacy.models import ErasureRecord
from privacy.tasks import apply_retention
from signatories.models import Contact, Signatory, SignOn

from .factories import (
    CampaignFactory,
    ContactFactory,
    IndividualFactory,
    OrganizationFactory,
    SignOnFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIGNERS = [
    ("Association for Progressive Communications", "apc.contact@secret-mail.example"),
    ("Derechos Digitales", "derechos.contact@secret-mail.example"),
    ("Social Media Exchange (SMEX)", "smex.contact@secret-mail.example"),
]


def close(campaign, days_ago, retention_days=30):
    campaign.closed_at = timezone.now() - timezone.timedelta(days=days_ago)
    campaign.retention_days = retention_days
    campaign.save()
    return campaign


@pytest.fixture
def closed_campaign(db):
    """A campaign closed 40 days ago with a 30-day retention, signed by organizations and an expert."""
    statement = StatementFactory(title="Closed joint statement", state="published")
    for name, email in SIGNERS:
        organization = OrganizationFactory(name=name)
        SignOnFactory(
            statement=statement,
            signatory=organization,
            contact=ContactFactory(signatory=organization, name=f"Contact of {name}", email=email),
        )
    expert = IndividualFactory(name="Quiet Expert")
    SignOnFactory(
        statement=statement,
        signatory=expert,
        listing=SignOn.Listing.UNLISTED,
        contact=ContactFactory(signatory=expert, name="Quiet Expert", email="quiet.expert@secret-mail.example"),
    )
    close(statement.campaign, days_ago=40)
    return statement


def public_record(statement):
    return sorted(
        (sign_on.signatory.name, sign_on.listing, sign_on.moderation_state, sign_on.confirmation_state)
        for sign_on in SignOn.objects.filter(statement=statement).select_related("signatory")
    )


def test_dry_run_lists_what_would_go_and_changes_nothing(closed_campaign):
    out = io.StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    output = out.getvalue()
    assert "4 contacts would be erased" in output
    assert "a•••@secret-mail.example" in output
    assert "apc.contact@secret-mail.example" not in output
    assert Contact.objects.count() == 4
    assert not ErasureRecord.objects.exists()


def test_run_erases_contact_details_and_keeps_the_public_record(client, closed_campaign):
    before = public_record(closed_campaign)
    page_before = client.get(closed_campaign.get_absolute_url()).content.decode()

    call_command("apply_retention", stdout=io.StringIO())

    assert Contact.objects.count() == 0
    assert public_record(closed_campaign) == before
    assert Signatory.objects.count() == 4
    page_after = client.get(closed_campaign.get_absolute_url()).content.decode()
    for name, _email in SIGNERS:
        assert (name.split(" (")[0] in page_before) and (name.split(" (")[0] in page_after)
    record = ErasureRecord.objects.get()
    assert (record.reason, record.campaign, record.contacts_erased) == (
        ErasureRecord.Reason.RETENTION,
        closed_campaign.campaign,
        4,
    )


def test_running_twice_erases_nothing_more(closed_campaign):
    call_command("apply_retention", stdout=io.StringIO())
    out = io.StringIO()

    call_command("apply_retention", stdout=out)

    assert "0 contacts erased" in out.getvalue()
    assert ErasureRecord.objects.count() == 1


def test_campaign_within_its_retention_period_keeps_everything(closed_campaign):
    close(closed_campaign.campaign, days_ago=10, retention_days=30)

    call_command("apply_retention", stdout=io.StringIO())

    assert Contact.objects.count() == 4


def test_open_campaign_keeps_everything(closed_campaign):
    campaign = closed_campaign.campaign
    campaign.closed_at = None
    campaign.save()

    call_command("apply_retention", stdout=io.StringIO())

    assert Contact.objects.count() == 4


def test_signer_with_an_account_keeps_their_contact_details(closed_campaign):
    UserFactory(email="APC.Contact@secret-mail.example")
    other = UserFactory(email="someone.else@ngo.example")
    EmailAddress.objects.create(user=other, email="derechos.contact@secret-mail.example", verified=True)

    call_command("apply_retention", stdout=io.StringIO())

    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "apc.contact@secret-mail.example",
        "derechos.contact@secret-mail.example",
    ]


def test_signer_still_active_in_another_campaign_keeps_their_contact_details(closed_campaign):
    smex = Signatory.objects.get(name="Social Media Exchange")
    smex_contact = Contact.objects.get(signatory=smex)
    SignOnFactory(
        statement=StatementFactory(campaign=CampaignFactory(name="Still open")), signatory=smex, contact=smex_contact
    )
    # Closed too, but later: its own retention period has not run out.
    derechos = Signatory.objects.get(name="Derechos Digitales")
    later = StatementFactory(campaign=close(CampaignFactory(), days_ago=5, retention_days=30))
    SignOnFactory(statement=later, signatory=derechos, contact=Contact.objects.get(signatory=derechos))

    call_command("apply_retention", stdout=io.StringIO())

    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "derechos.contact@secret-mail.example",
        "smex.contact@secret-mail.example",
    ]


def test_retention_is_logged_without_the_erased_data(closed_campaign, caplog):
    with caplog.at_level(logging.DEBUG):
        call_command("apply_retention", stdout=io.StringIO())

    assert "Retention: 4 contacts, 0 invitations and 0 delivery rows erased" in caplog.text
    for _name, email in SIGNERS:
        assert email not in caplog.text
    assert "Contact of" not in caplog.text and "Quiet Expert" not in caplog.text


def test_periodic_task_is_scheduled_and_applies_retention(closed_campaign):
    schedule = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert schedule["task"] == "privacy.tasks.apply_retention"

    assert apply_retention.delay().get() == 4
    assert Contact.objects.count() == 0
    assert apply_retention.delay().get() == 0


def test_retention_on_the_demo_campaign_keeps_its_published_list(client):
    """The seed campaign (110 real signatories), given contacts, closed and past retention."""
    call_command("load_demo_campaign", stdout=io.StringIO())
    statement = SignOn.objects.select_related("statement").first().statement
    for n, sign_on in enumerate(SignOn.objects.filter(statement__campaign=statement.campaign)):
        sign_on.contact = ContactFactory(signatory=sign_on.signatory, email=f"seed{n}@secret-mail.example")
        sign_on.save(update_fields=["contact"])

    def named_on_the_public_list():
        page = client.get(f"{statement.get_absolute_url()}signatories/").content.decode()
        return int(re.search(r"(\d+) named signatories", page).group(1))

    listed_before = named_on_the_public_list()
    close(statement.campaign, days_ago=200, retention_days=180)

    call_command("apply_retention", stdout=io.StringIO())

    assert not Contact.objects.filter(email__endswith="@secret-mail.example").exists()
    assert listed_before > 100
    assert named_on_the_public_list() == listed_before


def invite_and_mail(statement, email, *, mailing_state=Mailing.State.SENT):
    invitation = Invitation.objects.create(
        statement=statement, organization_name="Invited NGO", email=email, contact_name="Invitee"
    )
    mailing = Mailing.objects.create(
        kind=Mailing.Kind.INVITATION, statement=statement, name="Invitations", state=mailing_state
    )
    Delivery.objects.create(
        mailing=mailing, email=email, name="Invitee", invitation=invitation, state=Delivery.State.SENT
    )
    return invitation, mailing


def test_invitations_and_mailing_delivery_rows_of_the_campaign_go_too(closed_campaign):
    invite_and_mail(closed_campaign, "invitee@secret-mail.example")
    # Another campaign, still open, keeps its own invitation and delivery row for the same address.
    open_statement = StatementFactory()
    _invitation, open_mailing = invite_and_mail(open_statement, "invitee@secret-mail.example")

    dry = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=dry)
    assert "1 invitations and 1 mailing delivery rows would be erased" in dry.getvalue()
    assert Invitation.objects.count() == 2 and Delivery.objects.count() == 2

    out = io.StringIO()
    call_command("apply_retention", stdout=out)

    assert "1 invitations and 1 mailing delivery rows erased" in out.getvalue()
    assert list(Invitation.objects.values_list("statement", flat=True)) == [open_statement.pk]
    assert list(Delivery.objects.values_list("mailing", flat=True)) == [open_mailing.pk]
    # The mailing itself stays: what was sent, and when.
    assert Mailing.objects.filter(statement=closed_campaign).exists()
    assert ErasureRecord.objects.get().invitations_erased == 1


def test_a_mailing_still_sending_keeps_its_delivery_rows(closed_campaign):
    # They are what stops a re-run of the send from mailing someone twice.
    _invitation, mailing = invite_and_mail(
        closed_campaign, "late@secret-mail.example", mailing_state=Mailing.State.SENDING
    )

    call_command("apply_retention", stdout=io.StringIO())

    assert mailing.deliveries.count() == 1


def test_a_campaign_with_only_invitations_left_is_still_cleaned_and_recorded():
    statement = StatementFactory(state="published")
    close(statement.campaign, days_ago=40)
    invite_and_mail(statement, "never-signed@secret-mail.example")

    call_command("apply_retention", stdout=io.StringIO())

    assert not Invitation.objects.exists() and not Delivery.objects.exists()
    record = ErasureRecord.objects.get()
    assert (record.contacts_erased, record.invitations_erased) == (0, 1)
