"""The public press kit: items per language, embargo and preview links, downloads, the streamed ZIP."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Statement
from presskit.models import PressKitItem, PreviewLink
from signatories.models import SignOn

from .factories import ContactFactory, OrganizationFactory, PressKitItemFactory, SignOnFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_built_at_once")]


def png_bytes(color="red"):
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(output, format="PNG")
    return output.getvalue()


def make_image(campaign, **kwargs):
    item = PressKitItem(
        campaign=campaign,
        kind=PressKitItem.Kind.IMAGE,
        title="Social card",
        alt_text="White text on blue: the treaty endangers our rights",
        credit="Photo: Ana Pérez, CC BY 4.0",
        **kwargs,
    )
    item.file.save("card.png", ContentFile(png_bytes()), save=False)
    item.save()
    return item


def make_document(campaign, content=b"Reading list\n", **kwargs):
    item = PressKitItem(campaign=campaign, kind=PressKitItem.Kind.DOCUMENT, title="Reading list", **kwargs)
    item.file.save("reading-list.txt", ContentFile(content), save=False)
    item.save()
    return item


def kit_url(campaign, **query):
    url = reverse("presskit:press_kit", kwargs={"campaign_slug": campaign.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def archive_url(campaign, language="en"):
    return reverse("presskit:archive", kwargs={"campaign_slug": campaign.slug, "language": language})


def read_zip(response):
    assert response.streaming, "the archive is streamed, not built in memory"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_press_kit_page_shows_each_kind_of_item_in_the_chosen_language(client, statement):
    campaign = statement.campaign
    PressKitItem.objects.create(
        campaign=campaign,
        statement=statement,
        kind=PressKitItem.Kind.PRESS_RELEASE,
        title="Over 100 organizations call on states",
        body="**More than 100** groups…",
    )
    PressKitItemFactory(campaign=campaign, title="Message one", body="States must reject the draft.")
    PressKitItemFactory(campaign=campaign, language="es", title="Mensaje uno", body="Los Estados deben rechazarlo.")
    image = make_image(campaign)
    make_document(campaign)
    SignOnFactory(statement=statement)

    page = client.get(kit_url(campaign)).content.decode()
    assert "Over 100 organizations call on states" in page and "<strong>More than 100</strong>" in page
    # Messages are plain selectable text; the copy button only appears with JavaScript.
    assert '<pre class="copyable"' in page and "States must reject the draft." in page
    assert "hidden>Copy the message</button>" in page
    assert f'alt="{image.alt_text}"' in page and "Photo: Ana Pérez, CC BY 4.0" in page
    assert "reading-list.txt" in page
    assert (
        reverse("presskit:signed_letter", kwargs={"campaign_slug": campaign.slug, "statement_slug": statement.slug})
        in page
    )
    assert archive_url(campaign, "en") in page
    assert "Mensaje uno" not in page
    assert '<script src="/static/js/copy.js" defer></script>' in page and "<script>" not in page

    spanish = client.get(kit_url(campaign, language="es")).content.decode()
    assert "Mensaje uno" in spanish and "Message one" not in spanish


@pytest.mark.parametrize("count", [10, 200])
def test_press_kit_page_query_count_does_not_grow_with_signatories(
    client, statement, count, django_assert_max_num_queries
):
    PressKitItemFactory(campaign=statement.campaign)
    SignOnFactory.create_batch(count, statement=statement)
    with django_assert_max_num_queries(6):
        assert client.get(kit_url(statement.campaign)).status_code == 200


def test_the_press_kit_reuses_the_count_the_statement_page_made(client, statement):
    """Counting a million sign-ons took 1.4 s on every press kit page and archive link (make bench)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PressKitItemFactory(campaign=statement.campaign)
    SignOnFactory.create_batch(3, statement=statement)
    client.get(statement.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        page = client.get(kit_url(statement.campaign)).content.decode()
    assert [query["sql"] for query in queries if 'COUNT("signatories_signon"' in query["sql"]] == []
    assert "3 signatories" in page


def test_embargoed_item_is_invisible_and_unreachable_until_its_time(client, statement):
    campaign = statement.campaign
    later = timezone.now() + timedelta(hours=3)
    PressKitItemFactory(campaign=campaign, title="Public message")
    release = PressKitItem.objects.create(
        campaign=campaign,
        kind=PressKitItem.Kind.PRESS_RELEASE,
        title="Reaction to the final vote",
        body="Embargoed words",
        embargo_until=later,
    )
    image = make_image(campaign, embargo_until=later)
    document = make_document(campaign, content=b"EMBARGOED-DOCUMENT-BYTES", embargo_until=later)

    page = client.get(kit_url(campaign)).content.decode()
    assert "Public message" in page
    assert "Reaction to the final vote" not in page and "Embargoed words" not in page
    assert image.alt_text not in page and "reading-list.txt" not in page
    for item in (release, image, document):
        assert client.get(item.get_download_url()).status_code == 404
    assert (
        client.get(reverse("presskit:image", kwargs={"campaign_slug": campaign.slug, "item_id": image.pk})).status_code
        == 404
    )
    archive = read_zip(client.get(archive_url(campaign)))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"EMBARGOED-DOCUMENT-BYTES" not in everything and b"Embargoed words" not in everything
    assert not [name for name in archive.namelist() if name.startswith(("images/", "documents/", "press-releases/"))]
    # A kit whose only item in a language is embargoed has no archive in it yet.
    PressKitItemFactory(campaign=campaign, language="fr", embargo_until=later)
    assert client.get(archive_url(campaign, "fr")).status_code == 404
    assert PressKitItem.objects.get(pk=document.pk).download_count == 0

    PressKitItem.objects.filter(campaign=campaign).update(embargo_until=timezone.now() - timedelta(seconds=1))
    page = client.get(kit_url(campaign)).content.decode()
    assert "Reaction to the final vote" in page
    response = client.get(document.get_download_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"EMBARGOED-DOCUMENT-BYTES"


def test_items_about_a_draft_statement_stay_hidden_until_it_is_public(client, statement):
    from .factories import StatementFactory

    draft = StatementFactory(campaign=statement.campaign, state=Statement.State.DRAFT, slug="draft-one")
    PressKitItemFactory(campaign=statement.campaign, title="About the whole campaign")
    about_draft = PressKitItemFactory(campaign=statement.campaign, statement=draft, title="About the draft")
    page = client.get(kit_url(statement.campaign)).content.decode()
    assert "About the whole campaign" in page and "About the draft" not in page
    assert client.get(about_draft.get_download_url()).status_code == 404
    assert "draft-one" not in page  # nor its letter or list

    draft.state = Statement.State.OPEN
    draft.save()
    assert "About the draft" in client.get(kit_url(statement.campaign)).content.decode()


def test_staff_upload_an_image_in_the_admin_and_the_public_sees_it(admin_client, client, statement):
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {
        "campaign": statement.campaign.pk,
        "language": "en",
        "kind": "image",
        "position": 0,
        "title": "Social card",
        "body": "",
        "alt_text": "A blue card",
        "credit": "Photo: Ana",
    }
    response = admin_client.post(
        reverse("admin:presskit_presskititem_add"),
        {**form, "file": SimpleUploadedFile("card.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 302
    item = PressKitItem.objects.get()
    assert item.file.name.startswith(f"press-kit/{statement.campaign.pk}/") and item.file.name.endswith("/card.png")
    image = client.get(reverse("presskit:image", kwargs={"campaign_slug": statement.campaign.slug, "item_id": item.pk}))
    assert image["Content-Type"] == "image/png" and b"".join(image.streaming_content) == png_bytes()

    response = admin_client.post(
        reverse("admin:presskit_presskititem_add"),
        {**form, "title": "Fake", "file": SimpleUploadedFile("fake.png", b"<html>not an image</html>", "image/png")},
    )
    assert "This file is not an image that can be read." in response.content.decode()
    response = admin_client.post(
        reverse("admin:presskit_presskititem_add"),
        {**form, "title": "Script", "file": SimpleUploadedFile("card.svg", b"<svg onload=alert(1)>", "image/svg+xml")},
    )
    assert "File extension “svg” is not allowed." in response.content.decode()
    assert PressKitItem.objects.count() == 1


def test_preview_link_shows_embargoed_items_to_its_holder_until_revoked(client, statement):
    from django.test import Client

    campaign = statement.campaign
    later = timezone.now() + timedelta(days=1)
    release = PressKitItem.objects.create(
        campaign=campaign,
        kind=PressKitItem.Kind.PRESS_RELEASE,
        title="Reaction to the final vote",
        body="Embargoed words",
        embargo_until=later,
    )
    link = PreviewLink.objects.create(campaign=campaign, label="Tech Policy Weekly", expires_at=later)

    response = client.get(link.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == kit_url(campaign)
    response = client.get(kit_url(campaign))
    page = response.content.decode()
    assert "Reaction to the final vote" in page and "Embargoed until" in page
    # Never kept by a shared cache, where the public could get it.
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert client.get(release.get_download_url()).status_code == 200
    preview_zip = client.get(archive_url(campaign))
    assert "no-store" in preview_zip["Cache-Control"]
    assert any(name.startswith("press-releases/") for name in read_zip(preview_zip).namelist())
    assert "Reaction to the final vote" not in Client().get(kit_url(campaign)).content.decode()
    assert Client().get(archive_url(campaign)).status_code == 404  # nothing public in English yet

    from presskit.services import revoke_preview_links

    assert revoke_preview_links(links=[link]) == 1
    assert "Reaction to the final vote" not in client.get(kit_url(campaign)).content.decode()
    assert client.get(release.get_download_url()).status_code == 404
    assert client.get(link.get_absolute_url()).status_code == 404


def test_expired_or_forged_preview_link_opens_nothing(client, statement):
    campaign = statement.campaign
    expired = PreviewLink.objects.create(
        campaign=campaign, label="Old", expires_at=timezone.now() - timedelta(minutes=1)
    )
    for url in (
        expired.get_absolute_url(),
        reverse("presskit:preview", kwargs={"campaign_slug": campaign.slug, "token": "guessed"}),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "This preview link is not valid" in response.content.decode()


def test_downloads_are_counted_per_item_and_shown_to_staff(client, admin_client, statement):
    campaign = statement.campaign
    message = PressKitItemFactory(campaign=campaign, title="Message one", body="States must reject the draft.")
    document = make_document(campaign)
    response = client.get(message.get_download_url())
    assert response["Content-Disposition"] == 'attachment; filename="message-one.txt"'
    assert "States must reject the draft." in response.content.decode()
    client.get(document.get_download_url())
    client.get(document.get_download_url())
    read_zip(client.get(archive_url(campaign)))  # a download of the kit is a download of each item in it

    message.refresh_from_db()
    document.refresh_from_db()
    assert (message.download_count, document.download_count) == (2, 3)
    changelist = admin_client.get(reverse("admin:presskit_presskititem_changelist")).content.decode()
    assert 'class="field-download_count">3<' in changelist


def test_zip_holds_every_item_with_credits_the_signed_letter_and_the_publication_list(client, statement):
    campaign = statement.campaign
    PressKitItem.objects.create(
        campaign=campaign,
        kind=PressKitItem.Kind.PRESS_RELEASE,
        title="Over 100 organizations call on states",
        body="More than 100 groups…",
    )
    PressKitItemFactory(campaign=campaign, title="Message one", body="States must reject the draft.")
    PressKitItemFactory(campaign=campaign, title="Message two", body="Human rights first.")
    image = make_image(campaign)
    document = make_document(campaign, content=b"Reading list: studies and columns\n")
    PressKitItemFactory(campaign=campaign, language="es", title="Mensaje uno", body="Solo en español.")
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name='=HYPERLINK("evil") Org'))
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Listed Org Alpha"),
        contact=ContactFactory(email="alpha.private@secret.example"),
    )
    SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name="Unlisted Org Beta"), listing=SignOn.Listing.UNLISTED
    )

    response = client.get(archive_url(campaign))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{campaign.slug}-press-kit-en.zip"'
    archive = read_zip(response)
    assert archive.testzip() is None
    names = archive.namelist()
    assert f"images/{image.pk}-card.png" in names and archive.read(f"images/{image.pk}-card.png") == png_bytes()
    assert archive.read(f"documents/{document.pk}-reading-list.txt") == b"Reading list: studies and columns\n"
    assert any(name.startswith("press-releases/") and name.endswith(".md") for name in names)
    messages = archive.read("social-media-messages.txt").decode()
    assert "States must reject the draft." in messages and "Human rights first." in messages
    assert "Solo en español." not in messages
    readme = archive.read("README.txt").decode()
    assert image.alt_text in readme and "Photo: Ana Pérez, CC BY 4.0" in readme
    assert archive.read(f"signed-letters/{statement.slug}.pdf").startswith(b"%PDF")
    rows = list(csv.reader(io.StringIO(archive.read(f"signatories/{statement.slug}.csv").decode("utf-8-sig"))))
    names_in_csv = [row[3] for row in rows[1:]]
    assert "Listed Org Alpha" in names_in_csv and '\'=HYPERLINK("evil") Org' in names_in_csv
    assert "Unlisted Org Beta" not in names_in_csv
    everything = b"".join(archive.read(name) for name in names)
    assert b"alpha.private@secret.example" not in everything and b"Unlisted Org Beta" not in everything


def test_publication_csv_download_matches_the_public_list(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Listed Org Alpha", country="CL"))
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Hidden Country Org", country="SY"),
        listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY,
    )
    SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name="Unlisted Org Beta"), listing=SignOn.Listing.UNLISTED
    )
    response = client.get(
        reverse(
            "presskit:publication_csv",
            kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug},
        )
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row[3]: row for row in csv.reader(io.StringIO(text))}
    assert rows["Listed Org Alpha"][6] == "Chile"
    assert rows["Hidden Country Org"][6] == ""
    assert "Unlisted Org Beta" not in rows and "Syria" not in text


