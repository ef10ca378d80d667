"""Translations that say when they are behind their original, their status per part and language, and the
translator role: a campaign's translations into their languages, nothing else (issue 21)."""

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import CampaignMembership
from accounts.roles import TRANSLATOR
from campaigns import selectors
from campaigns.models import Demand, Statement
from campaigns.services import mark_translation_current, record_statement_version

from .factories import ConcernFactory, DemandFactory, StatementFactory
from .helpers import change_form_data, sign_in, staff_with_role

pytestmark = pytest.mark.django_db


def in_spanish(text):
    """``text`` as the Spanish catalog has it (its English until the catalogs are brought up to date)."""
    with translation.override("es"):
        return gettext(text)


BEHIND_NOTICE = "The original of this statement changed after this translation was made."


@pytest.fixture
def translated(signed_statement):
    """The signed statement with a Spanish translation (French and the others: none), text at version 1."""
    statement = signed_statement
    statement.title_es = "La Convención no debe socavar los derechos humanos"
    statement.body_es = "Las organizaciones abajo firmantes pedimos…"
    statement.save()
    statement.concerns.update(text_es="Su ámbito abarca cualquier delito.")
    statement.demands.update(text_es="Limiten el alcance.", addressed_to_es="todas las delegaciones")
    statement.tiers.update(name_es="Lista completa")
    record_statement_version(statement=statement)
    statement.refresh_from_db()
    return statement


def admin_data(statement, **changes):
    """What the admin form posts for ``statement``: its text in every language (the translations kept), changed."""
    data = change_form_data(statement)
    for field in ("title", "summary", "body", "concerns_intro", "before_demands", "demands_intro", "closing"):
        for code in ("es", "fr", "pt", "ar"):
            data[f"{field}_{code}"] = getattr(statement, f"{field}_{code}") or ""
    for prefix in ("concerns", "demands"):
        for index, row in enumerate(getattr(statement, prefix).all()):
            data[f"{prefix}-{index}-text_es"] = row.text_es or ""
            if prefix == "demands":
                data[f"{prefix}-{index}-addressed_to_es"] = row.addressed_to_es or ""
    data.update(changes)
    return data


def save(client, statement, **changes):
    return client.post(
        reverse("admin:campaigns_statement_change", args=[statement.pk]), admin_data(statement, **changes)
    )


# --- The behind state follows from the change ------------------------------------------------


def test_changing_the_original_puts_each_translation_behind_on_the_parts_that_changed(translated):
    Statement.objects.filter(pk=translated.pk).update(body_en="A new body.")
    translated.concerns.update(text_en="A new concern.")

    record_statement_version(statement=translated)

    translated.refresh_from_db()
    # French has no translation to be behind.
    assert translated.translations_behind == {"es": ["body", "concerns"]}
    assert translated.is_behind_original("es") and not translated.is_behind_original("fr")


def test_changing_only_a_translation_puts_nothing_behind(admin_client, translated):
    response = save(admin_client, translated, body_es="Un cuerpo mejor traducido.", **{"concerns-0-text_es": "Otro."})

    assert response.status_code == 302
    translated.refresh_from_db()
    assert translated.body_es == "Un cuerpo mejor traducido."
    assert translated.translations_behind == {}
    assert translated.version == 1


def test_a_translation_edited_in_the_same_save_as_its_original_stays_current_on_those_parts(admin_client, translated):
    response = save(
        admin_client,
        translated,
        title_en="A new title",  # its translation left as it was: behind
        body_en="A new body.",
        body_es="Un cuerpo nuevo.",
        **{
            "concerns-0-text_en": "A new concern.",
            "concerns-0-text_es": "Una nueva preocupación.",
            "demands-0-text_en": "Narrow the scope.",
            "demands-0-text_es": "Limiten el alcance, de verdad.",
            "demands-0-addressed_to_en": "every delegation",  # its translation left as it was: behind
        },
    )

    assert response.status_code == 302
    translated.refresh_from_db()
    assert translated.version == 2
    assert translated.translations_behind == {"es": ["title", "demands"]}


