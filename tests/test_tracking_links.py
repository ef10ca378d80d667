"""A link shared with trackers' parameters (fbclid, utm_*) leads to the same page at its clean address."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["fbclid=IwAR3xYz", "utm_source=mastodon&utm_medium=social", "gclid=abc&mc_eid=1"])
def test_a_link_with_only_trackers_parameters_is_sent_to_the_clean_address_without_a_query(
    client, statement, query, django_assert_num_queries
):
    url = statement.get_absolute_url()
    with django_assert_num_queries(0):
        response = client.get(f"{url}?{query}")
    assert response.status_code == 301
    assert response["Location"] == url


def test_the_page_s_own_parameters_are_kept_in_their_order(client):
    response = client.get("/campaigns/?utm_campaign=launch&q=Amnesty&fbclid=1&country=KE")
    assert response.status_code == 301
    assert response["Location"] == "/campaigns/?q=Amnesty&country=KE"


def test_a_link_without_trackers_and_a_form_post_are_left_alone(client, statement):
    url = statement.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(f"{url}?q=Amnesty").status_code == 200
    # A form posted to an address with a tracker is answered, not redirected (and lost).
    assert client.post(f"{url}sign/?utm_source=newsletter", {}).status_code != 301
