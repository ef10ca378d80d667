"""Trigram indexes for searching signatories by part of a name (PostgreSQL only).

The moderation queue and the signatory lists search with ``icontains``, which
PostgreSQL runs as ``UPPER(name::text) LIKE UPPER('%word%')``: without these
indexes, a scan of every signatory (about 0.3 s at 100,000). The indexes are on
exactly that expression. SQLite has no such index and keeps scanning.

Built CONCURRENTLY, so that a large table stays writable while the index is built.
pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
Where the role may not, the migration says so and goes on: search works, unindexed.
"""

import logging

from django.db import DatabaseError, migrations

logger = logging.getLogger(__name__)

INDEXES = {
    "signatory_name_trigram": "name",
    "signatory_acronym_trigram": "acronym",
    # The organization and individual lists also search these two (SignatoryAdmin):
    # one index each, or PostgreSQL scans for the OR of the four.
    "signatory_normalized_name_trigram": "normalized_name",
    "signatory_website_domain_trigram": "website_domain",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            logger.warning("pg_trgm could not be created (%s): name search stays unindexed", error)
            return
        for name, column in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON signatories_signatory "
                f"USING gin (UPPER({column}::text) gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("signatories", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
