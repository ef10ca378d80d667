"""Upgrading to per-language texts keeps every text already written, as its statement's original language.

The data migration (campaigns/0002_per_language_texts) is run as a function, with the
models as that migration knows them, on rows written as they were before it: the base
columns filled, the per-language ones empty. Migrating the schema back to 0001 would
also unapply every other app's migrations that depend on campaigns (and, on SQLite,
rebuild tables from a partial history).
"""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .factories import ConcernFactory, DemandFactory, StatementFactory

pytestmark = pytest.mark.django_db

MIGRATION = ("campaigns", "0002_per_language_texts")
LANGUAGES = ["en", "es", "fr", "pt", "ar"]


def empty_translations(model, fields):
    return {
        f"{field}_{code}": None
        for field in fields
        for code in LANGUAGES
        if model._meta.get_field(f"{field}_{code}").null
    }


def test_existing_texts_become_the_version_in_their_original_language():
    migration = importlib.import_module("campaigns.migrations.0002_per_language_texts")
    statement = StatementFactory(language="es", state="open")
    DemandFactory(statement=statement)
    ConcernFactory(statement=statement)
    then = MigrationExecutor(connection).loader.project_state([MIGRATION]).apps
    Campaign, Statement = then.get_model("campaigns", "Campaign"), then.get_model("campaigns", "Statement")
    Demand, Concern, Tier = (then.get_model("campaigns", name) for name in ("Demand", "Concern", "Tier"))
    # The rows as they stood before the migration: texts in the base columns only.
    Campaign.objects.update(
        name="UN Cybercrime Convention",
        description_html="<p>Text</p>",
        **empty_translations(Campaign, migration.CAMPAIGN_FIELDS),
    )
    Statement.objects.update(
        title="Declaración",
        summary="Resumen",
        body_html="<p>Cuerpo</p>",
        demands_intro="Pedimos:",
        **empty_translations(Statement, migration.STATEMENT_FIELDS),
    )
    Demand.objects.update(
        text="Limiten el alcance",
        addressed_to="los Estados",
        **empty_translations(Demand, ["text", "addressed_to", "status_note"]),
    )
    Concern.objects.update(text="Alcance excesivo", **empty_translations(Concern, ["text"]))
    Tier.objects.create(statement_id=statement.pk, name="Firmantes", position=9, **empty_translations(Tier, ["name"]))

    migration.copy_texts_to_their_language(then, schema_editor=None)

    statement = Statement.objects.get(pk=statement.pk)
    assert (statement.title_es, statement.summary_es, statement.body_html_es, statement.demands_intro_es) == (
        "Declaración",
        "Resumen",
        "<p>Cuerpo</p>",
        "Pedimos:",
    )
    assert statement.title_en is None  # not copied into a language it is not written in
    demand = Demand.objects.get(statement_id=statement.pk)
    assert (demand.text_es, demand.addressed_to_es, demand.text_en) == ("Limiten el alcance", "los Estados", None)
    assert Concern.objects.get(statement_id=statement.pk).text_es == "Alcance excesivo"
    assert set(Tier.objects.filter(statement_id=statement.pk).values_list("name_es", flat=True)) == {"Firmantes"}
    campaign = Campaign.objects.get(pk=statement.campaign_id)
    assert (campaign.name_en, campaign.description_html_en) == ("UN Cybercrime Convention", "<p>Text</p>")
