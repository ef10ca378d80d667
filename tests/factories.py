"""Test data factories. Names come from the seed campaign: real lists are messy."""

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign, Concern, Demand, Statement, Tier
from signatories.models import Contact, Signatory, SignOn


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    is_staff = True
    is_superuser = True

    @factory.post_generation
    def second_factor(user, create, extracted, **kwargs):
        # Staff reach the admin only with an authenticator app (accounts.middleware);
        # pass second_factor=False for one without.
        if create and extracted is not False:
            TOTP.activate(user, generate_totp_secret())


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"UN Cybercrime Convention {n}")
    slug = factory.Sequence(lambda n: f"un-cybercrime-convention-{n}")
    summary = "A joint campaign for a rights-respecting convention."


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"joint-statement-{n}")
    title = "UN Cybercrime Convention must not become a tool to undermine human rights"
    summary = "Signatories stress that the Convention should only move forward with safeguards."
    body = "We, the undersigned organizations, call on the state delegations…"
    concerns_intro = "We are particularly concerned that the latest draft of the Convention:"
    demands_intro = "Therefore, we call on all state delegations to:"
    state = Statement.State.OPEN
    requires_approval = False


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier

    statement = factory.SubFactory(StatementFactory)
    name = "Full list of signatories supporting the letter"
    position = 1
    is_default = True


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    statement = factory.SubFactory(StatementFactory)
    text = factory.Sequence(lambda n: f"Concern number {n}")
    position = factory.Sequence(int)


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    statement = factory.SubFactory(StatementFactory)
    text = factory.Sequence(lambda n: f"Demand number {n}")
    position = factory.Sequence(int)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    kind = Signatory.Kind.ORGANIZATION
    name = factory.Sequence(lambda n: f"Digital Rights Organization {n}")
    country = "DE"


class IndividualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    kind = Signatory.Kind.INDIVIDUAL
    name = factory.Sequence(lambda n: f"Expert Number {n}")
    title = "Emeritus Professor of International Law"
    affiliation = "London Metropolitan University"
    country = "GB"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    signatory = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Private Contact Person {n}")
    email = factory.Sequence(lambda n: f"private.contact{n}@secret-mail.example")


class SignOnFactory(factory.django.DjangoModelFactory):
    """A sign-on that appears publicly: confirmed, approved and listed."""

    class Meta:
        model = SignOn

    statement = factory.SubFactory(StatementFactory)
    signatory = factory.SubFactory(OrganizationFactory)
    contact = factory.SubFactory(ContactFactory, signatory=factory.SelfAttribute("..signatory"))
    listing = SignOn.Listing.LISTED
    confirmation_state = SignOn.Confirmation.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
    moderation_state = SignOn.Moderation.APPROVED
    consent_version = "2026-11-23"
    consent_given_at = factory.LazyFunction(timezone.now)


# --- Press kit and outreach -------------------------------------------------------


class PressKitItemFactory(factory.django.DjangoModelFactory):
    """A suggested social-media message, public now (no embargo)."""

    class Meta:
        model = "presskit.PressKitItem"

    campaign = factory.SubFactory(CampaignFactory)
    language = "en"
    kind = "social_message"
    title = factory.Sequence(lambda n: f"Suggested message {n}")
    body = "The UN cybercrime treaty lacks human rights safeguards. States must fix it or reject it."


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.Target"

    campaign = factory.SubFactory(CampaignFactory)
    kind = "state_delegation"
    name = factory.Sequence(lambda n: f"Delegation number {n} to the Ad Hoc Committee")
    country = "CL"
    email = factory.Sequence(lambda n: f"delegation{n}@gov.example")


class OutreachActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.OutreachAction"

    campaign = factory.SubFactory(CampaignFactory)
    kind = "contact_representative"
    slug = factory.Sequence(lambda n: f"action-{n}")
    title = "Contact your representatives"
    instructions = "Tell them what is happening and ask them to defend human rights."
