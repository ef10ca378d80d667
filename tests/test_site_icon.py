"""Every page names the site's icon, so browsers do not ask for a /favicon.ico that does not exist."""

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

ICON = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/accounts/login/"])
def test_public_staff_and_account_pages_name_the_icon(client, path):
    assert ICON in client.get(path, follow=True).content.decode()


def test_the_error_page_names_it_too_and_the_icon_is_served():
    assert ICON in render_to_string("500.html")
    with open(finders.find("img/favicon.svg")) as icon:
        assert icon.read().startswith("<svg")
