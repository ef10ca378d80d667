"""Reading campaigns and statements, and who signed them."""

import datetime
import re

import pytest
from django.utils import timezone

from campaigns.models import Demand, Statement
from signatories.models import SignOn

from .factories import (
    CampaignFactory,
    ConcernFactory,
    DemandFactory,
    IndividualFactory,
    OrganizationFactory,
    SignOnFactory,
    StatementFactory,
    TierFactory,
)
from .helpers import make_signatories, save_in_admin

pytestmark = pytest.mark.django_db


def signatory_section(page):
    return page.split('id="signatories"')[1].split('id="sign"')[0]


def test_home_lists_campaigns_with_their_public_statements(client):
    campaign = CampaignFactory(name="UN Cybercrime Convention")
    StatementFactory(campaign=campaign, title="Civil society joint statement", state=Statement.State.PUBLISHED)
    StatementFactory(campaign=campaign, title="Unfinished draft", state=Statement.State.DRAFT)
    CampaignFactory(name="Campaign with only drafts")

    page = client.get("/").content.decode()
    assert "UN Cybercrime Convention" in page
    assert "Civil society joint statement" in page
    assert "Unfinished draft" not in page
    assert "Campaign with only drafts" not in page


def test_the_campaigns_address_without_a_campaign_leads_to_the_list_of_campaigns(client):
    assert client.get("/campaigns/")["Location"] == "/"
    assert client.get("/ar/campaigns/")["Location"] == "/ar/"


def test_campaign_page_shows_its_statements(client):
    campaign = CampaignFactory(name="UN Cybercrime Convention")
    StatementFactory(campaign=campaign, title="Joint statement ahead of the concluding session")
    StatementFactory(campaign=campaign, title="FOC statement on adoption", state=Statement.State.CLOSED)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "Joint statement ahead of the concluding session" in page
    assert "FOC statement on adoption" in page


def test_campaign_page_calls_to_sign_its_open_statement_before_its_description(client):
    campaign = CampaignFactory(name="UN Cybercrime Convention", description="A long story of the negotiations.")
    StatementFactory(campaign=campaign, title="Earlier statement", state=Statement.State.CLOSED, position=0)
    open_statement = StatementFactory(campaign=campaign, title="Sign this one", position=1)
    SignOnFactory(statement=open_statement)

    page = client.get(campaign.get_absolute_url()).content.decode()

    call = page.split('<div class="campaign-call">')[1].split("</div>")[0]
    assert f'href="{open_statement.get_absolute_url()}" id="lead-{open_statement.pk}">Sign this one</a>' in call
    assert "1 signatory" in call and "Read and sign" in call
    assert page.index('class="campaign-call"') < page.index("A long story of the negotiations.")


def test_statement_page_shows_text_concerns_and_ordered_demands(client, statement):
    statement.body = "We, the **undersigned** organizations call on the state delegations."
    statement.closing = "Absent these minimum requirements, reject the draft."
    statement.save()
    ConcernFactory(statement=statement, position=0, text="Remains over-broad in scope")
    DemandFactory(statement=statement, position=2, text="Avoid endorsing any surveillance provision")
    DemandFactory(statement=statement, position=0, text="Narrow the scope of the whole Convention")
    DemandFactory(statement=statement, position=1, text="Protect security researchers", status=Demand.Status.PARTLY_MET)

    page = client.get(statement.get_absolute_url()).content.decode()
    assert statement.title in page
    assert statement.summary in page
    assert "We, the <strong>undersigned</strong> organizations" in page
    assert "We are particularly concerned that the latest draft of the Convention:" in page
    assert "Remains over-broad in scope" in page
    assert "Therefore, we call on all state delegations to:" in page
    demands = page.split("<ol>")[1].split("</ol>")[0]
    assert (
        demands.index("Narrow the scope")
        < demands.index("Protect security researchers")
        < demands.index("Avoid endorsing")
    )
    assert "Partly met" in demands
    assert "Absent these minimum requirements" in page


def test_each_demand_says_whom_it_is_addressed_to(client, statement):
    DemandFactory(statement=statement, position=0, text="Narrow the scope", addressed_to="all state delegations")
    DemandFactory(
        statement=statement,
        position=1,
        text="Publish the negotiating texts",
        addressed_to="the Ad Hoc Committee's bureau",
    )
    DemandFactory(statement=statement, position=2, text="A demand to no one in particular", addressed_to="")

    page = client.get(statement.get_absolute_url()).content.decode()
    items = re.findall(r"<li>(.*?)</li>", page.split('class="demands"')[1].split("</ol>")[0], re.S)
    assert "Addressed to: all state delegations" in items[0]
    assert "Addressed to: the Ad Hoc Committee&#x27;s bureau" in items[1]
    assert "Addressed to" not in items[2]


