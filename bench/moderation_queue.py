"""Time the moderation queue (the sign-on list in the admin) at 50,000 sign-ons, in-process.

Needs the benchmark's seeded PostgreSQL database; use a database of your own:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/my_bench DJANGO_SETTINGS_MODULE=bench.settings
    BENCH_STAFF_PASSWORD=x python -m bench.seed base
    python -m bench.moderation_queue

Each case is requested through Django's test client (no HTTP server, no network), so
the figures are the server's own time for the page: the SQL and the rendering.
"""

import statistics
import sys
import time
from types import MethodType

import django

ROUNDS = 15
WARM_UP = 3


def main():
    django.setup()
    from django.contrib import admin
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from signatories.models import SignOn

    staff = User.objects.filter(is_superuser=True).order_by("pk").first()
    if staff is None or SignOn.objects.count() < 10_000:
        sys.exit("Seed the database first: python -m bench.seed base")
    client = Client()
    client.force_login(staff)
    url = reverse("admin:signatories_signon_changelist")
    country = SignOn.objects.values_list("signatory__country", flat=True).exclude(signatory__country="").first()
    cases = [
        ("queue (default: pending first, newest first)", {}),
        ("pending only", {"moderation_state__exact": "pending"}),
        ("pending, one country", {"moderation_state__exact": "pending", "country": country}),
        ("submitted since a date", {"signed_at__gte": "2000-01-01 00:00:00+00:00"}),
        ("search by name", {"q": "rights"}),
        ("page 50", {"p": "50"}),
    ]
    model_admin = admin.site._registry[SignOn]

    def run(label, params):
        for _ in range(WARM_UP):
            assert client.get(url, params).status_code == 200
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        slowest = max(float(query["time"]) for query in queries.captured_queries) * 1000
        print(
            f"{label:<55} p50 {statistics.median(timings):7.1f} ms   max {max(timings):7.1f} ms   "
            f"{len(queries.captured_queries)} queries, slowest {slowest:.1f} ms"
        )

    print(f"{SignOn.objects.count()} sign-ons; {ROUNDS} rounds each after {WARM_UP} to warm up\n")
    for label, params in cases:
        run(label, params)

    # The same list configured as before the moderation queue: a date hierarchy and the
    # model's plain order (newest first), for comparison on the same machine.
    from django.contrib.admin.views.main import ChangeList

    model_admin.date_hierarchy = "signed_at"
    model_admin.ordering = None
    model_admin.list_per_page = 100
    model_admin.get_changelist = lambda request, **kwargs: ChangeList
    model_admin.action_checkbox = MethodType(admin.ModelAdmin.action_checkbox, model_admin)
    print("\nAs before (100 rows, date hierarchy, every column of statements read, widget-rendered checkboxes):")
    run("queue (default)", {})
    run("pending only", {"moderation_state__exact": "pending"})


if __name__ == "__main__":
    main()
