"""Every admin page staff use passes axe (issue 19): no serious or critical violation.

The pages are found as staff find them, by following links from where they land (the
campaign home) and from the admin's index, two clicks deep: each table, each add and
change page, the dashboard, the moderation list, a statement's import and export pages,
a mailing's send and preview pages… A new page linked from those is covered without
editing a list here. One page per kind of address (ids ignored), so the crawl stays short.
"""

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from accounts.roles import CAMPAIGN_MANAGER
from campaigns.models import Campaign
from tests.helpers import kind_of_page, staff_with_role
from tests.service_checks import AXE_CORE_PATH, CHROMIUM_PATH

from .conftest import BLOCKING_IMPACTS, CHROMIUM_ARGS, _new_page, sign_in_to_admin, staff_with_authenticator

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]

DEPTH = 2  # the index or the campaign home, a page they link to, and a page that one links to
# Not pages: signing out, the public site (checked by tests/browser/test_accessibility.py),
# Django's "view on site" redirects, JavaScript catalogs and autocomplete answers.
LEFT_OUT = re.compile(r"/logout/|^/admin/r/|/jsi18n/|/autocomplete/|/password/|/2fa/")
# Pages open at once: the live server answers one while the browser runs axe on another.
PARALLEL_PAGES = 3
AXE_RUN = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
    }));
}"""


def admin_links(hrefs, origin) -> list[str]:
    paths = []
    for href in hrefs:
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != origin or not url.path.startswith("/admin/"):
            continue
        if LEFT_OUT.search(url.path):
            continue
        paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return paths


async def visit(page, origin, path, *, check, follow):
    """Open ``path``; axe's findings on it if ``check``, and its admin links if ``follow``. None: not a page of
    this role (a download, a refusal, the sign-in page)."""
    try:
        response = await page.goto(origin + path)
    except PlaywrightError:
        return None  # a download (an export, a file)
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return None
    assert response.status < 500, (path, response.status)
    if response.status >= 400 or urlsplit(page.url).path.startswith("/accounts/"):
        return None  # a link this role may not follow, and is told so
    violations = []
    if check:
        violations = [
            f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
            for v in await page.evaluate(AXE_RUN)
            if v["impact"] in BLOCKING_IMPACTS
        ]
    links = []
    if follow:
        links = admin_links(await page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"), origin)
    return violations, links


async def visit_all(tabs, origin, todo, *, follow, checked, findings, pages):
    """Visit the (path, kind, check) of ``todo``, a page per tab at a time; the admin links of each page."""
    queue, links = list(reversed(todo)), {}

    async def work(tab):
        while queue:
            path, kind, check = queue.pop()
            result = await visit(tab, origin, path, check=check, follow=follow)
            if result is None:
                continue
            violations, links[path] = result
            if check:
                checked.add(kind)
                pages.append(path)
                if violations:
                    findings[path] = violations

    await asyncio.gather(*(work(tab) for tab in tabs))
    return links


async def crawl(origin, storage_state, seeds, checked):
    """Visit every kind of admin page reachable from ``seeds`` (one page per kind, breadth first) as the staff
    member whose session is ``storage_state``, and run axe on those not in ``checked`` (which it fills); axe's
    findings by page, and the pages it checked. Several pages at a time, in one browser context where axe-core
    is loaded with each page."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            viewport={"width": 1280, "height": 900}, bypass_csp=True, storage_state=storage_state
        )
        context.set_default_timeout(30_000)
        await context.add_init_script(path=str(AXE_CORE_PATH))
        tabs = [await context.new_page() for _ in range(PARALLEL_PAGES)]
        kinds, findings, pages = set(), {}, []
        level = list(seeds)
        for depth in range(DEPTH + 1):
            todo = []
            for path in level:
                kind = kind_of_page(urlsplit(path).path)
                if kind in kinds:
                    continue
                kinds.add(kind)
                if kind in checked and depth == DEPTH:
                    continue  # checked already, and no link of it is to be followed
                todo.append((path, kind, kind not in checked))
            links = await visit_all(
                tabs, origin, todo, follow=depth < DEPTH, checked=checked, findings=findings, pages=pages
            )
            # The next level in the order a person meets the links: page after page, as this level had them.
            level = [link for path, _kind, _check in todo for link in links.get(path, [])]
        await browser.close()
    return findings, pages


def crawl_in_a_thread(*args):
    # Playwright's synchronous API (the sign-in) runs an event loop in this thread: the crawl runs its own.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, crawl(*args)).result()


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
        context, page = _new_page(browser)
        page.set_default_timeout(30_000)
        sign_in_to_admin(page, live_server, email, secret, to_index=False)
        landing = urlsplit(page.url).path
        session = context.storage_state()
        context.close()
        found, pages = crawl_in_a_thread(live_server.url, session, [landing, *seeds], seen)
        findings.update(found)
        visited += pages

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
