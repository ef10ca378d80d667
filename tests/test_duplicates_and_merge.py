"""Likely duplicate organizations, flagged with the reason, and merged without losing anything."""

from unittest import mock

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from mailings.models import Invitation
from signatories import duplicates, services
from signatories.duplicates import likely_duplicate_pairs
from signatories.models import Contact, DistinctOrganizations, OrganizationMerge, Signatory, SignOn

from .factories import ContactFactory, OrganizationFactory, SignOnFactory, StatementFactory

pytestmark = pytest.mark.django_db


def reasons_for(first, second):
    key = (min(first.pk, second.pk), max(first.pk, second.pk))
    return {(a, b): reasons for a, b, reasons in likely_duplicate_pairs()}.get(key, [])


# --- Flagging --------------------------------------------------------------------------


def test_short_name_is_flagged_as_the_initials_of_the_full_name(db):
    eff = OrganizationFactory(name="EFF", country="US")
    full = OrganizationFactory(name="Electronic Frontier Foundation", country="US")

    assert reasons_for(eff, full) == ["“EFF” are the initials of “Electronic Frontier Foundation”."]


def test_short_name_is_flagged_as_the_acronym_of_another_organization(db):
    apc = OrganizationFactory(name="APC")
    full = OrganizationFactory(name="Association for Progressive Communications", acronym="APC")

    reasons = reasons_for(apc, full)

    assert "“APC” is the acronym of “Association for Progressive Communications (APC)”." in reasons
    # Initials that skip "for" match too.
    assert "“APC” are the initials of “Association for Progressive Communications (APC)”." in reasons


def test_same_website_domain_is_flagged(db):
    first = OrganizationFactory(name="Access Now", website="https://www.accessnow.org/")
    second = OrganizationFactory(name="Access Now Europe Office", website="http://accessnow.org/eu")

    assert reasons_for(first, second) == ["Same website domain: accessnow.org."]


def test_shared_hosting_domain_is_not_a_reason(db):
    first = OrganizationFactory(name="Small Group One", website="https://one.wordpress.com")
    second = OrganizationFactory(name="Small Group Two", website="https://two.wordpress.com")
    third = OrganizationFactory(name="Small Group Three", website="https://github.com/three")
    fourth = OrganizationFactory(name="Small Group Four", website="https://github.com/four")

    assert reasons_for(first, second) == []
    assert reasons_for(third, fourth) == []


def test_case_spacing_and_accents_are_flagged_even_when_saved_past_normalization(db):
    # Rows written without save() (an old import, a bulk load) were never normalized.
    first, second = Signatory.objects.bulk_create(
        [
            Signatory(kind="organization", name="Electronic Frontier Foundation"),
            Signatory(kind="organization", name="electronic  frontier foundation "),
        ]
    )
    accented, plain = Signatory.objects.bulk_create(
        [
            Signatory(kind="organization", name="Épicentre Numérique"),
            Signatory(kind="organization", name="Epicentre Numerique"),
        ]
    )
    joined = OrganizationFactory(name="AccessNow")
    spaced = OrganizationFactory(name="Access Now")

    assert reasons_for(first, second) == ["Same name when case, accents and spacing are ignored."]
    assert reasons_for(accented, plain) == ["Same name when case, accents and spacing are ignored."]
    assert reasons_for(joined, spaced) == ["Same name apart from spaces and punctuation."]


def test_different_organizations_are_not_flagged(db):
    first = OrganizationFactory(name="Privacy International", website="https://privacyinternational.org")
    second = OrganizationFactory(name="Article 19", website="https://www.article19.org")

    assert reasons_for(first, second) == []


