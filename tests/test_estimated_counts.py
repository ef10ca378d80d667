"""The moderation list of a large table is not counted row by row on every page (staff.admin.mixins.EstimatedCountPaginator).

COUNT(*) of a million sign-ons took a hundred milliseconds on every page of the list
(make bench): from ESTIMATE_COUNT_FROM rows on, the whole table's count is PostgreSQL's
estimate, in the one query the exact count would take; a filtered list is counted exactly.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff.admin import mixins as admin_mixins

from .factories import SignOnFactory

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db]

QUEUE_URL = reverse("admin:signatories_signon_changelist")


def queries_counting_sign_ons(queries):
    return [query["sql"] for query in queries if "COUNT(" in query["sql"] and '"signatories_signon"' in query["sql"]]


def three_sign_ons_analyzed_then_two_more(statement):
    for _ in range(3):
        SignOnFactory(statement=statement)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE signatories_signon")
    for _ in range(2):
        SignOnFactory(statement=statement)


def test_the_whole_large_list_takes_the_estimate_in_one_query(staff_client, statement, monkeypatch):
    three_sign_ons_analyzed_then_two_more(statement)
    monkeypatch.setattr(admin_mixins, "ESTIMATE_COUNT_FROM", 2)

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(QUEUE_URL)
    assert response.status_code == 200
    assert len(queries_counting_sign_ons(queries)) == 1
    assert response.context["cl"].result_count == 3  # the estimate of the last ANALYZE, not the five rows


def test_a_searched_list_is_counted_exactly(staff_client, statement, monkeypatch):
    three_sign_ons_analyzed_then_two_more(statement)
    monkeypatch.setattr(admin_mixins, "ESTIMATE_COUNT_FROM", 2)

    response = staff_client.get(QUEUE_URL, {"q": "nobody-by-this-name"})
    assert response.context["cl"].result_count == 0


def test_a_small_table_is_counted_exactly_in_one_query(staff_client, statement):
    three_sign_ons_analyzed_then_two_more(statement)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(QUEUE_URL)
    assert len(queries_counting_sign_ons(queries)) == 1
    assert response.context["cl"].result_count == 5