def test_a_demand_is_addressed_in_the_language_of_the_text(client, statement):
    statement.title_es = "Declaración"
    statement.demands_intro_es = "Pedimos:"
    statement.save()
    demand = DemandFactory(statement=statement, text="Narrow the scope", addressed_to="all state delegations")
    demand.text_es, demand.addressed_to_es = "Limiten el alcance", "todas las delegaciones"
    demand.save()
    page = client.get("/es" + statement.get_absolute_url()).content.decode()
    demands = page.split('class="demands"')[1].split("</section>")[0]
    assert "Limiten el alcance" in demands and "todas las delegaciones" in demands
    assert "all state delegations" not in demands


def test_demands_that_share_their_target_name_it_once(client, statement):
    for position in range(3):
        DemandFactory(statement=statement, position=position, addressed_to="all state delegations")

    page = client.get(statement.get_absolute_url()).content.decode()
    demands = page.split('class="demands"')[1].split("</section>")[0]
    assert demands.count("Addressed to: all state delegations") == 1
    assert demands.index("Addressed to: all state delegations") < demands.index("<ol>")


def test_markdown_in_statements_is_sanitized(client, statement):
    statement.body = (
        'Hello <script>alert("x")</script> [click](javascript:alert(1)) '
        '<img src=x onerror="alert(2)"> <a href="https://example.org" onclick="steal()">ok</a>'
    )
    statement.save()
    page = client.get(statement.get_absolute_url()).content.decode()
    body = page.split('<div class="prose">')[1].split("</div>")[0]
    assert "<script" not in body
    assert "javascript:" not in body
    assert "onerror" not in body and "onclick" not in body
    assert 'href="https://example.org"' in body


def test_draft_statement_is_hidden_from_the_public_but_previewable_by_staff(client, staff_user, statement):
    statement.state = Statement.State.DRAFT
    statement.save()
    assert client.get(statement.get_absolute_url()).status_code == 404
    client.force_login(staff_user)
    assert client.get(statement.get_absolute_url()).status_code == 200


def test_unknown_statement_is_not_found(client, statement):
    assert client.get(f"/campaigns/{statement.campaign.slug}/no-such-statement/").status_code == 404


def test_an_individual_reads_as_one_run_in_an_arabic_page(client, statement):
    """Name, title and affiliation in one left-to-right run: in a right-to-left page, their commas stay put."""
    SignOnFactory(
        statement=statement,
        signatory=IndividualFactory(
            name="Douwe Korff", title="Emeritus Professor", affiliation="London Metropolitan University"
        ),
    )
    page = client.get("/ar" + statement.get_absolute_url()).content.decode()
    assert (
        '<span dir="auto"><span class="signatory-name">Douwe Korff</span>, Emeritus Professor, '
        "London Metropolitan University</span>" in page
    )


def test_signatories_are_grouped_by_tier_then_individual_experts(client, statement):
    lead, supporting = statement.tiers.order_by("position")
    SignOnFactory(statement=statement, tier=supporting, signatory=OrganizationFactory(name="ActiveWatch"))
    SignOnFactory(statement=statement, tier=lead, signatory=OrganizationFactory(name="Access Now"))
    SignOnFactory(
        statement=statement,
        tier=supporting,
        signatory=IndividualFactory(
            name="Douwe Korff",
            title="Emeritus Professor of International Law",
            affiliation="London Metropolitan University",
        ),
    )

    section = signatory_section(client.get(statement.get_absolute_url()).content.decode())
    assert (
        section.index("Submitted by NGOs registered under operative paragraphs 8 or 9")
        < section.index("Access Now")
        < section.index("Full list of signatories supporting the letter")
        < section.index("ActiveWatch")
        < section.index("Individual experts")
        < section.index("Douwe Korff")
    )
    assert "Douwe Korff</span>, Emeritus Professor of International Law, London Metropolitan University" in section


