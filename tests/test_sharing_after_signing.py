"""After signing and after confirming, and on the statement page: share it, invite another organization, do more.

Plain links (no third-party script), a Mastodon step that works without JavaScript
(a form naming the reader's server, answered with a link to that server's share page),
an invitation that carries the sign-on form's address and nothing about the signer,
and the campaign's next outreach action.
"""

import html
import re
from urllib.parse import quote, unquote

import pytest
from django.conf import settings
from django.urls import reverse

from campaigns.models import Statement
from outreach.models import OutreachAction
from signatories import services
from signatories.models import SignOn

from .factories import OutreachActionFactory
from .helpers import organization_post, sign

pytestmark = pytest.mark.django_db

SIGNER = {"name": "Derechos Digitales", "email": "maria@derechosdigitales.example", "person": "María José Pérez"}


def share_url(statement, **query):
    path = reverse(
        "outreach:share_statement", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    )
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def links(page):
    """(text, href) of every link of the page, unescaped."""
    return [
        (" ".join(re.sub(r"<[^>]+>", " ", text).split()), html.unescape(href))
        for href, text in re.findall(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', page, flags=re.S)
    ]


def link_to(page, text):
    return next(href for label, href in links(page) if label == text)


def thank_you_page(client, statement, capture):
    response = sign(client, statement, organization_post(), capture)
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


@pytest.fixture
def next_action(statement):
    OutreachActionFactory(
        campaign=statement.campaign, kind=OutreachAction.Kind.SOCIAL_POST, title="Post it", position=0
    )
    return OutreachActionFactory(
        campaign=statement.campaign, statement=statement, title="Write to your delegation", position=1
    )


def assert_offers_sharing_inviting_and_next_action(page, statement, action):
    address = settings.SITE_URL + statement.get_absolute_url()
    bluesky = link_to(page, "Share on Bluesky")
    assert bluesky.startswith("https://bsky.app/intent/compose?") and quote(address, safe="") in bluesky
    for network in ("X (Twitter)", "Facebook", "LinkedIn", "Telegram", "WhatsApp", "Email"):
        assert link_to(page, f"Share on {network}")
    assert 'action="' + share_url(statement) + '#share-heading"' in page  # the Mastodon step
    invitation = link_to(page, "Email the invitation")
    assert invitation.startswith("mailto:?subject=") and unquote(invitation).endswith(address + "#sign")
    for private in SIGNER.values():
        assert private not in unquote(invitation)
    assert link_to(page, action.title) == action.get_absolute_url()  # the next action, not the share one
    assert "Post it" not in page


def test_the_thank_you_page_offers_sharing_an_invitation_and_the_next_action(
    client, statement, next_action, django_capture_on_commit_callbacks
):
    page = thank_you_page(client, statement, django_capture_on_commit_callbacks)
    assert "Check your email" in page
    assert_offers_sharing_inviting_and_next_action(page, statement, next_action)


def test_the_confirmed_page_offers_them_too_the_page_before_confirming_does_not(
    client, statement, next_action, django_capture_on_commit_callbacks
):
    sign(client, statement, organization_post(), django_capture_on_commit_callbacks)
    url = reverse("signatories:confirm", kwargs={"token": services.make_confirmation_token(SignOn.objects.get())})
    assert "Share on Bluesky" not in client.get(url).content.decode()
    page = client.get(client.post(url)["Location"]).content.decode()
    assert "Your signature is confirmed" in page
    assert_offers_sharing_inviting_and_next_action(page, statement, next_action)
    # Links to other sites do not tell them the private page's address.
    assert all('rel="noopener noreferrer"' in tag for tag in re.findall(r"<a\b[^>]*bsky\.app[^>]*>", page))


def test_a_statement_circulating_privately_is_not_shared_but_other_organizations_may_be_invited(
    client, statement, django_capture_on_commit_callbacks
):
    Statement.objects.filter(pk=statement.pk).update(state=Statement.State.CIRCULATING)
    statement.refresh_from_db()
    page = thank_you_page(client, statement, django_capture_on_commit_callbacks)
    assert "Share on Bluesky" not in page and "Share on Mastodon" not in page
    assert "Invite another organization" in page
    assert client.get(share_url(statement)).status_code == 404


def test_the_statement_page_has_share_links_that_work_without_javascript(client, statement):
    page = client.get(statement.get_absolute_url()).content.decode()
    assert link_to(page, "Share on Bluesky").startswith("https://bsky.app/intent/compose?")
    assert 'action="' + share_url(statement) + '#share-heading"' in page
    assert "Invite another organization" not in page  # the form is on this page already


def test_the_mastodon_step_answers_with_a_link_to_the_readers_server(client, statement):
    page = client.get(share_url(statement, **{"mastodon-server": "https://Mastodon.Social/@me"})).content.decode()
    link = link_to(page, "Continue to mastodon.social")
    assert link.startswith("https://mastodon.social/share?text=")
    assert quote(settings.SITE_URL + statement.get_absolute_url(), safe="") in link
    wrong = client.get(share_url(statement, **{"mastodon-server": "not a server"})).content.decode()
    assert "Enter the name of a server, such as mastodon.social." in wrong
    assert "Continue to" not in wrong
