"""Statements in several languages, the UI in five, the reader's language remembered, email in the signer's."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from campaigns import selectors
from campaigns.models import Statement
from mailings import services as mailings
from mailings.models import Mailing, MailingContent
from signatories.models import SignOn

from .factories import (
    ConcernFactory,
    DemandFactory,
    IndividualFactory,
    OrganizationFactory,
    SignOnFactory,
    StatementFactory,
)
from .helpers import organization_post, sign_url

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translate(statement, language, **texts):
    for field, text in texts.items():
        setattr(statement, f"{field}_{language}", text)
    statement.save()


@pytest.fixture
def spanish_statement(statement):
    translate(
        statement,
        "es",
        title="La Convención no debe socavar los derechos humanos",
        summary="Un resumen en español.",
        body="Las organizaciones **abajo firmantes** pedimos…",
        demands_intro="Pedimos a las delegaciones que:",
    )
    DemandFactory(statement=statement, text="Narrow the scope", text_es="Limiten el alcance", position=0)
    ConcernFactory(statement=statement, text="Over-broad scope", text_es="Alcance excesivo", position=0)
    return statement


def test_translated_statement_is_read_in_the_readers_language(client, spanish_statement):
    url = spanish_statement.get_absolute_url()
    page = client.get("/es" + url).content.decode()
    assert "<h1>La Convención no debe socavar los derechos humanos</h1>" in page
    assert "<strong>abajo firmantes</strong>" in page
    assert "Limiten el alcance" in page and "Alcance excesivo" in page
    assert "Narrow the scope" not in page
    assert '<article class="statement" lang="es" dir="ltr">' in page
    # A translation points to the text that was signed.
    assert "Traducción; idioma original: Inglés." in page
    assert f'href="{url}" lang="en"' in page


def test_page_points_search_engines_to_each_language_it_is_written_in(client, spanish_statement):
    url = spanish_statement.get_absolute_url()
    page = client.get("/fr" + url).content.decode()
    assert f'<link rel="alternate" hreflang="en" href="{settings.SITE_URL}{url}">' in page
    assert f'<link rel="alternate" hreflang="es" href="{settings.SITE_URL}/es{url}">' in page
    assert 'hreflang="fr"' not in page and 'hreflang="ar"' not in page


def test_untranslated_statement_is_shown_in_its_original_language_and_says_so(client, spanish_statement):
    page = client.get("/fr" + spanish_statement.get_absolute_url()).content.decode()
    assert f"<h1>{spanish_statement.title_en}</h1>" in page
    assert "Narrow the scope" in page and "Limiten el alcance" not in page
    assert '<article class="statement" lang="en" dir="ltr">' in page
    assert (
        "Ce texte n’est pas encore disponible dans votre langue (Français) ; "
        "il est affiché dans la langue d’origine : Anglais."
    ) in page
    # The rest of the page stays in French.
    assert "Signer cette déclaration" in page


def test_fallback_is_the_statements_own_original_language(client):
    statement = StatementFactory(
        language="pt", title_en="", title_pt="Declaração em português", body_pt="Texto original.", slug="pt-original"
    )
    page = client.get("/ar" + statement.get_absolute_url()).content.decode()
    assert "<h1>Declaração em português</h1>" in page
    assert '<article class="statement" lang="pt" dir="ltr">' in page
    assert 'dir="rtl"' in page  # the page around it is Arabic
    assert "هذا النص غير متوفر بعد بلغتك (العربية)؛ وهو معروض بلغته الأصلية: البرتغالية." in page


def test_markdown_is_rendered_per_language_without_copying_the_fallback(statement):
    translate(statement, "es", body="Texto *traducido*.")
    statement.refresh_from_db()
    assert statement.body_html_es == "<p>Texto <em>traducido</em>.</p>"
    assert statement.body_html_en.startswith("<p>")
    # Untranslated languages keep no copy of the English HTML: the fallback is decided when reading.
    assert statement.body_html_fr == ""
    translate(statement, "es", body="<script>alert(1)</script>Hola")
    assert "<script>" not in statement.body_html_es


def test_original_language_title_is_required_in_the_admin_form(statement):
    statement.language = "es"
    statement.title_es = ""
    with pytest.raises(Exception) as error:
        statement.full_clean()
    assert "title_es" in error.value.message_dict


def test_admin_edits_each_language_version(admin_client, spanish_statement):
    page = admin_client.get(f"/admin/campaigns/statement/{spanish_statement.pk}/change/").content.decode()
    for language in ["en", "es", "fr", "pt", "ar"]:
        assert f'name="title_{language}"' in page
        assert f'name="body_{language}"' in page
    assert "La Convención no debe socavar los derechos humanos" in page
    # One section per language: the original open, each translation folded away (Spanish too: a click opens it).
    folded = re.findall(r"<details><summary>\s*<h2[^>]*>Text in (\w+)</h2>", page)
    assert folded == ["Spanish", "French", "Portuguese", "Arabic"]


@pytest.mark.parametrize("count", [10, 300])
def test_translated_statement_page_query_count_is_constant(
    client, spanish_statement, count, django_assert_max_num_queries
):
    for index in range(count):
        SignOnFactory(
            statement=spanish_statement,
            signatory=IndividualFactory() if index % 5 == 0 else OrganizationFactory(country="AR"),
        )
    url = spanish_statement.get_absolute_url()
    for prefix in ["/es", "/ar"]:
        with django_assert_max_num_queries(9):  # as in English: tests/test_statement_page.py
            assert client.get(prefix + url).status_code == 200
    with django_assert_max_num_queries(3):  # the counts the first time, then cached
        assert client.get("/es/").status_code == 200


def test_statement_lists_show_each_title_in_its_text_language(client, spanish_statement):
    page = client.get("/es/").content.decode()
    assert "La Convención no debe socavar los derechos humanos" in page
    page = client.get("/pt/").content.decode()
    assert f'lang="en">{spanish_statement.title_en}</a>' in page


# --- Signing in a language ---------------------------------------------------------


def test_sign_on_in_arabic_records_the_language_and_mails_in_arabic(
    client, statement, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ar" + sign_url(statement), organization_post())
    assert response.status_code == 302
    assert response["Location"].startswith("/ar/")
    sign_on = SignOn.objects.get()
    assert sign_on.language == "ar"
    email = mailoutbox[0]
    assert email.subject.startswith("يُرجى تأكيد توقيعك")
    assert "الرابط صالح لمدة" in email.body
    links = re.findall(r"https?://\S+", email.body)
    assert links and all("/ar/" in link for link in links)
    html = email.alternatives[0][0]
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    # The contact made on confirmation keeps the language, for later email.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(re.search(r"https?://\S+/confirm/\S+", email.body).group(0)).path)
    sign_on.refresh_from_db()
    assert sign_on.contact.language == "ar"


def test_a_french_invitee_gets_links_to_the_french_pages(statement, mailoutbox, django_capture_on_commit_callbacks):
    """The email is in French: the pages its links open are too, whatever the browser's language."""
    mailings.invite(
        statement=statement,
        invitees=[
            mailings.Invitee(email="contact@droits.example.org", organization_name="Droits Numériques", language="fr")
        ],
    )
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitation")
    for language in ("en", "fr"):
        MailingContent.objects.create(
            mailing=mailing, language=language, subject=f"Subject {language}", body=f"Body {language}"
        )
    with django_capture_on_commit_callbacks(execute=True):
        mailings.schedule(mailing=mailing)
    [email] = mailoutbox
    assert email.subject == "Subject fr"
    paths = [urlsplit(link).path for link in re.findall(r"https?://[^\s<>\"]+", email.body)]
    assert any(path.startswith("/fr/invitation/") for path in paths), paths
    assert any(path.startswith("/fr/unsubscribe/") for path in paths), paths
    assert not any(path.startswith(("/invitation/", "/unsubscribe/")) for path in paths), paths


