"""Measurements that need no HTTP load, each run in its own process by bench/run.py.

    python -m bench.probes queries   # SQL queries per statement page, 10 vs 10,000 signatories
    python -m bench.probes export    # publication CSV of 100,000 sign-ons: time and peak RSS
    python -m bench.probes press_kit_zip      # the whole press kit of the 10,000-signatory statement's campaign
    python -m bench.probes signed_letter_pdf  # the signed letter of the 10,000-signatory statement

Each prints one JSON object. ``DJANGO_SETTINGS_MODULE=bench.settings`` and the bench
database come from the environment.
"""

import json
import os
import re
import resource
import sys
import tempfile
import time

import django


def _empty_caches():
    """The shared cache and this process's own: what a page's first visit after a deploy finds."""
    from django.core.cache import cache

    from campaigns import statement_page

    cache.clear()
    for local in (statement_page.local_fragments, statement_page.local_pages, statement_page._page_key_rows,
                  statement_page._due_checked_at, statement_page._statements_for_sign_on):
        local.clear()


def _replace_card_image(campaign, name, content):
    """The image of ``campaign``'s press kit, its file in a media folder of this process's own
    (an image left by an earlier process points to a folder that is gone)."""
    from django.conf import settings
    from django.core.files.base import ContentFile

    from presskit.models import PressKitItem

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-media-")
    PressKitItem.objects.filter(campaign=campaign, kind=PressKitItem.Kind.IMAGE).delete()
    image = PressKitItem(campaign=campaign, kind=PressKitItem.Kind.IMAGE, title="Card", alt_text="A card")
    image.file.save(name, ContentFile(content), save=False)
    image.save()


def _route_values(campaign_slug, statement_slug):
    """A value for every parameter of the public routes, for one campaign and statement of
    the seed; the tokens are real ones (a signer's, an invitee's, a journalist's), so each
    page shows what its holder sees. Names the token each route expects."""
    from campaigns.models import Statement
    from mailings.models import Invitation
    from mailings.services import make_invitation_token, make_unsubscribe_token
    from presskit.models import PressKitItem, PreviewLink
    from signatories.models import SignOn
    from signatories.services import make_confirmation_token, make_management_token

    statement = Statement.objects.select_related("campaign").get(campaign__slug=campaign_slug, slug=statement_slug)
    campaign = statement.campaign
    sign_on = SignOn.objects.filter(statement=statement).visible().order_by("pk").first()
    invitation, _created = Invitation.objects.get_or_create(
        statement=statement, email=f"invitee@{campaign_slug}.example",
        defaults={"organization_name": "Invited Organization"})
    _replace_card_image(campaign, "card.png", b"\x89PNG\r\n\x1a\n" + b"0" * 1024)
    management = make_management_token(sign_on)
    tokens = {
        "signatories:confirm": make_confirmation_token(sign_on),
        "signatories:manage": management,
        "privacy:signer_data": management,
        "privacy:signer_erase": management,
        "mailings:invitation": make_invitation_token(invitation),
        "mailings:unsubscribe": make_unsubscribe_token(invitation.email),
        "presskit:preview": PreviewLink.objects.filter(campaign=campaign).active().first().token,
    }
    values = {
        "campaign_slug": campaign.slug,
        "statement_slug": statement.slug,
        "action_slug": "write-to-your-delegation",
        # The downloads of the press release and of the image.
        "item_id": {
            "presskit:download": PressKitItem.objects.get(campaign=campaign, kind=PressKitItem.Kind.PRESS_RELEASE).pk,
            "presskit:image": PressKitItem.objects.filter(campaign=campaign, kind=PressKitItem.Kind.IMAGE).first().pk,
        },
        "language": "en",
    }
    return values, tokens