def test_signatories_sort_across_scripts_accents_and_case(client, statement):
    names = [
        "Zeta Institute",
        "épicentre",
        "7amleh",
        "access now",
        "Épicentre Works",
        "Bytes for All",
        "Électronique",
        "digitalreach",
        "DigitalReach Asia",
    ]
    for name in names:
        SignOnFactory(statement=statement, signatory=OrganizationFactory(name=name))
    section = signatory_section(client.get(statement.get_absolute_url()).content.decode())
    positions = [
        section.index(f">{name}<")
        for name in [
            "7amleh",
            "access now",
            "Bytes for All",
            "digitalreach",
            "DigitalReach Asia",
            "Électronique",
            "épicentre",
            "Épicentre Works",
            "Zeta Institute",
        ]
    ]
    assert positions == sorted(positions)


def test_acronym_is_shown_in_brackets(client, statement):
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Association for Progressive Communications", acronym="APC"),
    )
    SignOnFactory(
        statement=statement, signatory=OrganizationFactory(name="Jinbonet (Korean Progressive Network Center)")
    )
    section = signatory_section(client.get(statement.get_absolute_url()).content.decode())
    assert "Association for Progressive Communications (APC)" in section
    assert "Jinbonet (Korean Progressive Network Center)" in section


def test_counts_and_breakdown_by_country(client, statement):
    for country in ["DE", "DE", "BR", "KE"]:
        SignOnFactory(statement=statement, signatory=OrganizationFactory(country=country))
    SignOnFactory(
        statement=statement, signatory=OrganizationFactory(country="BH"), listing=SignOn.Listing.LISTED_WITHOUT_COUNTRY
    )
    SignOnFactory(statement=statement, signatory=OrganizationFactory(country="SY"), listing=SignOn.Listing.UNLISTED)
    SignOnFactory(statement=statement, signatory=IndividualFactory(country="CA"))

    section = signatory_section(client.get(statement.get_absolute_url()).content.decode())
    assert "6 organizations from 3 countries" in section
    assert "1 individual expert" in section
    assert "And 1 organization that cannot be named." in section
    table = section.split("<table>")[1]
    assert "<td>Germany</td><td>2</td>" in table
    assert "<td>Brazil</td><td>1</td>" in table
    assert "<td>Canada</td><td>1</td>" in table
    assert "Bahrain" not in section  # listed without country
    assert "Syria" not in section  # not listed at all


def test_only_confirmed_and_approved_sign_ons_are_listed(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Shown Org"))
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Unconfirmed Org"),
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Pending Org"),
        moderation_state=SignOn.Moderation.PENDING,
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Rejected Org"),
        moderation_state=SignOn.Moderation.REJECTED,
    )
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Shown Org" in page
    for hidden in ["Unconfirmed Org", "Pending Org", "Rejected Org"]:
        assert hidden not in page
    assert "1 organization" in signatory_section(page)


def test_sign_ons_after_publication_get_their_own_section(client, statement):
    published_at = timezone.now() - datetime.timedelta(days=30)
    statement.state = Statement.State.PUBLISHED
    statement.published_at = published_at
    statement.accepts_late_sign_ons = True
    statement.save()
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Early Org"),
        signed_at=published_at - datetime.timedelta(days=1),
    )
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Late Org"))
    section = signatory_section(client.get(statement.get_absolute_url()).content.decode())
    assert section.index("Early Org") < section.index("Signed after publication") < section.index("Late Org")


def test_statement_without_signatories_says_so(client, statement):
    assert "Nobody has signed yet." in client.get(statement.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [10, 1000])
def test_statement_page_query_count_does_not_grow_with_signatories(
    client, statement, count, django_assert_max_num_queries
):
    ConcernFactory.create_batch(3, statement=statement)
    DemandFactory.create_batch(6, statement=statement)
    make_signatories(statement, count)
    # The version; the statement, its concerns, demands and tiers; counts, each section's first
    # names and the countries; the campaign's partner organizations: the first visit, rendering
    # the page. Session-free.
    with django_assert_max_num_queries(9):
        response = client.get(statement.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 200])
def test_home_and_campaign_pages_query_count_is_constant(client, statement, count, django_assert_max_num_queries):
    make_signatories(statement, count)
    for index in range(3):
        StatementFactory(campaign=statement.campaign, slug=f"other-{index}")
    # The campaigns, their statements and, the first time, their counts (then cached).
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/").status_code == 200
    # The campaign, its statements, its outreach actions with their report counts, its partners.
    with django_assert_max_num_queries(4):
        assert client.get(statement.campaign.get_absolute_url()).status_code == 200