def test_staff_see_the_pairs_with_their_reasons(staff_client, db):
    eff = OrganizationFactory(name="EFF")
    full = OrganizationFactory(name="Electronic Frontier Foundation")
    SignOnFactory(signatory=full)

    response = staff_client.get(reverse("admin:signatories_organization_duplicates"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "“EFF” are the initials of “Electronic Frontier Foundation”." in page
    assert f"?first={eff.pk}&amp;second={full.pk}" in page or f"?first={full.pk}&amp;second={eff.pk}" in page
    assert "1 sign-on" in page


def test_duplicates_page_query_count_does_not_grow_with_pairs(staff_client, db, django_assert_max_num_queries):
    for n in range(3):
        OrganizationFactory(name=f"Network {n}", website=f"https://net{n}.example.org")
        OrganizationFactory(name=f"Network {n} Office", website=f"https://net{n}.example.org/office")
    with django_assert_max_num_queries(8) as few:
        staff_client.get(reverse("admin:signatories_organization_duplicates"))
    for n in range(3, 40):
        OrganizationFactory(name=f"Network {n}", website=f"https://net{n}.example.org")
        OrganizationFactory(name=f"Network {n} Office", website=f"https://net{n}.example.org/office")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(reverse("admin:signatories_organization_duplicates"))
    assert len(response.context["pairs"]) == 40


def test_pair_marked_as_different_is_not_flagged_again(staff_client, staff_user, db):
    first = OrganizationFactory(name="CDT", website="https://cdt.org")
    second = OrganizationFactory(name="Center for Democracy and Technology")
    assert reasons_for(first, second)

    staff_client.post(reverse("admin:signatories_organization_duplicates"), {"pair": [second.pk, first.pk]})

    assert reasons_for(first, second) == []
    assert DistinctOrganizations.objects.get().decided_by == staff_user


def test_the_pairs_are_computed_once_until_an_organization_or_a_decision_changes(staff_client, db):
    first = OrganizationFactory(name="CDT", website="https://cdt.org")
    second = OrganizationFactory(name="Center for Democracy and Technology")
    other = OrganizationFactory(name="Access Now")
    url = reverse("admin:signatories_organization_duplicates")

    def pairs_on_the_page():
        return {(pair.first.pk, pair.second.pk) for pair in staff_client.get(url).context["pairs"]}

    with mock.patch.object(duplicates, "likely_duplicate_pairs", wraps=duplicates.likely_duplicate_pairs) as computed:
        assert pairs_on_the_page() == {(first.pk, second.pk)}
        assert pairs_on_the_page() == {(first.pk, second.pk)}
        assert computed.call_count == 1  # the second visit, from the cache

        other.website = "https://www.cdt.org/"  # now on the first one's domain
        other.save()
        assert (first.pk, other.pk) in pairs_on_the_page()

        staff_client.post(url, {"pair": [first.pk, second.pk]})  # marked as two organizations
        assert (first.pk, second.pk) not in pairs_on_the_page()

        other.delete()
        assert pairs_on_the_page() == set()
    assert computed.call_count == 4


def test_a_pair_is_stored_once_whichever_order(db):
    first, second = OrganizationFactory(), OrganizationFactory()
    DistinctOrganizations.objects.create(first=first, second=second)
    with pytest.raises(IntegrityError):
        DistinctOrganizations.objects.create(first=second, second=first)


# --- Merging ---------------------------------------------------------------------------


@pytest.fixture
def eff_twice(db):
    """The same organization entered twice, with sign-ons on three statements, one in common."""
    keep = OrganizationFactory(name="Electronic Frontier Foundation", country="US", website="")
    duplicate = OrganizationFactory(name="EFF", country="", website="https://www.eff.org", accreditation="ECOSOC")
    shared, only_keep, only_duplicate = StatementFactory(), StatementFactory(), StatementFactory()
    keep_contact = ContactFactory(signatory=keep, email="policy@eff.org")
    dup_same_email = ContactFactory(signatory=duplicate, email="Policy@EFF.org")
    dup_other = ContactFactory(signatory=duplicate, email="press@eff.org")
    sign_ons = {
        "keep_shared": SignOnFactory(
            statement=shared, signatory=keep, contact=keep_contact, moderation_state=SignOn.Moderation.PENDING
        ),
        "dup_shared": SignOnFactory(
            statement=shared, signatory=duplicate, contact=dup_other, listing=SignOn.Listing.UNLISTED
        ),
        "keep_only": SignOnFactory(statement=only_keep, signatory=keep, contact=keep_contact),
        "dup_only": SignOnFactory(statement=only_duplicate, signatory=duplicate, contact=dup_same_email),
    }
    return keep, duplicate, sign_ons, {"keep": keep_contact, "same_email": dup_same_email, "other": dup_other}


def test_merge_moves_sign_ons_contacts_and_keeps_the_better_sign_on_in_a_conflict(eff_twice, staff_user):
    keep, duplicate, sign_ons, contacts = eff_twice
    invitation = Invitation.objects.create(
        statement=sign_ons["keep_shared"].statement, email="policy@eff.org", sign_on=sign_ons["keep_shared"]
    )
    duplicate_pk = duplicate.pk

    merge = services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user, reason="EFF is the acronym")

    assert not Signatory.objects.filter(pk=duplicate_pk).exists()
    # Three statements signed, three sign-ons left, all on the kept organization.
    assert sorted(keep.sign_ons.values_list("pk", flat=True)) == sorted(
        [sign_ons["dup_shared"].pk, sign_ons["keep_only"].pk, sign_ons["dup_only"].pk]
    )
    # The duplicate's sign-on on the shared statement was approved, the kept one's pending: the approved one stays,
    # with the more private listing of the two (it was already unlisted).
    kept_shared = SignOn.objects.get(pk=sign_ons["dup_shared"].pk)
    assert kept_shared.listing == SignOn.Listing.UNLISTED
    assert kept_shared.moderation_state == SignOn.Moderation.APPROVED
    # The dropped sign-on is stored whole in the merge record, and invitations follow the kept one.
    assert [entry["sign_on"]["id"] for entry in merge.dropped_sign_ons] == [sign_ons["keep_shared"].pk]
    assert merge.dropped_sign_ons[0]["sign_on"]["moderation_state"] == "pending"
    assert merge.dropped_sign_ons[0]["kept_sign_on_id"] == kept_shared.pk
    invitation.refresh_from_db()
    assert invitation.sign_on == kept_shared
    # Contacts: the one with the same email is folded into the kept one, the other moved.
    assert sorted(keep.contacts.values_list("email", flat=True)) == ["policy@eff.org", "press@eff.org"]
    assert SignOn.objects.get(pk=sign_ons["dup_only"].pk).contact == contacts["keep"]
    assert merge.merged_contacts[0]["contact"]["email"] == "Policy@EFF.org"
    assert merge.merged_contacts[0]["kept_contact_id"] == contacts["keep"].pk
    # Profile: blanks filled from the duplicate, the short name kept as the acronym.
    keep.refresh_from_db()
    assert (keep.acronym, keep.country.code, keep.website, keep.accreditation) == (
        "EFF",
        "US",
        "https://www.eff.org",
        "ECOSOC",
    )
    assert merge.duplicate_profile["name"] == "EFF"
    assert merge.merged_by == staff_user
    assert merge.reason == "EFF is the acronym"


def test_merge_is_in_the_audit_trail_with_who_and_why(eff_twice, staff_user):
    keep, duplicate, sign_ons, _contacts = eff_twice
    duplicate_pk = duplicate.pk

    services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user, reason="Same organization")

    moved = SignOn.objects.get(pk=sign_ons["dup_only"].pk).history.latest()
    assert (moved.signatory_id, moved.history_user, moved.history_change_reason) == (
        keep.pk,
        staff_user,
        "Same organization",
    )
    deleted = Signatory.history.filter(id=duplicate_pk).latest()
    assert deleted.history_type == "-"
    assert deleted.history_user == staff_user
    dropped = SignOn.history.filter(id=sign_ons["keep_shared"].pk).latest()
    assert dropped.history_type == "-"
    assert dropped.history_change_reason.startswith("Same organization (dropped")
    # The duplicate's history from before the merge is still there.
    assert Signatory.history.filter(id=duplicate_pk, history_type="+").exists()


