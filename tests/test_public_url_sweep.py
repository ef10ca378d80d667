"""Every public address, opened with a database full of private data, shows none of it.

The addresses are read from the URL configuration, so a new public page is swept
as soon as it exists; one whose parameters this test cannot fill fails, asking
for a line below.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import CampaignPartner
from core.public_urls import fill_route, public_routes
from mailings.models import Delivery, Invitation, Mailing, PressContact
from outreach.models import ActionReport, OutreachAction, Target
from presskit.models import PressKitItem, PreviewLink
from signatories.models import SignOn

from .factories import ContactFactory, IndividualFactory, OrganizationFactory, SignOnFactory

pytestmark = pytest.mark.django_db

LANGUAGE_PREFIXES = ["", "/ar"]


@pytest.fixture
def private_world(statement):
    """Listed names and, around them, everything that must stay private."""
    secrets = []

    def secret(value):
        secrets.append(value)
        return value

    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Openly Listed Org"),
        contact=ContactFactory(name=secret("Hidden Contact Alpha"), email=secret("alpha@hidden.example")),
    )
    for listing, confirmation, moderation in [
        (SignOn.Listing.UNLISTED, SignOn.Confirmation.CONFIRMED, SignOn.Moderation.APPROVED),
        (SignOn.Listing.LISTED, SignOn.Confirmation.UNCONFIRMED, SignOn.Moderation.PENDING),
        (SignOn.Listing.LISTED, SignOn.Confirmation.CONFIRMED, SignOn.Moderation.PENDING),
        (SignOn.Listing.LISTED, SignOn.Confirmation.CONFIRMED, SignOn.Moderation.REJECTED),
    ]:
        SignOnFactory(
            statement=statement,
            listing=listing,
            confirmation_state=confirmation,
            confirmed_at=None if confirmation == SignOn.Confirmation.UNCONFIRMED else statement.created_at,
            moderation_state=moderation,
            signatory=OrganizationFactory(name=secret(f"Secret {listing} {confirmation} {moderation} Org")),
            contact=ContactFactory(email=secret(f"{moderation}.{confirmation}@hidden.example")),
        )
    # Confirmed from their own domains: the listed one's domain may show, never its address; the unlisted
    # one shows nothing, its domain included (it would name the organization).
    listed_domain = OrganizationFactory(name="Domain Confirmed Org", website="https://domain-confirmed.example")
    SignOnFactory(
        statement=statement,
        signatory=listed_domain,
        confirmed_from_domain="domain-confirmed.example",
        contact=ContactFactory(signatory=listed_domain, email=secret("press.office@domain-confirmed.example")),
    )
    unlisted_domain = OrganizationFactory(name=secret("Unlisted Domain Org"), website="https://unlisted-secret.example")
    SignOnFactory(
        statement=statement,
        signatory=unlisted_domain,
        listing=SignOn.Listing.UNLISTED,
        confirmed_from_domain=secret("unlisted-secret.example"),
        contact=ContactFactory(signatory=unlisted_domain, email=secret("office@unlisted-secret.example")),
    )
    SignOnFactory(
        statement=statement,
        listing=SignOn.Listing.UNLISTED,
        signatory=IndividualFactory(
            name=secret("Unnamed Expert Person"), affiliation=secret("Secret Ministry Affiliation")
        ),
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name=secret("Withdrawn Org")),
        withdrawn_at=statement.created_at,
    )
    # Through a partner's link, unlisted, with the consent to the partner's contact: none of it is public.
    partner = CampaignPartner.objects.create(campaign=statement.campaign, name="Coalition Partner")
    SignOnFactory(
        statement=statement,
        listing=SignOn.Listing.UNLISTED,
        signatory=OrganizationFactory(name=secret("Referred Unlisted Org")),
        contact=ContactFactory(email=secret("referred@hidden.example")),
        referred_by=partner,
        referrer_consent_text="Coalition Partner, who sent you this, may contact me",
        referrer_consent_given_at=timezone.now(),
    )
    Invitation.objects.create(
        statement=statement,
        email=secret("invitee@hidden.example"),
        organization_name=secret("Invited Not Signed Org"),
        contact_name=secret("Invitee Person"),
    )
    PressContact.objects.create(
        name=secret("Journalist Name"),
        email=secret("journalist@hidden.example"),
        notes=secret("met at the press briefing"),
    )
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.PRESS_RELEASE, name=secret("Internal"))
    Delivery.objects.create(mailing=mailing, email=secret("delivery@hidden.example"), reason=secret("550 rejected"))
    campaign = statement.campaign
    PressKitItem.objects.create(
        campaign=campaign, kind=PressKitItem.Kind.SOCIAL_MESSAGE, title="Public message", body="Share the statement"
    )
    embargoed = PressKitItem.objects.create(
        campaign=campaign,
        statement=statement,
        kind=PressKitItem.Kind.PRESS_RELEASE,
        title=secret("Embargoed Release Title"),
        body=secret("Embargoed release words"),
        embargo_until=timezone.now() + timedelta(days=1),
    )
    PreviewLink.objects.create(
        campaign=campaign,
        label=secret("Trusted Newsroom"),
        token=secret("previewtokennotforthepublic"),
        expires_at=embargoed.embargo_until,
    )
    Target.objects.create(campaign=campaign, name="Delegation of Chile", country="CL", email="delegation@gov.example")
    action = OutreachAction.objects.create(
        campaign=campaign,
        statement=statement,
        slug="contact-your-representative",
        kind=OutreachAction.Kind.CONTACT_REPRESENTATIVE,
        title="Write to them",
    )
    ActionReport.objects.create(
        action=action,
        name=secret("Reporting Supporter"),
        email=secret("supporter@hidden.example"),
        description=secret("I met the ambassador privately"),
        moderation_state=ActionReport.Moderation.APPROVED,
        moderated_at=timezone.now(),
    )
    return statement, secrets, {"item_id": embargoed.pk, "action_slug": action.slug, "partner_code": partner.code}


def fill(route, statement, objects):
    # An unknown parameter raises UnfilledRoute: add a value for it here.
    return fill_route(
        route,
        {
            # The embargoed item: its download and image must answer 404 before the embargo ends.
            "item_id": objects["item_id"],
            "language": "en",
            "action_slug": objects["action_slug"],
            "campaign_slug": statement.campaign.slug,
            "statement_slug": statement.slug,
            # A link's token is the holder's key; a forged one must show nothing either.
            "token": "forged-token",
            # A campaign's logo or header image: an unknown one answers 404.
            "image_name": "unknown.png",
        },
    )


def test_no_public_page_shows_contact_details_or_unlisted_signatures(client, private_world, documents_built_at_once):
    statement, secrets, objects = private_world
    swept = []
    for route, _pattern in public_routes():
        # Each page in each language, and as opened through the partner's link.
        addresses = [language + fill(route, statement, objects) for language in LANGUAGE_PREFIXES]
        for url in [*addresses, f"{addresses[0]}?via={objects['partner_code']}"]:
            response = client.get(url)
            assert response.status_code in {200, 302, 404, 405, 410}, (url, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            page = body.decode(errors="replace")
            leaked = [value for value in secrets if value in page]
            assert not leaked, f"{url} shows {leaked}"
            swept.append(url)
    assert "/" in swept and statement.get_absolute_url() in swept
    statement_page = client.get(statement.get_absolute_url()).content.decode()
    assert "Openly Listed Org" in statement_page  # the sweep looks at real pages
    assert "And 3 organizations that cannot be named." in statement_page
    assert "confirmed from an address at domain-confirmed.example" in statement_page
    api_list = f"/api/v1/campaigns/{statement.campaign.slug}/statements/{statement.slug}/signatories/"
    assert api_list in swept and "Openly Listed Org" in client.get(api_list).content.decode()
    # The API's routes for a partner's key are not public pages: without the key, a 401 and nothing else.
    assert "/api/v1/referrals/" not in swept
    assert client.get("/api/v1/referrals/").status_code == 401


def test_a_route_with_a_parameter_nobody_filled_is_reported_not_skipped():
    from core.public_urls import UnfilledRoute

    assert fill_route("campaigns/<slug:campaign_slug>/", {"campaign_slug": "c"}) == "/campaigns/c/"
    with pytest.raises(UnfilledRoute, match="item_id"):
        fill_route("campaigns/<slug:campaign_slug>/items/<int:item_id>/", {"campaign_slug": "c"})
