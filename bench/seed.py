"""Seed the benchmark database quickly, with bulk inserts.

Run by ``bench/run.py`` in a fresh PostgreSQL database (``DJANGO_SETTINGS_MODULE=bench.settings``):

    python -m bench.seed base      # migrate; statements, 100,000 signatories, 50,000 sign-ons, staff user
    python -m bench.seed export    # add the statement with 100,000 listed sign-ons

Factories would take many minutes for this much data. Rows are written with
PostgreSQL's COPY (see ``copy_rows``): 100,000 sign-ons in a few seconds.
``Signatory.save()`` derives the sort key, normalized name and identity key; COPY
does not call it, so they are computed here with the same functions
(``signatories.identity``).
"""

import json
import multiprocessing
import os
import random
import secrets
import sys
import time
from datetime import timedelta
from types import SimpleNamespace
import uuid

import django

# How many of each the benchmark needs (docs/benchmarks.md).
SIGNATORIES = 100_000
SMALL_LISTED = 10
PAGE_LISTED = 10_000
PAGE_UNLISTED = 500
PAGE_NOT_VISIBLE = 500
TOTAL_BASE_SIGN_ONS = 50_000
MODERATION_SIGN_ONS = TOTAL_BASE_SIGN_ONS - SMALL_LISTED - PAGE_LISTED - PAGE_UNLISTED - PAGE_NOT_VISIBLE
EXPORT_LISTED = 100_000

CAMPAIGN_SLUG = "bench-campaign"
# The 10-signatory statement has a campaign of its own, so that the campaign's pages
# (press kit, actions) can be compared at 10 and at 10,000 signatories too.
SMALL_CAMPAIGN_SLUG = "bench-small"
SMALL_SLUG = "statement-10"
PAGE_SLUG = "statement-10000"
MODERATION_SLUG = "statement-moderation"
MODERATION_CAMPAIGN_SLUG = "bench-moderation"
EXPORT_SLUG = "statement-100000"
STAFF_EMAIL = "bench-staff@example.org"

ORGANIZATION_WORDS = [
    "Digital Rights", "Fundación", "Asociación por los Derechos Digitales", "Centre for", "Initiative for",
    "Électronique", "Observatorio", "Netzwerk", "Instituto", "Alliance for", "مركز", "Центр", "Coalition for",
    "Privacy", "Open", "Free Media", "Human Rights", "Access", "Forum", "Collectif", "7amleh", "épicentre",
    "Jinbonet", "Kenya ICT Action", "Red en Defensa", "Article", "Fórum", "Digitale Gesellschaft",
]
TOPICS = [
    "Internet Freedom", "Digital Security", "Press Freedom", "Privacy", "Open Technology", "Civic Space",
    "Data Protection", "Media Development", "Communication Rights", "Technology and Society",
    "Libertad de Expresión", "Droits Numériques", "Informationsfreiheit", "Liberdade na Rede",
]
FIRST_NAMES = ["Amina", "Julián", "Douwe", "Lucía", "Tom", "Nighat", "Wafa", "Kwame", "Ana", "Élodie", "Иван",
               "Mei", "Rasha", "Ola", "Pedro", "Farida", "Jan", "Sofía", "Arjun", "Yuki"]
LAST_NAMES = ["Korff", "Gómez", "Baker", "Dad", "Ben-Hassine", "Mensah", "Souza", "Dupont", "Petrov", "Chen",
              "Abdulla", "Eriksen", "Rossi", "Haddad", "Okafor", "Nowak", "Silva", "Kumar", "Tanaka", "Müller"]
TITLES = ["Emeritus Professor of International Law", "Researcher", "Lawyer", "Senior Fellow", "Journalist",
          "Professor of Computer Science", "Security researcher", ""]
AFFILIATIONS = ["London Metropolitan University", "Universidad de Chile", "Independent", "CNRS",
                "University of Nairobi", "Max Planck Institute", ""]


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def countries():
    from django_countries.data import COUNTRIES

    return sorted(COUNTRIES)


def signatory_rows(rng, count, now):
    """``count`` signatories (column values), about one in seven an individual, derived fields included."""
    from signatories import identity

    codes = countries()
    rows = []
    names = []
    for n in range(count):
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
        rows.append({
            "kind": kind, "name": name, "acronym": acronym, "country": country, "website": website,
            "title": title, "affiliation": affiliation, "accreditation": "",
            "normalized_name": identity.normalize_name(name),
            "website_domain": identity.website_domain(website),
            "identity_key": identity_key,
            "created_at": now, "updated_at": now,
        })
        names.append(name)
    for row, key in zip(rows, sort_keys(names), strict=True):
        row["sort_key"] = key
    return rows


