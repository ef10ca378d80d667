"""Staff find the organizations entered twice and merge them, or say they are not the same, from the admin.

From the admin's index, through the organizations list and its "Likely duplicates" link:
the pairs with their reasons; "Merge…" compares the two and keeps the one chosen, with
the other's sign-ons; "Not the same" stops a pair from being flagged again.
"""

import re

import pytest
from playwright.sync_api import expect

from signatories.models import Organization, SignOn
from tests.factories import OrganizationFactory, SignOnFactory, StatementFactory

from .conftest import _new_page, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]


def assert_fits_a_phone(page):
    """Nothing on the page is wider than a phone's screen (390 px)."""
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_merge_an_organization_entered_twice_and_set_apart_two_that_only_look_alike(browser, live_server):
    keep = OrganizationFactory(name="Electronic Frontier Foundation", country="US", website="https://www.eff.org")
    twin = OrganizationFactory(name="EFF", country="", website="https://eff.org")
    SignOnFactory(statement=StatementFactory(title="Keep encryption strong"), signatory=keep)
    SignOnFactory(statement=StatementFactory(title="Stop the cybercrime treaty"), signatory=twin)
    OrganizationFactory(name="Access Now", country="US", website="https://www.accessnow.org")
    OrganizationFactory(name="AN", country="NG", website="https://an.example")  # its initials, another group
    _user, secret = staff_with_authenticator("coordinator@example.org")
    context, page = _new_page(browser)
    page.set_default_timeout(30_000)

    sign_in_to_admin(page, live_server, "coordinator@example.org", secret)
    page.get_by_role("link", name="Organizations", exact=True).first.click()
    page.get_by_role("link", name="Likely duplicates").click()
    expect(page.get_by_role("heading", name="Likely duplicate organizations")).to_be_visible()
    rows = page.get_by_role("row")
    eff_row = rows.filter(has_text="Electronic Frontier Foundation")
    expect(eff_row).to_contain_text("eff.org")
    assert_fits_a_phone(page)

    # Merge: the two side by side, the one to keep chosen, a reason for the record.
    eff_row.get_by_role("link", name=re.compile("Merge")).click()
    expect(page.get_by_role("table", name="The two organizations")).to_contain_text("EFF")
    assert_fits_a_phone(page)
    page.get_by_label("Electronic Frontier Foundation").check()
    page.get_by_label("Reason").fill("EFF is their acronym")
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert not Organization.objects.filter(pk=twin.pk).exists()
    assert set(SignOn.objects.filter(signatory=keep).values_list("statement__title", flat=True)) == {
        "Keep encryption strong",
        "Stop the cybercrime treaty",
    }
    expect(page.get_by_role("main")).to_contain_text("What moved and what was dropped")

    # The other pair only looks alike: staff say so, and it is not flagged again.
    page.goto(live_server.url + "/admin/signatories/organization/")
    page.get_by_role("link", name="Likely duplicates").click()
    alike = page.get_by_role("row").filter(has_text="Access Now")
    alike.get_by_role("button", name=re.compile("Not the same")).click()
    expect(page.get_by_role("main")).to_contain_text("No likely duplicates.")
    context.close()
