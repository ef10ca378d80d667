"""Staff give a campaign its identity through the admin, and the public pages show it (issue 21).

Signed in with a password and an authenticator code, staff open the campaign's page in the
admin, upload a logo and a header image (with its description and credit), try a colour too
light to read (refused, with a darker shade offered), take the shade offered, add a partner
organization, and save. The campaign page then shows the image, its credit, the logo, the
partner and links in the colour chosen; axe finds no serious or critical violation there,
on the statement page and on the home page's cards, in English and Arabic.
"""

import re

import pytest
from PIL import Image, ImageDraw

from campaigns.identity import compliant_shade
from campaigns.models import Statement
from tests.factories import CampaignFactory, StatementFactory

from .conftest import axe_violations, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

LIGHT = "#f4a261"


def drawn_image(path, size, colour, text):
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 40):
        draw.line([(x, 0), (x + size[1], size[1])], fill="#ffffff", width=6)
    draw.text((20, 20), text, fill="#000000")
    image.save(path, format="PNG")
    return str(path)


def rgb(hex_colour):
    return "rgb({}, {}, {})".format(*(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_staff_give_a_campaign_its_identity_and_the_public_pages_show_it(axe_page, live_server, tmp_path):
    campaign = CampaignFactory(name="UN Cybercrime Convention")
    statement = StatementFactory(campaign=campaign, state=Statement.State.OPEN)
    _user, secret = staff_with_authenticator("identity-staff@example.org")
    logo = drawn_image(tmp_path / "logo.png", (240, 240), "#7a1f5c", "LOGO")
    header = drawn_image(tmp_path / "header photo.png", (1600, 500), "#2a6f97", "HEADER")
    partner_logo = drawn_image(tmp_path / "partner.png", (200, 80), "#264653", "PARTNER")
    page = axe_page
    page.set_default_timeout(30_000)

    sign_in_to_admin(page, live_server, "identity-staff@example.org", secret)
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/change/")
    page.get_by_label(re.compile(r"^Logo:?$")).first.set_input_files(logo)
    page.get_by_label(re.compile(r"^Header image:?$")).set_input_files(header)
    page.locator("#id_header_image_alt_en").fill("Activists hold a banner in front of the UN building")
    page.get_by_label("Header image: credit").fill("Photo: Jane Doe, CC BY 4.0")
    page.get_by_label("Accent colour").fill(LIGHT)
    page.locator("#id_partners-0-name").fill("Access Now")
    page.locator("#id_partners-0-logo").set_input_files(partner_logo)
    page.get_by_role("button", name="Save", exact=True).click()

    # Refused with the reason and a shade that passes; the uploads have to be chosen again.
    shade = compliant_shade(LIGHT)
    error = page.locator(".errorlist").filter(has_text="too light")
    assert "4.5:1" in error.inner_text() and shade in error.inner_text()
    page.get_by_label("Accent colour").fill(shade)
    page.get_by_label(re.compile(r"^Logo:?$")).first.set_input_files(logo)
    page.get_by_label(re.compile(r"^Header image:?$")).set_input_files(header)
    page.locator("#id_partners-0-logo").set_input_files(partner_logo)
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.locator("ul.messagelist").inner_text()

    page.goto(live_server.url + campaign.get_absolute_url())
    header_image = page.get_by_role("img", name="Activists hold a banner in front of the UN building")
    assert header_image.evaluate("img => img.naturalWidth") == 1600  # served by the site, not broken
    assert "Photo: Jane Doe, CC BY 4.0" in page.locator("figcaption").inner_text()
    assert page.locator("img.campaign-logo").evaluate("img => img.naturalWidth") == 240
    assert page.get_by_role("img", name="Access Now").evaluate("img => img.naturalWidth") == 200
    link = page.locator(".statement-list").get_by_role("link", name=statement.title)
    assert link.evaluate("a => getComputedStyle(a).color") == rgb(shade)

    for prefix in ("", "/ar"):
        for path in ("/", campaign.get_absolute_url(), statement.get_absolute_url()):
            page.goto(live_server.url + prefix + path)
            assert page.locator("img.campaign-logo, img.campaign-card-image").count() >= 1
            assert axe_violations(page) == [], prefix + path
    # The home page's card: the image, the summary and the call to action.
    page.goto(live_server.url + "/")
    card = page.locator(".campaign-card")
    assert card.get_by_role("img", name="Activists hold a banner in front of the UN building").count() == 1
    assert card.get_by_role("link", name="Read and sign").get_attribute("href") == statement.get_absolute_url()
