"""Import benchmark: preview and import of a CSV of sign-ons, 1,000 and 10,000 rows.

    python bench/import_bench.py                 # 1000 and 10000 rows
    python bench/import_bench.py --rows 1000 --profile

What it does, in a PostgreSQL database of its own (``bench_import``, created and
dropped here; PostgreSQL on 127.0.0.1:5432, user postgres, trust authentication):

1. creates the database and migrates it;
2. for each size, a statement of its own, with the seed campaign's ~110 signatories
   already signed up for another statement (so that the file's organizations are
   matched, not duplicated) and a CSV in a form service's headings: the seed
   campaign's signatories first, then synthetic organizations and individuals;
3. times ``imports.import_sign_ons`` as the admin page calls it: the preview
   (``dry_run=True``), then the import, and checks that every row was imported.

It prints seconds per step and whether the target is met: each step under 5 s for
1,000 rows. ``--profile`` prints pyinstrument's report of each step instead of
nothing (pyinstrument is in requirements-dev.txt). It exits non-zero only when it
could not run (no PostgreSQL, a migration that fails, an import with problems).
"""

import argparse
import csv
import io
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

DATABASE_NAME = "bench_import"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
TARGET_ROWS = 1_000
TARGET_SECONDS = 5
HEADINGS = [
    "Timestamp",
    "I am signing as",
    "Organisation name",
    "Country",
    "Website",
    "Position",
    "Institution",
    "Your full name",
    "E-mail address",
    "May we list your name publicly?",
]
COUNTRIES = ["KE", "ZA", "BR", "DE", "FR", "IN", "LB", "MX", "NG", "PH", "US", "GB", "AR", "ID", "TN"]


class CouldNotRun(Exception):
    pass


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000], help="file sizes (default 1000 10000)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help=f"server to create {DATABASE_NAME} on")
    parser.add_argument("--profile", action="store_true", help="print pyinstrument's profile of each step")
    parser.add_argument("--keep-database", action="store_true", help=f"leave {DATABASE_NAME} behind to inspect")
    return parser.parse_args()


def admin_connection(postgres_url):
    import psycopg

    try:
        return psycopg.connect(f"{postgres_url}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        raise CouldNotRun(f"PostgreSQL is not reachable at {postgres_url}: {error}")


def recreate_database(postgres_url):
    with admin_connection(postgres_url) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE_NAME}")


def drop_database(postgres_url):
    with admin_connection(postgres_url) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")


def migrate(environment):
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise CouldNotRun(f"migrate failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def seed_rows():
    """The seed campaign's signatories, as a form service exports them."""
    from demo import seed_texts
    from demo.signatory_details import ORGANIZATIONS

    joint = seed_texts.parse_joint_statement()
    rows = []
    for number, entry in enumerate([*joint.submitted_by, *joint.supporting]):
        details = ORGANIZATIONS.get(entry.text, {})
        rows.append(
            [
                "2024-08-05 10:12:00",
                entry.kind,
                entry.name,
                details.get("country", ""),
                details.get("website", ""),
                entry.title,
                entry.affiliation,
                "Amina Juma",
                f"signer{number}@seed.example",
                "Yes",
            ]
        )
    return rows


def csv_bytes(size):
    rows = seed_rows()[:size]
    for number in range(len(rows), size):
        country = COUNTRIES[number % len(COUNTRIES)]
        if number % 4 == 3:
            rows.append(
                [
                    "05/08/2024",
                    "Individual",
                    f"Dr. Researcher {number}",
                    country,
                    "",
                    "Professor",
                    f"University {number % 50}",
                    "",
                    f"researcher{number}@mail.example",
                    "No",
                ]
            )
        else:
            rows.append(
                [
                    "2024-08-06 09:00:00",
                    "Organization",
                    f"Digital Rights Collective {number}",
                    country,
                    f"https://collective{number}.example.org",
                    "",
                    "",
                    f"Contact {number}",
                    f"info@collective{number}.example.org",
                    "Yes",
                ]
            )
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    return output.getvalue().encode("utf-8")


class DatabaseTime:
    """Counts the queries of a step and the time spent waiting for them."""

    def __init__(self):
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.seconds += time.perf_counter() - started


def timed(label, function, profile):
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    from django.db import connection

    database = DatabaseTime()
    started = time.perf_counter()
    with connection.execute_wrapper(database):
        result = function()
    seconds = time.perf_counter() - started
    if profile:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"  {label}: {seconds:.2f} s ({database.queries} queries taking {database.seconds:.2f} s)", flush=True)
    return result, seconds


