"""The signer's private link shows the version they signed, its text, and what changed in the text since."""

import re

import pytest
from django.urls import reverse

from campaigns.models import StatementVersion
from campaigns.services import record_statement_version
from campaigns.text_diff import signed_version
from signatories import services

from .factories import OrganizationFactory, SignOnFactory

pytestmark = pytest.mark.django_db


def manage_page(client, sign_on):
    url = reverse("signatories:manage", kwargs={"token": services.make_management_token(sign_on)})
    return client.get(url).content.decode()


def visible(page):
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_a_signer_of_the_current_version_reads_it_unchanged(client, signed_statement):
    sign_on = SignOnFactory(statement=signed_statement, signatory=OrganizationFactory(name="Bytes for All"))
    page = manage_page(client, sign_on)
    text = visible(page)
    assert "You signed version 1 of the text, the current one: it has not changed since." in text
    assert "The text of version 1, as you signed it" in text
    assert "We, the undersigned organizations, call on the state delegations" in text
    assert "Narrow the scope to cyber-dependent crimes." in text
    assert "<del>" not in page


def test_a_signer_of_an_earlier_version_sees_what_changed_since(client, signed_statement):
    sign_on = SignOnFactory(statement=signed_statement, signatory=OrganizationFactory(name="Bytes for All"))
    signed_statement.body = "We, the undersigned organizations, urge the state delegations to reject the draft."
    signed_statement.save()
    record_statement_version(statement=signed_statement)
    signed_statement.refresh_from_db()
    assert signed_statement.version == 2 and sign_on.statement_version == 1

    page = manage_page(client, sign_on)
    text = visible(page)
    assert "You signed version 1 of the text. It has changed since: the text is now at version 2." in text
    assert "What changed from version 1 to version 2" in text
    assert re.search(r"<del>.*call on.*</del>", page) and re.search(r"<ins>.*urge.*</ins>", page)
    # The text shown is the one signed, not today's.
    signed_text = page.split("as you signed it")[1]
    assert "call on the state delegations" in signed_text and "reject the draft" not in signed_text


def test_a_version_that_was_never_recorded_is_said_to_be_missing(client, signed_statement):
    sign_on = SignOnFactory(statement=signed_statement, statement_version=1)
    StatementVersion.objects.filter(statement=signed_statement).delete()
    signed_statement.version = 2
    signed_statement.save()
    assert signed_version(signed_statement, 1).text is None
    assert "Its wording is not on record here" in visible(manage_page(client, sign_on))


def test_reading_the_signed_version_costs_one_query(signed_statement, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = signed_version(signed_statement, 1)
    assert found.text["title"] == signed_statement.title and not found.changed


def test_a_change_shows_its_own_lines_not_the_whole_text():
    from campaigns.text_diff import changed_lines, diff_words

    old = "First paragraph.\n\nSecond paragraph, about scope.\n\nThird paragraph."
    new = "First paragraph.\n\nSecond paragraph, about the narrow scope.\n\nThird paragraph."
    lines = changed_lines(diff_words(old, new))
    assert lines[0] is None and lines[-1] is None and len(lines) == 3
    assert "".join(segment.text for segment in lines[1]) == "Second paragraph, about the narrow scope."
    assert [segment.text for segment in lines[1] if segment.op == "insert"] == ["the narrow "]
