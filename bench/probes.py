"""Measurements that need no HTTP load, each run in its own process by bench/run.py.

    python -m bench.probes queries   # SQL queries per statement page, 10 vs 10,000 signatories
    python -m bench.probes export    # publication CSV of 100,000 sign-ons: time and peak RSS

Each prints one JSON object. ``DJANGO_SETTINGS_MODULE=bench.settings`` and the bench
database come from the environment.
"""

import json
import os
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
    from campaigns import views

    result = {}
    for label, slug in (("10", seed.SMALL_SLUG), ("10000", seed.PAGE_SLUG)):
        cache.clear()
        views.local_fragments.clear()
        views.local_pages.clear()
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


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    probe = {"queries": queries, "export": export}[argv[1]]
    print(json.dumps(probe()))


if __name__ == "__main__":
    main(sys.argv)
