"""Staff roles: groups whose permissions match real jobs, and how far each role sees.

- Campaign manager: everything for the campaigns they are a member of, imports of sign-ons included.
- Moderator: sign-ons (view and moderate), no contact details; the campaign home and its
  statements read-only, where they land after signing in.
- Press officer: the press list, press releases and their mailings, the press kit; the
  campaign home and its statements read-only, where they land after signing in.
- Translator: the translations of their campaigns' statements (concerns, demands and tiers
  included) into the languages of their membership, and nothing else: the original text,
  the settings, sign-ons and contacts stay out of their reach.
- Partner: the staff of a coalition partner (their membership names the partner) see the
  sign-ons that came through their partner's links, with their counts, and the address of
  those who agreed to be contacted by that partner; nothing else, where they land after signing in.

Whatever the role, a staff member sees only the campaigns they are a member of (their
sign-ons, signatories, contacts, mailings, press list…); superusers see every campaign.

The groups are created (and their permissions brought up to date) after every
``migrate`` and by ``manage.py ensure_staff_roles``; running it twice changes nothing.
The admin applies the scope in staff/admin/scoping.py.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

CAMPAIGN_MANAGER = "Campaign manager"
MODERATOR = "Moderator"
PRESS_OFFICER = "Press officer"
TRANSLATOR = "Translator"
PARTNER = "Partner"

ALL = ("view", "add", "change", "delete")

ROLE_PERMISSIONS = {
    CAMPAIGN_MANAGER: {
        "campaigns": {"campaign": ("view", "change"), "statement": ALL, "concern": ALL, "demand": ALL, "tier": ALL},
        "signatories": {
            # add: the import of sign-ons from a file (and a sign-on typed in by staff).
            "signon": ("view", "add", "change"),
            "signatory": ("view", "change"),
            "referral": ("view",),
            "organization": ("view", "change"),
            "individual": ("view", "change"),
            "contact": ALL,
        },
        "mailings": {
            "mailing": ALL,
            "mailingcontent": ALL,
            "invitation": ALL,
            "delivery": ("view",),
            "presscontact": ALL,
        },
        "accounts": {"representative": ("view", "change"), "user": ("view_full_email",)},
        "privacy": {"erasurerecord": ("view",)},
        "presskit": {"presskititem": ALL, "previewlink": ALL},
        "outreach": {
            "target": ALL,
            "outreachaction": ALL,
            "actionreport": ("view", "change"),
            # The demands tracker: entries are recorded and deleted, never edited.
            "demandstatusupdate": ("view", "add", "delete"),
        },
        # Partners' software: keys are created and revoked, never edited; deliveries are the worker's.
        "integrations": {"apikey": ("view", "add", "change"), "webhook": ALL, "webhookdelivery": ("view",)},
    },
    # Every role views its campaigns and their statements: the campaign home is where staff land
    # and what their buttons (moderation, press kit, press mailings) start from.
    MODERATOR: {
        "campaigns": {"campaign": ("view",), "statement": ("view",)},
        "signatories": {"signon": ("view", "change")},
    },
    PRESS_OFFICER: {
        "campaigns": {"campaign": ("view",), "statement": ("view",)},
        "mailings": {"presscontact": ALL, "mailing": ALL, "mailingcontent": ALL, "delivery": ("view",)},
        "presskit": {"presskititem": ALL, "previewlink": ALL},
        "accounts": {"user": ("view_full_email",)},
    },
    # "change": the translated fields in their languages only; the admin shows every other field
    # read-only to them (staff/admin/campaigns.py, translation_languages_for).
    TRANSLATOR: {
        "campaigns": {
            "campaign": ("view",),
            "statement": ("view", "change"),
            "concern": ("view", "change"),
            "demand": ("view", "change"),
            "tier": ("view", "change"),
        }
    },
    PARTNER: {"signatories": {"referral": ("view",)}},
}


def _codenames(app_label, model, actions):
    return [action if action.startswith("view_full") else f"{action}_{model}" for action in actions]


def ensure_staff_roles(app_config=None, **kwargs) -> list[Group]:
    """Create the role groups and set their permissions to exactly ROLE_PERMISSIONS.

    Permissions not yet created (an app migrated later) are picked up on a later run:
    this runs after every app's post_migrate.
    """
    if app_config is not None:
        # Django creates the app's permissions in a post_migrate receiver of its own, which may
        # run after this one (accounts before django.contrib.auth in INSTALLED_APPS): the last
        # app's permissions would then be missing from the roles. Creating them twice changes nothing.
        create_permissions(
            app_config, verbosity=0, using=kwargs.get("using", DEFAULT_DB_ALIAS), apps=kwargs.get("apps", global_apps)
        )
    groups = []
    for name, apps in ROLE_PERMISSIONS.items():
        query = Q(pk__in=[])
        for app_label, models in apps.items():
            for model, actions in models.items():
                query |= Q(content_type__app_label=app_label, codename__in=_codenames(app_label, model, actions))
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(query))
        groups.append(group)
    return groups


def role_names(user) -> set[str]:
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return user._role_names


def campaign_ids_for(user):
    """Ids of the campaigns ``user`` may work on, or None for all of them: superusers only.

    Every other staff member, whatever their role (campaign manager, moderator, press
    officer, or permissions given one by one), sees the data of the campaigns they are
    a member of and nothing of the others. No membership means no campaign, not all of
    them: a forgotten membership must hide data, never reveal it.
    """
    if user.is_superuser:
        return None
    if not hasattr(user, "_campaign_ids"):
        user._campaign_ids = (
            list(user.campaign_memberships.values_list("campaign_id", flat=True)) if user.is_authenticated else []
        )
    return user._campaign_ids


def referrals_in_scope(queryset, user):
    """The sign-ons of ``queryset`` that came through partners' links and ``user`` may see.

    A membership naming a partner shows that partner's sign-ons only; one without shows
    every partner's of its campaign; superusers see all. Nobody sees another partner's.
    """
    queryset = queryset.filter(referred_by__isnull=False)
    if user.is_superuser:
        return queryset
    whole_campaigns, partners = _referral_scope(user)
    return queryset.filter(Q(statement__campaign_id__in=whole_campaigns) | Q(referred_by_id__in=partners))


def _referral_scope(user) -> tuple[list, list]:
    """(ids of the campaigns whose every partner ``user`` sees, ids of the partners they see in others)."""
    if not hasattr(user, "_referral_scope"):
        memberships = (
            list(user.campaign_memberships.values_list("campaign_id", "partner_id")) if user.is_authenticated else []
        )
        user._referral_scope = (
            [campaign for campaign, partner in memberships if partner is None],
            [partner for _campaign, partner in memberships if partner is not None],
        )
    return user._referral_scope


def partners_in_scope(queryset, user):
    """The partner organizations of ``queryset`` whose links' sign-ons ``user`` sees (``referrals_in_scope``)."""
    if user.is_superuser:
        return queryset
    whole_campaigns, partners = _referral_scope(user)
    return queryset.filter(Q(campaign_id__in=whole_campaigns) | Q(pk__in=partners))


