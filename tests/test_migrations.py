"""The migrations match the models, and a database migrated by vanished migrations is refused with a way out."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_a_database_migrated_by_vanished_migrations_is_refused_before_migrate_runs():
    MigrationRecorder(connection).record_applied("campaigns", "0003_partner_codes_and_signatory")
    # A third-party app's migration that its package no longer ships is its business, not ours.
    MigrationRecorder(connection).record_applied("admin", "0099_gone_upstream")

    with pytest.raises(SystemCheckError) as refused:
        call_command("migrate", verbosity=0, skip_checks=False)

    message = str(refused.value)
    assert "core.E201" in message
    assert "campaigns 0003_partner_codes_and_signatory" in message
    assert "0099_gone_upstream" not in message
    assert "rm db.sqlite3" in message


@pytest.mark.django_db
def test_a_database_migrated_by_todays_migrations_passes_the_check():
    call_command("check", "--database", "default", verbosity=0)
