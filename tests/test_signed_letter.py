"""The signed letter (PDF): the statement, its demands and exactly the listed signatories, cached until the list changes."""

import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from presskit import letter, services
from signatories.models import SignOn

from .factories import ContactFactory, DemandFactory, IndividualFactory, OrganizationFactory, SignOnFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_built_at_once")]


def letter_url(statement):
    return reverse(
        "presskit:signed_letter", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    )


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text):
    return " ".join(text.split())


def test_letter_holds_the_text_the_numbered_demands_and_every_listed_signatory_only(client, statement):
    DemandFactory(
        statement=statement, position=0, text="Narrow the scope of the whole Convention to cyber-dependent crimes;"
    )
    DemandFactory(
        statement=statement, position=1, text="Make certain that human rights safeguards apply to the whole treaty;"
    )
    lead, supporting = statement.tiers.order_by("position")
    SignOnFactory(
        statement=statement, tier=lead, signatory=OrganizationFactory(name="Derechos Digitales", country="CL")
    )
    listed = [f"Supporting Organization {n:03d}" for n in range(120)]
    for name in listed:
        SignOnFactory(statement=statement, tier=supporting, signatory=OrganizationFactory(name=name, country="KE"))
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="No Country Shown Org", country="SY"),
        listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY,
    )
    SignOnFactory(statement=statement, signatory=IndividualFactory(name="Douwe Korff"))
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Unlisted Org Beta"),
        listing=SignOn.Listing.UNLISTED,
        contact=ContactFactory(email="beta@secret.example"),
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Pending Org Gamma"),
        moderation_state=SignOn.Moderation.PENDING,
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Withdrawn Org Delta"),
        withdrawn_at=statement.created_at,
    )

    response = client.get(letter_url(statement))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.getvalue())
    flat = squeeze(text)
    assert reader.metadata.title == statement.title
    assert squeeze(statement.title) in flat and "We, the undersigned organizations" in flat
    assert "Our demands" in flat and "Therefore, we call on all state delegations to:" in flat
    assert "1. Narrow the scope of the whole Convention" in flat.replace("1. \n", "1. ")
    assert "2. Make certain that human rights safeguards" in flat
    assert "Submitted by NGOs registered under operative paragraphs 8 or 9" in flat
    assert "Derechos Digitales — Chile" in flat
    for name in listed:
        assert f"{name} — Kenya" in flat
    assert "No Country Shown Org" in flat and "Syria" not in flat
    assert "Douwe Korff, Emeritus Professor of International Law, London Metropolitan University" in flat
    assert "And 1 organization that cannot be named." in flat
    for private in (
        "Unlisted Org Beta",
        "beta@secret.example",
        "Pending Org Gamma",
        "Withdrawn Org Delta",
        "Private Contact Person",
    ):
        assert private not in flat
    pages = len(reader.pages)
    assert pages >= 3
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text


def test_letter_is_stored_until_the_list_changes(client, statement, monkeypatch, django_assert_max_num_queries):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="First Org"))
    renders = []
    real_write = letter.write_signed_letter
    monkeypatch.setattr(
        services, "write_signed_letter", lambda s, output: renders.append(s.pk) or real_write(s, output)
    )

    first = client.get(letter_url(statement)).getvalue()
    with django_assert_max_num_queries(6):
        assert client.get(letter_url(statement)).getvalue() == first
    assert len(renders) == 1

    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Late Org"))
    _, text = pdf_text(client.get(letter_url(statement)).getvalue())
    assert "Late Org" in text and len(renders) == 2


def test_letter_is_in_the_statements_language(client, statement):
    statement.language = "es"
    statement.published_at = datetime(2024, 1, 22, 12, tzinfo=UTC)
    statement.save()
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="R3D", country="MX"))
    _, text = pdf_text(client.get("/fr" + letter_url(statement)).getvalue())
    assert "22 de enero de 2024" in text
    assert "R3D — México" in text


def test_no_letter_for_a_draft(client, statement):
    statement.state = statement.State.DRAFT
    statement.save()
    assert client.get(letter_url(statement)).status_code == 404


def test_a_signatory_profile_edited_in_the_admin_shows_in_the_next_letter(client, statement):
    signatory = OrganizationFactory(name="Org At Risk", country="SY")
    SignOnFactory(statement=statement, signatory=signatory)
    assert "Syria" in pdf_text(client.get(letter_url(statement)).getvalue())[1]
    # Staff remove the country for the organization's safety: no sign-on changes, the letter must.
    signatory.country = ""
    signatory.save()
    assert "Syria" not in pdf_text(client.get(letter_url(statement)).getvalue())[1]


def test_a_truetype_font_can_be_set_for_scripts_helvetica_lacks(client, statement, settings):
    from pathlib import Path

    import reportlab

    # ReportLab ships Bitstream Vera; a deployment would name e.g. a Noto or DejaVu file.
    settings.SIGNED_LETTER_FONT = str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Épicentre Numérique"))
    reader, text = pdf_text(client.get(letter_url(statement)).getvalue())
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    # (ReportLab names Helvetica in every document as its initial font, used or not.)
    assert any("BitstreamVeraSans" in name for name in fonts)
    assert "Épicentre Numérique" in text


def test_the_letter_reads_the_names_as_it_lays_them_out_never_the_whole_list(client, statement, monkeypatch):
    # A million names must not be held at once: the builder may only read ahead of the page it lays out.
    for n in range(400):
        SignOnFactory(statement=statement, signatory=OrganizationFactory(name=f"Organization {n:03d}", country="KE"))
    read, placed, ahead = [0], [0], []
    real_rows, real_draw = letter.public_sign_ons, letter.SignatoryLines.draw

    def counted_rows(rows):
        for row in real_rows(rows):
            read[0] += 1
            yield row

    def counted_draw(lines):
        placed[0] += len(lines.lines)
        ahead.append(read[0] - placed[0])
        real_draw(lines)

    monkeypatch.setattr(letter, "public_sign_ons", counted_rows)
    monkeypatch.setattr(letter.SignatoryLines, "draw", counted_draw)

    reader, text = pdf_text(client.get(letter_url(statement)).getvalue())
    assert "Organization 000 — Kenya" in text and "Organization 399 — Kenya" in text
    assert len(reader.pages) >= 6 and f"Page 1 of {len(reader.pages)}" in text
    # Every name read twice (the pages counted, then drawn), never more than a page's worth ahead of the layout.
    assert read[0] == 2 * 400 and placed[0] == 2 * 400
    assert max(ahead) <= 70