def works_on(user, campaign_id) -> bool:
    """Whether ``user`` is staff on the campaign ``campaign_id``: who may preview what it has not
    published yet (a draft statement, embargoed press material)."""
    if not (user.is_authenticated and user.is_staff):
        return False
    ids = campaign_ids_for(user)
    return ids is None or campaign_id in ids


def press_releases_only(user) -> bool:
    """A press officer (and nothing more) sends press releases, not invitations or reminders."""
    names = role_names(user)
    return not user.is_superuser and PRESS_OFFICER in names and CAMPAIGN_MANAGER not in names


def translates_only(user) -> bool:
    """A translator (and nothing more): of the statements they may change, only the translations."""
    names = role_names(user)
    return not user.is_superuser and TRANSLATOR in names and CAMPAIGN_MANAGER not in names


def translation_languages_for(user, campaign_id) -> set[str] | None:
    """The languages whose translations ``user`` may edit in the campaign ``campaign_id``: those of their
    membership for a translator, none without one; None (no limit) for everyone else."""
    if not translates_only(user):
        return None
    if not hasattr(user, "_translation_languages"):
        user._translation_languages = {
            membership.campaign_id: set(membership.translation_language_codes)
            for membership in user.campaign_memberships.only("campaign_id", "translation_languages")
        }
    return user._translation_languages.get(campaign_id, set())


def translations_user_may_mark_current(user, statement) -> list[str]:
    """The languages whose translations of ``statement`` ``user`` may mark current (once they may change it):
    every one but its original language, or for a translator those they translate its campaign into."""
    others = [code for code, _name in settings.LANGUAGES if code != statement.language]
    languages = translation_languages_for(user, statement.campaign_id)
    return others if languages is None else [code for code in others if code in languages]


def sees_full_emails(user) -> bool:
    return user.has_perm("accounts.view_full_email")


def mask_email(email: str) -> str:
    """ "jane.doe@example.org" -> "j•••@example.org": enough to tell rows apart, not to write to."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return "•••"
    return f"{local[:1]}•••@{domain}"
