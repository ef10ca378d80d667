"""Ready-made email texts (issue 19): each mailing kind, each language, filled with the statement."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import CAMPAIGN_MANAGER, PRESS_OFFICER
from mailings.models import Invitation, Mailing
from mailings.ready_made import ready_made_contents, ready_made_languages, ready_made_text

from .factories import StatementFactory
from .helpers import sign_in, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement():
    return StatementFactory(
        title="Encryption keeps us safe",
        title_fr="Le chiffrement nous protège",
        summary="Fifty organizations ask governments to protect encryption.",
        sign_on_deadline=timezone.now() + datetime.timedelta(days=12),
    )


@pytest.mark.parametrize("kind", Mailing.Kind.values)
def test_every_kind_has_a_ready_made_text_in_every_site_language(statement, kind, settings):
    for language, _name in settings.LANGUAGES:
        text = ready_made_text(kind, statement, language)
        assert text["subject"] and text["body"], (kind, language)
        title = statement.title_fr if language == "fr" else statement.title
        assert title in text["subject"], (kind, language)
        if kind != Mailing.Kind.PRESS_RELEASE or language == "en":
            assert statement.slug in text["body"], (kind, language)  # the statement's link


def test_sign_on_kinds_say_the_deadline_in_the_campaigns_time_zone(statement):
    statement.campaign.time_zone = "America/Bogota"
    statement.campaign.save()
    for kind in Mailing.SIGN_ON_KINDS:
        assert "(America/Bogota)" in ready_made_text(kind, statement, "en")["body"]
    statement.sign_on_deadline = None
    assert "can sign until" not in ready_made_text(Mailing.Kind.INVITATION, statement, "en")["body"]


def test_languages_are_the_statements_then_its_translations_and_its_invitees(statement):
    assert ready_made_languages(statement, Mailing.Kind.INVITATION) == ["en", "fr"]
    Invitation.objects.create(statement=statement, email="a@ngo.example", organization_name="A", language="ar")
    assert ready_made_languages(statement, Mailing.Kind.INVITATION) == ["en", "fr", "ar"]
    assert ready_made_languages(statement, Mailing.Kind.PRESS_RELEASE) == ["en", "fr"]
    assert ready_made_contents(Mailing.Kind.PRESS_RELEASE, statement)[0]["body"].count("Fifty organizations") == 1


def add_page(client, kind, statement):
    return client.get(reverse("admin:mailings_mailing_add") + f"?kind={kind}&statement={statement.pk}")


def filled_versions(response):
    content = response.content.decode()
    return re.findall(r'name="contents-(\d+)-subject"[^>]*value="([^"]*)"', content)


@pytest.mark.parametrize("kind", Mailing.Kind.values)
def test_the_new_mailing_form_opens_with_the_kinds_text_in_each_language(client, statement, kind):
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[statement.campaign]))

    versions = filled_versions(add_page(client, kind, statement))

    assert [(index, unescape(subject)) for index, subject in versions] == [
        ("0", ready_made_text(kind, statement, "en")["subject"]),
        ("1", ready_made_text(kind, statement, "fr")["subject"]),
    ]


def test_the_texts_are_saved_as_posted_and_a_bare_add_page_stays_blank(client, statement):
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[statement.campaign]))
    assert filled_versions(client.get(reverse("admin:mailings_mailing_add"))) == []

    response = client.post(
        reverse("admin:mailings_mailing_add") + f"?kind=invitation&statement={statement.pk}",
        {
            "name": "Wave one",
            "kind": "invitation",
            "statement": statement.pk,
            "default_language": "en",
            "contents-TOTAL_FORMS": "1",
            "contents-INITIAL_FORMS": "0",
            "contents-MIN_NUM_FORMS": "1",
            "contents-MAX_NUM_FORMS": "1000",
            "contents-0-language": "en",
            "contents-0-subject": "Edited subject",
            "contents-0-body": "Edited body",
        },
    )
    assert response.status_code == 302
    [content] = Mailing.objects.get(name="Wave one").contents.all()
    assert (content.subject, content.body) == ("Edited subject", "Edited body")


def test_no_text_of_another_campaigns_statement_nor_a_kind_the_role_may_not_send(client, statement):
    other = StatementFactory(title="Someone else's statement")
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[statement.campaign]))
    assert filled_versions(add_page(client, "invitation", other)) == []

    client.logout()
    sign_in(client, staff_with_role(PRESS_OFFICER, campaigns=[statement.campaign]))
    assert filled_versions(add_page(client, "invitation", statement)) == []
    assert len(filled_versions(add_page(client, "press_release", statement))) == 2