def test_merge_with_the_kept_sign_on_further_along_keeps_it(db, staff_user):
    keep, duplicate = OrganizationFactory(name="Article 19"), OrganizationFactory(name="ARTICLE19")
    statement = StatementFactory()
    kept = SignOnFactory(statement=statement, signatory=keep)
    dropped = SignOnFactory(
        statement=statement, signatory=duplicate, confirmation_state=SignOn.Confirmation.UNCONFIRMED, confirmed_at=None
    )

    merge = services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user)

    assert list(SignOn.objects.values_list("pk", flat=True)) == [kept.pk]
    assert merge.dropped_sign_ons[0]["sign_on"]["id"] == dropped.pk
    assert merge.moved_sign_on_ids == []


def test_merge_never_names_a_signatory_that_asked_not_to_be(db, staff_user):
    keep, duplicate = OrganizationFactory(name="Keep Listed"), OrganizationFactory(name="Asked Unlisted")
    statement = StatementFactory()
    kept = SignOnFactory(statement=statement, signatory=keep, listing=SignOn.Listing.LISTED)
    SignOnFactory(statement=statement, signatory=duplicate, listing=SignOn.Listing.UNLISTED)

    services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user)

    kept.refresh_from_db()
    assert kept.listing == SignOn.Listing.UNLISTED


