"""Every admin page staff use passes axe (issue 19): no serious or critical violation.

The pages are found as staff find them, by following links from where they land (the
campaign home) and from the admin's index, two clicks deep: each table, each add and
change page, the dashboard, the moderation list, a statement's import and export pages,
a mailing's send and preview pages… A new page linked from those is covered without
editing a list here. One page per kind of address (ids ignored), so the crawl stays short.
"""

import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from accounts.roles import CAMPAIGN_MANAGER
from campaigns.models import Campaign
from tests.helpers import staff_with_role

from .conftest import _new_page, axe_violations, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

DEPTH = 2  # the index or the campaign home, a page they link to, and a page that one links to
# Not pages: signing out, the public site (checked by tests/browser/test_accessibility.py),
# Django's "view on site" redirects, JavaScript catalogs and autocomplete answers.
LEFT_OUT = re.compile(r"/logout/|^/admin/r/|/jsi18n/|/autocomplete/|/password/|/2fa/")


def kind_of_page(path: str) -> str:
    """/admin/mailings/mailing/12/send/ -> /admin/mailings/mailing/<id>/send/: one visit per kind of page.

    Every model's history and delete pages are one page each (the same template, a list of rows)."""
    path = re.sub(r"/\d+(?=/)", "/<id>", path)
    return re.sub(r"^/admin/.+/<id>/(history|delete)/$", r"/admin/*/<id>/\1/", path)


def admin_links(page, origin) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    paths = []
    for href in hrefs:
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != origin or not url.path.startswith("/admin/"):
            continue
        if LEFT_OUT.search(url.path):
            continue
        paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return paths


def crawl(page, live_server, seeds, checked):
    """Visit every kind of admin page reachable from ``seeds``, and run axe on those not in ``checked``
    (which it fills); axe's findings by page, and the pages it checked."""
    origin = live_server.url
    queue = [(seed, 0) for seed in seeds]
    visited_kinds, findings, pages = set(), {}, []
    while queue:
        path, depth = queue.pop(0)
        kind = kind_of_page(urlsplit(path).path)
        if kind in visited_kinds:
            continue
        visited_kinds.add(kind)
        if kind in checked and depth == DEPTH:
            continue  # checked already, and no link of it is to be followed
        response = page.goto(origin + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue  # a download (an export, a file)
        assert response.status < 500, (path, response.status)
        if response.status >= 400 or urlsplit(page.url).path.startswith("/accounts/"):
            continue  # a link this role may not follow, and is told so
        if kind not in checked:
            checked.add(kind)
            pages.append(path)
            violations = axe_violations(page)
            if violations:
                findings[path] = violations
        if depth < DEPTH:
            queue.extend((link, depth + 1) for link in admin_links(page, origin))
    return findings, pages


@pytest.fixture
def demo(db):
    call_command("load_demo_campaign", verbosity=0)
    return Campaign.objects.get()


def campaign_manager(campaign):
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = staff_with_role(CAMPAIGN_MANAGER, campaigns=[campaign])
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user.email, secret


def test_every_admin_page_staff_use_has_no_serious_accessibility_violation(browser, live_server, demo):
    """A campaign manager's pages first, then the superuser's that managers cannot reach (users, groups,
    scheduled tasks…): a page both reach is checked once, for time."""
    started = time.monotonic()
    seen, findings, visited = set(), {}, []
    manager = campaign_manager(demo)
    superuser, superuser_secret = staff_with_authenticator("root@coalition.example")
    home = f"/admin/campaigns/campaign/{demo.pk}/home/"
    # The superuser's own pages (users, groups, scheduled tasks…) are all linked from the index.
    for (email, secret), seeds in [(manager, [home, "/admin/"]), ((superuser.email, superuser_secret), ["/admin/"])]:
        context, page = _new_page(browser, bypass_csp=True)
        page.set_default_timeout(30_000)
        sign_in_to_admin(page, live_server, email, secret, to_index=False)
        landing = urlsplit(page.url).path
        found, pages = crawl(page, live_server, [landing, *seeds], seen)
        findings.update(found)
        visited += pages
        context.close()

    kinds = {kind_of_page(urlsplit(path).path) for path in visited}
    # What staff use most was reached by links (a broken link would shrink the crawl unnoticed).
    for expected in [
        "/admin/",
        "/admin/campaigns/campaign/<id>/home/",
        "/admin/campaigns/campaign/<id>/dashboard/",
        "/admin/campaigns/statement/<id>/change/",
        "/admin/campaigns/statement/<id>/import/",
        "/admin/signatories/signon/",
        "/admin/mailings/mailing/<id>/send/",
        "/admin/mailings/mailing/add/",
        "/admin/accounts/user/<id>/change/",  # the superuser's
    ]:
        assert expected in kinds, (expected, sorted(kinds))
    report = "\n".join(f"{path}:\n  " + "\n  ".join(lines) for path, lines in findings.items())
    assert not findings, f"{len(findings)} of {len(visited)} admin pages with serious or critical violations:\n{report}"
    print(f"{len(visited)} admin pages checked in {time.monotonic() - started:.0f} s")
