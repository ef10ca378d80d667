"""A name pasted with an invisible character, or starting like a formula, as a person meets it on the
statement page: the form comes back saying what to change, keeps the rest, and signs once retyped.
"""

import re

import pytest

from signatories.models import Signatory, SignOn

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

expect = pytest.importorskip("playwright.sync_api").expect


def test_a_pasted_name_with_an_invisible_character_is_sent_back_and_signs_once_retyped(
    page, live_server, statement, mailoutbox
):
    page.goto(live_server.url + statement.get_absolute_url())
    form = page.get_by_role("form", name="Sign for an organization")
    form.get_by_label("Organization name").fill("Amnesty\u200bInternational")
    form.get_by_label("Your name").fill("Ana Pérez")
    form.get_by_label("Your email address").fill("ana@amnesty.example")
    form.get_by_label("I am authorized to sign on behalf of this organization.").check()
    form.get_by_label("I agree that my contact details are stored and used as described in the").check()
    form.get_by_role("button", name="Sign for the organization").click()

    expect(page).to_have_url(re.compile(r"/sign/#organization-errors$"))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Organization name: It contains invisible characters (such as a zero-width space), often copied in "
        "with the text; clear the field and type it again."
    )
    form = page.get_by_role("form", name="Sign for an organization")
    expect(form.get_by_label("Your email address")).to_have_value("ana@amnesty.example")
    assert not SignOn.objects.exists()

    # A formula start gets its own answer.
    form.get_by_label("Organization name").fill("=Amnesty International")
    form.get_by_label("I agree that my contact details are stored and used as described in the").check()
    form.get_by_role("button", name="Sign for the organization").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "It starts like a spreadsheet formula (=, +, -, @); remove that first character."
    )

    form = page.get_by_role("form", name="Sign for an organization")
    form.get_by_label("Organization name").fill("Amnesty International")
    form.get_by_label("I agree that my contact details are stored and used as described in the").check()
    form.get_by_role("button", name="Sign for the organization").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert list(Signatory.objects.values_list("name", flat=True)) == ["Amnesty International"]
