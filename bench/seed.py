"""Seed the benchmark database quickly, with bulk inserts.

Run by ``bench/run.py`` in a fresh PostgreSQL database (``DJANGO_SETTINGS_MODULE=bench.settings``):

    python -m bench.seed base 1000000   # migrate; signatories for the largest statement, the
                                        # 10-signatory statement, the moderation queue, a staff user
    python -m bench.seed size 100000    # a statement with 100,000 listed sign-ons (and more, below)

Factories would take hours for this much data. Rows are written with PostgreSQL's
COPY (see ``copy_rows``), streamed in chunks: a million sign-ons in about a minute.
``Signatory.save()`` derives the sort key, normalized name and identity key; COPY
does not call it, so they are computed here with the same functions
(``signatories.identity``).

The statements of every size share the same signatories (the first N of them), so
the largest one decides how many are seeded.
"""

import itertools
import json
import multiprocessing
import os
import random
import secrets
import sys
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

import django

# The statement page's sizes (listed sign-ons), as run.py reads BENCH_SIZES.
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
SMALL_LISTED = 10
# Besides its listed sign-ons, each sized statement has unlisted ones, unconfirmed ones,
# and confirmed ones awaiting moderation (what the moderation churn approves, one a second).
UNLISTED = 500
UNCONFIRMED = 250
AWAITING_MODERATION = 500
EXTRA_SIGNATORIES = UNLISTED + UNCONFIRMED + AWAITING_MODERATION
# The admin's moderation queue: a statement of its own with this many sign-ons in every state.
MODERATION_SIGN_ONS = 40_000
CHUNK = 50_000

SMALL_CAMPAIGN_SLUG = "bench-small"
SMALL_SLUG = "statement-10"
MODERATION_SLUG = "statement-moderation"
MODERATION_CAMPAIGN_SLUG = "bench-moderation"
# Each campaign has an accent colour, as a campaign with its identity set (its pages link its stylesheet).
ACCENT = "#0b5cad"
STAFF_EMAIL = "bench-staff@example.org"


def size_slugs(size: int) -> tuple[str, str]:
    """(campaign slug, statement slug) of the statement with ``size`` listed sign-ons: each
    in a campaign of its own, so its press kit holds its letter alone."""
    return f"bench-{size}", f"statement-{size}"


# The 10,000-signatory statement: the query probe compares its pages with the 10-signatory
# one's, and the sign-on POST posts to it.
CAMPAIGN_SLUG, PAGE_SLUG = size_slugs(10_000)


def signatories_needed(largest_size: int) -> int:
    return max(largest_size, MODERATION_SIGN_ONS, SMALL_LISTED) + EXTRA_SIGNATORIES


