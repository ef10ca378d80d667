"""Load the demo campaign, "UN Cybercrime Convention", from the seed texts.

Running it again creates only what is missing: rows that exist (found by slug,
position, identity key) are left exactly as they are, so staff edits to the demo
survive a rerun and nothing is duplicated.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from campaigns.models import Campaign, Concern, Demand, Statement, Tier
from campaigns.services import lock_statement_text, mark_translation_current, record_statement_version
from demo import seed_texts, translations
from demo.identity import load_identity
from demo.outreach_kit import load_outreach_kit
from demo.signatory_details import ORGANIZATIONS
from mailings import services
from mailings.models import Mailing, MailingContent, PressContact
from signatories import identity
from signatories.models import Signatory, SignOn

CAMPAIGN_SLUG = "un-cybercrime-convention"
CAMPAIGN_NAME = "UN Cybercrime Convention"
JOINT_STATEMENT_SLUG = "civil-society-joint-statement"
FOC_JULY_2024_SLUG = "freedom-online-coalition-july-2024"
FOC_ADOPTION_SLUG = "foc-statement-on-adoption"
DEMANDS_ADDRESSED_TO = "all state delegations"
ACCREDITATION = "registered under operative paragraphs 8 or 9"

# Noon UTC keeps the publication on the same calendar day in nearly every time zone.
JOINT_STATEMENT_PUBLISHED_AT = datetime(2024, 1, 22, 12, tzinfo=UTC)
FOC_JULY_2024_PUBLISHED_AT = datetime(2024, 7, 29, 12, tzinfo=UTC)
FOC_ADOPTION_PUBLISHED_AT = datetime(2024, 12, 30, 12, tzinfo=UTC)
# The seed list is in signing order as far as we know it: each sign-on two minutes after
# the one before, the last one shortly before publication.
SIGN_ON_INTERVAL = timedelta(minutes=2)

DEMO_ADMIN_EMAIL = "admin@example.org"
DEMO_ADMIN_PASSWORD = "admin"


class Command(BaseCommand):
    help = (
        "Create the demo campaign “UN Cybercrime Convention” with its statements and 110 signatories "
        "from the seed texts. Safe to run again: only what is missing is created."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds",
            type=Path,
            default=seed_texts.SEEDS_DIR,
            help="Directory holding the seed texts (default: the copies in demo/seeds/).",
        )
        parser.add_argument(
            "--with-admin",
            action="store_true",
            help=f"Create the local demo superuser {DEMO_ADMIN_EMAIL} even when DEBUG is off (never in production).",
        )

    def handle(self, *args, seeds, with_admin, **options):
        wants_admin = with_admin or settings.DEBUG
        # Checked before anything is written: a known password on a public site is an open door.
        if wants_admin and settings.IS_PRODUCTION:
            raise CommandError(
                f"Refusing to create the demo admin {DEMO_ADMIN_EMAIL} with a known password in production."
            )
        try:
            joint = seed_texts.parse_joint_statement(seeds / seed_texts.JOINT_STATEMENT_FILE)
            foc_july = seed_texts.parse_foc_july_2024(seeds / seed_texts.FOC_JULY_2024_FILE)
            foc_adoption = seed_texts.parse_foc_adoption(seeds / seed_texts.FOC_ADOPTION_FILE)
            campaign_page = seed_texts.parse_campaign_page(seeds / seed_texts.CAMPAIGN_PAGE_FILE)
            campaign_actions = seed_texts.parse_campaign_actions(seeds / seed_texts.CAMPAIGN_PAGE_FILE)
        except (OSError, seed_texts.SeedFormatError) as error:
            raise CommandError(f"Cannot read the seed texts in {seeds}: {error}") from error

        # The seed texts are English: written as the English version whatever language is active.
        with transaction.atomic(), translation.override("en"):
            campaign, _ = Campaign.objects.get_or_create(
                slug=CAMPAIGN_SLUG,
                defaults={
                    "name": CAMPAIGN_NAME,
                    # The campaign page's headline, then its text from the opening paragraph on.
                    "summary": campaign_page.title,
                    "description": f"{campaign_page.summary}\n\n{campaign_page.description}",
                    # "We need you! … To do this, you can:", above the list of actions.
                    "actions_intro": campaign_actions.intro,
                },
            )
            load_identity(campaign, joint)
            statement = self._joint_statement(campaign, joint)
            translated = self._translations(campaign, statement)
            created_signatories, created_sign_ons = self._signatories(statement, joint)
            self._published_statement(
                campaign, foc_july, slug=FOC_JULY_2024_SLUG, position=1, published_at=FOC_JULY_2024_PUBLISHED_AT
            )
            self._published_statement(
                campaign, foc_adoption, slug=FOC_ADOPTION_SLUG, position=2, published_at=FOC_ADOPTION_PUBLISHED_AT
            )
            self._demo_mailings(statement)
            for each in campaign.statements.all():
                # Version 1 of each text, as the admin would record it: what the demo's signers signed.
                record_statement_version(statement=each)
            # The translations the demo just wrote follow the English text as it is: current.
            for code in sorted(translated):
                mark_translation_current(statement=statement, language=code)
            # Issued by states, its text final: the demo shows a locked text.
            lock_statement_text(statement=campaign.statements.get(slug=FOC_JULY_2024_SLUG))
            load_outreach_kit(campaign, statement, campaign_actions, joint)
            admin_created = self._demo_admin() if wants_admin else None

        self.stdout.write(
            f"Campaign “{campaign.name}” ({campaign.slug}): {campaign.statements.count()} statements; "
            f"“{statement.slug}” {_listed_summary(statement)}."
        )
        self.stdout.write(f"This run created {created_signatories} signatories and {created_sign_ons} sign-ons.")
        if admin_created is True:
            self.stdout.write(f"Demo admin created: {DEMO_ADMIN_EMAIL} / password: {DEMO_ADMIN_PASSWORD}")
        elif admin_created is False:
            self.stdout.write(f"Demo admin {DEMO_ADMIN_EMAIL} already exists; its password was left unchanged.")
        self.stdout.write(self.style.SUCCESS("Demo campaign loaded."))

    def _demo_mailings(self, statement):
        """A few invitees, a press list and a draft press release, so the email side can be tried.

        Every address is on example.org: mail written by the demo reaches nobody.
        """
        services.invite(
            statement=statement,
            invitees=[
                services.Invitee(
                    email="info@digital-rights-collective.example.org",
                    organization_name="Digital Rights Collective",
                    contact_name="Amina",
                    country="KE",
                    language="en",
                ),
                services.Invitee(
                    email="contacto@libertad-digital.example.org",
                    organization_name="Libertad Digital",
                    contact_name="Julián",
                    country="AR",
                    language="es",
                ),
                services.Invitee(
                    email="contact@droits-numeriques.example.org",
                    organization_name="Droits Numériques",
                    country="SN",
                    language="fr",
                ),
            ],
        )
        # The campaign's own press list. Addresses are ASCII before the @ ("lucia", not "lucía"):
        # email cannot be sent to others from here (see mailings.validators.email_problem).
        for email, name, outlet, country, language in [
            ("lucia@press.example.org", "Lucía Gómez", "Diario del Sur", "CL", "es"),
            ("tom@press.example.org", "Tom Baker", "Tech Policy Weekly", "GB", "en"),
        ]:
            contact, _created = PressContact.objects.get_or_create(
                email=email, defaults={"name": name, "outlet": outlet, "country": country, "language": language}
            )
            contact.campaigns.add(statement.campaign)
        # Earlier demo runs wrote "lucía@…", which no mail could be sent to: replaced by "lucia@…".
        PressContact.objects.filter(email="lucía@press.example.org").delete()
        mailing, created = Mailing.objects.get_or_create(
            statement=statement,
            kind=Mailing.Kind.PRESS_RELEASE,
            name="Press release: civil society calls on states to reject the draft",
            defaults={"default_language": "en"},
        )
        if created:
            MailingContent.objects.create(
                mailing=mailing,
                language="en",
                subject="Over 100 organizations call on states to reject the UN Cybercrime Convention draft",
                body=(
                    "More than 100 civil-society organizations and experts from around the world call on "
                    "state delegations to ensure that the proposed UN Cybercrime Convention is narrowly "
                    "focused on tackling cybercrime, and not used as a tool to undermine human rights."
                ),
            )
            MailingContent.objects.create(
                mailing=mailing,
                language="es",
                subject="Más de 100 organizaciones piden a los Estados rechazar el borrador del tratado de cibercrimen",
                body=(
                    "Más de 100 organizaciones de la sociedad civil y personas expertas de todo el mundo piden "
                    "a las delegaciones que el tratado se limite a combatir el cibercrimen y no se use para "
                    "socavar los derechos humanos."
                ),
            )

    def _joint_statement(self, campaign, joint):
        statement, _ = Statement.objects.get_or_create(
            campaign=campaign,
            slug=JOINT_STATEMENT_SLUG,
            defaults={
                "position": 0,
                "language": "en",
                "title": joint.title,
                "summary": joint.summary,
                # The letter's own title line, above its first paragraph.
                "body": f"## {joint.heading}\n\n{joint.body}",
                "concerns_intro": joint.concerns_intro,
                "demands_intro": joint.demands_intro,
                "before_demands": joint.after_concerns,
                "closing": joint.closing,
                "state": Statement.State.PUBLISHED,
                "published_at": JOINT_STATEMENT_PUBLISHED_AT,
                # Visitors of the demo can try signing.
                "accepts_late_sign_ons": True,
                "requires_approval": True,
                "allows_tier_requests": False,
                "version": 1,
            },
        )
        for position, text in enumerate(joint.concerns):
            Concern.objects.get_or_create(statement=statement, position=position, defaults={"text": text})
        for position, text in enumerate(joint.demands):
            Demand.objects.get_or_create(
                statement=statement, position=position, defaults={"text": text, "addressed_to": DEMANDS_ADDRESSED_TO}
            )
        Tier.objects.get_or_create(
            statement=statement, position=0, defaults={"name": seed_texts.SUBMITTED_BY_HEADING, "is_default": False}
        )
        Tier.objects.get_or_create(
            statement=statement, position=1, defaults={"name": seed_texts.SUPPORTING_HEADING, "is_default": True}
        )
        return statement

    def _translations(self, campaign, statement):
        """Fill in the texts of each translation (demo/translations/) that are still empty: a staff translation
        is never overwritten. Returns the languages this run wrote something in."""
        written = set()
        for code, texts in translations.BY_LANGUAGE.items():
            for instance, fields in [(campaign, texts.CAMPAIGN), (statement, texts.JOINT_STATEMENT)]:
                missing = {
                    f"{field}_{code}": text
                    for field, text in fields.items()
                    if not getattr(instance, f"{field}_{code}")
                }
                if missing:
                    for field, text in missing.items():
                        setattr(instance, field, text)
                    instance.save()
                    written.add(code)
            for items, rows, extra in [
                (statement.concerns.order_by("position"), texts.CONCERNS, {}),
                (statement.demands.order_by("position"), texts.DEMANDS, {"addressed_to": texts.DEMANDS_ADDRESSED_TO}),
            ]:
                for item, text in zip(items, rows):
                    if not getattr(item, f"text_{code}"):
                        setattr(item, f"text_{code}", text)
                        for field, value in extra.items():
                            setattr(item, f"{field}_{code}", value)
                        item.save()
                        written.add(code)
            for tier, name in zip(statement.tiers.order_by("position"), texts.TIERS):
                if not getattr(tier, f"name_{code}"):
                    setattr(tier, f"name_{code}", name)
                    tier.save()
                    written.add(code)
        return written

    def _signatories(self, statement, joint):
        submitted_by_tier = statement.tiers.get(position=0)
        supporting_tier = statement.tiers.get(position=1)
        sections = [(entry, submitted_by_tier) for entry in joint.submitted_by]
        sections += [(entry, supporting_tier) for entry in joint.supporting]
        published_at = statement.published_at or JOINT_STATEMENT_PUBLISHED_AT
        created_signatories = created_sign_ons = 0
        for index, (entry, tier) in enumerate(sections):
            signatory, created = self._signatory(entry, accredited=tier == submitted_by_tier)
            created_signatories += created
            signed_at = published_at - SIGN_ON_INTERVAL * (len(sections) - index)
            _, created = SignOn.objects.get_or_create(
                statement=statement,
                signatory=signatory,
                defaults={
                    "tier": tier,
                    "listing": SignOn.Listing.LISTED,
                    "confirmation_state": SignOn.Confirmation.CONFIRMED,
                    "confirmed_at": signed_at + timedelta(minutes=1),
                    "moderation_state": SignOn.Moderation.APPROVED,
                    "moderated_at": published_at - timedelta(minutes=1),
                    "source": SignOn.Source.IMPORT,
                    "signed_at": signed_at,
                    "statement_version": 1,
                    "language": "en",
                    "submitted_profile": _submitted_profile(entry),
                },
            )
            created_sign_ons += created
        return created_signatories, created_sign_ons

    def _signatory(self, entry, *, accredited):
        if entry.kind == seed_texts.INDIVIDUAL:
            # Individuals are recognised by email hash; the seed has no emails, so the
            # demo finds its own individuals again by name.
            found = (
                Signatory.objects.filter(
                    kind=Signatory.Kind.INDIVIDUAL, normalized_name=identity.normalize_name(entry.name)
                )
                .order_by("pk")
                .first()
            )
            if found is not None:
                return found, False
            signatory = Signatory(
                kind=Signatory.Kind.INDIVIDUAL, name=entry.name, title=entry.title, affiliation=entry.affiliation
            )
            signatory.save()
            return signatory, True

        details = ORGANIZATIONS.get(entry.text, {})
        acronym = details.get("acronym", "")
        name, _ = identity.split_acronym(entry.name, acronym)
        found = Signatory.objects.filter(identity_key=identity.organization_identity_key(name)).first()
        if found is not None:
            return found, False
        signatory = Signatory(
            kind=Signatory.Kind.ORGANIZATION,
            name=entry.name,
            acronym=acronym,
            country=details.get("country", ""),
            website=details.get("website", ""),
            accreditation=ACCREDITATION if accredited else "",
        )
        signatory.save()
        return signatory, True

    def _published_statement(self, campaign, parsed, *, slug, position, published_at):
        # Statements by states: nobody signs them here. Their page says who issued them;
        # the byline's month is the publication date.
        statement, _ = Statement.objects.get_or_create(
            campaign=campaign,
            slug=slug,
            defaults={
                "position": position,
                "kind": Statement.Kind.PUBLISHED_STATEMENT,
                "language": "en",
                "title": parsed.title,
                "issued_by": parsed.issued_by,
                "body": parsed.body,
                "state": Statement.State.PUBLISHED,
                "published_at": published_at,
                "accepts_late_sign_ons": False,
            },
        )
        return statement

    def _demo_admin(self):
        """Create the demo superuser if missing; return whether it was created."""
        User = get_user_model()
        if User.objects.filter(email__iexact=DEMO_ADMIN_EMAIL).exists():
            return False
        user = User.objects.create_superuser(email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD)
        # Email verification is mandatory for allauth logins; the demo address cannot receive mail.
        EmailAddress.objects.get_or_create(
            user=user, email=DEMO_ADMIN_EMAIL, defaults={"verified": True, "primary": True}
        )
        return True


def _listed_summary(statement):
    """The listed sign-ons per tier, counted in the database: "lists 111 signatories: 21 in “…”, 90 in “…”".

    Counted, not taken from the seed list: after visitors of the demo have signed, or staff
    moved a sign-on to another tier, the seed's 20 + 90 no longer add up to what the page lists.
    """
    listed = SignOn.objects.for_statement(statement).listed()
    total = listed.count()
    parts = [f"{listed.filter(tier=tier).count()} in “{tier.name}”" for tier in statement.tiers.order_by("position")]
    without_tier = listed.filter(tier__isnull=True).count()
    if without_tier:
        parts.append(f"{without_tier} in no tier")
    return f"lists {total} signatories: " + ", ".join(parts)


def _submitted_profile(entry):
    """The entry as the seed list gave it, in the shape the sign-on form records."""
    details = ORGANIZATIONS.get(entry.text, {})
    return {
        "name": entry.name,
        "acronym": details.get("acronym", ""),
        "country": details.get("country", ""),
        "website": details.get("website", ""),
        "title": entry.title,
        "affiliation": entry.affiliation,
    }