def test_the_counts_on_the_home_and_campaign_pages_follow_every_change(client, staff_user, statement):
    from signatories import services

    first = SignOnFactory(statement=statement)
    pending = SignOnFactory(statement=statement, moderation_state=SignOn.Moderation.PENDING)
    for url in ("/", statement.campaign.get_absolute_url()):
        assert "1 signatory" in client.get(url).content.decode()
    services.approve(sign_ons=SignOn.objects.filter(pk=pending.pk), by=staff_user)
    for url in ("/", statement.campaign.get_absolute_url()):
        assert "2 signatories" in client.get(url).content.decode()
    first.delete()  # as the admin or an erasure does
    for url in ("/", statement.campaign.get_absolute_url()):
        assert "1 signatory" in client.get(url).content.decode()


def test_page_works_in_every_interface_language(client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="7amleh"))
    url = statement.get_absolute_url()
    for prefix in ["", "/es", "/fr", "/pt", "/ar"]:
        response = client.get(prefix + url)
        assert response.status_code == 200
        assert response["Content-Language"] == (prefix.strip("/") or "en")
    arabic = client.get("/ar" + url).content.decode()
    assert 'dir="rtl"' in arabic
    assert "7amleh" in arabic


def test_tiers_unknown_to_the_statement_fall_back_to_the_default_tier(client, statement):
    foreign_tier = TierFactory(name="Some other statement's tier")
    SignOnFactory(statement=statement, tier=foreign_tier, signatory=OrganizationFactory(name="Misfiled Org"))
    section = signatory_section(client.get(statement.get_absolute_url()).content.decode())
    assert "Misfiled Org" in section
    assert "Some other statement's tier" not in section


def test_passage_between_concerns_and_demands_keeps_its_place(client, statement):
    statement.before_demands = "The Convention should only move forward with *safeguards*."
    statement.closing = "Absent these minimum requirements, reject the draft."
    statement.save()
    ConcernFactory(statement=statement, text="Remains over-broad in scope")
    DemandFactory(statement=statement, text="Narrow the scope of the whole Convention")
    page = client.get(statement.get_absolute_url()).content.decode()
    assert (
        page.index("Remains over-broad in scope")
        < page.index("should only move forward with <em>safeguards</em>")
        < page.index("Narrow the scope of the whole Convention")
        < page.index("Absent these minimum requirements")
    )


def test_a_statement_cannot_take_the_address_of_the_press_kit_or_the_actions(staff_client, statement):
    from django.db import IntegrityError, transaction

    response = staff_client.post(
        f"/admin/campaigns/statement/{statement.pk}/change/", {"slug": "press-kit"}, follow=True
    )
    assert "is the address of the campaign" in response.content.decode()
    statement.refresh_from_db()
    assert statement.slug != "press-kit"
    with pytest.raises(IntegrityError), transaction.atomic():
        type(statement).objects.filter(pk=statement.pk).update(slug="actions")


def test_a_delivered_statement_says_when_and_to_whom_in_the_reader_s_language(client, statement):
    url = statement.get_absolute_url()
    assert "Delivered" not in client.get(url).content.decode()

    statement.delivered_at = datetime.datetime(2024, 8, 8, 10, 0, tzinfo=datetime.UTC)
    statement.delivered_to_en = "the Chair of the Ad Hoc Committee"
    statement.delivered_to_es = "la Presidencia del Comité Especial"
    statement.save()

    assert "Delivered to the Chair of the Ad Hoc Committee on Aug. 8, 2024." in client.get(url).content.decode()
    assert (
        "Entregada a la Presidencia del Comité Especial el 8 de agosto de 2024."
        in client.get("/es" + url).content.decode()
    )
    statement.delivered_to_en = statement.delivered_to_es = ""
    statement.save()
    assert "Delivered on Aug. 8, 2024." in client.get(url).content.decode()


def test_staff_record_the_delivery_in_the_admin(admin_client, statement):
    save_in_admin(
        admin_client,
        statement,
        delivered_at_0="2024-08-08",
        delivered_at_1="10:00:00",
        delivered_to_en="every state delegation",
    )

    assert statement.delivered_at.date() == datetime.date(2024, 8, 8)
    assert (
        "Delivered to every state delegation on Aug. 8, 2024."
        in admin_client.get(statement.get_absolute_url()).content.decode()
    )