def test_confirmation_email_carries_the_statement_in_the_signers_language(
    client, spanish_statement, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/es" + sign_url(spanish_statement), organization_post())
    assert mailoutbox[0].subject == "Confirme su firma: La Convención no debe socavar los derechos humanos"


def test_sign_on_errors_come_back_in_the_readers_language(client, statement):
    response = client.post("/pt" + sign_url(statement), organization_post(consent=None, name=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Corrija os campos assinalados abaixo." in page
    assert "Aceite o aviso de privacidade para que possamos guardar a sua assinatura." in page


# --- The language switcher and the remembered choice -----------------------------------


def test_switcher_sends_to_the_same_page_in_the_chosen_language_and_remembers_it(client, statement):
    url = statement.get_absolute_url()
    response = client.post("/i18n/setlang/", {"language": "ar", "next": url})
    assert response.status_code == 302
    assert response["Location"] == "/ar" + url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    # Coming back later to an address without a language prefix.
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/ar/"
    assert "Cookie" in response["Vary"]
    # Back to English: English addresses are served again.
    client.post("/i18n/setlang/", {"language": "en", "next": "/ar" + url})
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("chosen, expected_prefix", [("en", ""), ("es", "/es"), ("ar", "/ar")])
def test_switcher_leaves_a_french_page_opened_by_a_link(client, statement, chosen, expected_prefix):
    """A reader with an English browser and no language cookie, on a French page someone shared."""
    url = statement.get_absolute_url()
    response = client.post(
        "/i18n/setlang/", {"language": chosen, "next": f"/fr{url}?utm_source=x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert response["Location"] == f"{expected_prefix}{url}?utm_source=x"
    # (The tracker's parameter then goes with a redirect of its own: tests/test_tracking_links.py.)
    page = client.get(response["Location"], follow=True)
    assert f'<html lang="{chosen}"' in page.content.decode()


def test_switcher_leaves_a_page_in_another_language_than_the_remembered_one(client, statement):
    url = statement.get_absolute_url()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt"
    response = client.post("/i18n/setlang/", {"language": "es", "next": f"/ar{url}"})
    assert response["Location"] == f"/es{url}"
    # From an English page while another language is remembered.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post("/i18n/setlang/", {"language": "pt", "next": url})
    assert response["Location"] == f"/pt{url}"


def test_switcher_without_next_goes_back_to_the_referring_page_in_the_chosen_language(client, statement):
    url = statement.get_absolute_url()
    response = client.post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER=f"http://testserver/fr{url}")
    assert response["Location"] == f"http://testserver{url}"


def test_switcher_refuses_to_redirect_off_site(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/es/"


def test_remembered_language_never_redirects_a_post_or_a_static_file(client, statement):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post(sign_url(statement), organization_post(name=""))
    assert response.status_code == 200
    assert client.get("/static/css/site.css").status_code == 200


def test_switcher_is_on_every_page_and_works_without_javascript(client, statement):
    for url in ["/", statement.campaign.get_absolute_url(), statement.get_absolute_url(), "/privacy/"]:
        page = client.get(url).content.decode()
        form = re.search(
            r'<form class="language-switcher" action="/i18n/setlang/" method="post">.*?</form>', page, re.S
        )
        assert form, url
        assert '<label for="language-select">' in form.group(0)
        assert 'type="submit"' in form.group(0)
        assert all(f'value="{code}"' in form.group(0) for code, _name in settings.LANGUAGES)


def test_arabic_pages_render_right_to_left(client, statement):
    url = statement.get_absolute_url()
    page = client.get("/ar" + url).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "انتقل إلى المحتوى" in page  # the skip link
    page = client.get(url).content.decode()
    assert '<html lang="en" dir="ltr">' in page


def test_stylesheet_uses_logical_properties_only():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    physical = re.findall(
        r"(?<![-\w])(?:margin|padding|border)-(?:left|right)\b|text-align:\s*(?:left|right)"
        r"|(?<![-\w])(?:left|right):|float:\s*(?:left|right)",
        css,
    )
    assert physical == [], "use logical properties (inline-start/end) so that Arabic pages mirror"


# --- The demo and the catalogs ------------------------------------------------------


def test_demo_ships_the_joint_statement_in_spanish_and_keeps_staff_edits(client):
    call_command("load_demo_campaign", verbosity=0)
    statement = Statement.objects.get(slug="civil-society-joint-statement")
    page = client.get("/es" + statement.get_absolute_url()).content.decode()
    assert "La Convención de la ONU sobre Ciberdelincuencia no debe convertirse" in page
    assert "Limiten el alcance de toda la Convención" in page
    assert "Presentada por ONG registradas" in page
    statement.title_es = "Título corregido por el equipo"
    statement.save()
    call_command("load_demo_campaign", verbosity=0)
    statement.refresh_from_db()
    assert statement.title_es == "Título corregido por el equipo"
    assert statement.title_en.startswith("UN Cybercrime Convention")


def test_demo_ships_the_joint_statement_in_every_site_language_each_current(client):
    from demo import translations

    call_command("load_demo_campaign", verbosity=0)
    statement = Statement.objects.get(slug="civil-society-joint-statement")
    assert set(translations.BY_LANGUAGE) == set(TRANSLATED_LANGUAGES)
    assert statement.translations_behind == {}
    for code, texts in translations.BY_LANGUAGE.items():
        page = client.get(f"/{code}{statement.get_absolute_url()}").content.decode()
        direction = "rtl" if code == "ar" else "ltr"
        assert f'<article class="statement" lang="{code}" dir="{direction}">' in page, code
        assert f"<h1>{texts.JOINT_STATEMENT['title']}</h1>" in page, code
        for text in [texts.CONCERNS[0], texts.DEMANDS[-1], texts.TIERS[1], texts.DEMANDS_ADDRESSED_TO]:
            assert text in page, (code, text)
        assert "translation-behind" not in page, code
        # Every part of the text is translated: nothing missing, nothing behind.
        for language in selectors.translation_status(statement).languages:
            assert (language.code, language.missing, language.behind) == (language.code, [], []), language.code


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalog_is_complete_and_keeps_the_placeholders(language):
    """After new strings are added (make messages), this lists what still needs translating."""
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", "rb") as file:
        catalog = read_po(file, locale=language)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (not message.string or (isinstance(message.string, tuple) and not all(message.string)) or message.fuzzy)
    ]
    assert untranslated == [], f"{len(untranslated)} strings to translate in {language}"
    problems = [(message.id, errors) for message, errors in catalog.check()]
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalog_is_compiled(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, "run make (make catalogs) to compile it"
    with translation.override(language):
        assert translation.gettext("Skip to content") != "Skip to content"
