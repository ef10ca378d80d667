"""The moderation list of a large table is not counted row by row on every page (core.admin.EstimatedCountPaginator).

COUNT(*) of a million sign-ons took a hundred milliseconds on every page of the list
(make bench): past ESTIMATE_COUNT_FROM rows, the whole table's count is PostgreSQL's
estimate; a filtered list is counted exactly.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import admin as core_admin

from .factories import SignOnFactory

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db]

QUEUE_URL = reverse("admin:signatories_signon_changelist")


def counts_of_sign_ons(queries):
    return [query["sql"] for query in queries if "COUNT(" in query["sql"] and '"signatories_signon"' in query["sql"]]


def test_the_whole_large_list_takes_the_estimate_and_a_search_is_counted(staff_client, statement, monkeypatch):
    for _ in range(3):
        SignOnFactory(statement=statement)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE signatories_signon")
    monkeypatch.setattr(core_admin, "ESTIMATE_COUNT_FROM", 2)

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(QUEUE_URL, {"all": ""})
    assert response.status_code == 200
    assert counts_of_sign_ons(queries) == []
    assert response.context["cl"].result_count == 3  # the estimate, right after ANALYZE

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(QUEUE_URL, {"q": "nobody-by-this-name"})
    assert counts_of_sign_ons(queries) != [] and response.context["cl"].result_count == 0


def test_a_small_table_is_counted_exactly(staff_client, statement):
    SignOnFactory(statement=statement)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(QUEUE_URL)
    assert counts_of_sign_ons(queries) != [] and response.context["cl"].result_count == 1
