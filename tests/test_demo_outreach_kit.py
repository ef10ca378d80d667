"""The demo campaign's press kit, targets and outreach actions, from the campaign page (seed 003)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo import seed_texts
from mailings.emails import build_delivery_email
from mailings.models import Delivery, Mailing
from outreach.models import OutreachAction, Target
from presskit.models import PressKitItem

pytestmark = pytest.mark.django_db

CAMPAIGN = "un-cybercrime-convention"


def load_demo():
    call_command("load_demo_campaign", stdout=StringIO())


def test_campaign_page_seed_gives_four_actions_its_resources_and_two_lists():
    actions = seed_texts.parse_campaign_actions()
    assert actions.heading.startswith("What can you do")
    assert [text.split()[0] for text in actions.actions] == ["Publish", "Contact", "Contact", "If"]
    assert actions.resources[0].startswith("Do you want to launch a social media campaign?")
    assert len(actions.concerns) == 5 and len(actions.requirements) == 4


def test_demo_has_a_press_kit_targets_and_actions_and_loading_again_duplicates_nothing(client):
    load_demo()
    counts = (PressKitItem.objects.count(), Target.objects.count(), OutreachAction.objects.count())
    load_demo()
    assert (PressKitItem.objects.count(), Target.objects.count(), OutreachAction.objects.count()) == counts
    assert set(OutreachAction.objects.values_list("kind", flat=True)) == {
        kind for kind, _ in OutreachAction.Kind.choices
    }

    page = client.get(reverse("presskit:press_kit", kwargs={"campaign_slug": CAMPAIGN})).content.decode()
    assert "Over 100 organizations call on states to reject the draft UN Cybercrime Convention" in page
    assert "lacks robust human rights safeguards" in page  # a message from the seed's list of problems
    assert 'alt="White text on blue: “What can you do' in page
    assert "Embargoed: reaction to the final vote" not in page
    image = PressKitItem.objects.get(kind=PressKitItem.Kind.IMAGE)
    assert (
        client.get(reverse("presskit:image", kwargs={"campaign_slug": CAMPAIGN, "item_id": image.pk}))["Content-Type"]
        == "image/png"
    )

    letter_page = client.get(
        reverse("outreach:action", kwargs={"campaign_slug": CAMPAIGN, "action_slug": "contact-your-representative"}),
        {"letter-country": "CL"},
    ).content.decode()
    assert "Delegation of Chile to the Ad Hoc Committee on Cybercrime" in letter_page
    assert "Narrow the scope of the whole Convention to cyber-dependent crimes" in letter_page
    campaign_page = client.get(reverse("campaigns:campaign", kwargs={"campaign_slug": CAMPAIGN})).content.decode()
    assert "Contact your representatives" in campaign_page and "0 supporters did this" in campaign_page


def test_a_press_release_links_to_the_campaigns_press_kit_unless_staff_set_another_link():
    load_demo()
    mailing = Mailing.objects.get(kind=Mailing.Kind.PRESS_RELEASE)
    delivery = Delivery(mailing=mailing, email="tom@press.example.org", language="en")
    message = build_delivery_email(delivery, mailing, mailing.contents.get(language="en"))
    assert f"http://127.0.0.1:8000/campaigns/{CAMPAIGN}/press-kit/" in message.body
    mailing.press_kit_url = "https://coalition.example/kit/"
    message = build_delivery_email(delivery, mailing, mailing.contents.get(language="en"))
    assert "https://coalition.example/kit/" in message.body and "/press-kit/" not in message.body


def test_the_press_release_ends_with_an_absolute_link_to_the_statement(settings, client):
    settings.SITE_URL = "https://campaigns.example.org"
    load_demo()
    release = PressKitItem.objects.get(kind=PressKitItem.Kind.PRESS_RELEASE, position=0)
    statement_url = "https://campaigns.example.org/campaigns/un-cybercrime-convention/civil-society-joint-statement/"
    last_line = release.body.splitlines()[-1]
    assert last_line.startswith("The full statement and its signatories: <https://campaigns.example.org/")
    assert statement_url in last_line
    assert f'<a href="{statement_url}' in release.body_html
    # The downloaded file, which a journalist forwards as it is, carries the same address.
    download = client.get(release.get_download_url()).content.decode()
    assert "signatories: <https://campaigns.example.org/campaigns/" in download


def test_the_social_media_action_links_to_the_press_kit_instead_of_a_dangling_here(client):
    load_demo()
    action = OutreachAction.objects.get(slug="post-on-social-media")
    assert "Download them here." not in action.instructions
    press_kit = reverse("presskit:press_kit", kwargs={"campaign_slug": CAMPAIGN})
    page = client.get(action.get_absolute_url()).content.decode()
    assert f'<a href="{press_kit}" rel="noopener noreferrer nofollow">press kit</a>' in page
    assert client.get(press_kit).status_code == 200
