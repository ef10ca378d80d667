"""Campaign email goes through Django's email API, so a provider is a matter of settings."""

import pytest
from django.core import mail
from django.test import override_settings

from mailings import services
from mailings.models import Delivery, Invitation, Mailing, MailingContent

pytestmark = pytest.mark.django_db


@override_settings(EMAIL_BACKEND="anymail.backends.test.EmailBackend", ANYMAIL={"TEST_SEND_DEFAULTS": {}})
def test_a_mailing_is_sent_through_an_anymail_provider_backend(statement):
    Invitation.objects.create(statement=statement, email="info@accessnow.example")
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invite")
    MailingContent.objects.create(mailing=mailing, language="en", subject="Please sign", body="Join us.")
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SCHEDULED, scheduled_at=mailing.created_at)
    services.dispatch_due_mailings()

    services.send_pending_deliveries(mailing_id=mailing.pk)

    [message] = mail.outbox
    assert message.anymail_test_params["to"][0].addr_spec == "info@accessnow.example"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Delivery.objects.get().state == Delivery.State.SENT


@override_settings(EMAIL_BACKEND="anymail.backends.test.EmailBackend")
def test_a_provider_refusing_the_address_is_a_permanent_failure(statement, monkeypatch):
    from anymail.exceptions import AnymailRecipientsRefused

    assert services.failure_kind(AnymailRecipientsRefused("All recipients refused")) == services.RECIPIENT_REFUSED
    assert services.failure_kind(ConnectionResetError()) == services.SERVER_TROUBLE