def test_marking_current_clears_it_and_the_audit_trail_says_who(admin_user, translated):
    Statement.objects.filter(pk=translated.pk).update(title_en="A new title")
    record_statement_version(statement=translated)

    assert mark_translation_current(statement=translated, language="es", by=admin_user) is True
    assert mark_translation_current(statement=translated, language="es", by=admin_user) is False

    translated.refresh_from_db()
    assert translated.translations_behind == {}
    latest = translated.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("Translation (es) marked current", admin_user)


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_translated_page_says_it_is_behind_until_marked_current_at_the_same_query_count(
    admin_client, client, translated
):
    spanish = "/es" + translated.get_absolute_url()
    assert in_spanish(BEHIND_NOTICE) not in client.get(spanish).content.decode()
    # Staff get the page rendered for them on every visit: what a render costs (after a first visit).
    admin_client.get(spanish)
    rendered = queries_of(admin_client, spanish)

    response = save(admin_client, translated, body_en="We call on states to reject the draft.")
    messages = admin_client.get(response["Location"]).content.decode()
    assert "its translations (Spanish) now say they are behind it" in messages

    # The cached page of anonymous readers follows the change (its version moved with the statement's row).
    page = client.get(spanish).content.decode()
    assert in_spanish(BEHIND_NOTICE) in page
    link = in_spanish("Read the original (%(original)s)") % {"original": "Inglés"}
    assert f'href="{translated.get_absolute_url()}" hreflang="en">{link}</a>' in page
    # Read with the statement's row: not one query more.
    assert in_spanish(BEHIND_NOTICE) in admin_client.get(spanish).content.decode()
    assert queries_of(admin_client, spanish) == rendered
    # The original itself says nothing of the kind.
    assert "changed after this translation" not in client.get(translated.get_absolute_url()).content.decode()

    mark_translation_current(statement=translated, language="es")
    assert in_spanish(BEHIND_NOTICE) not in client.get(spanish).content.decode()


def test_a_demand_reworded_on_its_own_page_puts_the_translations_behind(admin_client, translated):
    demand = translated.demands.get()
    response = admin_client.post(
        reverse("admin:campaigns_demand_change", args=[demand.pk]),
        {
            "statement": translated.pk,
            "position": demand.position,
            "text_en": "Reject the Convention.",
            "text_es": demand.text_es,
            "addressed_to_en": demand.addressed_to_en,
            "addressed_to_es": demand.addressed_to_es,
            "status": demand.status,
        },
    )

    assert response.status_code == 302
    translated.refresh_from_db()
    assert translated.translations_behind == {"es": ["demands"]}
    assert translated.version == 2


# --- Status per part and language ------------------------------------------------------------


def test_status_says_per_part_and_language_what_is_translated_behind_or_missing(translated):
    Statement.objects.filter(pk=translated.pk).update(body_en="A new body.")
    record_statement_version(statement=translated)
    ConcernFactory(statement=translated, text="A second concern, not translated yet.")

    status = selectors.translation_status(translated)

    by_part = {str(label): cells for label, cells in status.rows}
    codes = [language.code for language in status.languages]
    spanish = {part: cells[codes.index("es")] for part, cells in by_part.items()}
    assert spanish["title"] == selectors.TRANSLATED
    assert spanish["body"] == selectors.BEHIND
    assert spanish["summary"] == selectors.MISSING
    assert spanish["concerns"] == selectors.MISSING  # one of the two is not translated
    assert spanish["demands"] == selectors.TRANSLATED
    assert spanish["closing"] == selectors.EMPTY  # nothing to translate
    assert by_part["title"][codes.index("en")] == selectors.ORIGINAL
    assert by_part["title"][codes.index("fr")] == selectors.MISSING
    languages = {language.code: language for language in status.languages}
    assert [str(part) for part in languages["es"].behind] == ["body"]
    assert languages["fr"].behind == []


def test_staff_reach_the_status_from_the_statement_and_mark_a_translation_current(admin_client, translated):
    save(admin_client, translated, body_en="We call on states to reject the draft.")
    change_page = admin_client.get(reverse("admin:campaigns_statement_change", args=[translated.pk])).content.decode()
    url = reverse("admin:campaigns_statement_translations", args=[translated.pk])
    assert f'href="{url}">Translations (1 behind)</a>' in change_page

    page = admin_client.get(url).content.decode()
    assert "Behind the original: body." in page
    assert "Mark the Spanish translation current" in page
    assert "Mark the French translation current" not in page  # not behind: nothing to mark

    response = admin_client.post(url, {"language": "es"}, follow=True)
    assert "The Spanish translation is marked current" in response.content.decode()
    translated.refresh_from_db()
    assert translated.translations_behind == {}


# --- The translator role --------------------------------------------------------------------


@pytest.fixture
def translator(translated):
    user = staff_with_role(TRANSLATOR)
    CampaignMembership.objects.create(user=user, campaign=translated.campaign, translation_languages="es,fr")
    return user


