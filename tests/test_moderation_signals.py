"""Signals in the moderation queue: what makes a sign-on worth a second look, shown in words and filtered.

A name like another organization's (the duplicates page's pairs), a webmail address for
an organization, an address off the organization's website. The page judges its rows in
Python (identity's rules); the "needs a look" filter asks the database the same; both
must agree, and the page must cost as many queries with 60 sign-ons as with 6.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import MODERATOR
from signatories import selectors
from signatories.models import DistinctOrganizations, Signatory, SignOn

from .factories import ContactFactory, IndividualFactory, OrganizationFactory, SignOnFactory
from .helpers import sign_in, staff_with_role

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:signatories_signon_changelist")


def pending(statement, signatory, email, *, confirmed=True):
    """A sign-on waiting for moderation, sent from ``email`` (its contact's once confirmed, else awaiting)."""
    if confirmed:
        return SignOnFactory(
            statement=statement,
            signatory=signatory,
            contact=ContactFactory(signatory=signatory, email=email),
            moderation_state=SignOn.Moderation.PENDING,
        )
    return SignOnFactory(
        statement=statement,
        signatory=signatory,
        contact=None,
        pending_email=email,
        confirmation_state=SignOn.Confirmation.UNCONFIRMED,
        confirmed_at=None,
        moderation_state=SignOn.Moderation.PENDING,
    )


def signals_cell(response, name):
    """The text of the "needs a look" cell in the row of ``name``."""
    content = response.content.decode()
    row = next(part for part in content.split("<tr")[1:] if f">{name}</a>" in part)
    cell = row.split('class="field-signals">', 1)[1].split("</td>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def names(response):
    return sorted(sign_on.signatory.name for sign_on in response.context["cl"].result_list)


# --- Each signal, in words --------------------------------------------------------------


def test_an_organization_signing_from_webmail_needs_a_look_an_individual_does_not(staff_client, statement):
    pending(statement, OrganizationFactory(name="Webmail Org", website="https://webmail-org.example"), "a@gmail.com")
    pending(statement, IndividualFactory(name="Expert On Gmail"), "expert@gmail.com")
    pending(statement, OrganizationFactory(name="Own Domain Org", website="https://own.example"), "a@own.example")

    response = staff_client.get(QUEUE_URL)

    assert signals_cell(response, "Webmail Org") == "⚠ Webmail address"
    assert signals_cell(response, "Expert On Gmail") == "Nothing to check"
    assert signals_cell(response, "Own Domain Org") == "Nothing to check"


@pytest.mark.parametrize(
    "website, email, expected",
    [
        ("https://www.ourgroup.org", "press@other-group.org", "⚠ Email not at ourgroup.org"),
        ("https://www.ourgroup.org", "press@OurGroup.org", "Nothing to check"),
        ("https://ourgroup.org", "press@mail.ourgroup.org", "Nothing to check"),  # a subdomain is its own
        ("https://www.facebook.com/ourgroup", "press@other-group.org", "Nothing to check"),  # shared hosting
        ("", "press@other-group.org", "Nothing to check"),  # no website to compare with
    ],
    ids=["another-domain", "same-domain-any-case", "subdomain", "website-on-shared-hosting", "no-website"],
)
def test_an_address_off_the_organizations_website_needs_a_look(staff_client, statement, website, email, expected):
    pending(statement, OrganizationFactory(name="Our Group", website=website), email, confirmed=False)

    assert signals_cell(staff_client.get(QUEUE_URL), "Our Group") == expected


def test_a_name_like_a_known_organizations_needs_a_look_until_staff_say_they_differ(staff_client, statement):
    known = SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Amnesty International")).signatory
    # A Cyrillic "А": the same name to the eye.
    imitation = pending(statement, OrganizationFactory(name="Аmnesty International"), "x@amnesty-intl.example")

    assert signals_cell(staff_client.get(QUEUE_URL), "Аmnesty International") == "⚠ Name like “Amnesty International”"

    # On the duplicates page, staff mark the two as different organizations: the signal goes.
    first, second = sorted([known.pk, imitation.signatory_id])
    DistinctOrganizations.objects.create(first_id=first, second_id=second)
    assert signals_cell(staff_client.get(QUEUE_URL), "Аmnesty International") == "Nothing to check"


def test_signals_name_no_address_to_moderators_who_may_not_see_contacts(client, statement):
    pending(
        statement,
        OrganizationFactory(name="Our Group", website="https://ourgroup.org"),
        "someone.private@other-group.org",
    )
    sign_in(client, staff_with_role(MODERATOR, campaigns=[statement.campaign]))

    response = client.get(QUEUE_URL)

    assert signals_cell(response, "Our Group") == "⚠ Email not at ourgroup.org"
    assert "other-group.org" not in response.content.decode()


# --- The "needs a look" filter agrees with the page ----------------------------------------

CASES = [
    # (kind, website, email, confirmed)
    ("organization", "https://ourgroup.org", "a@gmail.com", True),
    ("organization", "https://ourgroup.org", "a@GMAIL.COM", False),
    ("organization", "https://ourgroup.org", "a@ourgroup.org", True),
    ("organization", "https://ourgroup.org", "a@lists.ourgroup.org", False),
    ("organization", "https://ourgroup.org", "a@notourgroup.org", True),  # not a subdomain: off the website
    ("organization", "https://ourgroup.org", "a@ourgroup.org.evil.example", True),
    ("organization", "https://ourgroup.wordpress.com", "a@elsewhere.example", True),
    ("organization", "", "a@elsewhere.example", True),
    ("organization", "https://ourgroup.org", "a@localhost", True),  # no domain at all: off the website too
    ("organization", "https://ourgroup.org", "", False),  # entered by staff, without an address
    ("individual", "https://expert.example", "a@gmail.com", True),
    ("individual", "https://expert.example", "a@elsewhere.example", False),
]


def test_the_needs_a_look_filter_finds_exactly_the_rows_the_page_flags(staff_client, statement):
    for number, (kind, website, email, confirmed) in enumerate(CASES):
        factory = OrganizationFactory if kind == "organization" else IndividualFactory
        pending(statement, factory(name=f"Case {number:02d}", website=website), email, confirmed=confirmed)

    every = staff_client.get(QUEUE_URL)
    flagged = sorted(sign_on.signatory.name for sign_on in every.context["cl"].result_list if sign_on.row["signals"])
    assert flagged == ["Case 00", "Case 01", "Case 04", "Case 05", "Case 08"]

    assert names(staff_client.get(QUEUE_URL, {"needs_look": "yes"})) == flagged
    assert names(staff_client.get(QUEUE_URL, {"needs_look": "no"})) == sorted(set(names(every)) - set(flagged))


def test_the_filter_finds_look_alikes_and_is_one_click_from_the_queue(staff_client, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Electronic Frontier Foundation"))
    pending(statement, OrganizationFactory(name="Electronic Frontier Foundatiоn"), "x@eff-foundation.example")
    pending(statement, OrganizationFactory(name="Plain New Group"), "x@plain.example")

    page = staff_client.get(QUEUE_URL).content.decode()
    link = re.search(r'<a href="([^"]+)">Waiting, with signals to check</a>', page).group(1)
    response = staff_client.get(QUEUE_URL + link.replace("&amp;", "&"))

    # Pending only: the known organization's own approved sign-on is not in this view.
    assert names(response) == ["Electronic Frontier Foundatiоn"]
    assert 'aria-current="page">Waiting, with signals to check</a>' in response.content.decode()


# --- A constant number of queries ---------------------------------------------------------


# Latin letters and the Cyrillic ones that look the same.
CONFUSABLE = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р"}


def look_alike(name, number):
    """The ``number``-th spelling of ``name`` with some letters swapped for their Cyrillic twins."""
    positions = [index for index, letter in enumerate(name) if letter in CONFUSABLE]
    letters = list(name)
    for bit, index in enumerate(positions):
        if (number + 1) >> bit & 1:
            letters[index] = CONFUSABLE[letters[index]]
    return "".join(letters)


def queue_with(statement, count):
    """``count`` pending sign-ons: a third from webmail, a third imitating a known organization, a third plain."""
    known = f"Peace and Open Press Association {count}"
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name=known))
    for number in range(count):
        website = f"https://group-{count}-{number}.example"
        if number % 3 == 0:
            signatory, email = OrganizationFactory(website=website), "a@gmail.com"
        elif number % 3 == 1:
            signatory, email = OrganizationFactory(name=look_alike(known, number)), "a@x.example"
        else:
            signatory, email = OrganizationFactory(website=website), f"a@group-{count}-{number}.example"
        pending(statement, signatory, email, confirmed=number % 2 == 0)


@pytest.mark.parametrize("params", [{}, {"needs_look": "yes"}, {"moderation_state__exact": "pending", "p": "1"}])
def test_the_queue_costs_as_many_queries_with_60_sign_ons_as_with_6(staff_client, statement, params):
    from django.core.cache import cache

    counts = []
    for size in (6, 60):
        queue_with(statement, size)
        cache.clear()  # each page as the first after a change: nothing it reads is cached
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(QUEUE_URL, params)
        assert response.status_code == 200
        assert any(sign_on.row["signals"] for sign_on in response.context["cl"].result_list)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def test_signals_of_a_page_cost_one_query_at_most(statement, django_assert_num_queries):
    queue_with(statement, 9)
    rows = list(SignOn.objects.select_related("signatory", "contact"))
    look_alikes = selectors.look_alike_organizations(Signatory.objects.filter(kind=Signatory.Kind.ORGANIZATION))

    with django_assert_num_queries(1):  # the names of the organizations they look like
        signals = selectors.moderation_signals(rows, look_alikes)

    assert {signal.code for found in signals.values() for signal in found} == {selectors.WEBMAIL, selectors.LOOK_ALIKE}


def test_with_too_many_organizations_to_compare_the_queue_shows_only_look_alikes_already_compared(
    staff_client, statement, monkeypatch
):
    """At a million organizations comparing them took longer than a request may (a 500 at the worker
    timeout, make bench): past the limit the queue reads the duplicates page's cached pairs or none."""
    from django.core.cache import cache

    from signatories import duplicates

    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Amnesty International"))
    pending(statement, OrganizationFactory(name="Аmnesty International"), "x@amnesty-intl.example")
    cache.clear()
    monkeypatch.setattr(selectors, "LOOK_ALIKE_COMPUTE_UP_TO", 1)
    compared = []
    monkeypatch.setattr(duplicates, "likely_duplicate_pairs", lambda organizations: compared.append(1) or [])

    response = staff_client.get(QUEUE_URL)
    assert response.status_code == 200 and compared == []  # not compared in the request
    assert signals_cell(response, "Аmnesty International") == "Nothing to check"


def test_past_the_limit_the_queue_shows_the_duplicates_pages_pairs_and_counts_no_organizations(
    staff_client, statement, monkeypatch
):
    """At a million organizations, even counting them on every page of the queue took half a second
    (make bench): the queue reads the pairs the duplicates page compared last, and whether there are
    too many to compare is asked once in a while, not on every page."""
    from django.core.cache import cache

    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Amnesty International"))
    pending(statement, OrganizationFactory(name="Аmnesty International"), "x@amnesty-intl.example")
    cache.clear()
    monkeypatch.setattr(selectors, "LOOK_ALIKE_COMPUTE_UP_TO", 1)

    staff_client.get(reverse("admin:signatories_organization_duplicates"))
    staff_client.get(QUEUE_URL)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(QUEUE_URL)
    assert signals_cell(response, "Аmnesty International") == "⚠ Name like “Amnesty International”"
    counting_organizations = [
        query["sql"] for query in queries if "COUNT(" in query["sql"] and '"signatories_signatory"' in query["sql"]
    ]
    assert counting_organizations == []