ORGANIZATION_WORDS = [
    "Digital Rights",
    "Fundación",
    "Asociación por los Derechos Digitales",
    "Centre for",
    "Initiative for",
    "Électronique",
    "Observatorio",
    "Netzwerk",
    "Instituto",
    "Alliance for",
    "مركز",
    "Центр",
    "Coalition for",
    "Privacy",
    "Open",
    "Free Media",
    "Human Rights",
    "Access",
    "Forum",
    "Collectif",
    "7amleh",
    "épicentre",
    "Jinbonet",
    "Kenya ICT Action",
    "Red en Defensa",
    "Article",
    "Fórum",
    "Digitale Gesellschaft",
]
TOPICS = [
    "Internet Freedom",
    "Digital Security",
    "Press Freedom",
    "Privacy",
    "Open Technology",
    "Civic Space",
    "Data Protection",
    "Media Development",
    "Communication Rights",
    "Technology and Society",
    "Libertad de Expresión",
    "Droits Numériques",
    "Informationsfreiheit",
    "Liberdade na Rede",
]
FIRST_NAMES = [
    "Amina",
    "Julián",
    "Douwe",
    "Lucía",
    "Tom",
    "Nighat",
    "Wafa",
    "Kwame",
    "Ana",
    "Élodie",
    "Иван",
    "Mei",
    "Rasha",
    "Ola",
    "Pedro",
    "Farida",
    "Jan",
    "Sofía",
    "Arjun",
    "Yuki",
]
LAST_NAMES = [
    "Korff",
    "Gómez",
    "Baker",
    "Dad",
    "Ben-Hassine",
    "Mensah",
    "Souza",
    "Dupont",
    "Petrov",
    "Chen",
    "Abdulla",
    "Eriksen",
    "Rossi",
    "Haddad",
    "Okafor",
    "Nowak",
    "Silva",
    "Kumar",
    "Tanaka",
    "Müller",
]
TITLES = [
    "Emeritus Professor of International Law",
    "Researcher",
    "Lawyer",
    "Senior Fellow",
    "Journalist",
    "Professor of Computer Science",
    "Security researcher",
    "",
]
AFFILIATIONS = [
    "London Metropolitan University",
    "Universidad de Chile",
    "Independent",
    "CNRS",
    "University of Nairobi",
    "Max Planck Institute",
    "",
]


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def countries():
    from django_countries.data import COUNTRIES

    return sorted(COUNTRIES)


