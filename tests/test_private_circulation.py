"""A statement circulating privately before its launch: signed by those who have its
address, listed nowhere, its signatories counted but not named until the launch."""

import pytest
from django.test import TestCase
from django.urls import reverse

from campaigns.models import Statement
from campaigns.services import close_campaign

from .factories import (
    CampaignFactory,
    OrganizationFactory,
    OutreachActionFactory,
    PressKitItemFactory,
    SignOnFactory,
    StatementFactory,
)
from .helpers import organization_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_built_at_once")]


@pytest.fixture
def circulating():
    campaign = CampaignFactory(name="UN Cybercrime Convention")
    StatementFactory(campaign=campaign, title="Our launched statement", slug="launched")
    statement = StatementFactory(
        campaign=campaign, title="Letter ahead of the final session", slug="ahead", state=Statement.State.CIRCULATING
    )
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Derechos Digitales"))
    return statement


def feed_urls(statement):
    slugs = {"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    return [
        reverse(f"signatories:{name}", kwargs=slugs) for name in ("feed_json", "feed_rss", "feed_atom", "embed")
    ] + [reverse(f"presskit:{name}", kwargs=slugs) for name in ("signed_letter", "publication_csv")]


def test_its_address_opens_it_but_no_page_lists_it_and_search_engines_are_asked_to_skip_it(client, circulating):
    campaign_page = client.get(circulating.campaign.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()
    page = client.get(circulating.get_absolute_url()).content.decode()

    assert "Our launched statement" in campaign_page and "Our launched statement" in home
    assert "Letter ahead of the final session" not in campaign_page + home
    assert "Letter ahead of the final session" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "circulating privately ahead of its public launch" in page
    assert "signatories.rss" not in page


def test_its_signatories_are_counted_not_named_until_the_launch(client, circulating):
    page = client.get(circulating.get_absolute_url()).content.decode()

    assert "2 signatories so far. Who signed is published when the statement is launched." in page
    assert "Access Now" not in page and "Derechos Digitales" not in page

    circulating.state = Statement.State.OPEN
    circulating.save()

    launched = client.get(circulating.get_absolute_url()).content.decode()
    assert "Access Now" in launched and "Derechos Digitales" in launched
    assert "noindex" not in launched


def test_it_is_signed_like_an_open_statement_and_a_second_signature_reveals_no_first(client, circulating):
    sign = reverse(
        "signatories:sign", kwargs={"campaign_slug": circulating.campaign.slug, "statement_slug": circulating.slug}
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        signed = client.post(sign, organization_post(name="Hiperderecho", contact_email="hola@hiper.example"))
    # Access Now signed already: the answer is the one any new signer gets.
    again = client.post(sign, organization_post(name="Access Now", contact_email="someone@accessnow.example"))

    assert signed.status_code == 302 and signed["Location"].endswith("/thank-you/#main")
    assert again.status_code == 302 and again["Location"] == signed["Location"]
    assert circulating.sign_ons.filter(signatory__name="Hiperderecho").exists()


def test_partner_feeds_the_press_kit_and_the_actions_page_leave_it_out(client, circulating):
    campaign = circulating.campaign
    PressKitItemFactory(campaign=campaign, statement=circulating, title="Message for the launch")
    PressKitItemFactory(campaign=campaign, title="Message about the campaign")
    OutreachActionFactory(campaign=campaign, statement=circulating, title="Ask your delegation to read our letter")

    assert [client.get(url).status_code for url in feed_urls(circulating)] == [404] * 6
    press_kit = client.get(reverse("presskit:press_kit", args=[campaign.slug])).content.decode()
    actions = client.get(reverse("outreach:actions", args=[campaign.slug])).content.decode()
    assert "Message about the campaign" in press_kit
    assert "Message for the launch" not in press_kit and "ahead" not in press_kit
    assert "Ask your delegation" not in actions

    circulating.state = Statement.State.OPEN
    circulating.save()
    assert [client.get(url).status_code for url in feed_urls(circulating)] == [200] * 6


def test_a_journalist_with_the_preview_link_gets_its_letter_and_list_under_embargo(client, circulating):
    from datetime import timedelta

    from django.utils import timezone

    from presskit.models import PreviewLink

    campaign = circulating.campaign
    link = PreviewLink.objects.create(
        campaign=campaign, label="Tech Policy Weekly", expires_at=timezone.now() + timedelta(days=1)
    )
    letter, csv_list = feed_urls(circulating)[-2:]
    client.get(link.get_absolute_url())

    kit = client.get(reverse("presskit:press_kit", args=[campaign.slug])).content.decode()
    answers = [client.get(letter), client.get(csv_list)]

    assert letter in kit
    assert [answer.status_code for answer in answers] == [200, 200]
    assert all("no-store" in answer["Cache-Control"] for answer in answers)
    assert "Access Now" in b"".join(answers[1].streaming_content).decode()


def test_closing_the_campaign_stops_its_sign_ons_too(circulating):
    stopped = close_campaign(circulating.campaign)

    circulating.refresh_from_db()
    assert circulating.state == Statement.State.CLOSED
    assert circulating in stopped
