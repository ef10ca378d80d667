"""Locking a statement's final text: what signatories signed cannot change any more."""

import pytest
from django.urls import reverse

from campaigns.models import Concern, Demand, Statement, TextLocked
from campaigns.services import lock_statement_text, unlock_statement_text

from .helpers import change_form_data, save_in_admin

pytestmark = pytest.mark.django_db


def lock_from_the_list(client, statement):
    return client.post(
        reverse("admin:campaigns_statement_changelist"),
        {"action": "lock_final_text", "_selected_action": [statement.pk]},
        follow=True,
    )


def test_staff_lock_the_final_text_from_the_list_and_its_page_shows_it_read_only(
    admin_client, admin_user, signed_statement
):
    response = lock_from_the_list(admin_client, signed_statement)

    assert "1 statement now has its final text locked." in response.content.decode()
    signed_statement.refresh_from_db()
    assert signed_statement.is_text_locked
    latest = signed_statement.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("Final text locked", admin_user)

    page = admin_client.get(reverse("admin:campaigns_statement_change", args=[signed_statement.pk])).content.decode()
    assert "Locked on" in page
    # The original (English) is shown, not edited; a translation can still be written.
    assert 'name="title_en"' not in page and 'name="title_es"' in page
    assert 'name="concerns-0-text_en"' not in page and 'name="concerns-0-text_es"' in page
    assert 'name="demands-0-status"' in page
    assert 'name="language"' not in page


def test_a_locked_statement_saved_in_the_admin_keeps_its_text_and_takes_translations_and_demand_status(
    admin_client, signed_statement
):
    lock_statement_text(statement=signed_statement)
    data = change_form_data(signed_statement)
    data.update(
        {
            "title_en": "A title slipped in",
            "concerns-0-text_en": "A concern slipped in",
            "title_es": "Declaración conjunta",
            "concerns-0-text_es": "Su ámbito abarca cualquier delito.",
            "demands-0-status": Demand.Status.PARTLY_MET,
        }
    )

    response = admin_client.post(reverse("admin:campaigns_statement_change", args=[signed_statement.pk]), data)

    assert response.status_code == 302
    signed_statement.refresh_from_db()
    concern = signed_statement.concerns.get()
    assert signed_statement.title_en != "A title slipped in"
    assert concern.text_en == "Its scope covers any crime committed with a computer."
    assert (signed_statement.title_es, concern.text_es) == (
        "Declaración conjunta",
        "Su ámbito abarca cualquier delito.",
    )
    assert signed_statement.demands.get().status == Demand.Status.PARTLY_MET
    assert signed_statement.version == 1


def test_the_models_refuse_every_change_to_a_locked_text(signed_statement):
    lock_statement_text(statement=signed_statement)
    statement = Statement.objects.get(pk=signed_statement.pk)
    concern = signed_statement.concerns.get()
    demand = signed_statement.demands.get()

    statement.body_en = "A new introduction."
    with pytest.raises(TextLocked):
        statement.save()
    statement.refresh_from_db()
    statement.language = "es"
    with pytest.raises(TextLocked):
        statement.save()
    concern.text_en = "Another concern."
    with pytest.raises(TextLocked):
        concern.save()
    demand.position = 5
    with pytest.raises(TextLocked):
        demand.save()
    with pytest.raises(TextLocked):
        Concern.objects.create(statement=signed_statement, text_en="One concern more.")
    with pytest.raises(TextLocked):
        signed_statement.demands.get().delete()

    # What is not the signed text still changes, and the statement can still be deleted whole.
    statement.refresh_from_db()
    statement.title_fr = "Déclaration commune"
    statement.state = Statement.State.CLOSED
    statement.save()
    demand = signed_statement.demands.get()
    demand.status = Demand.Status.MET
    demand.text_ar = "تضييق النطاق"
    demand.save()
    assert Statement.objects.get(pk=statement.pk).title_fr == "Déclaration commune"
    statement.delete()
    assert not Concern.objects.exists()


def test_unlocking_lets_the_text_change_again_as_a_new_version(admin_client, signed_statement):
    lock_statement_text(statement=signed_statement)
    assert not lock_statement_text(statement=signed_statement)  # locked once

    admin_client.post(
        reverse("admin:campaigns_statement_changelist"),
        {"action": "unlock_text", "_selected_action": [signed_statement.pk]},
    )
    save_in_admin(admin_client, signed_statement, body="We call on states to reject the draft.")

    assert not signed_statement.is_text_locked
    assert signed_statement.version == 2
    assert not unlock_statement_text(statement=signed_statement)


def test_the_final_text_is_the_latest_version_that_new_signatories_sign(signed_statement):
    # Edited outside the admin, the text was never recorded as a version: locking records it first.
    Statement.objects.filter(pk=signed_statement.pk).update(state=Statement.State.OPEN, closing_en="Signed, us.")

    lock_statement_text(statement=signed_statement)

    signed_statement.refresh_from_db()
    assert signed_statement.version == 2
    assert signed_statement.versions.get(number=2).closing == "Signed, us."


def test_the_statement_page_says_the_text_is_final_as_soon_as_it_is_locked(client, signed_statement):
    url = signed_statement.get_absolute_url()
    assert "Final text" not in client.get(url).content.decode()

    lock_statement_text(statement=signed_statement)

    assert "Final text: it will not change." in client.get(url).content.decode()
    assert "Texto definitivo" in client.get("/es" + url).content.decode()