def test_earlier_merges_follow_the_kept_organization(db, staff_user):
    a, b, c = OrganizationFactory(name="A Net"), OrganizationFactory(name="A Network"), OrganizationFactory(name="ANW")
    services.merge_organizations(keep=b, duplicate=c, by=staff_user)

    services.merge_organizations(keep=a, duplicate=b, by=staff_user)

    assert sorted(OrganizationMerge.objects.values_list("kept_id", flat=True)) == [a.pk, a.pk]


def test_merge_refuses_an_organization_into_itself_or_an_individual(db, staff_user):
    organization = OrganizationFactory()
    individual = Signatory.objects.create(kind="individual", name="Expert", identity_key="individual:x")

    with pytest.raises(services.MergeRefused):
        services.merge_organizations(keep=organization, duplicate=organization, by=staff_user)
    with pytest.raises(services.MergeRefused):
        services.merge_organizations(keep=organization, duplicate=individual, by=staff_user)
    assert Signatory.objects.count() == 2


def test_merge_is_all_or_nothing(eff_twice, staff_user, monkeypatch):
    keep, duplicate, _sign_ons, _contacts = eff_twice

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(OrganizationMerge, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user)

    assert Signatory.objects.filter(pk=duplicate.pk).exists()
    assert SignOn.objects.count() == 4
    assert Contact.objects.filter(signatory=duplicate).count() == 2


