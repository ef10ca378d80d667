"""Staff read every time in the admin in their campaign's time zone, and the page says which zone (issue 19).

The admin's pages are found as staff find them, following links from the campaign home
and the admin's index two clicks deep (as the accessibility crawl does), as a campaign
manager of a campaign in Bogotá and as a superuser. Every time of day on a page (a
"4:52 p.m.", a "16:52", "midnight", "noon") must be followed by its zone, "(America/Bogota)".
"""

import re
import zoneinfo
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import CAMPAIGN_MANAGER
from campaigns.models import Campaign
from mailings import services as mailing_services
from mailings.models import Delivery, Mailing, MailingContent
from outreach.models import ActionReport
from presskit.models import PreviewLink
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin, zoned_time
from tests.factories import OutreachActionFactory, StaffUserFactory
from tests.helpers import kind_of_page, sign_in, staff_with_role

BOGOTA = "America/Bogota"
DEPTH = 2
# Not pages, or not staff's: signing out, the public site's redirects, the JavaScript catalog, autocomplete answers.
LEFT_OUT = re.compile(r"/logout/|^/admin/r/|/jsi18n/|/autocomplete/|/password/|/2fa/")
# A time of day as Django writes it in the site's languages: 4:52 p.m., 16:52, 4 p.m., midnight, noon
# (not a port in an address, "127.0.0.1:8000").
TIME_OF_DAY = re.compile(
    r"(?<![\w.:/])\d{1,2}:\d{2}(:\d{2})?(?![\d:])(\s?[ap]\.?\s?m\.?)?|\b\d{1,2}\s?[ap]\.m\.|\bmidnight\b|\bnoon\b", re.I
)
ZONE_AFTER = re.compile(r"\s*\(([A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)*)\)")
TIME_ZONES = zoneinfo.available_timezones()


def visible_text(html):
    """The page's text as a reader gets it: no scripts, styles, tags, or the values of form fields."""
    html = re.sub(r"(?is)<(script|style|textarea|select)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"(?s)<[^>]+>", "", html)))


def times_without_their_zone(text, zone=None):
    """Each time of day in ``text`` not followed by a time zone's name (by ``zone``'s, if given), with its context."""
    found = []
    for match in TIME_OF_DAY.finditer(text):
        named = ZONE_AFTER.match(text, match.end())
        if named is None or named.group(1) not in TIME_ZONES or (zone and named.group(1) != zone):
            found.append(text[max(match.start() - 60, 0) : match.end() + 30])
    return found


def report(shown):
    return "".join(f"\n{path}:" + "".join(f"\n  …{found}…" for found in times[:3]) for path, times in shown.items())


def links(html):
    for href in re.findall(r'href="([^"]+)"', html):
        url = urlsplit(unescape(href))
        if url.netloc or not url.path.startswith("/admin/") or LEFT_OUT.search(url.path):
            continue
        yield url.path + (f"?{url.query}" if url.query else "")


def crawl(client, seeds):
    """{path: text} of every kind of admin page reachable from ``seeds``, DEPTH links deep."""
    queue, kinds, pages = [(seed, 0) for seed in seeds], set(), {}
    while queue:
        path, depth = queue.pop(0)
        kind = kind_of_page(urlsplit(path).path)
        if kind in kinds:
            continue
        kinds.add(kind)
        response = client.get(path, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if not response.wsgi_request.path.startswith("/admin/"):
            continue  # sent to sign in again: not this role's page
        html = response.content.decode()
        pages[path] = visible_text(html)
        if depth < DEPTH:
            queue.extend((link, depth + 1) for link in links(html))
    return pages


@pytest.fixture
def campaign(db):
    """The demo campaign, in Bogotá, with a time on each kind of record staff read: an invitation opened, a mailing
    scheduled and one sent (a delivery with a provider's report), an action report, a preview link."""
    call_command("load_demo_campaign", verbosity=0)
    campaign = Campaign.objects.get()
    Campaign.objects.filter(pk=campaign.pk).update(time_zone=BOGOTA)
    statement = campaign.statements.order_by("position").first()
    now = timezone.now()
    mailing_services.invite(
        statement=statement,
        invitees=[mailing_services.Invitee(email="ana@adc.example.org", organization_name="ADC")],
        by=None,
    )
    statement.invitations.update(opened_at=now - timedelta(hours=3))
    sent = Mailing.objects.create(
        name="Sent invitation", kind=Mailing.Kind.INVITATION, statement=statement, state=Mailing.State.SENT
    )
    Mailing.objects.filter(pk=sent.pk).update(started_at=now - timedelta(hours=2), finished_at=now - timedelta(hours=1))
    MailingContent.objects.create(mailing=sent, language="en", subject="Please sign", body="Dear colleague")
    Delivery.objects.create(
        mailing=sent,
        email="ana@adc.example.org",
        state=Delivery.State.SENT,
        sent_at=now - timedelta(hours=2),
        feedback=Delivery.Feedback.BOUNCED,
        feedback_at=now - timedelta(hours=1),
    )
    Mailing.objects.create(
        name="Reminder", kind=Mailing.Kind.DEADLINE_REMINDER, statement=statement, scheduled_at=now + timedelta(days=2)
    )
    ActionReport.objects.create(action=OutreachActionFactory(campaign=campaign), link="https://news.example/1")
    PreviewLink.objects.create(campaign=campaign, label="Newsroom", expires_at=now + timedelta(days=3))
    return Campaign.objects.get(pk=campaign.pk)


def test_every_campaign_admin_shows_its_times_in_the_campaign_zone():
    """A new campaign admin gets the zone too: it is a CampaignTimeZoneAdmin like the others."""
    missing = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, CampaignScopedAdmin) and not isinstance(model_admin, CampaignTimeZoneAdmin)
    ]
    assert missing == []


