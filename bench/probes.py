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


def queries():
    """Queries of the statement page for an anonymous reader: first visit (empty caches) and the next one."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import seed
    from campaigns import statement_page

    result = {}
    for label, slug in (("10", seed.SMALL_SLUG), ("10000", seed.PAGE_SLUG)):
        cache.clear()
        statement_page.local_fragments.clear()
        statement_page.local_pages.clear()
        client = Client(HTTP_HOST="127.0.0.1")
        url = f"/campaigns/{seed.CAMPAIGN_SLUG}/{slug}/"
        counts = {}
        for visit in ("first", "next"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            counts[visit] = len(captured.captured_queries)
        result[label] = counts
    return result


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

    The kit gets ten messages, a press release and a 200 KB image first; the archive
    holds the signed letters and publication lists of the campaign's statements: 10,010
    listed signatories (the statement under moderation is in a campaign of its own).
    Run before the 100,000-sign-on export statement is seeded.
    """
    import io
    import zipfile

    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from bench import seed
    from campaigns.models import Campaign
    from presskit.models import PressKitItem

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-media-")
    campaign = Campaign.objects.get(slug=seed.CAMPAIGN_SLUG)
    if not PressKitItem.objects.filter(campaign=campaign).exists():
        PressKitItem.objects.create(campaign=campaign, kind=PressKitItem.Kind.PRESS_RELEASE,
                                    title="Benchmark press release", body="Text of the release. " * 200)
        for number in range(10):
            PressKitItem.objects.create(campaign=campaign, kind=PressKitItem.Kind.SOCIAL_MESSAGE,
                                        title=f"Message {number}", body="A suggested message. " * 10)
        image = PressKitItem(campaign=campaign, kind=PressKitItem.Kind.IMAGE, title="Card", alt_text="A card")
        image.file.save("card.jpg", ContentFile(os.urandom(200 * 1024)), save=False)
        image.save()
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
