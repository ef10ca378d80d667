"""Representatives: claiming an organization, then managing its profile and signatures from an account."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.models import Representative
from signatories.models import SignOn

from .factories import ContactFactory, OrganizationFactory, SignOnFactory, StatementFactory, UserFactory
from .helpers import sign_in, spam_check_fields, staff_with_role

pytestmark = pytest.mark.django_db

NO_ENUMERATION_MESSAGE = "If this organization has signed a statement here, staff will review your claim"


def verified_user(email):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def represent(user, organization):
    return Representative.objects.create(
        user=user, organization=organization, status=Representative.Status.APPROVED, method=Representative.Method.STAFF
    )


@pytest.fixture
def access_now(statement):
    organization = OrganizationFactory(name="Access Now", website="https://www.accessnow.org/", country="US")
    SignOnFactory(statement=statement, signatory=organization)
    return organization


def claim(client, **data):
    return client.post(reverse("accounts:claim"), data, follow=True)


# --- Claiming ---------------------------------------------------------------------------


def test_claim_is_approved_at_once_for_a_verified_address_on_the_organizations_domain(client, access_now):
    user = verified_user("policy@accessnow.org")
    client.force_login(user)

    response = claim(client, name="access now", website="")

    assert response.redirect_chain[-1][0] == reverse("accounts:organization", args=[access_now.pk])
    representative = Representative.objects.get(user=user)
    assert (representative.organization, representative.status, representative.method) == (
        access_now,
        Representative.Status.APPROVED,
        Representative.Method.EMAIL_DOMAIN,
    )


@pytest.mark.parametrize("email", ["someone@gmail.com", "policy@accessnow.org.evil.example", "x@proton.me"])
def test_claim_from_another_domain_or_webmail_waits_for_staff(client, access_now, email):
    client.force_login(verified_user(email))

    response = claim(client, name="Access Now", website="https://accessnow.org")

    assert NO_ENUMERATION_MESSAGE in response.content.decode()
    assert Representative.objects.get().status == Representative.Status.PENDING
    assert client.get(reverse("accounts:organization", args=[access_now.pk])).status_code == 403


def test_claim_from_an_unverified_address_on_the_domain_is_not_approved(client, access_now):
    user = UserFactory(email="intern@accessnow.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)

    claim(client, name="Access Now")

    assert Representative.objects.get().status == Representative.Status.PENDING


def test_claim_answer_does_not_reveal_whether_an_unlisted_organization_signed(statement):
    SignOnFactory(
        statement=statement,
        listing=SignOn.Listing.UNLISTED,
        signatory=OrganizationFactory(name="Secret Defenders Collective"),
    )
    pages = {}
    for name in ["Secret Defenders Collective", "Never Signed Anything"]:
        claimant = Client()
        claimant.force_login(verified_user(f"curious.{len(pages)}@gmail.com"))
        content = claim(claimant, name=name).content.decode()
        content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)
        pages[name] = content.replace(name, "NAME").replace(f"curious.{len(pages)}@gmail.com", "EMAIL")

    assert NO_ENUMERATION_MESSAGE in pages["Never Signed Anything"]
    assert pages["Secret Defenders Collective"] == pages["Never Signed Anything"]


def test_staff_approve_a_pending_claim_in_the_admin(staff_client, access_now):
    user = verified_user("director@gmail.com")
    claimant = Client()
    claimant.force_login(user)
    claim(claimant, name="Access Now", note="I am the executive director.")
    representative = Representative.objects.get()

    changelist = reverse("admin:accounts_representative_changelist")
    action = {"action": "approve_selected", "_selected_action": [representative.pk], "index": 0}
    asked = staff_client.post(changelist, action)
    assert "Reason for the decision" in asked.content.decode()  # nothing decided without a why
    representative.refresh_from_db()
    assert representative.status == Representative.Status.PENDING

    staff_client.post(changelist, {**action, "apply": 1, "reason": "Called their office; she is the director."})

    representative.refresh_from_db()
    assert representative.status == Representative.Status.APPROVED
    assert representative.method == Representative.Method.STAFF
    assert representative.decision_reason == "Called their office; she is the director."
    assert claimant.get(reverse("accounts:organization", args=[access_now.pk])).status_code == 200


def test_claim_matching_no_organization_waits_until_staff_choose_one(staff_client, access_now):
    claimant = Client()
    claimant.force_login(verified_user("someone@gmail.com"))
    claim(claimant, name="Acces Now (typo)")
    representative = Representative.objects.get()
    url = reverse("admin:accounts_representative_change", args=[representative.pk])

    # Approving without an organization: refused next to the field, nothing saved.
    response = staff_client.post(url, {"user": representative.user_id, "organization": "", "status": "approved"})
    assert "Choose the organization before approving the claim." in response.content.decode()
    representative.refresh_from_db()
    assert representative.status == Representative.Status.PENDING

    staff_client.post(
        url,
        {
            "user": representative.user_id,
            "organization": access_now.pk,
            "status": "approved",
            "decision_reason": "Their website lists the claimant as staff.",
        },
    )
    representative.refresh_from_db()
    assert (representative.organization, representative.status, representative.method) == (
        access_now,
        Representative.Status.APPROVED,
        Representative.Method.STAFF,
    )


def test_claim_form_errors_are_next_to_their_field(client):
    client.force_login(verified_user("someone@ngo.example"))

    response = client.post(reverse("accounts:claim"), {"name": "", "website": "not a url", "note": "kept"})
    content = response.content.decode()

    assert 'aria-describedby="id_name_errors"' in content
    assert 'id="id_website_errors"' in content
    assert "kept</textarea>" in content


# --- The organization's page ------------------------------------------------------------


def test_representative_sees_every_sign_on_of_the_organization(client, access_now):
    user = verified_user("policy@accessnow.org")
    represent(user, access_now)
    other_statement = StatementFactory(title="A letter on spyware")
    # Signed by a colleague, from another address: still the organization's signature.
    SignOnFactory(
        statement=other_statement,
        signatory=access_now,
        listing=SignOn.Listing.UNLISTED,
        contact=ContactFactory(signatory=access_now, email="colleague@accessnow.org"),
    )
    client.force_login(user)

    content = client.get(reverse("accounts:organization", args=[access_now.pk])).content.decode()

    assert "A letter on spyware" in content
    assert content.count('name="action" value="withdraw"') == 2
    assert "colleague@accessnow.org" not in content


def test_representative_changes_the_listing_and_the_public_page_follows(client, statement, access_now):
    user = verified_user("policy@accessnow.org")
    represent(user, access_now)
    sign_on = access_now.sign_ons.get()
    client.force_login(user)

    client.post(
        reverse("accounts:organization_sign_on", args=[access_now.pk, sign_on.pk]),
        {"action": "listing", f"sign-on-{sign_on.pk}-listing": SignOn.Listing.UNLISTED},
    )

    sign_on.refresh_from_db()
    assert sign_on.listing == SignOn.Listing.UNLISTED
    client.logout()
    assert "Access Now" not in client.get(statement.get_absolute_url()).content.decode()


def test_representative_withdraws_a_signature_which_is_kept_for_the_record(client, statement, access_now):
    user = verified_user("policy@accessnow.org")
    represent(user, access_now)
    sign_on = access_now.sign_ons.get()
    client.force_login(user)

    client.post(reverse("accounts:organization_sign_on", args=[access_now.pk, sign_on.pk]), {"action": "withdraw"})

    sign_on.refresh_from_db()
    assert sign_on.withdrawn_at is not None
    client.logout()
    assert "Access Now" not in client.get(statement.get_absolute_url()).content.decode()


def test_representative_edits_the_public_profile(client, statement, access_now):
    user = verified_user("policy@accessnow.org")
    represent(user, access_now)
    client.force_login(user)

    response = client.post(
        reverse("accounts:organization", args=[access_now.pk]),
        {
            "name": "Access Now International",
            "acronym": "AN",
            "country": "BE",
            "website": "https://www.accessnow.org",
            "accreditation": "ECOSOC consultative status",
        },
    )

    assert response.status_code == 302
    access_now.refresh_from_db()
    assert (access_now.name, access_now.acronym, access_now.country.code, access_now.accreditation) == (
        "Access Now International",
        "AN",
        "BE",
        "ECOSOC consultative status",
    )


def test_profile_name_taken_by_another_organization_is_refused_next_to_the_field(client, access_now):
    OrganizationFactory(name="Article 19")
    user = verified_user("policy@accessnow.org")
    represent(user, access_now)
    client.force_login(user)

    response = client.post(
        reverse("accounts:organization", args=[access_now.pk]),
        {
            "name": "ARTICLE 19",
            "acronym": "",
            "country": "US",
            "website": "https://www.accessnow.org",
            "accreditation": "typed and kept",
        },
    )
    content = response.content.decode()

    assert response.status_code == 200
    assert 'id="id_name_errors"' in content
    assert 'value="typed and kept"' in content
    access_now.refresh_from_db()
    assert access_now.name == "Access Now"


# --- Another organization's data ----------------------------------------------------------


def test_representative_cannot_see_or_change_another_organizations_data(client, statement, access_now):
    other = OrganizationFactory(name="Electronic Frontier Foundation", website="https://www.eff.org")
    other_sign_on = SignOnFactory(statement=statement, signatory=other)
    user = verified_user("policy@accessnow.org")
    represent(user, access_now)
    client.force_login(user)

    assert client.get(reverse("accounts:organization", args=[other.pk])).status_code == 403
    assert (
        client.post(
            reverse("accounts:organization", args=[other.pk]),
            {"name": "Hijacked", "country": "", "website": "", "acronym": "", "accreditation": ""},
        ).status_code
        == 403
    )
    # Through its own organization's address, with the other's sign-on: still refused.
    for url in [
        reverse("accounts:organization_sign_on", args=[access_now.pk, other_sign_on.pk]),
        reverse("accounts:organization_sign_on", args=[other.pk, other_sign_on.pk]),
    ]:
        assert client.post(url, {"action": "withdraw"}).status_code == 403

    other.refresh_from_db()
    other_sign_on.refresh_from_db()
    assert other.name == "Electronic Frontier Foundation"
    assert other_sign_on.withdrawn_at is None


def test_pending_or_rejected_claim_gives_no_access(client, access_now):
    user = verified_user("someone@gmail.com")
    Representative.objects.create(user=user, organization=access_now, status=Representative.Status.REJECTED)
    client.force_login(user)

    assert client.get(reverse("accounts:organization", args=[access_now.pk])).status_code == 403


def test_account_pages_need_a_sign_in(client, access_now):
    for url in [reverse("accounts:home"), reverse("accounts:organization", args=[access_now.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_organization_page_query_count_does_not_grow_with_sign_ons(client, access_now, django_assert_max_num_queries):
    user = verified_user("policy@accessnow.org")
    represent(user, access_now)
    client.force_login(user)
    url = reverse("accounts:organization", args=[access_now.pk])

    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(30):
        SignOnFactory(signatory=access_now)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count('value="withdraw"') == 31


# --- Signing without retyping -------------------------------------------------------------


def test_representative_finds_the_sign_on_form_filled_in_from_the_profile(client, access_now):
    open_statement = StatementFactory(title="A new letter")
    user = verified_user("policy@accessnow.org")
    user.first_name, user.last_name = "Maria", "Policy"
    user.save()
    represent(user, access_now)
    client.force_login(user)

    content = client.get(f"{open_statement.get_absolute_url()}?as={access_now.pk}").content.decode()

    assert 'value="Access Now"' in content
    assert 'value="https://www.accessnow.org/"' in content
    assert 'value="policy@accessnow.org"' in content
    assert 'value="Maria Policy"' in content


def test_signing_without_an_account_keeps_working(client, mailoutbox, django_capture_on_commit_callbacks):
    open_statement = StatementFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signatories:sign", args=[open_statement.campaign.slug, open_statement.slug]),
            {
                "kind": "organization",
                "organization-name": "Paradigm Initiative",
                "organization-country": "NG",
                "organization-contact_name": "A Person",
                "organization-contact_email": "a.person@paradigmhq.org",
                "organization-listing": "listed",
                "organization-authorized": "on",
                "organization-consent": "on",
                **spam_check_fields("organization"),
            },
        )

    assert response.status_code == 302
    assert SignOn.objects.filter(signatory__name="Paradigm Initiative").exists()
    assert mailoutbox[0].to == ["a.person@paradigmhq.org"]


def sign_as_organization(client, statement, *, name, email, website=""):
    return client.post(
        reverse("signatories:sign", args=[statement.campaign.slug, statement.slug]),
        {
            "kind": "organization",
            "organization-name": name,
            "organization-country": "US",
            "organization-website": website,
            "organization-contact_name": "Maria Policy",
            "organization-contact_email": email,
            "organization-listing": "listed",
            "organization-authorized": "on",
            "organization-consent": "on",
            **spam_check_fields("organization"),
        },
    )


@pytest.mark.parametrize("requires_approval", [False, True])
def test_a_representative_signed_in_with_the_contact_address_needs_no_confirmation_email(
    client, access_now, mailoutbox, django_capture_on_commit_callbacks, requires_approval
):
    open_statement = StatementFactory(title="A new letter", requires_approval=requires_approval)
    user = verified_user("policy@accessnow.org")
    represent(user, access_now)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = sign_as_organization(client, open_statement, name="Access Now", email="Policy@AccessNow.org")

    sign_on = SignOn.objects.get(statement=open_statement, signatory=access_now)
    assert sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED
    assert sign_on.moderation_state == (SignOn.Moderation.PENDING if requires_approval else SignOn.Moderation.APPROVED)
    assert mailoutbox == []
    assert response["Location"] == open_statement.get_absolute_url() + "#main"
    page = client.get(response["Location"]).content.decode()
    if requires_approval:
        assert "it appears on the list once approved" in page
    else:
        assert "the signature of Access Now is recorded and appears on the list below in a moment." in page
        assert "Access Now" in page.split('id="signatories"')[1]


@pytest.mark.parametrize("case", ["another address", "unverified address", "not their organization", "signed out"])
def test_anyone_else_confirms_by_email_as_usual(
    client, access_now, mailoutbox, django_capture_on_commit_callbacks, case
):
    open_statement = StatementFactory(title="A new letter")
    other = OrganizationFactory(name="Derechos Digitales", website="https://www.derechosdigitales.org/")
    user = verified_user("policy@accessnow.org")
    represent(user, access_now)
    name, email = "Access Now", "policy@accessnow.org"
    if case == "another address":
        email = "someone.else@accessnow.org"
    elif case == "unverified address":
        EmailAddress.objects.create(user=user, email="second@accessnow.org", verified=False)
        email = "second@accessnow.org"
    elif case == "not their organization":
        name = other.name
    if case != "signed out":
        client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = sign_as_organization(client, open_statement, name=name, email=email)

    sign_on = SignOn.objects.get(statement=open_statement)
    assert sign_on.confirmation_state == SignOn.Confirmation.UNCONFIRMED
    assert [message.to for message in mailoutbox] == [[email]]
    assert (
        response["Location"]
        == reverse("signatories:received", args=[open_statement.campaign.slug, open_statement.slug]) + "#main"
    )


# --- Staff scope of claims (issue 20, item 2) -------------------------------------------------


@pytest.fixture
def two_campaigns_claim(statement):
    """Chaos Computer Club signed in campaign A only; a partner's manager works on campaign B only;
    a webmail stranger claims CCC."""
    ccc = OrganizationFactory(name="Chaos Computer Club", website="https://www.ccc.de/")
    SignOnFactory(statement=statement, signatory=ccc)
    partner_statement = StatementFactory(title="A partner's statement")
    partner_org = OrganizationFactory(name="Partner Org")
    SignOnFactory(statement=partner_statement, signatory=partner_org)
    stranger = verified_user("stranger@gmail.com")
    claim_to_ccc = Representative.objects.create(user=stranger, organization=ccc, claimed_name="Chaos Computer Club")
    claim_to_partner = Representative.objects.create(
        user=verified_user("someone@gmail.com"), organization=partner_org, claimed_name="Partner Org"
    )
    from accounts.roles import CAMPAIGN_MANAGER

    manager = staff_with_role(CAMPAIGN_MANAGER, campaigns=[partner_statement.campaign])
    return {
        "ccc": ccc,
        "claim_to_ccc": claim_to_ccc,
        "claim_to_partner": claim_to_partner,
        "manager": manager,
        "campaign_a": statement.campaign,
        "campaign_b": partner_statement.campaign,
    }


def test_a_campaign_manager_sees_only_claims_to_organizations_of_their_campaigns(client, two_campaigns_claim):
    sign_in(client, two_campaigns_claim["manager"])

    changelist = client.get(reverse("admin:accounts_representative_changelist")).content.decode()
    assert "Partner Org" in changelist and "Chaos Computer Club" not in changelist
    claim_to_ccc = two_campaigns_claim["claim_to_ccc"]
    for name in ["change", "history", "delete"]:
        response = client.get(reverse(f"admin:accounts_representative_{name}", args=[claim_to_ccc.pk]))
        assert response.status_code in (302, 403, 404), name
        assert "Chaos Computer Club" not in response.content.decode(), name


def test_a_manager_of_another_campaign_cannot_approve_a_claim_to_an_organization_they_do_not_manage(
    client, two_campaigns_claim
):
    """The reported takeover: CCC also signed in campaign B; the manager of B alone may not hand it over."""
    claim_to_ccc, ccc = two_campaigns_claim["claim_to_ccc"], two_campaigns_claim["ccc"]
    partner_statement = two_campaigns_claim["campaign_b"].statements.get()
    SignOnFactory(statement=partner_statement, signatory=ccc)  # now in the manager's scope too
    sign_in(client, two_campaigns_claim["manager"])
    changelist = reverse("admin:accounts_representative_changelist")
    assert "Chaos Computer Club" in client.get(changelist).content.decode()

    response = client.post(
        changelist,
        {
            "action": "approve_selected",
            "_selected_action": [claim_to_ccc.pk],
            "index": 0,
            "apply": 1,
            "reason": "Looks fine",
        },
        follow=True,
    )

    claim_to_ccc.refresh_from_db()
    assert claim_to_ccc.status == Representative.Status.PENDING
    assert "signed statements of campaigns you do not work on" in response.content.decode()

    # Nor through the claim's own page: refused next to the status, nothing saved.
    url = reverse("admin:accounts_representative_change", args=[claim_to_ccc.pk])
    response = client.post(url, {"organization": ccc.pk, "status": "approved", "decision_reason": "Looks fine"})
    assert response.status_code == 200
    assert "signed statements of campaigns you do not work on" in response.content.decode()
    claim_to_ccc.refresh_from_db()
    assert claim_to_ccc.status == Representative.Status.PENDING
    stranger = Client()
    stranger.force_login(claim_to_ccc.user)
    assert stranger.get(reverse("accounts:organization", args=[ccc.pk])).status_code == 403


def test_a_manager_cannot_point_an_approved_claim_at_an_organization_of_another_campaign(client, two_campaigns_claim):
    claim_to_partner = two_campaigns_claim["claim_to_partner"]
    sign_in(client, two_campaigns_claim["manager"])
    url = reverse("admin:accounts_representative_change", args=[claim_to_partner.pk])

    client.post(
        url, {"organization": two_campaigns_claim["ccc"].pk, "status": "approved", "decision_reason": "Checked"}
    )

    claim_to_partner.refresh_from_db()
    assert claim_to_partner.organization.name == "Partner Org"


def test_a_member_of_every_campaign_the_organization_signed_in_may_approve(client, two_campaigns_claim):
    from accounts.models import CampaignMembership

    manager, claim_to_ccc = two_campaigns_claim["manager"], two_campaigns_claim["claim_to_ccc"]
    CampaignMembership.objects.create(user=manager, campaign=two_campaigns_claim["campaign_a"])
    sign_in(client, manager)

    client.post(
        reverse("admin:accounts_representative_changelist"),
        {
            "action": "approve_selected",
            "_selected_action": [claim_to_ccc.pk],
            "index": 0,
            "apply": 1,
            "reason": "Confirmed by phone with CCC's board.",
        },
    )

    claim_to_ccc.refresh_from_db()
    assert claim_to_ccc.status == Representative.Status.APPROVED


def test_claim_decisions_are_recorded_in_the_history_with_who_and_why(staff_client, staff_user, two_campaigns_claim):
    claim_to_ccc = two_campaigns_claim["claim_to_ccc"]
    changelist = reverse("admin:accounts_representative_changelist")

    staff_client.post(
        changelist,
        {
            "action": "reject_selected",
            "_selected_action": [claim_to_ccc.pk],
            "index": 0,
            "apply": 1,
            "reason": "Webmail address, and CCC did not know them.",
        },
    )

    latest = claim_to_ccc.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "rejected",
        staff_user,
        "Webmail address, and CCC did not know them.",
    )
    assert latest.decided_by == staff_user
    history = staff_client.get(reverse("admin:accounts_representative_history", args=[claim_to_ccc.pk]))
    assert "Webmail address, and CCC did not know them." in history.content.decode()


def test_a_decision_on_the_claims_page_needs_a_reason(staff_client, two_campaigns_claim):
    claim_to_ccc = two_campaigns_claim["claim_to_ccc"]
    url = reverse("admin:accounts_representative_change", args=[claim_to_ccc.pk])

    response = staff_client.post(
        url, {"organization": claim_to_ccc.organization_id, "status": "approved", "decision_reason": ""}
    )

    assert "Say why you decide so" in response.content.decode()
    claim_to_ccc.refresh_from_db()
    assert claim_to_ccc.status == Representative.Status.PENDING


def test_a_claim_that_matched_no_organization_waits_for_a_superuser(client, two_campaigns_claim):
    unmatched = Representative.objects.create(user=verified_user("who@gmail.com"), claimed_name="Nobody Known")
    sign_in(client, two_campaigns_claim["manager"])

    changelist = client.get(reverse("admin:accounts_representative_changelist")).content.decode()
    assert "Nobody Known" not in changelist
    assert client.get(reverse("admin:accounts_representative_change", args=[unmatched.pk])).status_code in (302, 404)
