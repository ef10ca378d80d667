"""Outreach actions: targets by country, template letters, share links, reports and their moderation."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.letters import template_letter
from outreach.models import ActionReport, OutreachAction
from outreach.sharing import normalize_mastodon_server

from .factories import DemandFactory, OutreachActionFactory, TargetFactory
from .helpers import spam_check_fields

pytestmark = pytest.mark.django_db


def actions_url(campaign):
    return reverse("outreach:actions", kwargs={"campaign_slug": campaign.slug})


def report_on(action, state=ActionReport.Moderation.APPROVED, **kwargs):
    return ActionReport.objects.create(
        action=action,
        moderation_state=state,
        moderated_at=None if state == ActionReport.Moderation.PENDING else timezone.now(),
        **kwargs,
    )


@pytest.fixture
def letter_action(statement):
    DemandFactory(statement=statement, position=0, text="Narrow the scope of the whole Convention;")
    DemandFactory(statement=statement, position=1, text="Require prior judicial authorization;")
    return OutreachActionFactory(
        campaign=statement.campaign,
        statement=statement,
        slug="contact-your-representative",
        letter_subject="Please defend human rights",
    )


def mailto_parts(page):
    start = page.index('id="letter-mailto" href="') + len('id="letter-mailto" href="')
    href = page[start : page.index('"', start)].replace("&amp;", "&")
    parts = urlsplit(href)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return parts.scheme, unquote(parts.path), query


def test_contact_your_representative_shows_targets_of_the_chosen_country_and_a_letter_from_the_demands(
    client, statement, letter_action
):
    campaign = statement.campaign
    TargetFactory(campaign=campaign, country="CL", name="Delegation of Chile", email="chile@gov.example")
    TargetFactory(
        campaign=campaign, country="", kind="committee", name="Bureau of the Committee", email="bureau@un.example"
    )
    TargetFactory(campaign=campaign, country="AR", name="Delegation of Argentina", email="argentina@gov.example")

    first = client.get(letter_action.get_absolute_url()).content.decode()
    assert "Delegation of Chile" not in first  # no country chosen yet
    assert 'name="letter-country"' in first and '<label for="id_letter-country">' in first

    page = client.get(letter_action.get_absolute_url() + "?letter-country=CL").content.decode()
    assert "Delegation of Chile" in page and "Bureau of the Committee" in page
    assert "Delegation of Argentina" not in page
    scheme, recipients, query = mailto_parts(page)
    assert scheme == "mailto" and recipients == "chile@gov.example,bureau@un.example"
    assert query["subject"] == "Please defend human rights"
    assert "1. Narrow the scope of the whole Convention;\n2. Require prior judicial authorization;" in query["body"]
    assert statement.title in query["body"]
    # The same letter is in the editable text area, ready to copy.
    assert "1. Narrow the scope of the whole Convention;" in page
    assert 'data-copy-target="id_letter-body"' in page


def test_an_edited_letter_goes_into_the_mail_link_and_a_too_long_one_is_kept_with_its_error(
    client, statement, letter_action
):
    TargetFactory(campaign=statement.campaign, country="CL", email="chile@gov.example")
    url = letter_action.get_absolute_url()
    page = client.get(
        url,
        {
            "letter-country": "CL",
            "letter-subject": "My own subject",
            "letter-body": "Dear delegate, please act & protect us.",
        },
    ).content.decode()
    _, recipients, query = mailto_parts(page)
    assert recipients == "chile@gov.example"
    assert query == {"subject": "My own subject", "body": "Dear delegate, please act & protect us."}

    too_long = "Please. " * 1000
    response = client.get(url, {"letter-country": "CL", "letter-subject": "Mine", "letter-body": too_long})
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        'id="id_letter-body_errors"' in page
        and 'aria-describedby="id_letter-body_helptext id_letter-body_errors"' in page
    )
    assert too_long.strip() in page  # what was typed is not lost
    assert 'id="letter-mailto"' not in page


def test_template_letter_uses_staff_text_with_the_demands_in_place(statement, letter_action):
    letter_action.letter_body = "Dear minister,\n\n{demands}\n\nRead it: {statement_url}"
    letter = template_letter(letter_action)
    assert letter.startswith("Dear minister,\n\n1. Narrow the scope")
    assert letter.endswith(statement.get_absolute_url())


def test_social_action_offers_share_links_including_mastodon_and_bluesky_without_third_party_scripts(client, statement):
    action = OutreachActionFactory(
        campaign=statement.campaign,
        statement=statement,
        kind="social_post",
        slug="post",
        social_message="Human rights first!",
    )
    page = client.get(action.get_absolute_url()).content.decode()
    statement_url = "http://127.0.0.1:8000" + statement.get_absolute_url()
    assert "https://bsky.app/intent/compose?text=Human+rights+first%21+http%3A%2F%2F127.0.0.1%3A8000" in page
    assert "https://twitter.com/intent/tweet?" in page and "https://www.linkedin.com/sharing/" in page
    assert f"Human rights first! {statement_url}</pre>" in page
    assert 'name="mastodon-server"' in page
    scripts = [line for line in page.splitlines() if "<script" in line]
    assert scripts and all('src="/static/' in line for line in scripts)

    page = client.get(
        action.get_absolute_url(), {"mastodon-server": "https://Mastodon.Social/@someone"}
    ).content.decode()
    assert 'href="https://mastodon.social/share?text=Human+rights+first%21+http' in page

    page = client.get(action.get_absolute_url(), {"mastodon-server": "javascript:alert(1)//"}).content.decode()
    assert "Enter the name of a server, such as mastodon.social." in page and "/share?text=" not in page


@pytest.mark.parametrize(
    "value, expected",
    [
        ("mastodon.social", "mastodon.social"),
        ("@me@eldritch.cafe", "eldritch.cafe"),
        ("https://social.example.org/home", "social.example.org"),
        ("evil.com/share?x", "evil.com"),
        ("", None),
        ("localhost", None),
        ("a..b", None),
        ("http://", None),
        ("<script>", None),
    ],
)
def test_mastodon_server_is_read_as_a_host_name_only(value, expected):
    assert normalize_mastodon_server(value) == expected


def test_report_is_stored_for_moderation_and_counts_only_once_approved(client, admin_client, statement, letter_action):
    response = client.post(
        reverse("outreach:report", kwargs={"campaign_slug": statement.campaign.slug}),
        {
            "report-action": letter_action.pk,
            "report-link": "news.example/article",
            "report-country": "CL",
            "report-description": "I wrote to the ambassador.",
            "report-name": "Ana Supporter",
            "report-email": "ana@private.example",
            **spam_check_fields("report"),
        },
    )
    assert response.status_code == 302
    report = ActionReport.objects.get()
    assert (report.moderation_state, report.link, report.country.code) == (
        "pending",
        "https://news.example/article",
        "CL",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for telling us what you did!" in page
    assert "supporter did this" not in client.get(statement.campaign.get_absolute_url()).content.decode().replace(
        "0 supporters did this", ""
    )

    changelist = admin_client.get(reverse("admin:outreach_actionreport_changelist")).content.decode()
    assert "ana@private.example" in changelist
    admin_client.post(
        reverse("admin:outreach_actionreport_changelist"), {"action": "approve", "_selected_action": [report.pk]}
    )
    report.refresh_from_db()
    assert report.moderation_state == "approved" and report.moderated_at is not None

    campaign_page = client.get(statement.campaign.get_absolute_url()).content.decode()
    assert "1 supporter did this" in campaign_page
    for page in (
        campaign_page,
        client.get(actions_url(statement.campaign)).content.decode(),
        client.get(letter_action.get_absolute_url()).content.decode(),
    ):
        assert "Ana Supporter" not in page and "ana@private.example" not in page
        assert "I wrote to the ambassador." not in page


def test_a_report_with_bad_input_comes_back_with_messages_next_to_the_fields(client, statement, letter_action):
    response = client.post(
        reverse("outreach:report", kwargs={"campaign_slug": statement.campaign.slug}),
        {
            "report-action": letter_action.pk,
            "report-link": "not a link at all",
            "report-email": "nope",
            "report-description": "I called them.",
            **spam_check_fields("report"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_report-link_errors"' in page and 'id="id_report-email_errors"' in page
    assert 'aria-invalid="true"' in page
    assert "I called them." in page and 'value="not a link at all"' in page
    assert not ActionReport.objects.exists()


def test_reports_count_per_action_with_a_constant_number_of_queries(client, statement, django_assert_max_num_queries):
    campaign = statement.campaign
    kinds = [kind for kind, _label in OutreachAction.Kind.choices]
    actions = [
        OutreachActionFactory(campaign=campaign, statement=statement, kind=kind, title=f"Action {kind}")
        for kind in kinds
    ]
    for _ in range(3):
        report_on(actions[0])
    report_on(actions[1])
    report_on(actions[1], state=ActionReport.Moderation.PENDING)
    report_on(actions[1], state=ActionReport.Moderation.REJECTED)
    with django_assert_max_num_queries(4):
        page = client.get(actions_url(campaign)).content.decode()
    assert "3 supporters did this" in page and "1 supporter did this" in page and "2 supporters" not in page
    for action in actions:
        with django_assert_max_num_queries(6):
            assert client.get(action.get_absolute_url()).status_code == 200
    hidden = OutreachActionFactory(campaign=campaign, is_active=False, title="Hidden action")
    assert "Hidden action" not in client.get(actions_url(campaign)).content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404


def report_post(action, **overrides):
    return {
        "report-action": action.pk,
        "report-link": "https://blog.example/we-wrote",
        "report-country": "KE",
        "report-description": "We published the statement.",
        "report-email": "comms@ngo.example",
        **spam_check_fields("report"),
        **overrides,
    }


def test_a_bot_filling_the_report_honeypot_is_thanked_and_nothing_is_stored(client, statement, letter_action):
    url = reverse("outreach:report", kwargs={"campaign_slug": statement.campaign.slug})
    response = client.post(url, report_post(letter_action, **{"report-homepage": "http://spam.example"}), follow=True)

    assert "Thank you for telling us what you did!" in response.content.decode()
    assert not ActionReport.objects.exists()


def test_a_report_sent_faster_than_a_person_types_comes_back_with_its_input(client, statement, letter_action):
    url = reverse("outreach:report", kwargs={"campaign_slug": statement.campaign.slug})
    response = client.post(url, report_post(letter_action, **spam_check_fields("report", shown_seconds_ago=0)))

    page = response.content.decode()
    assert response.status_code == 200
    assert "quicker than a person" in page and "We published the statement." in page
    assert not ActionReport.objects.exists()


def test_reports_over_the_rate_limit_get_a_429_that_keeps_what_was_typed(settings, statement, letter_action):
    import uuid

    from django.test import Client

    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMIT_CACHE_PREFIX = f"rate-limit-test-{uuid.uuid4().hex}"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": {"client": "2/h", "email": "5/h"}}
    client = Client(REMOTE_ADDR="198.51.100.23")
    url = reverse("outreach:report", kwargs={"campaign_slug": statement.campaign.slug})
    for number in range(2):
        assert (
            client.post(url, report_post(letter_action, **{"report-email": f"r{number}@ngo.example"})).status_code
            == 302
        )

    response = client.post(url, report_post(letter_action, **{"report-description": "Third time, too many."}))

    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Third time, too many." in response.content.decode()
    assert ActionReport.objects.count() == 2