def test_staff_read_every_time_in_the_campaign_zone_with_the_zone_named(client, campaign):
    """A campaign manager, in Bogotá's time; then a superuser's pages (users, scheduled tasks…), each time with
    its zone named. (One test: the demo campaign takes a while to load.)"""
    sign_in(client, staff_with_role(CAMPAIGN_MANAGER, campaigns=[campaign]))
    pages = crawl(client, [f"/admin/campaigns/campaign/{campaign.pk}/home/", "/admin/"])
    assert len(pages) > 40, sorted(pages)
    shown = {path: found for path, text in pages.items() if (found := times_without_their_zone(text, BOGOTA))}
    assert shown == {}, f"times without the campaign's zone on {len(shown)} of {len(pages)} pages: {report(shown)}"
    # The times were there to be checked: lists and pages of records with times.
    timed = [path for path, text in pages.items() if f"({BOGOTA})" in text]
    for page in ["/admin/mailings/delivery/", "/admin/mailings/invitation/", "/admin/outreach/actionreport/"]:
        assert any(path.startswith(page) for path in timed), (page, timed)

    client.logout()
    sign_in(client, StaffUserFactory(is_superuser=True))
    pages = crawl(client, ["/admin/"])
    shown = {path: found for path, text in pages.items() if (found := times_without_their_zone(text))}
    assert shown == {}, f"times without their zone on {len(shown)} of {len(pages)} pages: {report(shown)}"


def test_a_time_is_written_in_the_current_zone_with_its_name():
    moment = timezone.make_aware(timezone.datetime(2026, 12, 4, 23, 30), zoneinfo.ZoneInfo("UTC"))
    with timezone.override(zoneinfo.ZoneInfo(BOGOTA)):
        shown = zoned_time(moment)
    assert shown == '<time datetime="2026-12-04T18:30:00-05:00">Dec. 4, 2026, 6:30 p.m. (America/Bogota)</time>'
    assert times_without_their_zone(visible_text(shown)) == []
    assert times_without_their_zone("Sent on Dec. 4, 2026, 6:30 p.m.") == ["Sent on Dec. 4, 2026, 6:30 p.m."]