def signatory_chunk(arguments):
    """Signatories ``first`` to ``last`` (column values), about one in seven an individual,
    derived fields included; its own random generator, so chunks can be built in any process."""
    from signatories import identity

    seed_value, first, last, now = arguments
    rng = random.Random(seed_value * 1_000_003 + first)
    codes = countries()
    rows = []
    for n in range(first, last):
        country = rng.choice(codes) if rng.random() > 0.05 else ""
        if n % 7 == 3:
            kind, acronym, website = "individual", "", ""
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n}"
            title, affiliation = rng.choice(TITLES), rng.choice(AFFILIATIONS)
            identity_key = identity.individual_identity_key(f"expert{n}@example.org")
        else:
            kind, title, affiliation = "organization", "", ""
            name = f"{rng.choice(ORGANIZATION_WORDS)} {rng.choice(TOPICS)} {n}"
            acronym = "".join(word[0] for word in name.split()[:3]).upper() if rng.random() < 0.3 else ""
            website = f"https://org{n}.example.org" if rng.random() < 0.6 else ""
            identity_key = identity.organization_identity_key(name)
        # What Signatory.save() derives; COPY does not call save().
        name, acronym = identity.split_acronym(name, acronym)
        rows.append(
            {
                "kind": kind,
                "name": name,
                "acronym": acronym,
                "country": country,
                "website": website,
                "title": title,
                "affiliation": affiliation,
                "accreditation": "",
                "normalized_name": identity.normalize_name(name),
                "website_domain": identity.website_domain(website),
                "identity_key": identity_key,
                "sort_key": identity.sort_key(name),
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def signatory_rows(count, now, *, seed_value=8, pool=None):
    """``count`` signatories (column values): a generator, built ``CHUNK`` at a time (a million
    dicts at once would take gigabytes), in ``pool``'s processes when given (the Unicode sort
    key is most of the cost)."""
    chunks = [(seed_value, first, min(first + CHUNK, count), now) for first in range(0, count, CHUNK)]
    for rows in pool.imap(signatory_chunk, chunks) if pool else map(signatory_chunk, chunks):
        yield from rows


def seed_pool():
    """Processes building signatories on every core."""
    from signatories import identity

    identity.sort_key("warm up")  # load the collation table once, before the workers fork
    return multiprocessing.Pool(os.cpu_count())


def sign_on(statement, signatory_id, *, tier, signed_at, now, listing="listed", visible=True, moderation=None):
    """One sign-on (column values); visible ones are confirmed and approved."""
    confirmed = visible or moderation is not None
    return {
        "public_id": uuid.uuid4(),
        "management_secret": secrets.token_urlsafe(16),
        "statement_id": statement.pk,
        "signatory_id": signatory_id,
        "contact_id": None,
        "tier_id": tier.pk,
        "requested_tier_id": None,
        "listing": listing,
        "confirmation_state": "confirmed" if confirmed else "unconfirmed",
        "confirmed_at": signed_at + timedelta(minutes=5) if confirmed else None,
        "moderation_state": moderation or ("approved" if visible else "pending"),
        "moderated_at": signed_at + timedelta(hours=1) if visible else None,
        "moderated_by_id": None,
        "rejection_reason": "",
        "withdrawn_at": None,
        "statement_version": 1,
        "authorized_to_sign": True,
        "consent_version": "bench",
        "consent_given_at": signed_at,
        "language": "en",
        "source": "form",
        "submitted_profile": "{}",
        "pending_email": "",
        "pending_contact_name": "",
        "confirmation_claimed_until": None,
        "confirmation_email_sent_at": signed_at,
        "confirmation_email_round": 0,
        "signed_at": signed_at,
        "updated_at": now,
    }


def copy_rows(model, rows) -> int:
    """Insert ``rows`` (an iterable of dicts of column values, all with the same keys) with
    PostgreSQL's COPY, the fastest bulk insert; return how many.

    Model instances and ``bulk_create`` cost about 0.3 ms a row in Python (field
    preparation); COPY of plain tuples costs a few microseconds.
    """
    from django.db import connection

    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    fields = {field.attname: field.column for field in model._meta.concrete_fields if not field.primary_key}
    columns = list(first)
    unknown = set(columns) - set(fields)
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    # A field added to the model since the rows were written takes its default (Django sets defaults
    # in Python, not in the table): a fixed one only, as a callable's would repeat one value on every row.
    defaults = {
        field.attname: field.get_default()
        for field in model._meta.concrete_fields
        if not field.primary_key and field.attname not in first and field.has_default() and not callable(field.default)
    }
    columns += list(defaults)
    quoted = ", ".join(connection.ops.quote_name(fields[name]) for name in columns)
    count = 0
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in itertools.chain([first], rows):
            copy.write_row([row.get(name, defaults.get(name)) for name in columns])
            count += 1
    return count


def statement_text():
    """The text of the demo's joint statement, to give the benchmark's pages a realistic size."""
    from demo import seed_texts

    joint = seed_texts.parse_joint_statement()
    return SimpleNamespace(
        title=joint.title,
        summary=joint.summary,
        body=joint.body,
        concerns_intro=joint.concerns_intro,
        concerns=joint.concerns,
        after_concerns=joint.after_concerns,
        demands_intro=joint.demands_intro,
        demands=joint.demands,
        closing=joint.closing,
        submitted_by_heading=seed_texts.SUBMITTED_BY_HEADING,
        supporting_heading=seed_texts.SUPPORTING_HEADING,
    )


def make_statement(campaign, slug, *, position, title, text, published_at, state="published"):
    from campaigns.models import Concern, Demand, Statement, Tier

    statement = Statement.objects.create(
        campaign=campaign,
        slug=slug,
        position=position,
        title=title,
        summary=text.summary,
        body=text.body,
        concerns_intro=text.concerns_intro,
        demands_intro=text.demands_intro,
        before_demands=text.after_concerns,
        closing=text.closing,
        state=state,
        published_at=published_at,
        accepts_late_sign_ons=True,
        requires_approval=True,
    )
    Concern.objects.bulk_create(Concern(statement=statement, position=i, text=t) for i, t in enumerate(text.concerns))
    Demand.objects.bulk_create(Demand(statement=statement, position=i, text=t) for i, t in enumerate(text.demands))
    lead = Tier.objects.create(statement=statement, position=0, name=text.submitted_by_heading, is_requestable=True)
    supporting = Tier.objects.create(statement=statement, position=1, name=text.supporting_heading, is_default=True)
    return statement, lead, supporting


def furnish_campaign(campaign, statement):
    """What a campaign's public pages show besides the list, the same in every benchmark
    campaign: a press release, ten suggested messages, a preview link for journalists,
    an action to write to one's delegation with its targets, and an action to share."""
    from outreach.models import OutreachAction, Target
    from presskit.models import PressKitItem, PreviewLink

    PressKitItem.objects.create(
        campaign=campaign,
        kind=PressKitItem.Kind.PRESS_RELEASE,
        title="Benchmark press release",
        body="Text of the release. " * 200,
    )
    for number in range(10):
        PressKitItem.objects.create(
            campaign=campaign,
            kind=PressKitItem.Kind.SOCIAL_MESSAGE,
            title=f"Message {number}",
            body="A suggested message. " * 10,
        )
    PreviewLink.objects.create(
        campaign=campaign, label="Newsroom", expires_at=django.utils.timezone.now() + timedelta(days=30)
    )
    for country in ("KE", "BR", "FR", "IN", "CL"):
        Target.objects.create(
            campaign=campaign,
            name=f"Delegation of {country}",
            country=country,
            email=f"delegation-{country.lower()}@gov.example",
        )
    OutreachAction.objects.create(
        campaign=campaign,
        statement=statement,
        kind=OutreachAction.Kind.CONTACT_REPRESENTATIVE,
        slug="write-to-your-delegation",
        title="Write to your delegation",
        instructions="Send the letter.",
    )
    OutreachAction.objects.create(
        campaign=campaign,
        statement=statement,
        kind=OutreachAction.Kind.SOCIAL_POST,
        slug="share",
        title="Share the statement",
        social_message="Read and share the statement",
    )


def listed_sign_ons(rng, statement, lead, supporting, signatory_ids, now):
    """Listed sign-ons of ``statement`` (a generator): 2 % in the lead tier, one in ten without
    country."""
    for signatory_id in signatory_ids:
        yield sign_on(
            statement,
            signatory_id,
            tier=lead if rng.random() < 0.02 else supporting,
            signed_at=now - timedelta(days=60 * rng.random()),
            now=now,
            listing="listed_without_country" if rng.random() < 0.1 else "listed",
        )


def signatory_ids(first, count):
    """The ids of ``count`` seeded signatories from the ``first``-th on, in the order they were
    seeded: a list, read before a COPY starts (no query can run on its connection during one)."""
    from signatories.models import Signatory

    return list(Signatory.objects.order_by("pk").values_list("pk", flat=True)[first : first + count])


def vacuum_analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def seed_base(largest_size):
    """Migrate, then the signatories every statement draws from, the 10-signatory statement,
    the moderation queue's statement and a staff user."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import User
    from bench.urls import create_floor_table
    from campaigns.models import Campaign
    from signatories.models import Signatory, SignOn

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    create_floor_table()
    migrated = time.monotonic()
    rng = random.Random(8)
    now = django.utils.timezone.now()
    text = statement_text()
    count = signatories_needed(largest_size)
    with transaction.atomic(), seed_pool() as pool:
        copy_rows(Signatory, signatory_rows(count, now, pool=pool))
    seeded_signatories = time.monotonic()
    with transaction.atomic():
        small_campaign = Campaign.objects.create(
            name="Benchmark campaign, 10 signatories",
            slug=SMALL_CAMPAIGN_SLUG,
            summary=text.summary,
            accent_colour=ACCENT,
        )
        small, small_lead, small_supporting = make_statement(
            small_campaign,
            SMALL_SLUG,
            position=0,
            title=f"{text.title} (10 signatories)",
            text=text,
            published_at=now - timedelta(days=5),
        )
        furnish_campaign(small_campaign, small)
        copy_rows(
            SignOn, listed_sign_ons(rng, small, small_lead, small_supporting, signatory_ids(0, SMALL_LISTED), now)
        )
        moderation_campaign = Campaign.objects.create(
            name="Benchmark moderation", slug=MODERATION_CAMPAIGN_SLUG, summary=text.summary
        )
        moderation, _, moderation_supporting = make_statement(
            moderation_campaign,
            MODERATION_SLUG,
            position=0,
            title="A statement under moderation",
            text=text,
            published_at=None,
            state="open",
        )
        # The moderation queue: unconfirmed, pending, rejected and approved sign-ons.
        states = [(True, None), (False, None), (False, "pending"), (False, "rejected")]

        queued = signatory_ids(0, MODERATION_SIGN_ONS)

        def queue():
            for signatory_id in queued:
                visible, moderation_state = rng.choice(states)
                yield sign_on(
                    moderation,
                    signatory_id,
                    tier=moderation_supporting,
                    signed_at=now - timedelta(days=30 * rng.random()),
                    now=now,
                    visible=visible,
                    moderation=moderation_state,
                )

        copy_rows(SignOn, queue())
        staff = User.objects.create_superuser(STAFF_EMAIL, os.environ["BENCH_STAFF_PASSWORD"])
        EmailAddress.objects.create(user=staff, email=STAFF_EMAIL, verified=True, primary=True)
        # Staff need a second factor to reach the admin: the benchmark signs in with this one's codes.
        TOTP.activate(staff, os.environ["BENCH_STAFF_TOTP_SECRET"])
    vacuum_analyze()
    return {
        "migrate_s": round(migrated - started, 2),
        "signatories": Signatory.objects.count(),
        "signatories_s": round(seeded_signatories - migrated, 2),
        "sign_ons": SignOn.objects.count(),
        "total_s": round(time.monotonic() - started, 2),
    }


def seed_size(size):
    """A published statement with ``size`` listed sign-ons, in a furnished campaign of its own,
    plus unlisted, unconfirmed and awaiting-moderation ones (after the listed in signatory order)."""
    from django.db import transaction

    from campaigns.models import Campaign
    from signatories.models import SignOn

    started = time.monotonic()
    rng = random.Random(size)
    now = django.utils.timezone.now()
    text = statement_text()
    campaign_slug, statement_slug = size_slugs(size)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=f"Benchmark campaign, {size:,} signatories",
            slug=campaign_slug,
            summary=text.summary,
            accent_colour=ACCENT,
        )
        statement, lead, supporting = make_statement(
            campaign,
            statement_slug,
            position=0,
            title=f"{text.title} ({size:,} signatories)",
            text=text,
            published_at=now - timedelta(days=5),
        )
        furnish_campaign(campaign, statement)
        extra = iter(signatory_ids(size, EXTRA_SIGNATORIES))
        listed = signatory_ids(0, size)

        def rows():
            yield from listed_sign_ons(rng, statement, lead, supporting, listed, now)
            for signatory_id in itertools.islice(extra, UNLISTED):
                yield sign_on(
                    statement,
                    signatory_id,
                    tier=supporting,
                    signed_at=now - timedelta(days=3),
                    now=now,
                    listing="unlisted",
                )
            for signatory_id in itertools.islice(extra, UNCONFIRMED):
                yield sign_on(
                    statement, signatory_id, tier=supporting, signed_at=now - timedelta(days=1), now=now, visible=False
                )
            for signatory_id in extra:
                yield sign_on(
                    statement,
                    signatory_id,
                    tier=supporting,
                    signed_at=now - timedelta(hours=5),
                    now=now,
                    visible=False,
                    moderation="pending",
                )

        count = copy_rows(SignOn, rows())
    copied = time.monotonic()
    vacuum_analyze()
    return {
        "size": size,
        "sign_ons": count,
        "copy_s": round(copied - started, 2),
        "total_s": round(time.monotonic() - started, 2),
    }


def main(argv):
    setup()
    phase, size = argv[1], int(argv[2])
    result = {"base": seed_base, "size": seed_size}[phase](size)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