def test_an_image_needs_a_readable_image_and_alt_text(statement):
    from django.core.exceptions import ValidationError

    item = PressKitItem(campaign=statement.campaign, kind=PressKitItem.Kind.IMAGE, title="Card")
    item.file.save("card.png", ContentFile(b"not an image at all"), save=False)
    with pytest.raises(ValidationError) as raised:
        item.full_clean()
    assert set(raised.value.message_dict) >= {"file", "alt_text"}
    # The database refuses an image without alternative text, whatever the code path.
    with pytest.raises(IntegrityError):
        PressKitItem.objects.create(
            campaign=statement.campaign,
            kind=PressKitItem.Kind.IMAGE,
            title="Card",
            file="press-kit/card.png",
            alt_text="",
        )


def test_admin_add_form_keeps_what_was_typed_and_says_what_is_missing(admin_client, statement):
    response = admin_client.post(
        reverse("admin:presskit_presskititem_add"),
        {
            "campaign": statement.campaign.pk,
            "language": "en",
            "kind": "image",
            "position": 0,
            "title": "Card without a file",
            "body": "",
            "alt_text": "",
            "credit": "Photo: Ana",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Upload the image." in page and "Describe the image for people who cannot see it." in page
    assert 'value="Card without a file"' in page and 'value="Photo: Ana"' in page
    assert not PressKitItem.objects.exists()