def test_translators_see_only_their_campaigns_statements(client, rf, translator, translated):
    other = StatementFactory(title="Another coalition's statement")
    request = rf.get("/")
    request.user = translator

    visible = admin.site._registry[Statement].get_queryset(request)

    assert list(visible.values_list("pk", flat=True)) == [translated.pk]
    sign_in(client, translator)
    assert client.get(reverse("admin:campaigns_statement_change", args=[other.pk])).status_code == 302
    listing = client.get(reverse("admin:campaigns_statement_changelist")).content.decode()
    assert translated.title in listing and "Another coalition" not in listing
    assert 'name="action"' not in listing  # no export, reminder or lock for them


def test_a_translator_changes_their_languages_only_never_the_original_or_the_settings(client, translator, translated):
    sign_in(client, translator)
    page = client.get(reverse("admin:campaigns_statement_change", args=[translated.pk])).content.decode()
    for name in ("title_es", "title_fr", "concerns-0-text_es", "demands-0-addressed_to_es", "tiers-0-name_es"):
        assert f'name="{name}"' in page, name
    for name in (
        *("title_en", "title_pt", "concerns-0-text_en", "tiers-0-name_en", "tiers-0-is_default"),
        *("state", "slug", "language", "demands-0-status", "delivered_to_es", "requires_approval"),
    ):
        assert f'name="{name}"' not in page, name
    assert "Lock the final text" not in page and "Close sign-ons" not in page

    response = save(
        client,
        translated,
        title_en="A title slipped in",
        title_es="Título nuevo",
        title_pt="Título em português",
        state=Statement.State.CLOSED,
        **{"concerns-0-text_es": "Un ámbito nuevo.", "concerns-0-text_en": "Slipped in", "demands-0-status": "met"},
    )

    assert response.status_code == 302
    translated.refresh_from_db()
    assert translated.title_es == "Título nuevo"
    assert translated.concerns.get().text_es == "Un ámbito nuevo."
    assert translated.title_en.startswith("UN Cybercrime Convention")
    assert translated.concerns.get().text_en.startswith("Its scope")
    assert not translated.title_pt
    assert translated.state == Statement.State.OPEN
    assert translated.demands.get().status == Demand.Status.PENDING
    # Nor the buttons' pages, nor the list's actions.
    assert client.get(reverse("admin:campaigns_statement_close", args=[translated.pk])).status_code == 302
    translated.refresh_from_db()
    assert translated.state == Statement.State.OPEN


@pytest.mark.parametrize("button", ["text_lock", "reminders", "close", "delivery"])
def test_a_translator_is_sent_back_from_every_button_of_the_statements_page(client, translator, translated, button):
    sign_in(client, translator)
    url = reverse(f"admin:campaigns_statement_{button}", args=[translated.pk])
    before = Statement.objects.values().get(pk=translated.pk)

    responses = [client.get(url), client.post(url, {"do": "lock", "delivered_at": "2026-12-01T10:00"})]

    assert [response["Location"] for response in responses] == [reverse("admin:campaigns_statement_changelist")] * 2
    assert Statement.objects.values().get(pk=translated.pk) == before
    assert not translated.mailings.exists()


def test_a_translator_marks_current_only_the_languages_they_translate(client, translator, translated):
    Statement.objects.filter(pk=translated.pk).update(title_en="A new title", title_pt="Um título")
    record_statement_version(statement=translated)
    translated.refresh_from_db()
    assert set(translated.translations_behind) == {"es", "pt"}
    sign_in(client, translator)
    url = reverse("admin:campaigns_statement_translations", args=[translated.pk])

    page = client.get(url).content.decode()
    assert "Mark the Spanish translation current" in page
    assert "Mark the Portuguese translation current" not in page
    client.post(url, {"language": "pt"})
    client.post(url, {"language": "es"})

    translated.refresh_from_db()
    assert set(translated.translations_behind) == {"pt"}


def test_a_translator_cannot_change_a_demands_status_on_its_own_page(client, translator, translated):
    sign_in(client, translator)
    demand = translated.demands.get()
    page = client.get(reverse("admin:campaigns_demand_change", args=[demand.pk])).content.decode()
    assert 'name="text_es"' in page and 'name="status"' not in page and 'name="text_en"' not in page


def test_membership_languages_must_be_site_languages():
    membership = CampaignMembership(
        user=staff_with_role(TRANSLATOR), campaign=DemandFactory().statement.campaign, translation_languages="es,xx"
    )
    with pytest.raises(IntegrityError):
        membership.save()
