"""Published statements: texts issued by their authors (a statement by governments, a news item about one).

Their page, widget and feeds say who issued them and show no signatory list, no
sign-on form and no counts; nothing, from the form to the database, takes a sign-on
for them. The demo's two statements by the Freedom Online Coalition are of this kind.
"""

import json
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign, Statement
from signatories import inbox, services
from signatories.models import SignOn, SignOnSubmission

from .factories import OrganizationFactory, SignOnFactory, StatementFactory
from .helpers import organization_post, save_in_admin, sign_url

pytestmark = pytest.mark.django_db

ISSUER = "Freedom Online Coalition"
# The seed's "Download them here." pointed at links the copied text does not have.
DANGLING_HERE = re.compile(r"\b(?:them|it) here\.")


@pytest.fixture
def published(db):
    return StatementFactory(
        kind=Statement.Kind.PUBLISHED_STATEMENT,
        state=Statement.State.PUBLISHED,
        title="Joint Statement on the UN Convention Against Cybercrime",
        issued_by=ISSUER,
        summary="",
    )


def url_of(statement, name):
    return reverse(name, kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug})


def test_the_page_says_who_issued_it_and_shows_no_list_form_or_count(client, published):
    page = client.get(published.get_absolute_url()).content.decode()

    assert "Joint Statement on the UN Convention Against Cybercrime" in page
    assert f'<span class="issued-by">Issued by: {ISSUER}</span>' in page
    for absent in (
        'id="signatories"',
        "Nobody has signed yet",
        'id="sign"',
        "Sign this statement",
        "not accepting sign-ons",
        'class="count"',
        'class="actions"',
        "signatories.rss",
        "signatories.atom",
        "The signed letter",
        "The list of signatories",
    ):
        assert absent not in page, absent
    # What remains useful to the press and partner sites: the kit, the actions, the widget and the JSON feed.
    assert url_of(published, "signatories:embed") in page
    assert url_of(published, "signatories:feed_json") in page


def test_the_page_in_arabic_says_who_issued_it_too(client, published):
    page = client.get("/ar" + published.get_absolute_url()).content.decode()

    assert ISSUER in page
    assert "signatories" not in page.split("<main", 1)[1].split('class="statement-material"')[0].lower()


def test_a_sign_on_posted_to_a_published_statement_is_refused(client, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(published), organization_post())

    assert response.status_code == 302
    assert response["Location"].startswith(published.get_absolute_url())
    assert not SignOnSubmission.objects.exists()
    assert not SignOn.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "This statement is not accepting sign-ons" in page


def test_a_published_statement_is_never_accepting_sign_ons(published):
    assert not published.takes_sign_ons
    assert not published.is_accepting_sign_ons()
    with pytest.raises(services.SignOnClosed):
        inbox.receive_sign_on(
            statement=published,
            details=services.SignatoryDetails(kind="organization", name="Access Now", email="info@accessnow.example"),
            listing=SignOn.Listing.LISTED,
            consent_version="1",
        )
    with pytest.raises(services.SignOnClosed):
        services.submit_sign_on(
            statement=published,
            details=services.SignatoryDetails(kind="organization", name="Access Now", email="info@accessnow.example"),
            listing=SignOn.Listing.LISTED,
            consent_version="1",
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"state": Statement.State.OPEN},
        {"state": Statement.State.CIRCULATING},
        {"state": Statement.State.PUBLISHED, "accepts_late_sign_ons": True},
        {"kind": "petition"},
    ],
)
def test_the_database_refuses_a_published_statement_open_to_sign_ons(published, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=published.pk).update(**fields)


def test_a_sign_on_letter_may_be_open(published):
    Statement.objects.filter(pk=published.pk).update(kind=Statement.Kind.SIGN_ON_LETTER, state=Statement.State.OPEN)
    published.refresh_from_db()
    assert published.is_accepting_sign_ons()


def test_staff_choose_the_kind_and_the_authors_in_the_statement_form(admin_client, statement, client):
    form = admin_client.get(reverse("admin:campaigns_statement_change", args=[statement.pk])).content.decode()
    assert 'name="kind"' in form
    assert "Published statement, no sign-on" in form
    assert 'name="issued_by_en"' in form

    save_in_admin(
        admin_client,
        statement,
        kind=Statement.Kind.PUBLISHED_STATEMENT,
        state=Statement.State.PUBLISHED,
        issued_by="The governments of Canada, Chile and Ghana",
    )

    assert statement.kind == Statement.Kind.PUBLISHED_STATEMENT
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Issued by: The governments of Canada, Chile and Ghana" in page
    assert 'id="sign"' not in page


def test_the_statement_form_says_why_a_published_statement_cannot_be_open(admin_client, statement):
    response = admin_client.post(
        reverse("admin:campaigns_statement_change", args=[statement.pk]),
        _change_form(statement, kind=Statement.Kind.PUBLISHED_STATEMENT, state=Statement.State.OPEN),
    )

    assert response.status_code == 200
    assert "A published statement takes no sign-ons" in response.content.decode()
    statement.refresh_from_db()
    assert statement.kind == Statement.Kind.SIGN_ON_LETTER


def _change_form(statement, **changes):
    from .helpers import change_form_data

    return change_form_data(statement, **changes)


def test_changing_the_kind_changes_the_cached_page_at_once(client, statement):
    assert 'id="sign"' in client.get(statement.get_absolute_url()).content.decode()

    statement.kind = Statement.Kind.PUBLISHED_STATEMENT
    statement.state = Statement.State.PUBLISHED
    statement.issued_by = ISSUER
    statement.save()

    page = client.get(statement.get_absolute_url()).content.decode()
    assert 'id="sign"' not in page
    assert f"Issued by: {ISSUER}" in page


