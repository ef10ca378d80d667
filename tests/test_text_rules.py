"""One rule for what a signatory's name and details may hold: the public forms, the import and the admin.

Refused with a message saying what to change: a start that runs as a spreadsheet
formula, markup, and characters a reader cannot see (zero-width characters, text
direction overrides), which is how a name imitates another.
"""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from signatories import imports, validators
from signatories.models import Organization, Signatory, SignOn

from .helpers import csv_file, form_service_row, individual_post, input_tag, organization_post, preview, problems, sign

pytestmark = pytest.mark.django_db

INVISIBLE = "invisible characters (such as a zero-width space)"
DIRECTION = "invisible characters that change the direction of the text"
FORMULA = "It starts like a spreadsheet formula (=, +, -, @); remove that first character."
MARKUP = "It contains HTML markup"

REFUSED = [
    ("Amnesty\u200bInternational", INVISIBLE),  # zero-width space
    ("Amnesty Inter\u2060national", INVISIBLE),  # word joiner
    ("\ufeffAmnesty International", INVISIBLE),  # byte order mark
    ("Amne\u180esty", INVISIBLE),  # Mongolian vowel separator
    ("Amn\u200desty", INVISIBLE),  # zero-width joiner between Latin letters
    ("\u202eLanoitanretnI ytsenmA", DIRECTION),  # right-to-left override
    ("Amnesty \u2066International\u2069", DIRECTION),  # isolates
    ('=HYPERLINK("http://evil.example","click")', FORMULA),
    ("+cmd|' /C calc'!A0", FORMULA),
    ("-2+3", FORMULA),
    ("@SUM(1+1)", FORMULA),
    ("<img src=x onerror=alert(1)>", MARKUP),
]


@pytest.mark.parametrize("text, message", REFUSED)
def test_the_import_and_the_form_give_one_answer(text, message):
    assert message in imports.unsafe_text_problem(text)
    assert message in validators.plain_text_problem(text)


@pytest.mark.parametrize(
    "text",
    [
        "Amnesty International",
        "Électronique & Libertés",
        "7amleh – Arab Center",
        "Fundación 5 > 4",
        "حقوق\u200cبشر",  # Persian is spelled with the zero-width non-joiner
        "ക്\u200dരിയ",  # Malayalam, a zero-width joiner after a virama
        "\u182d\u1821\u1837\u180e\u1821",  # Mongolian, with its vowel separator
        "Đorđe Petrović",
        "Ассоциация «Интернет»",
    ],
)
def test_names_in_every_script_pass(text):
    assert validators.plain_text_problem(text) is None


@pytest.mark.parametrize(
    "field, text, message",
    [
        ("name", "Amnesty\u200bInternational", INVISIBLE),
        ("name", "\u202eLanoitanretnI", DIRECTION),
        ("acronym", "A\u200bI", INVISIBLE),
        ("name", '=HYPERLINK("http://evil.example","click")', FORMULA),
        ("name", "@SUM(1+1)", FORMULA),
        ("contact_name", "<b>María</b>", MARKUP),
    ],
)
def test_the_organization_form_refuses_it_and_keeps_what_was_typed(
    client, statement, django_capture_on_commit_callbacks, field, text, message
):
    response = sign(client, statement, organization_post(**{field: text}), django_capture_on_commit_callbacks)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in input_tag(page, f"id_organization-{field}")
    assert 'value="maria@derechosdigitales.example"' in input_tag(page, "id_organization-contact_email")
    assert SignOn.objects.count() == 0


@pytest.mark.parametrize(
    "field, text, message",
    [
        ("name", "Valerie\u200b Steeves", INVISIBLE),
        ("title", "Professor\u202e", DIRECTION),
        ("affiliation", "-University of Ottawa", FORMULA),
        ("title", "<script>alert(1)</script>", MARKUP),
    ],
)
def test_the_individual_form_refuses_it(client, statement, django_capture_on_commit_callbacks, field, text, message):
    response = sign(client, statement, individual_post(**{field: text}), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert SignOn.objects.count() == 0


@pytest.mark.parametrize(
    "name, message", [("Amnesty\u200bInternational", INVISIBLE), ("\u202eLanoitanretnI", DIRECTION)]
)
def test_the_import_refuses_invisible_characters_as_a_row_error(admin_client, statement, name, message):
    response = preview(admin_client, statement, csv_file([form_service_row(name, "x@example.org")]))

    [(row, column, text)] = problems(response)
    assert (row, column) == (2, "Organisation name")
    assert message in text


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "Amnesty\u200bInternational"),
        ("acronym", "A\u2066I"),
        ("title", "Prof\u200b"),
        ("affiliation", "\u202eUniversity"),
    ],
)
def test_the_model_refuses_invisible_characters_whichever_form_saves_it(field, value):
    signatory = Signatory(**{"kind": Signatory.Kind.INDIVIDUAL, "name": "Valerie Steeves", field: value})
    with pytest.raises(ValidationError) as refused:
        signatory.full_clean(exclude=["identity_key", "normalized_name", "sort_key"])
    assert field in refused.value.message_dict


def test_the_organization_admin_form_says_why(admin_user):
    request = RequestFactory().post("/")
    request.user = admin_user
    form_class = admin.site._registry[Organization].get_form(request)
    form = form_class(
        data={"name": "Amnesty\u200bInternational", "acronym": "", "country": "", "website": "", "accreditation": ""}
    )
    assert not form.is_valid()
    assert INVISIBLE in " ".join(form.errors["name"])
