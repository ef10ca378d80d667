"""Partners' links, the sign-ons they bring, the consent to a partner's contact, and partners' staff (issue 22).

A partner's link carries its code (``?via=<code>``), the cached statement page splices the
partner's fields into its forms, the sign-on records the partner (another campaign's code,
or an unknown one, is ignored) and, if ticked, the consent with its words and time. The
campaign home counts sign-ons per partner; a partner's staff see their own and the
addresses of those who agreed, nothing else.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import CampaignMembership
from accounts.roles import CAMPAIGN_MANAGER, PARTNER
from campaigns.models import PARTNER_CODE, CampaignPartner
from signatories import services
from signatories.models import Signatory, SignOn
from staff.selectors import partners_with_figures

from .factories import ContactFactory, OrganizationFactory, SignOnFactory, StatementFactory
from .helpers import organization_post, sign, sign_in, sign_in_with_code, staff_with_role, text_of

pytestmark = pytest.mark.django_db

BOX = "Amnistía Ejemplo, who sent you this, may contact me"


@pytest.fixture
def partner(statement):
    return CampaignPartner.objects.create(campaign=statement.campaign, name="Amnistía Ejemplo")


@pytest.fixture
def other_campaign_partner(db):
    return CampaignPartner.objects.create(campaign=StatementFactory().campaign, name="Someone Else's Partner")


def page_url(statement):
    with translation.override(None):
        return statement.get_absolute_url()


def details(name="Sursiendo", email="contact@sursiendo.example"):
    return services.SignatoryDetails(kind=Signatory.Kind.ORGANIZATION, name=name, email=email, contact_name="Ana")


def submit(statement, **kwargs):
    return services.submit_sign_on(
        statement=statement,
        details=details(),
        listing=SignOn.Listing.LISTED,
        consent_version=settings.PRIVACY_NOTICE_VERSION,
        **kwargs,
    ).sign_on


# --- The partner's code --------------------------------------------------------------------------


def test_each_partner_gets_its_own_code_of_eight_url_safe_characters(statement, partner):
    second = CampaignPartner.objects.create(campaign=statement.campaign, name="Second")

    assert PARTNER_CODE.fullmatch(partner.code) and PARTNER_CODE.fullmatch(second.code)
    assert partner.code != second.code
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignPartner.objects.create(campaign=statement.campaign, name="Copy", code=partner.code)


# --- The sign-on service ------------------------------------------------------------------------


def test_a_sign_on_through_a_partner_s_link_records_the_partner(statement, partner):
    sign_on = submit(statement, referred_by=partner)

    assert sign_on.referred_by == partner
    assert sign_on.referrer_consent_text == "" and sign_on.referrer_consent_given_at is None


def test_another_campaign_s_partner_is_ignored_and_the_sign_on_recorded(statement, other_campaign_partner):
    sign_on = submit(statement, referred_by=other_campaign_partner, referrer_consent_text="They may contact me")

    assert sign_on.pk is not None
    assert sign_on.referred_by is None and sign_on.referrer_consent_text == ""


def test_the_consent_to_the_partner_is_recorded_with_its_words_and_time(statement, partner):
    before = timezone.now()

    sign_on = submit(statement, referred_by=partner, referrer_consent_text=BOX)

    sign_on.refresh_from_db()
    assert sign_on.referrer_consent_text == BOX
    assert before <= sign_on.referrer_consent_given_at <= timezone.now()


def test_the_database_refuses_a_consent_without_its_partner_words_or_time(statement, partner):
    sign_on = SignOnFactory(statement=statement, referred_by=partner)
    for fields in (
        {"referred_by": None, "referrer_consent_text": BOX, "referrer_consent_given_at": timezone.now()},
        {"referrer_consent_text": BOX, "referrer_consent_given_at": None},
        {"referrer_consent_text": "", "referrer_consent_given_at": timezone.now()},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            SignOn.objects.filter(pk=sign_on.pk).update(**fields)


def test_a_partner_with_sign_ons_cannot_be_deleted_but_its_campaign_can(statement, partner):
    SignOnFactory(statement=statement, referred_by=partner)

    with pytest.raises(RestrictedError), transaction.atomic():
        partner.delete()
    statement.campaign.delete()

    assert not SignOn.objects.exists() and not CampaignPartner.objects.exists()


# --- The statement page and the form ------------------------------------------------------------


def test_the_page_through_a_partner_s_link_is_the_cached_page_with_the_partner_s_box(
    client, statement, partner, django_assert_num_queries
):
    plain = client.get(page_url(statement)).content.decode()
    with django_assert_num_queries(2):  # the page's version, and the partner
        through = client.get(f"{page_url(statement)}?via={partner.code}").content.decode()

    assert "who sent you this" not in plain and "placeholder" not in plain
    assert "placeholder" not in through
    for prefix in ("organization", "individual"):
        assert f'<input type="hidden" name="{prefix}-via" value="{partner.code}"' in through
        box = re.search(rf'<input type="checkbox" name="{prefix}-partner_contact"[^>]*>', through).group(0)
        assert "checked" not in box
        assert f'<label for="id_{prefix}-partner_contact">{BOX}</label>' in through
    # The rest is the page every reader gets, from the cache.
    assert through.split('id="signatories"')[1].split('id="sign"')[0] in plain


def test_an_unknown_or_foreign_code_shows_no_box_and_a_malformed_one_costs_no_query(
    client, statement, other_campaign_partner, django_assert_num_queries
):
    client.get(page_url(statement))
    for code in (other_campaign_partner.code, "zzzzzzzz"):
        with django_assert_num_queries(2):
            page = client.get(f"{page_url(statement)}?via={code}").content.decode()
        assert "who sent you this" not in page and code not in page
    with django_assert_num_queries(1):
        page = client.get(f"{page_url(statement)}?via=<script>").content.decode()
    assert "who sent you this" not in page and "<script>" not in page


def test_the_partner_s_box_is_in_the_reader_s_language_and_its_name_escaped(client, statement):
    partner = CampaignPartner.objects.create(campaign=statement.campaign, name="<b>Bold</b> & Co")

    page = client.get(f"/fr{page_url(statement)}?via={partner.code}").content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in page and "<b>Bold</b>" not in page


def test_a_signed_in_reader_gets_the_box_too(client, statement, partner):
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[statement.campaign]))

    page = client.get(f"{page_url(statement)}?via={partner.code}").content.decode()

    assert 'name="organization-partner_contact"' in page and BOX.split(",")[0] in page


def test_a_signer_through_a_partner_s_link_who_ticks_the_box_gives_their_consent(
    client, statement, partner, django_capture_on_commit_callbacks
):
    response = sign(
        client,
        statement,
        organization_post(via=partner.code, partner_contact="on", name="Sursiendo"),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 302
    sign_on = SignOn.objects.get(signatory__name="Sursiendo")
    assert sign_on.referred_by == partner
    assert sign_on.referrer_consent_text == BOX and sign_on.referrer_consent_given_at is not None


def test_a_signer_who_leaves_the_box_unticked_is_counted_for_the_partner_without_consent(
    client, statement, partner, django_capture_on_commit_callbacks
):
    sign(client, statement, organization_post(via=partner.code, name="Sursiendo"), django_capture_on_commit_callbacks)

    sign_on = SignOn.objects.get(signatory__name="Sursiendo")
    assert sign_on.referred_by == partner and sign_on.referrer_consent_text == ""


def test_an_unknown_or_foreign_code_in_the_form_is_ignored_never_an_error(
    client, statement, other_campaign_partner, django_capture_on_commit_callbacks
):
    for name, code in (("First Org", "zzzzzzzz"), ("Second Org", other_campaign_partner.code), ("Third", "<>")):
        post = organization_post(via=code, partner_contact="on", name=name, website="")
        response = sign(client, statement, post, django_capture_on_commit_callbacks)
        assert response.status_code == 302, name
        sign_on = SignOn.objects.get(signatory__name=name)
        assert sign_on.referred_by is None and sign_on.referrer_consent_text == ""


def test_a_form_sent_back_with_errors_keeps_the_partner_and_the_box(
    client, statement, partner, django_capture_on_commit_callbacks
):
    response = sign(
        client,
        statement,
        organization_post(via=partner.code, partner_contact="on", name=""),
        django_capture_on_commit_callbacks,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="organization-via" value="{partner.code}"' in page
    assert re.search(r'<input type="checkbox" name="organization-partner_contact"[^>]*checked', page)
    assert 'name="individual-via"' in page  # the other form too


def test_the_widget_links_to_the_statement_with_the_partner_s_code(client, statement, partner):
    embed = reverse(
        "signatories:embed", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    )
    campaign_embed = reverse("signatories:campaign_embed", kwargs={"campaign_slug": statement.campaign.slug})

    for address in (embed, campaign_embed):
        page = client.get(f"{address}?via={partner.code}").content.decode()
        assert f"{statement.get_absolute_url()}?via={partner.code}#sign" in page
        forged = client.get(f'{address}?via="><script>').content.decode()
        assert "?via=" not in forged and "<script>" not in forged


def test_the_campaign_page_through_a_partner_s_link_passes_the_code_on_to_its_statements(client, statement, partner):
    campaign_page = statement.campaign.get_absolute_url()

    page = client.get(f"{campaign_page}?via={partner.code}").content.decode()
    assert f'href="{statement.get_absolute_url()}?via={partner.code}"' in page
    assert f'href="{statement.get_absolute_url()}"' not in page

    forged = client.get(f'{campaign_page}?via="><script>').content.decode()
    assert f'href="{statement.get_absolute_url()}"' in forged and "<script>" not in forged


# --- Counts per partner -------------------------------------------------------------------------


def referrals(statement, partner):
    """Through ``partner``: one waiting for its email, one confirmed and pending review, one listed, one counted
    unnamed, one withdrawn."""
    SignOnFactory(
        statement=statement,
        referred_by=partner,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
        moderation_state=SignOn.Moderation.PENDING,
    )
    SignOnFactory(statement=statement, referred_by=partner, moderation_state=SignOn.Moderation.PENDING)
    SignOnFactory(statement=statement, referred_by=partner)
    SignOnFactory(statement=statement, referred_by=partner, listing=SignOn.Listing.UNLISTED)
    SignOnFactory(statement=statement, referred_by=partner, withdrawn_at=timezone.now())


def test_the_campaign_home_counts_each_partner_s_sign_ons_in_one_query(
    statement, partner, other_campaign_partner, django_assert_num_queries
):
    quiet = CampaignPartner.objects.create(campaign=statement.campaign, name="Quiet Partner", position=5)
    referrals(statement, partner)
    SignOnFactory(statement=statement)  # through no partner
    SignOnFactory(statement=StatementFactory(campaign=statement.campaign), referred_by=partner)  # another statement
    SignOnFactory(statement=other_campaign_partner.campaign.statements.get(), referred_by=other_campaign_partner)

    with django_assert_num_queries(1):
        figures = [(p.name, p.came, p.confirmed, p.listed) for p in partners_with_figures(statement.campaign)]

    assert figures == [("Amnistía Ejemplo", 5, 4, 2), ("Quiet Partner", 0, 0, 0)]
    assert quiet.pk


def test_the_campaign_home_shows_the_counts_per_partner(admin_client, statement, partner):
    referrals(statement, partner)

    page = text_of(admin_client.get(reverse("admin:campaigns_campaign_home", args=[statement.campaign.pk])))

    assert "Partners' links" in page and "Amnistía Ejemplo 4 3 1" in page


def test_staff_read_a_partner_s_links_on_the_campaign_s_page(admin_client, statement, partner):
    page = admin_client.get(reverse("admin:campaigns_campaign_change", args=[statement.campaign.pk])).content.decode()

    assert f"{settings.SITE_URL}{statement.get_absolute_url()}?via={partner.code}" in page
    assert f"/embed/?via={partner.code}&quot; title=" in page  # the widget's code, as text to copy
    assert f"{settings.SITE_URL}{statement.campaign.get_absolute_url()}?via={partner.code}" in page


# --- A partner's staff ---------------------------------------------------------------------------


def partner_staff(partner):
    user = staff_with_role(PARTNER)
    CampaignMembership.objects.create(user=user, campaign=partner.campaign, partner=partner)
    return user


@pytest.fixture
def two_partners_referrals(statement, partner):
    """Sign-ons through ``partner`` (with and without consent, listed and not) and through another partner."""
    other = CampaignPartner.objects.create(campaign=statement.campaign, name="Other Coalition Member")
    consenting = OrganizationFactory(name="Consenting Org", country="CL")
    SignOnFactory(
        statement=statement,
        signatory=consenting,
        contact=ContactFactory(signatory=consenting, email="agreed@consenting.example"),
        referred_by=partner,
        referrer_consent_text=BOX,
        referrer_consent_given_at=timezone.now(),
    )
    silent = OrganizationFactory(name="Listed Without Consent", country="KE")
    SignOnFactory(
        statement=statement,
        signatory=silent,
        contact=ContactFactory(signatory=silent, email="never@silent.example"),
        referred_by=partner,
    )
    hidden = OrganizationFactory(name="Unlisted Secret Org", country="BY")
    SignOnFactory(
        statement=statement,
        signatory=hidden,
        listing=SignOn.Listing.UNLISTED,
        contact=ContactFactory(signatory=hidden, email="hidden@unlisted.example"),
        referred_by=partner,
    )
    SignOnFactory(
        statement=statement,
        signatory=OrganizationFactory(name="Through The Other Partner"),
        contact=ContactFactory(email="other@partner.example"),
        referred_by=other,
        referrer_consent_text="Other Coalition Member, who sent you this, may contact me",
        referrer_consent_given_at=timezone.now(),
    )
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Came On Its Own"))
    return other


def test_a_partner_s_staff_see_their_referrals_and_only_the_addresses_given_to_them(
    client, statement, partner, two_partners_referrals
):
    sign_in(client, partner_staff(partner))

    page = text_of(client.get(reverse("admin:signatories_referral_changelist")))

    assert "Consenting Org" in page and "agreed@consenting.example" in page and "Chile" in page
    assert "Listed Without Consent" in page and "never@silent.example" not in page
    assert "Unlisted Secret Org" not in page and "hidden@unlisted.example" not in page and "Belarus" not in page
    assert "Not listed: name withheld" in page
    assert "Through The Other Partner" not in page and "other@partner.example" not in page
    assert "Other Coalition Member" not in page
    assert "Came On Its Own" not in page
    assert "3 came through the links" in page and f"?via={partner.code}" in page


def test_a_partner_s_staff_see_no_moderation_no_contacts_and_no_other_campaign(
    client, statement, partner, two_partners_referrals
):
    sign_in(client, partner_staff(partner))

    for admin_page in (
        "admin:signatories_signon_changelist",
        "admin:signatories_contact_changelist",
        "admin:signatories_organization_changelist",
        "admin:campaigns_campaign_changelist",
        "admin:mailings_mailing_changelist",
    ):
        assert client.get(reverse(admin_page)).status_code == 403, admin_page
    home = client.get(reverse("admin:campaigns_campaign_home", args=[statement.campaign.pk]))
    assert home.status_code == 302 and home["Location"] == reverse("admin:campaigns_campaign_homes")
    referral = SignOn.objects.get(signatory__name="Through The Other Partner")
    assert client.get(reverse("admin:signatories_referral_change", args=[referral.pk])).status_code == 302
    listed = client.get(reverse("admin:signatories_referral_changelist")).content.decode()
    assert 'name="action"' not in listed and "Approve" not in listed


def test_a_campaign_manager_sees_every_partner_s_referrals_of_their_campaign(
    client, statement, partner, two_partners_referrals, other_campaign_partner
):
    SignOnFactory(
        statement=other_campaign_partner.campaign.statements.get(),
        signatory=OrganizationFactory(name="Elsewhere Org"),
        referred_by=other_campaign_partner,
    )
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[statement.campaign]))

    page = text_of(client.get(reverse("admin:signatories_referral_changelist")))

    assert "Consenting Org" in page and "Through The Other Partner" in page
    assert "Elsewhere Org" not in page and "Someone Else's Partner" not in page


def test_a_partner_s_staff_land_on_their_referrals_after_signing_in(client, statement, partner):
    user = partner_staff(partner)
    user.authenticator_set.all().delete()

    assert sign_in_with_code(client, user) == reverse("admin:signatories_referral_changelist")


def test_a_membership_names_a_partner_of_its_own_campaign_only(statement, other_campaign_partner):
    from django.core.exceptions import ValidationError

    membership = CampaignMembership(
        user=staff_with_role(PARTNER), campaign=statement.campaign, partner=other_campaign_partner
    )
    with pytest.raises(ValidationError, match="partner organization of this campaign"):
        membership.full_clean()


def test_the_partner_role_exists_with_the_referrals_only():
    group = Group.objects.get(name=PARTNER)

    assert set(group.permissions.values_list("codename", flat=True)) == {"view_referral"}


# --- Privacy --------------------------------------------------------------------------------------


def test_public_pages_through_a_partner_s_link_show_nothing_of_its_referrals(
    statement, partner, two_partners_referrals
):
    reader = Client()
    statement_address = page_url(statement)
    secrets = [
        "Unlisted Secret Org",
        "agreed@consenting.example",
        "never@silent.example",
        "other@partner.example",
        "Other Coalition Member, who sent you this",
    ]
    for address in (
        f"{statement_address}?via={partner.code}",
        f"{statement_address}signatories/?via={partner.code}",
        f"{statement_address}signatories.json?via={partner.code}",
        f"{statement_address}embed/?via={partner.code}",
        f"/campaigns/{statement.campaign.slug}/?via={partner.code}",
    ):
        page = reader.get(address).content.decode()
        assert not [secret for secret in secrets if secret in page], address
    json_feed = reader.get(f"{statement_address}signatories.json").json()
    assert all(
        set(entry) & {"referred_by", "partner", "referrer_consent_text"} == set() for entry in json_feed["signatories"]
    )


def test_the_signer_s_data_download_says_which_partner_and_what_they_agreed_to(statement, partner):
    from privacy.selectors import signer_data

    consenting = OrganizationFactory(name="Consenting Org")
    SignOnFactory(
        statement=statement,
        signatory=consenting,
        contact=ContactFactory(signatory=consenting, email="agreed@consenting.example"),
        referred_by=partner,
        referrer_consent_text=BOX,
        referrer_consent_given_at=timezone.now(),
    )

    (sign_on,) = signer_data(email="agreed@consenting.example")["contacts"][0]["sign_ons"]

    assert sign_on["came_through_partner"] == "Amnistía Ejemplo" and sign_on["partner_contact_consent"] == BOX