def test_the_page_reads_no_signatory_and_fewer_queries_than_a_letter(client, published, statement):
    SignOnFactory(statement=statement, signatory=OrganizationFactory(name="Access Now"))

    def queries(of):
        # A reader with a cookie gets the page rendered for them, the list's figures read again.
        cache.clear()
        client.cookies["messages"] = "x"
        with CaptureQueriesContext(connection) as captured:
            assert client.get(of.get_absolute_url()).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    letter, published_page = queries(statement), queries(published)
    assert [sql for sql in letter if "signatories_signatory" in sql]
    assert not [sql for sql in published_page if "signatories_signatory" in sql]
    assert len(published_page) < len(letter)


def test_the_widget_says_who_issued_it_and_counts_nothing(client, published):
    page = client.get(url_of(published, "signatories:embed")).content.decode()

    assert f"Issued by: {ISSUER}" in page
    assert "signator" not in page
    assert "Sign this statement" not in page
    assert "Read the statement" in page


def test_the_json_feed_gives_the_statement_and_its_authors_without_counts_or_list(client, published):
    response = client.get(url_of(published, "signatories:feed_json"))

    assert response.status_code == 200
    feed = json.loads(response.content)
    assert set(feed) == {"statement", "demands_tracker"}
    assert feed["statement"]["kind"] == "published_statement"
    assert feed["statement"]["issued_by"] == ISSUER
    assert feed["statement"]["accepting_sign_ons"] is False
    assert feed["statement"]["sign_url"] is None
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_sign_on_letters_json_feed_says_its_kind_and_keeps_its_counts(client, statement):
    feed = client.get(url_of(statement, "signatories:feed_json")).json()

    assert feed["statement"]["kind"] == "sign_on_letter"
    assert feed["statement"]["sign_url"].endswith("#sign")
    assert feed["counts"]["total"] == 0


@pytest.mark.parametrize("feed", ["signatories:feed_rss", "signatories:feed_atom", "campaigns:signatory_list"])
def test_there_is_no_list_of_signatories_to_follow_or_browse(client, published, feed):
    assert client.get(url_of(published, feed)).status_code == 404


# --- The demo ----------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo_campaign", verbosity=0)
    return Campaign.objects.get(slug="un-cybercrime-convention")


@pytest.mark.parametrize("slug", ["freedom-online-coalition-july-2024", "foc-statement-on-adoption"])
def test_the_demos_statements_by_states_are_published_statements_issued_by_the_coalition(client, demo, slug):
    statement = demo.statements.get(slug=slug)
    assert statement.kind == Statement.Kind.PUBLISHED_STATEMENT

    page = client.get(statement.get_absolute_url()).content.decode()
    assert f"Issued by: {ISSUER}" in page
    assert "Nobody has signed yet" not in page
    assert 'id="signatories"' not in page
    assert 'id="sign"' not in page
    # The byline was the summary: now who issued it, and the date, say it.
    assert "Freedom Online Coalition - July 2024" not in page


def test_the_demo_letter_shows_its_own_title_line_in_english_and_spanish(client, demo):
    statement = demo.statements.get(slug="civil-society-joint-statement")

    page = client.get(statement.get_absolute_url()).content.decode()
    # With an id, for the letter's contents (public_site/letter_contents.py).
    assert re.search(
        r'<div class="prose"><h2 id="letter-joint-statement[^"]*">'
        r"Joint Statement on the Proposed Cybercrime Treaty Ahead of the Concluding Session</h2>",
        page,
    )
    spanish = client.get("/es" + statement.get_absolute_url()).content.decode()
    assert re.search(
        r'<h2 id="letter-[^"]+">Declaración conjunta sobre el tratado de ciberdelincuencia propuesto', spanish
    )


def test_the_demo_campaign_page_has_the_headline_and_the_call_to_action_of_its_page(client, demo):
    page = client.get(demo.get_absolute_url()).content.decode()

    assert (
        '<p class="lead" dir="auto">The new international cybercrime treaty won’t protect us, instead endangers our rights</p>'
        in (page)
    )
    assert "<p>In February 2024, after three years of negotiations" in page
    intro = page.index("We need you! At this stage in the process")
    assert page.index('id="take-action-heading"') < intro < page.index("Contact your representatives")
    assert "To do this, you can:</p>" in page

    actions = client.get(reverse("outreach:actions", kwargs={"campaign_slug": demo.slug})).content.decode()
    assert '<p class="lead">We need you!' in actions

    spanish = client.get("/es" + demo.get_absolute_url()).content.decode()
    assert "El nuevo tratado internacional sobre ciberdelincuencia no nos protegerá" in spanish
    assert "¡Necesitamos su ayuda!" in spanish
    assert "## " not in spanish and "In February 2024" not in spanish


def test_no_public_page_of_the_demo_says_here_with_nothing_to_click(client, demo):
    paths = ["/", demo.get_absolute_url(), reverse("outreach:actions", kwargs={"campaign_slug": demo.slug})]
    paths += [statement.get_absolute_url() for statement in demo.statements.all()]
    paths += [action.get_absolute_url() for action in demo.outreach_actions.all()]
    paths.append(reverse("presskit:press_kit", kwargs={"campaign_slug": demo.slug}))
    for path in paths:
        for language in ("", "/es"):
            page = client.get(language + path).content.decode()
            assert not DANGLING_HERE.search(page), language + path
            assert "view the document below" not in page, language + path