def sort_keys(names):
    """``identity.sort_key`` of each name: most of the seeding's cost, so on every core for many names."""
    from signatories import identity

    if len(names) < 1000:
        return [identity.sort_key(name) for name in names]
    identity.sort_key("warm up")  # load the collation table once, before the workers fork
    with multiprocessing.Pool(os.cpu_count()) as pool:
        return pool.map(identity.sort_key, names, chunksize=1000)


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


def copy_rows(model, rows):
    """Insert ``rows`` (dicts of column values) with PostgreSQL's COPY, the fastest bulk insert.

    Model instances and ``bulk_create`` cost about 0.3 ms a row in Python (field
    preparation); COPY of plain tuples costs a few microseconds.
    """
    from django.db import connection

    fields = {field.attname: field.column for field in model._meta.concrete_fields if not field.primary_key}
    columns = list(rows[0])
    unknown = set(columns) - set(fields)
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    quoted = ", ".join(connection.ops.quote_name(fields[name]) for name in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])


def statement_text():
    """The text of the demo's joint statement, to give the benchmark's pages a realistic size."""
    from campaigns.demo import seed_texts

    joint = seed_texts.parse_joint_statement()
    return SimpleNamespace(
        title=joint.title, summary=joint.summary, body=joint.body, concerns_intro=joint.concerns_intro,
        concerns=joint.concerns, after_concerns=joint.after_concerns, demands_intro=joint.demands_intro,
        demands=joint.demands, closing=joint.closing,
        submitted_by_heading=seed_texts.SUBMITTED_BY_HEADING, supporting_heading=seed_texts.SUPPORTING_HEADING,
    )