def bench(size, profile):
    from django.contrib.auth import get_user_model

    from campaigns.models import Statement
    from signatories import imports
    from signatories.models import SignOn
    from tests.factories import StatementFactory

    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        email="bench@example.org", password="bench-import"
    )
    earlier = StatementFactory(state=Statement.State.OPEN)
    # The seed signatories signed an earlier statement: the file must find them, not duplicate them.
    seed_file = imports.read_table(csv_bytes(len(seed_rows())), "seed.csv")
    imports.import_sign_ons(
        statement=earlier,
        dataset=seed_file,
        mapping=imports.guess_mapping(seed_file.headings),
        options=imports.ImportOptions(),
        by=user,
        dry_run=False,
    )
    statement = StatementFactory(campaign=earlier.campaign, state=Statement.State.OPEN)
    dataset = imports.read_table(csv_bytes(size), "responses.csv")
    mapping = imports.guess_mapping(dataset.headings)
    options = imports.ImportOptions()
    print(f"{size} rows:", flush=True)
    report, preview_seconds = timed(
        "preview",
        lambda: imports.import_sign_ons(
            statement=statement, dataset=dataset, mapping=mapping, options=options, by=user, dry_run=True
        ),
        profile,
    )
    if not report.ok:
        raise CouldNotRun(f"the preview found problems: {report.problems[:5]}")
    report, import_seconds = timed(
        "import",
        lambda: imports.import_sign_ons(
            statement=statement, dataset=dataset, mapping=mapping, options=options, by=user, dry_run=False
        ),
        profile,
    )
    imported = SignOn.objects.filter(statement=statement).count()
    if not report.ok or imported != size:
        raise CouldNotRun(f"the import stored {imported} of {size} rows: {report.problems[:5]}")
    print(f"  {report.new_signatories} new signatories, {size - report.new_signatories} matched", flush=True)
    return preview_seconds, import_seconds


def run(arguments):
    print(f"Creating {DATABASE_NAME} and migrating…", flush=True)
    recreate_database(arguments.postgres_url)
    environment = dict(os.environ)
    for name in ("ADVOCACY_ENV", "DEBUG"):
        environment.pop(name, None)
    environment.update(
        DJANGO_SETTINGS_MODULE="advocacy.settings",
        DATABASE_URL=f"{arguments.postgres_url}/{DATABASE_NAME}",
        CELERY_TASK_ALWAYS_EAGER="1",
        SIGN_ON_IMPORT_MAX_ROWS=str(max(arguments.rows)),
    )
    migrate(environment)
    os.environ.update(environment)
    import django

    django.setup()
    logging.disable(logging.INFO)
    results = {size: bench(size, arguments.profile) for size in arguments.rows}
    print()
    for size, (preview_seconds, import_seconds) in results.items():
        verdict = ""
        if size == TARGET_ROWS:
            met = max(preview_seconds, import_seconds) < TARGET_SECONDS
            verdict = f"  target (< {TARGET_SECONDS} s per step): {'met' if met else 'NOT met'}"
        print(f"{size:>6} rows: preview {preview_seconds:6.2f} s, import {import_seconds:6.2f} s{verdict}")


def main():
    arguments = parse_arguments()
    try:
        run(arguments)
    except CouldNotRun as problem:
        print(f"Could not run: {problem}", file=sys.stderr)
        return 1
    finally:
        if not arguments.keep_database:
            try:
                drop_database(arguments.postgres_url)
            except CouldNotRun:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
