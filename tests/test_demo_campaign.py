"""The demo campaign: parsing the seed texts and loading them with ``load_demo_campaign``."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django_countries import countries

from campaigns.identity import lowest_contrast
from campaigns.models import Campaign, Concern, Demand, Statement
from demo import seed_texts
from demo.signatory_details import INDIVIDUAL_NAMES, ORGANIZATIONS
from signatories.models import Signatory, SignOn

# Where the seeds the demo was made from are kept, if this machine has them (set to compare).
SHARED_SEEDS_DIR = Path(os.environ.get("SHARED_SEEDS_DIR", "/nonexistent"))

DEMAND_3 = (
    "Guarantee that explicit data protection and human rights standards – including the principles of "
    "non-discrimination, legality, legitimate purpose, necessity and proportionality – are applicable to "
    "the whole Convention. Specific, explicit safeguards, such as the principle of prior judicial "
    "authorization, must be put in place for accessing or sharing data, as well as for conducting "
    "cross-border investigations and cooperation in accordance with the rule of law;"
)


@pytest.fixture(scope="module")
def joint():
    return seed_texts.parse_joint_statement()


def load_demo(**options):
    out = StringIO()
    call_command("load_demo_campaign", stdout=out, **options)
    return out.getvalue()


def demo_statement():
    return Statement.objects.get(campaign__slug="un-cybercrime-convention", slug="civil-society-joint-statement")


# --- Parsing --------------------------------------------------------------------


def test_parser_finds_20_submitted_by_and_90_supporting_signatories(joint):
    assert len(joint.submitted_by) == 20
    assert len(joint.supporting) == 90
    assert len(joint.signatories) == 110
    assert len({entry.text for entry in joint.signatories}) == 110


def test_parser_separates_entries_written_on_adjacent_lines(joint):
    assert [entry.text for entry in joint.submitted_by[-2:]] == [
        "R3D: Red en Defensa de los Derechos Digitales",
        "Temple University, Institute for Law, Innovation & Technology (iLIT)",
    ]
    assert all(entry.kind == seed_texts.ORGANIZATION for entry in joint.submitted_by)


def test_parser_finds_six_concerns_and_six_demands(joint):
    assert len(joint.concerns) == 6
    assert len(joint.demands) == 6
    assert joint.concerns[0].startswith("Remains over-broad in the scope")
    assert joint.concerns[5].endswith("without specific, explicit data protection and human rights safeguards.")
    assert joint.demands[0] == (
        "Narrow the scope of the whole Convention to cyber-dependent crimes specifically defined and "
        "included in its text;"
    )
    # Written " - Limit …" in the seed, with a leading space.
    assert joint.demands[4].startswith("Limit the scope of application of procedural measures")
    assert joint.demands[5] == (
        "Avoid endorsing any surveillance provision that can be abused to undermine cybersecurity and encryption."
    )


def test_parser_joins_the_demand_broken_across_a_blank_line(joint):
    assert joint.demands[2] == DEMAND_3


def test_parser_reads_title_summary_and_intros_exactly(joint):
    assert joint.title == (
        "UN Cybercrime Convention must not become a tool to undermine international human rights standards"
    )
    assert joint.summary.startswith("Signatories stress that the Convention should only move forward")
    assert joint.summary.endswith("nor undermining efforts to improve cybersecurity for an open internet.")
    assert joint.heading == "Joint Statement on the Proposed Cybercrime Treaty Ahead of the Concluding Session"
    assert joint.concerns_intro == "We are particularly concerned that the latest draft of the Convention:"
    assert joint.demands_intro == "Therefore, we call on all state delegations to:"


def test_parser_keeps_the_body_as_paragraphs_without_the_link_to_nowhere(joint):
    paragraphs = joint.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("We, the undersigned organizations [and individual experts] call on")
    assert "Regrettably, the latest draft of the proposed Convention" in paragraphs[2]
    assert "(#)" not in joint.body
    assert "particularly concerned" not in joint.body


def test_parser_keeps_the_paragraph_between_concerns_and_demands_and_the_closing(joint):
    assert joint.after_concerns.startswith("The Convention should only move forward if it pursues")
    assert joint.after_concerns.endswith("must be comprehensively revised, amended, or rejected.")
    closing = joint.closing.split("\n\n")
    assert len(closing) == 2
    assert closing[0].startswith("As the UN Ad Hoc Committee convenes its concluding session")
    assert closing[1] == (
        "Absent these minimum requirements, we call on state delegations to reject the draft treaty and "
        "not advance it to the UN General Assembly for adoption."
    )


def test_parser_keeps_names_with_dashes_apostrophes_ampersands_and_digits_intact(joint):
    texts = {entry.text for entry in joint.signatories}
    assert "7amleh – The Arab Center for the Advancement of Social Media" in texts
    assert "Ligue des droits de l’Homme (LDH)" in texts
    assert "Palestinian Center for Development & Media Freedoms (MADA)" in texts
    assert "IFoX (Initiative for Freedom of Expression–Turkey)" in texts
    assert "Fundación Karisma" in texts
    assert "LaLibre.net Tecnologías Comunitarias" in texts


def test_parser_splits_individual_experts_into_name_title_and_affiliation(joint):
    individuals = {entry.name: entry for entry in joint.signatories if entry.kind == seed_texts.INDIVIDUAL}
    assert set(individuals) == INDIVIDUAL_NAMES
    assert all(entry in joint.supporting for entry in individuals.values())
    korff = individuals["Douwe Korff"]
    assert (korff.title, korff.affiliation) == (
        "Emeritus Professor of International Law",
        "London Metropolitan University",
    )
    steeves = individuals["Valerie Steeves"]
    assert (steeves.title, steeves.affiliation) == ("Full Professor", "Department of Criminology, University of Ottawa")
    kleinwaechter = individuals["Wolfgang Kleinwaechter"]
    assert (kleinwaechter.title, kleinwaechter.affiliation) == (
        "Professor Emeritus",
        "University of Aarhus, former ICANN Board Member",
    )


def test_entry_with_a_comma_is_an_organization_unless_its_name_is_listed_as_an_individual(joint):
    freedom_forum = next(entry for entry in joint.signatories if entry.text == "Freedom Forum, Nepal")
    assert freedom_forum.kind == seed_texts.ORGANIZATION
    assert freedom_forum.name == "Freedom Forum, Nepal"


def test_parser_refuses_a_listed_individual_missing_from_the_seed():
    with pytest.raises(seed_texts.SeedFormatError, match="Jane Doe"):
        seed_texts.parse_joint_statement(individual_names=INDIVIDUAL_NAMES | {"Jane Doe"})


def test_organization_details_match_the_seed_entries_exactly(joint):
    organizations = {entry.text for entry in joint.signatories if entry.kind == seed_texts.ORGANIZATION}
    assert len(organizations) == 107
    assert set(ORGANIZATIONS) == organizations


def test_organization_countries_are_iso_codes_and_most_organizations_have_one():
    codes = [details["country"] for details in ORGANIZATIONS.values()]
    assert all(code in countries for code in codes if code)
    assert sum(1 for code in codes if code) >= 0.8 * len(codes)
    assert all(details["website"].startswith("https://") for details in ORGANIZATIONS.values() if details["website"])


def test_foc_july_statement_keeps_title_and_byline_out_of_the_body():
    statement = seed_texts.parse_foc_july_2024()
    assert statement.title == "Joint Statement on the UN Convention Against Cybercrime"
    assert statement.byline == "Freedom Online Coalition - July 2024"
    assert statement.issued_by == "Freedom Online Coalition"
    assert statement.body.startswith("United Nations Member States, including Freedom Online Coalition")
    assert len(statement.body.split("\n\n")) == 6
    assert "Freedom Online Coalition - July 2024" not in statement.body


def test_foc_adoption_statement_drops_the_share_links_of_the_web_page():
    statement = seed_texts.parse_foc_adoption()
    assert statement.title == "FOC Issues Joint Statement on the Adoption of the UN Convention Against Cybercrime"
    assert statement.body.startswith("Today, the Freedom Online Coalition (FOC) has issued")
    assert statement.issued_by == "Freedom Online Coalition"
    assert statement.body.endswith("domestic law enforcement powers and international cooperation.")
    for chrome in ("Twitter", "LinkedIn", "News & Events", "view the document below"):
        assert chrome not in statement.body
    assert "\xa0" not in statement.body


def test_campaign_page_gives_a_summary_and_a_description_up_to_the_call_to_action():
    page = seed_texts.parse_campaign_page()
    assert page.summary.startswith("In February 2024, after three years of negotiations")
    assert "## Why do we oppose the new international cybercrime treaty?" in page.description
    assert "## What requirements should an international cybercrime treaty meet?" in page.description
    assert "What can you do" not in page.description


@pytest.mark.skipif(not SHARED_SEEDS_DIR.is_dir(), reason="SHARED_SEEDS_DIR does not name the shared seeds")
def test_vendored_seeds_are_byte_for_byte_copies():
    for name in (
        seed_texts.FOC_JULY_2024_FILE,
        seed_texts.JOINT_STATEMENT_FILE,
        seed_texts.FOC_ADOPTION_FILE,
        seed_texts.CAMPAIGN_PAGE_FILE,
    ):
        assert (seed_texts.SEEDS_DIR / name).read_bytes() == (SHARED_SEEDS_DIR / name).read_bytes()


# --- Loading --------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_twice_creates_each_signatory_and_sign_on_once():
    load_demo()
    output = load_demo()

    assert Campaign.objects.filter(slug="un-cybercrime-convention").count() == 1
    assert Statement.objects.count() == 3
    assert Signatory.objects.count() == 110
    assert SignOn.objects.count() == 110
    assert Concern.objects.count() == 6
    assert Demand.objects.count() == 6
    assert demo_statement().tiers.count() == 2
    assert "created 0 signatories and 0 sign-ons" in output
    # The July statement by states is final, and loading again left it as it was.
    assert list(Statement.objects.filter(text_locked_at__isnull=False).values_list("slug", flat=True)) == [
        "freedom-online-coalition-july-2024"
    ]


@pytest.mark.django_db
def test_the_demo_campaign_has_an_identity_drawn_in_the_repository(client):
    load_demo()
    campaign = Campaign.objects.get(slug="un-cybercrime-convention")
    joint = seed_texts.parse_joint_statement()

    campaign.full_clean()  # the colour's contrast, the images' format and size, the image's description and credit
    assert lowest_contrast(campaign.accent_colour) >= 4.5
    assert campaign.header_image.width == 1600 and campaign.logo.width == 256
    assert campaign.header_image_alt.startswith("An abstract drawing") and campaign.header_image_credit
    translation.activate("ar")
    assert campaign.header_image_alt != campaign.header_image_alt_en  # described in every site language
    translation.activate("en")
    # The coalition: the organizations the joint statement was submitted by.
    partners = list(campaign.partners.all())
    assert [partner.name for partner in partners] == [entry.name for entry in joint.submitted_by]
    assert partners[0].name == "Access Now" and partners[0].website == "https://www.accessnow.org"
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert campaign.header_image.url in page and "Illustration drawn for this demo, CC0" in page
    assert "Derechos Digitales" in page.split('class="campaign-partners"')[1]
    assert client.get(campaign.header_image.url)["Content-Type"] == "image/webp"


@pytest.mark.django_db
def test_loading_again_keeps_the_identity_staff_gave_the_demo():
    load_demo()
    campaign = Campaign.objects.get(slug="un-cybercrime-convention")
    campaign.accent_colour = "#7a1f5c"
    campaign.save()
    campaign.partners.exclude(name="Access Now").delete()
    logo = campaign.logo.name

    load_demo()

    campaign.refresh_from_db()
    assert campaign.accent_colour == "#7a1f5c" and campaign.logo.name == logo
    assert [partner.name for partner in campaign.partners.all()] == ["Access Now"]


@pytest.mark.django_db
def test_demo_statement_is_published_with_its_concerns_and_demands_in_order():
    load_demo()
    statement = demo_statement()
    joint = seed_texts.parse_joint_statement()

    assert statement.state == Statement.State.PUBLISHED
    assert statement.published_at.date().isoformat() == "2024-01-22"
    assert statement.is_accepting_sign_ons()
    assert statement.requires_approval and not statement.allows_tier_requests
    assert statement.title == joint.title
    assert [c.text for c in statement.concerns.order_by("position")] == list(joint.concerns)
    demands = list(statement.demands.order_by("position"))
    assert [d.position for d in demands] == list(range(6))
    assert demands[2].text == DEMAND_3
    assert {d.addressed_to for d in demands} == {"all state delegations"}
    assert statement.before_demands.startswith("The Convention should only move forward")
    assert statement.closing.startswith("As the UN Ad Hoc Committee convenes")
    assert statement.closing.endswith("not advance it to the UN General Assembly for adoption.")
    assert 'href="#"' not in statement.body_html


@pytest.mark.django_db
def test_demo_tiers_hold_20_submitted_by_and_90_supporting_sign_ons():
    load_demo()
    submitted_by, supporting = demo_statement().tiers.order_by("position")

    assert submitted_by.name == "Submitted by NGOs registered under operative paragraphs 8 or 9"
    assert not submitted_by.is_default
    assert submitted_by.sign_ons.count() == 20
    assert supporting.name == "Full list of signatories supporting the letter"
    assert supporting.is_default
    assert supporting.sign_ons.count() == 90


@pytest.mark.django_db
def test_demo_sign_ons_are_confirmed_approved_listed_imports_signed_before_publication():
    load_demo()
    statement = demo_statement()
    sign_ons = SignOn.objects.for_statement(statement)

    assert sign_ons.listed().count() == 110
    assert set(sign_ons.values_list("source", flat=True)) == {SignOn.Source.IMPORT}
    assert not sign_ons.filter(confirmed_at__isnull=True).exists()
    assert not sign_ons.filter(moderated_at__isnull=True).exists()
    assert not sign_ons.filter(signed_at__gte=statement.published_at).exists()
    assert set(sign_ons.values_list("statement_version", flat=True)) == {1}
    assert not sign_ons.filter(contact__isnull=False).exists()


@pytest.mark.django_db
def test_individual_experts_are_loaded_as_individuals_with_title_and_affiliation():
    load_demo()
    load_demo()
    individuals = {s.name: s for s in Signatory.objects.filter(kind=Signatory.Kind.INDIVIDUAL)}

    assert set(individuals) == INDIVIDUAL_NAMES
    steeves = individuals["Valerie Steeves"]
    assert steeves.title == "Full Professor"
    assert steeves.affiliation == "Department of Criminology, University of Ottawa"
    assert steeves.identity_key is None
    assert steeves.sign_ons.get().tier.name == "Full list of signatories supporting the letter"


@pytest.mark.django_db
def test_loaded_names_keep_special_characters_and_split_trailing_acronyms():
    load_demo()

    ldh = Signatory.objects.get(acronym="LDH")
    assert ldh.name == "Ligue des droits de l’Homme"
    assert ldh.country == "FR"
    assert Signatory.objects.filter(name="7amleh – The Arab Center for the Advancement of Social Media").exists()
    temple = Signatory.objects.get(acronym="iLIT")
    assert temple.name == "Temple University, Institute for Law, Innovation & Technology"
    assert temple.kind == Signatory.Kind.ORGANIZATION
    assert temple.accreditation == "registered under operative paragraphs 8 or 9"
    # A country in parentheses is not an acronym.
    cij = Signatory.objects.get(name="Centre for Independent Journalism (Malaysia)")
    assert cij.acronym == ""
    assert cij.display_name == "Centre for Independent Journalism (Malaysia)"


@pytest.mark.django_db
def test_demo_statement_page_shows_the_loaded_signatories(client):
    load_demo()
    response = client.get(demo_statement().get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "7amleh" in page  # the first names of each section
    assert "See all" in page
    # The rest are in the full list, searchable by name.
    found = client.get(f"{demo_statement().get_absolute_url()}signatories/", {"name": "ligue des droits"})
    assert "Ligue des droits de l’Homme" in found.content.decode()
    expert = Signatory.objects.get(affiliation__startswith="Department of Criminology, University of Ottawa")
    found = client.get(f"{demo_statement().get_absolute_url()}signatories/", {"name": expert.name.upper()})
    assert "Department of Criminology, University of Ottawa" in found.content.decode()


@pytest.mark.django_db
def test_statements_by_states_render_with_no_signatories(client):
    load_demo()
    july = Statement.objects.get(slug="freedom-online-coalition-july-2024")
    adoption = Statement.objects.get(slug="foc-statement-on-adoption")

    assert (july.position, adoption.position) == (1, 2)
    for statement in (july, adoption):
        assert statement.kind == Statement.Kind.PUBLISHED_STATEMENT
        assert statement.state == Statement.State.PUBLISHED
        assert statement.issued_by == "Freedom Online Coalition"
        assert not statement.sign_ons.exists()
        assert not statement.is_accepting_sign_ons()
        assert client.get(statement.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_demo_admin_is_created_under_debug_and_left_alone_on_rerun(settings):
    settings.DEBUG = True
    output = load_demo()
    admin = get_user_model().objects.get(email="admin@example.org")

    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("admin")
    assert "admin@example.org" in output and "admin" in output

    admin.set_password("changed by the demo user")
    admin.save()
    load_demo()
    admin.refresh_from_db()
    assert admin.check_password("changed by the demo user")
    assert get_user_model().objects.filter(email="admin@example.org").count() == 1


@pytest.mark.django_db
def test_demo_admin_is_not_created_without_debug_or_the_option(settings):
    settings.DEBUG = False
    load_demo()
    assert not get_user_model().objects.filter(email="admin@example.org").exists()

    load_demo(with_admin=True)
    assert get_user_model().objects.filter(email="admin@example.org", is_superuser=True).exists()


@pytest.mark.django_db
def test_demo_admin_is_refused_in_production_and_nothing_is_loaded(settings):
    settings.DEBUG = False
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        load_demo(with_admin=True)
    assert not get_user_model().objects.exists()
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_missing_seed_directory_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="seed texts"):
        load_demo(seeds=tmp_path / "nowhere")
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_the_loader_prints_the_listed_signatories_per_tier_as_counted_in_the_database():
    output = load_demo()
    assert (
        "lists 110 signatories: 20 in “Submitted by NGOs registered under operative paragraphs 8 or 9”, "
        "90 in “Full list of signatories supporting the letter”." in output
    )

    # A visitor's sign-on approved into the first tier: a rerun counts it where it is listed,
    # instead of adding the seed's 20 + 90 under a total of 111.
    statement = demo_statement()
    visitor = Signatory.objects.create(kind=Signatory.Kind.ORGANIZATION, name="Visiting Rights Group")
    SignOn.objects.create(
        statement=statement,
        signatory=visitor,
        tier=statement.tiers.get(position=0),
        listing=SignOn.Listing.LISTED,
        confirmation_state=SignOn.Confirmation.CONFIRMED,
        confirmed_at=timezone.now(),
        moderation_state=SignOn.Moderation.APPROVED,
        moderated_at=timezone.now(),
    )
    output = load_demo()
    assert "lists 111 signatories: 21 in “Submitted by" in output
    assert ", 90 in “Full list of signatories supporting the letter”." in output