def make_statement(campaign, slug, *, position, title, text, published_at, state="published"):
    from campaigns.models import Concern, Demand, Statement, Tier

    statement = Statement.objects.create(
        campaign=campaign, slug=slug, position=position, title=title, summary=text.summary,
        body=text.body, concerns_intro=text.concerns_intro, demands_intro=text.demands_intro,
        before_demands=text.after_concerns, closing=text.closing, state=state, published_at=published_at,
        accepts_late_sign_ons=True, requires_approval=True,
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

    PressKitItem.objects.create(campaign=campaign, kind=PressKitItem.Kind.PRESS_RELEASE,
                                title="Benchmark press release", body="Text of the release. " * 200)
    for number in range(10):
        PressKitItem.objects.create(campaign=campaign, kind=PressKitItem.Kind.SOCIAL_MESSAGE,
                                    title=f"Message {number}", body="A suggested message. " * 10)
    PreviewLink.objects.create(campaign=campaign, label="Newsroom",
                               expires_at=django.utils.timezone.now() + timedelta(days=30))
    for country in ("KE", "BR", "FR", "IN", "CL"):
        Target.objects.create(campaign=campaign, name=f"Delegation of {country}", country=country,
                              email=f"delegation-{country.lower()}@gov.example")
    OutreachAction.objects.create(
        campaign=campaign, statement=statement, kind=OutreachAction.Kind.CONTACT_REPRESENTATIVE,
        slug="write-to-your-delegation", title="Write to your delegation", instructions="Send the letter.")
    OutreachAction.objects.create(
        campaign=campaign, statement=statement, kind=OutreachAction.Kind.SOCIAL_POST, slug="share",
        title="Share the statement", social_message="Read and share the statement")


def listed_sign_ons(rng, statement, lead, supporting, signatory_ids, now):
    """Listed sign-ons of ``statement``: 2 % in the lead tier, one in ten without country, some late."""
    return [
        sign_on(statement, signatory_id, tier=lead if rng.random() < 0.02 else supporting,
                signed_at=now - timedelta(days=60 * rng.random()), now=now,
                listing="listed_without_country" if rng.random() < 0.1 else "listed")
        for signatory_id in signatory_ids
    ]


def seed_base():
    """Migrate, then the statements, 100,000 signatories, 50,000 sign-ons and a staff user."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import User
    from campaigns.models import Campaign
    from signatories.models import Signatory, SignOn

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic()
    rng = random.Random(8)
    now = django.utils.timezone.now()
    text = statement_text()
    with transaction.atomic():
        campaign = Campaign.objects.create(name="Benchmark campaign", slug=CAMPAIGN_SLUG, summary=text.summary)
        small_campaign = Campaign.objects.create(
            name="Benchmark campaign, 10 signatories", slug=SMALL_CAMPAIGN_SLUG, summary=text.summary)
        published_at = now - timedelta(days=5)
        small, small_lead, small_supporting = make_statement(
            small_campaign, SMALL_SLUG, position=0, title=f"{text.title} (10 signatories)", text=text,
            published_at=published_at)
        page, page_lead, page_supporting = make_statement(
            campaign, PAGE_SLUG, position=1, title=f"{text.title} (10,000 signatories)", text=text,
            published_at=published_at)
        furnish_campaign(small_campaign, small)
        furnish_campaign(campaign, page)
        # In a campaign of its own: the benchmark campaign's press kit then holds the
        # letter of 10,000 signatories, the size the press-kit target names.
        moderation_campaign = Campaign.objects.create(
            name="Benchmark moderation", slug=MODERATION_CAMPAIGN_SLUG, summary=text.summary)
        moderation, _, moderation_supporting = make_statement(
            moderation_campaign, MODERATION_SLUG, position=0, title="A statement under moderation", text=text,
            published_at=None, state="open")

        copy_rows(Signatory, signatory_rows(rng, SIGNATORIES, now))
        signatory_ids = iter(Signatory.objects.order_by("pk").values_list("pk", flat=True))
        seeded_signatories = time.monotonic()

        ids = [next(signatory_ids) for _ in range(SMALL_LISTED)]
        rows = listed_sign_ons(rng, small, small_lead, small_supporting, ids, now)
        ids = [next(signatory_ids) for _ in range(PAGE_LISTED)]
        rows += listed_sign_ons(rng, page, page_lead, page_supporting, ids, now)
        for _ in range(PAGE_UNLISTED):
            rows.append(sign_on(page, next(signatory_ids), tier=page_supporting,
                                signed_at=now - timedelta(days=3), now=now, listing="unlisted"))
        for _ in range(PAGE_NOT_VISIBLE):
            rows.append(sign_on(page, next(signatory_ids), tier=page_supporting,
                                signed_at=now - timedelta(days=1), now=now, visible=False))
        # The moderation queue: unconfirmed, pending, rejected and approved sign-ons.
        states = [(True, None), (False, None), (False, "pending"), (False, "rejected")]
        for _ in range(MODERATION_SIGN_ONS):
            visible, moderation_state = rng.choice(states)
            rows.append(sign_on(moderation, next(signatory_ids), tier=moderation_supporting,
                                signed_at=now - timedelta(days=30 * rng.random()), now=now, visible=visible,
                                moderation=moderation_state))
        copy_rows(SignOn, rows)
        seeded_sign_ons = time.monotonic()

        staff = User.objects.create_superuser(STAFF_EMAIL, os.environ["BENCH_STAFF_PASSWORD"])
        EmailAddress.objects.create(user=staff, email=STAFF_EMAIL, verified=True, primary=True)
        # Staff need a second factor to reach the admin: the benchmark signs in with this one's codes.
        TOTP.activate(staff, os.environ["BENCH_STAFF_TOTP_SECRET"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "migrate_s": round(migrated - started, 2),
        "signatories": Signatory.objects.count(),
        "signatories_s": round(seeded_signatories - migrated, 2),
        "sign_ons": SignOn.objects.count(),
        "sign_ons_s": round(seeded_sign_ons - seeded_signatories, 2),
        "total_s": round(time.monotonic() - started, 2),
    }


def seed_export():
    """A fourth statement with 100,000 listed sign-ons, for the publication export."""
    from django.db import connection, transaction

    from campaigns.models import Campaign
    from signatories.models import Signatory, SignOn

    started = time.monotonic()
    rng = random.Random(100)
    now = django.utils.timezone.now()
    with transaction.atomic():
        statement, lead, supporting = make_statement(
            Campaign.objects.get(slug=CAMPAIGN_SLUG), EXPORT_SLUG, position=3,
            title="A statement with 100,000 signatories", text=statement_text(),
            published_at=now - timedelta(days=5))
        ids = Signatory.objects.order_by("pk").values_list("pk", flat=True)[:EXPORT_LISTED]
        copy_rows(SignOn, listed_sign_ons(rng, statement, lead, supporting, ids, now))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "sign_ons": SignOn.objects.filter(statement=statement).count(),
        "total_s": round(time.monotonic() - started, 2),
    }


def main(argv):
    setup()
    phase = argv[1] if len(argv) > 1 else "base"
    result = {"base": seed_base, "export": seed_export}[phase]()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