def queries():
    """Queries of every public page for an anonymous reader (its link holder, for the pages
    a private link opens), at 10 and at 10,000 signatories: the first visit, with every
    cache empty, and the next one.

    The pages are read from the URL configuration (``advocacy.public_urls``), so a new
    public page is counted as soon as it exists. A page that only takes POSTs (the
    sign-on) is left out; one that answers anything but 200 or a redirect stops the probe.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve

    from advocacy.public_urls import fill_route, public_routes
    from bench import seed

    sizes = {"10": (seed.SMALL_CAMPAIGN_SLUG, seed.SMALL_SLUG), "10000": (seed.CAMPAIGN_SLUG, seed.PAGE_SLUG)}
    values_for = {label: _route_values(*slugs) for label, slugs in sizes.items()}
    pages = {}
    for route, _pattern in public_routes():
        if route.startswith("__bench__/"):
            continue
        counts = {}
        for label, (values, tokens) in values_for.items():
            # Which view a route names is known once it is filled: the token and item follow from it.
            probe_values = {**values, "token": "x", "item_id": 0}
            name = resolve(fill_route(route, probe_values)).view_name
            path = fill_route(route, {**values, "token": tokens.get(name, ""),
                                      "item_id": values["item_id"].get(name, 0)})
            _empty_caches()
            client = Client(HTTP_HOST="127.0.0.1")
            visits = {}
            for visit in ("first", "next"):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
                    if response.streaming:
                        b"".join(response.streaming_content)
                if response.status_code == 405:
                    break
                if response.status_code not in (200, 301, 302):
                    raise RuntimeError(f"{path} answered {response.status_code}")
                visits[visit] = len(captured.captured_queries)
            if visits:
                counts[label] = visits
        if counts:
            pages["/" + route] = counts
    return pages


def export():
    """Write the publication CSV of the 100,000-signatory statement to a file, as the admin action does."""
    from bench import seed
    from campaigns.models import Statement
    from signatories.exports import write_publication_csv

    statements = Statement.objects.filter(slug=seed.EXPORT_SLUG)
    with tempfile.NamedTemporaryFile("w", newline="", suffix=".csv", delete=False) as output:
        started = time.perf_counter()
        write_publication_csv(statements, output)
        seconds = time.perf_counter() - started
    with open(output.name, encoding="utf-8") as written:
        rows = sum(1 for _ in written) - 1
    size = os.path.getsize(output.name)
    os.unlink(output.name)
    # ru_maxrss is in kilobytes on Linux: the peak of this whole process, Django included.
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 3), "peak_rss_mb": round(peak_rss_mb, 1), "rows": rows, "bytes": size}


def _timed_get(url):
    """GET ``url`` with empty caches and read the whole body: seconds, bytes, status."""
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    client = Client(HTTP_HOST="127.0.0.1")
    started = time.perf_counter()
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return seconds, body


def _peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def press_kit_zip():
    """Download the English press kit of the benchmark campaign as a ZIP, as a journalist does (cold caches).

    The kit holds what the seed gave it (a press release, ten messages) and a 200 KB
    image added here; the archive holds the signed letter and publication list of the
    campaign's statement: 10,000 listed signatories (the 10-signatory statement and the
    statement under moderation are in campaigns of their own). Run before the
    100,000-sign-on export statement is seeded.
    """
    import io
    import zipfile

    from django.urls import reverse

    from bench import seed
    from campaigns.models import Campaign
    from presskit.models import PressKitItem

    campaign = Campaign.objects.get(slug=seed.CAMPAIGN_SLUG)
    _replace_card_image(campaign, "card.jpg", os.urandom(200 * 1024))
    seconds, body = _timed_get(reverse("presskit:archive", kwargs={"campaign_slug": seed.CAMPAIGN_SLUG,
                                                                   "language": "en"}))
    files = zipfile.ZipFile(io.BytesIO(body)).namelist()
    return {"seconds": round(seconds, 3), "bytes": len(body), "files": len(files), "peak_rss_mb": _peak_rss_mb()}


def signed_letter_pdf():
    """The signed letter of the 10,000-signatory statement: first request (rendered) and the next (cached)."""
    from django.urls import reverse

    from bench import seed

    url = reverse("presskit:signed_letter", kwargs={"campaign_slug": seed.CAMPAIGN_SLUG,
                                                    "statement_slug": seed.PAGE_SLUG})
    seconds, body = _timed_get(url)
    from django.test import Client

    started = time.perf_counter()
    Client(HTTP_HOST="127.0.0.1").get(url)
    cached_seconds = time.perf_counter() - started
    pages = len(re.findall(rb"/Type /Page[^s]", body))
    return {"seconds": round(seconds, 3), "cached_seconds": round(cached_seconds, 3), "bytes": len(body),
            "pages": pages, "peak_rss_mb": _peak_rss_mb()}


PROBES = {
    "queries": queries, "export": export, "press_kit_zip": press_kit_zip, "signed_letter_pdf": signed_letter_pdf,
}


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    probe = PROBES[argv[1]]
    print(json.dumps(probe()))


if __name__ == "__main__":
    main(sys.argv)
