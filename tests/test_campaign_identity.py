"""A campaign's identity: the accent colour's contrast, the images' checks, and the pages showing them."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from campaigns.identity import compliant_shade, contrast_ratio, lowest_contrast, validate_accent_colour
from campaigns.models import CampaignPartner
from signatories.services import make_confirmation_token, make_management_token
from tests.factories import CampaignFactory, SignOnFactory, StatementFactory


def image_file(name="image.png", size=(1200, 400), image_format="PNG", colour="#0b5cad"):
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format=image_format)
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/png")


def test_contrast_ratio_is_the_wcag_formula():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_a_dark_enough_accent_colour_is_accepted():
    validate_accent_colour("#0b5cad")
    validate_accent_colour("#7a1f5c")


def test_a_light_accent_colour_is_refused_with_a_darker_shade_that_passes():
    with pytest.raises(ValidationError) as refused:
        validate_accent_colour("#ffbf47")
    suggestion = compliant_shade("#ffbf47")
    assert suggestion in str(refused.value)
    assert "4.5:1" in str(refused.value)
    assert lowest_contrast(suggestion) >= 4.5
    validate_accent_colour(suggestion)


@pytest.mark.django_db
def test_the_campaign_form_refuses_a_light_colour_and_a_malformed_one():
    campaign = CampaignFactory.build(accent_colour="#8ecae6")
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert "accent_colour" in refused.value.message_dict
    campaign.accent_colour = "blue"
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert "#0b5cad" in refused.value.message_dict["accent_colour"][0]


@pytest.mark.django_db
def test_a_header_image_needs_its_description_and_its_credit():
    campaign = CampaignFactory.build(header_image=image_file())
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert set(refused.value.message_dict) >= {"header_image_alt", "header_image_credit"}
    campaign.header_image_alt = "Activists in front of the UN building"
    campaign.header_image_credit = "Photo: Jane Doe, CC BY 4.0"
    campaign.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'), "not an image"),
        (lambda: image_file(image_format="GIF", name="logo.gif"), "PNG, JPEG or WebP"),
        (lambda: image_file(size=(20, 20)), "at least 64×64"),
        (lambda: image_file(size=(4000, 100)), "at most 3000×3000"),
        (lambda: SimpleUploadedFile("big.png", b"\0" * (2 * 1024 * 1024 + 1)), "at most 2 MB"),
    ],
)
def test_a_logo_is_checked_by_reading_it(upload, message):
    campaign = CampaignFactory.build(logo=upload() if callable(upload) else upload)
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert message in " ".join(refused.value.message_dict["logo"])


@pytest.mark.django_db
def test_uploaded_images_are_stored_under_a_random_name():
    campaign = CampaignFactory(logo=image_file(name="../../etc/passwd <script>.PNG", size=(200, 200)))
    assert campaign.logo.name.startswith("campaign-identity/")
    assert campaign.logo.name.endswith(".png")
    assert "passwd" not in campaign.logo.name and "script" not in campaign.logo.name


@pytest.mark.django_db
def test_the_campaign_page_shows_its_identity_served_by_the_site(client):
    campaign = CampaignFactory(
        accent_colour="#7a1f5c",
        logo=image_file(size=(200, 200)),
        header_image=image_file(),
        header_image_alt="Activists in front of the UN building",
        header_image_credit="Photo: Jane Doe, CC BY 4.0",
    )
    CampaignPartner.objects.create(campaign=campaign, name="Access Now", logo=image_file(size=(120, 60)))
    CampaignPartner.objects.create(campaign=campaign, name="7amleh", website="https://7amleh.org/")
    statement = StatementFactory(campaign=campaign)

    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'alt="Activists in front of the UN building"' in page
    assert "Photo: Jane Doe, CC BY 4.0" in page
    assert 'alt="Access Now"' in page and '<a href="https://7amleh.org/">7amleh</a>' in page
    assert "style=" not in page  # the CSP allows no inline style: the colour comes from a stylesheet
    style_url = f"/campaigns/{campaign.slug}/style.css?v={campaign.identity_version}"
    assert style_url in page

    statement_page = client.get(statement.get_absolute_url()).content.decode()
    assert style_url in statement_page and campaign.logo.url in statement_page and "Access Now" in statement_page

    style = client.get(style_url)
    assert style["Content-Type"].startswith("text/css")
    assert "--accent: #7a1f5c" in style.content.decode()
    assert "max-age" in style["Cache-Control"]

    image = client.get(campaign.header_image.url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_the_home_page_gives_each_card_its_campaign_s_accent_and_leaves_the_site_s_own(client):
    campaign = CampaignFactory(accent_colour="#7a1f5c")
    StatementFactory(campaign=campaign)
    plain = CampaignFactory()
    StatementFactory(campaign=plain)

    page = client.get("/").content.decode()

    card_style_url = f"/campaigns/{campaign.slug}/style.css?v={campaign.identity_version}&amp;card"
    assert card_style_url in page
    assert f'class="campaign-card accent-{campaign.slug}"' in page and 'class="campaign-card"' in page
    assert f"/campaigns/{plain.slug}/style.css" not in page
    style = client.get(card_style_url.replace("&amp;", "&")).content.decode()
    assert style.startswith(f".campaign-card.accent-{campaign.slug} {{") and "--accent: #7a1f5c" in style
    assert "html:root" not in style  # the page around the cards keeps the site's colours


@pytest.mark.django_db
def test_images_of_a_campaign_not_yet_public_and_unknown_files_are_not_served(client):
    campaign = CampaignFactory(logo=image_file(size=(200, 200)), accent_colour="#7a1f5c")
    assert client.get(campaign.logo.url).status_code == 404
    assert client.get(f"/campaigns/{campaign.slug}/style.css").status_code == 404
    assert client.get("/media/campaign-identity/..%2Fsecret.png").status_code == 404


@pytest.mark.django_db
def test_the_home_page_shows_each_campaign_as_a_card_with_its_call_to_action(client):
    campaign = CampaignFactory(header_image=image_file(), header_image_alt="A banner", header_image_credit="Us")
    statement = StatementFactory(campaign=campaign)
    page = client.get("/").content.decode()
    assert 'class="campaign-card"' in page
    assert 'alt="A banner"' in page
    assert campaign.summary in page
    assert f'class="button" href="{statement.get_absolute_url()}"' in page


@pytest.mark.django_db
def test_the_pages_after_signing_and_the_press_kit_wear_the_campaign_s_colour(client):
    campaign = CampaignFactory(accent_colour="#7a1f5c")
    statement = StatementFactory(campaign=campaign)
    sign_on = SignOnFactory(statement=statement)
    style_url = f"/campaigns/{campaign.slug}/style.css?v={campaign.identity_version}"
    for url in (
        reverse("signatories:received", kwargs={"campaign_slug": campaign.slug, "statement_slug": statement.slug}),
        reverse("signatories:confirm", kwargs={"token": make_confirmation_token(sign_on)}),
        reverse("signatories:manage", kwargs={"token": make_management_token(sign_on)}),
        reverse("presskit:press_kit", kwargs={"campaign_slug": campaign.slug}),
    ):
        assert style_url in client.get(url).content.decode(), url
