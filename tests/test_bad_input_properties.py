"""Whatever people type, the answer is a page, never a server error or a stored script."""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.rendering import render_markdown
from signatories.models import Signatory, SignOn
from signatories.validators import plain_text_problem

from .helpers import organization_post, sign_url

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

hostile_text = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40).map(lambda s: f"<script>alert('{s}')</script>"),
    st.sampled_from(
        [
            "<img src=x onerror=alert(1)>",
            "\x00",
            "\u202e\u0644\u0627",
            '=HYPERLINK("http://evil")',
            "a" * 5000,
            "Ünïcødé (ÜNÏ)",
            "'; DROP TABLE signatories_signon; --",
            "\r\n\t",
            "👩🏽‍💻" * 50,
        ]
    ),
)


@FUZZ
@given(name=hostile_text, acronym=hostile_text, website=hostile_text, email=hostile_text, listing=hostile_text)
def test_sign_on_form_answers_any_input_without_a_server_error(statement, name, acronym, website, email, listing):
    client = Client(raise_request_exception=False)
    response = client.post(
        sign_url(statement),
        organization_post(name=name, acronym=acronym, website=website, contact_email=email, listing=listing),
    )
    assert response.status_code in {200, 302, 400}, response.status_code
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "onerror=alert" not in page


@FUZZ
@given(name=st.text(min_size=1, max_size=300).filter(lambda s: s.strip() and "\x00" not in s))
def test_accepted_names_are_stored_as_typed_and_shown_escaped(statement, name, django_capture_on_commit_callbacks):
    # Examples share the test's database: start each from an empty list of signatories.
    SignOn.objects.all().delete()
    Signatory.objects.all().delete()
    client = Client()
    unique_email = "fuzz@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(statement), organization_post(name=name, contact_email=unique_email))
    if plain_text_problem(name.strip()):
        # Formula starts, markup, control or invisible characters: sent back to be retyped, as an import does.
        assert response.status_code == 200
        assert not SignOn.objects.exists()
        return
    assert response.status_code == 302
    sign_on = SignOn.objects.get()  # the only one: the list was emptied above
    # Exactly what was typed (spaces tidied), kept with the sign-on.
    assert sign_on.submitted_profile["name"] == " ".join(name.split())


@FUZZ
@given(
    text=st.text(max_size=200),
    payload=st.sampled_from(
        [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            '<a href="javascript:alert(1)">x</a>',
            '<img src="x" onerror="alert(1)">',
            '<p onclick="steal()">hi</p>',
            "<iframe src=//evil></iframe>",
            "[x](JaVaScRiPt:alert(1))",
            '<svg onload="alert(1)">',
            "<style>body{}</style>",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
        ]
    ),
)
def test_markdown_never_keeps_scripts_handlers_or_dangerous_links(text, payload):
    html = render_markdown(f"{text}\n\n{payload}\n\n{text}")
    assert not re.search(r"<\s*(script|iframe|svg|style|img)", html, re.IGNORECASE)
    assert not re.search(r"\son\w+\s*=", html, re.IGNORECASE)
    assert not re.search(r"href\s*=\s*[\"']?\s*(javascript|data):", html, re.IGNORECASE)