def test_staff_merge_from_the_admin_and_read_what_was_dropped(staff_client, eff_twice):
    keep, duplicate, sign_ons, _contacts = eff_twice
    url = reverse("admin:signatories_organization_merge")

    page = staff_client.get(url, {"first": duplicate.pk, "second": keep.pk}).content.decode()
    assert "<legend>Organization to keep</legend>" in page
    assert "Both signed these statements" in page
    response = staff_client.post(
        url, {"first": duplicate.pk, "second": keep.pk, "keep": keep.pk, "reason": "EFF is their acronym"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:signatories_organization_change", args=[keep.pk])
    merge = OrganizationMerge.objects.get()
    record = staff_client.get(reverse("admin:signatories_organizationmerge_change", args=[merge.pk])).content.decode()
    assert "EFF is their acronym" in record
    assert f"sign-on #{sign_ons['dup_shared'].pk}" in record
    organization_page = staff_client.get(reverse("admin:signatories_organization_change", args=[keep.pk]))
    assert "What moved and what was dropped" in organization_page.content.decode()
    history = staff_client.get(reverse("admin:signatories_organization_history", args=[merge.duplicate_id]))
    assert history.status_code == 200


def test_merge_page_without_a_choice_says_so_and_merges_nothing(staff_client, eff_twice):
    keep, duplicate, _sign_ons, _contacts = eff_twice

    response = staff_client.post(
        reverse("admin:signatories_organization_merge"), {"first": duplicate.pk, "second": keep.pk, "keep": ""}
    )

    assert response.status_code == 200
    assert 'id="id_keep_errors"' in response.content.decode()
    assert Signatory.objects.filter(pk=duplicate.pk).exists()


def test_merge_action_needs_exactly_two_organizations(staff_client, db):
    organizations = [OrganizationFactory() for _ in range(3)]
    url = reverse("admin:signatories_organization_changelist")

    response = staff_client.post(
        url, {"action": "merge_selected", "index": "0", "_selected_action": [o.pk for o in organizations]}, follow=True
    )
    assert "Select exactly two organizations to merge." in response.content.decode()

    response = staff_client.post(
        url, {"action": "merge_selected", "index": "0", "_selected_action": [o.pk for o in organizations[:2]]}
    )
    assert response["Location"].startswith(reverse("admin:signatories_organization_merge"))


def test_an_acronym_shared_by_many_organizations_is_not_a_reason(db):
    sharing = [OrganizationFactory(name=f"Centre number {n}", acronym="CDT") for n in range(6)]
    pair = [OrganizationFactory(name=f"Rare Pair {n}", acronym="RPX") for n in ("One", "Two")]

    assert reasons_for(sharing[0], sharing[1]) == []
    assert reasons_for(*pair) == ["Same acronym: RPX."]


def test_a_later_sign_on_under_the_merged_name_goes_to_the_kept_organization(db, staff_user):
    keep = OrganizationFactory(name="Electronic Frontier Foundation")
    duplicate = OrganizationFactory(name="EFF")
    services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user)

    result = services.submit_sign_on(
        statement=StatementFactory(),
        details=services.SignatoryDetails(kind="organization", name="eff", email="new.person@eff.org"),
        listing=SignOn.Listing.LISTED,
        consent_version="2026-11-23",
    )

    assert result.sign_on.signatory_id == keep.pk
    assert Signatory.objects.count() == 1


def test_an_organization_of_its_own_under_a_merged_name_is_found_before_the_merge(db, staff_user):
    keep = OrganizationFactory(name="Electronic Frontier Foundation")
    services.merge_organizations(keep=keep, duplicate=OrganizationFactory(name="EFF"), by=staff_user)
    # Staff later add an organization that really is called that (e.g. from an import).
    namesake = OrganizationFactory(name="EFF")
    earlier_kept = OrganizationFactory(name="Earlier Keeper")
    # An older merge of the same name, into another organization: the latest merge counts.
    OrganizationMerge.objects.filter(kept=keep).update(merged_at=timezone.now())
    OrganizationMerge.objects.create(
        kept=earlier_kept,
        duplicate_id=999_999,
        duplicate_name="EFF",
        duplicate_profile={"identity_key": namesake.identity_key},
        merged_at=timezone.now() - timezone.timedelta(days=30),
    )

    details = services.SignatoryDetails(kind="organization", name="eff", email="someone@eff.example")
    assert services.find_existing_signatory(details) == namesake
    namesake.delete()
    assert services.find_existing_signatory(details) == keep


def test_organization_page_shows_its_likely_duplicates_with_the_reason(staff_client, db):
    full = OrganizationFactory(name="Association for Progressive Communications", website="https://www.apc.org")
    short = OrganizationFactory(name="APC")
    same_site = OrganizationFactory(name="APC Women's Rights Programme", website="https://apc.org/women")
    OrganizationFactory(name="Unrelated Group")

    short_page = staff_client.get(reverse("admin:signatories_organization_change", args=[short.pk])).content.decode()
    full_page = staff_client.get(reverse("admin:signatories_organization_change", args=[full.pk])).content.decode()

    assert "“APC” are the initials of “Association for Progressive Communications”." in short_page
    assert "Unrelated Group" not in short_page
    assert "Same website domain: apc.org." in full_page
    assert f"?first={full.pk}&amp;second={same_site.pk}" in full_page


def test_merge_page_refuses_what_the_organization_list_does_not_show(staff_client, db):
    organization = OrganizationFactory()
    individual = Signatory.objects.create(kind="individual", name="Expert", identity_key="individual:y")

    response = staff_client.get(
        reverse("admin:signatories_organization_merge"),
        {"first": organization.pk, "second": individual.pk},
        follow=True,
    )

    assert "These two organizations cannot be merged" in response.content.decode()
    assert Signatory.objects.count() == 2


def test_a_merge_keeps_the_representatives_of_both_organizations(staff_user):
    from accounts.models import Representative

    from .factories import UserFactory

    keep = OrganizationFactory(name="Electronic Frontier Foundation")
    duplicate = OrganizationFactory(name="EFF")
    only_duplicate, both = UserFactory(email="rep.one@eff.example"), UserFactory(email="rep.two@eff.example")
    approved = {"status": Representative.Status.APPROVED, "method": Representative.Method.STAFF}
    Representative.objects.create(user=only_duplicate, organization=duplicate, **approved)
    Representative.objects.create(user=both, organization=duplicate, **approved)
    Representative.objects.create(user=both, organization=keep, status=Representative.Status.PENDING)

    services.merge_organizations(keep=keep, duplicate=duplicate, by=staff_user, reason="EFF is the acronym")

    claims = {claim.user_id: claim.status for claim in Representative.objects.filter(organization=keep)}
    assert claims == {only_duplicate.pk: "approved", both.pk: "approved"}
    assert Representative.objects.count() == 2


# --- Names that imitate another --------------------------------------------------------

LOOK_ALIKE = "The names look the same but are written with different characters"


def test_a_name_written_with_look_alike_letters_is_flagged(db):
    real = OrganizationFactory(name="Amnesty International", website="https://www.amnesty.org")
    cyrillic_a = OrganizationFactory(name="\u0410mnesty International")  # Cyrillic А
    shouting = OrganizationFactory(name="AMNESTY INTERNATI\u041eNAL (AI)")  # Cyrillic О
    rn_for_m = OrganizationFactory(name="Arnnesty lnternational")  # "rn" for "m", "l" for "I"
    unrelated = OrganizationFactory(name="Access Now")

    assert any(LOOK_ALIKE in reason for reason in reasons_for(real, cyrillic_a))
    assert any(LOOK_ALIKE in reason for reason in reasons_for(real, shouting))
    assert any(LOOK_ALIKE in reason for reason in reasons_for(real, rn_for_m))
    assert reasons_for(real, unrelated) == []


def test_names_that_only_differ_in_case_or_accents_are_not_called_look_alikes(db):
    first, second = Signatory.objects.bulk_create(
        [
            Signatory(kind="organization", name="Épicentre Numérique"),
            Signatory(kind="organization", name="EPICENTRE numerique"),
        ]
    )

    reasons = reasons_for(first, second)
    assert reasons and not any(LOOK_ALIKE in reason for reason in reasons)


def test_many_look_alikes_of_one_name_are_each_flagged_against_it(db):
    real = OrganizationFactory(name="Chaos Computer Club")
    fakes = [
        OrganizationFactory(name=name)
        for name in (
            "Chaos C\u043emputer Club",
            "Chaos Computer Cl\u057db",
            "Ch\u0430os Computer Club",
            "Cha\u03bfs Computer Club",
            "Chaos Computer C1ub",
            "\u0421haos Computer Club",
        )
    ]
    for fake in fakes:
        assert any(LOOK_ALIKE in reason for reason in reasons_for(real, fake)), fake.name


def test_staff_see_a_look_alike_on_the_duplicates_page_and_the_organization_page(staff_client, db):
    real = OrganizationFactory(name="Amnesty International")
    fake = OrganizationFactory(name="\u0410mnesty International")

    pairs_page = staff_client.get(reverse("admin:signatories_organization_duplicates")).content.decode()
    real_page = staff_client.get(reverse("admin:signatories_organization_change", args=[real.pk])).content.decode()

    assert LOOK_ALIKE in pairs_page
    assert LOOK_ALIKE in real_page
    assert f"?first={real.pk}&amp;second={fake.pk}" in real_page


def test_a_look_alike_added_later_shows_on_the_organization_page_at_once(staff_client, db):
    real = OrganizationFactory(name="Amnesty International")
    url = reverse("admin:signatories_organization_change", args=[real.pk])
    assert LOOK_ALIKE not in staff_client.get(url).content.decode()

    OrganizationFactory(name="\u0410mnesty International")
    assert LOOK_ALIKE in staff_client.get(url).content.decode()


def test_the_moderator_of_a_sign_on_sees_that_its_organization_imitates_another(staff_client, db):
    OrganizationFactory(name="Amnesty International")
    sign_on = SignOnFactory(signatory=OrganizationFactory(name="\u0410mnesty International"))
    honest = SignOnFactory(signatory=OrganizationFactory(name="Access Now"))

    page = staff_client.get(reverse("admin:signatories_signon_change", args=[sign_on.pk])).content.decode()
    honest_page = staff_client.get(reverse("admin:signatories_signon_change", args=[honest.pk])).content.decode()

    assert "likely duplicates of the signatory" in page.lower()
    assert LOOK_ALIKE in page
    assert "Amnesty International</a>" in page
    assert "None found." in honest_page
