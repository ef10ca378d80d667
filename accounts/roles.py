"""Staff roles: groups whose permissions match real jobs, and how far each role sees.

- Campaign manager: everything for the campaigns they are a member of.
- Moderator: sign-ons only (view and moderate), no contact details.
- Press officer: the press list, press releases and their mailings, the press kit.

The groups are created (and their permissions brought up to date) after every
``migrate`` and by ``manage.py ensure_staff_roles``; running it twice changes nothing.
"""

from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CAMPAIGN_MANAGER = "Campaign manager"
MODERATOR = "Moderator"
PRESS_OFFICER = "Press officer"

ALL = ("view", "add", "change", "delete")

ROLE_PERMISSIONS = {
    CAMPAIGN_MANAGER: {
        "campaigns": {"campaign": ("view", "change"), "statement": ALL, "concern": ALL, "demand": ALL, "tier": ALL},
        "signatories": {
            "signon": ("view", "change"), "signatory": ("view", "change"), "organization": ("view", "change"),
            "individual": ("view", "change"), "contact": ALL,
        },
        "mailings": {
            "mailing": ALL, "mailingcontent": ALL, "invitation": ALL, "delivery": ("view",),
            "presscontact": ALL,
        },
        "accounts": {"representative": ("view", "change"), "user": ("view_full_email",)},
        "privacy": {"erasurerecord": ("view",)},
        "presskit": {"presskititem": ALL, "previewlink": ALL},
        "outreach": {"target": ALL, "outreachaction": ALL, "actionreport": ("view", "change")},
    },
    MODERATOR: {
        "signatories": {"signon": ("view", "change")},
    },
    PRESS_OFFICER: {
        "mailings": {"presscontact": ALL, "mailing": ALL, "mailingcontent": ALL, "delivery": ("view",)},
        "presskit": {"presskititem": ALL, "previewlink": ALL},
        "accounts": {"user": ("view_full_email",)},
    },
}


def _codenames(app_label, model, actions):
    return [action if action.startswith("view_full") else f"{action}_{model}" for action in actions]


def ensure_staff_roles(**kwargs) -> list[Group]:
    """Create the role groups and set their permissions to exactly ROLE_PERMISSIONS.

    Permissions not yet created (an app migrated later) are picked up on a later run:
    this runs after every app's post_migrate.
    """
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
    """Ids of the campaigns ``user`` may work on, or None for all of them.

    Superusers and staff outside the campaign manager role see every campaign; a
    campaign manager (or anyone given memberships) sees only their campaigns.
    """
    if user.is_superuser:
        return None
    if not hasattr(user, "_campaign_ids"):
        ids = list(user.campaign_memberships.values_list("campaign_id", flat=True))
        user._campaign_ids = ids if ids or CAMPAIGN_MANAGER in role_names(user) else None
    return user._campaign_ids


def press_releases_only(user) -> bool:
    """A press officer (and nothing more) sends press releases, not invitations or reminders."""
    names = role_names(user)
    return not user.is_superuser and PRESS_OFFICER in names and CAMPAIGN_MANAGER not in names


def sees_full_emails(user) -> bool:
    return user.has_perm("accounts.view_full_email")


def mask_email(email: str) -> str:
    """"jane.doe@example.org" -> "j•••@example.org": enough to tell rows apart, not to write to."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return "•••"
    return f"{local[:1]}•••@{domain}"



# --- In the admin ---------------------------------------------------------------------


class CampaignScopedAdmin(admin.ModelAdmin):
    """Shows a campaign manager only the rows of their campaigns, and offers only those in forms.

    ``campaign_path`` leads from the model to its campaign ("" for Campaign itself).
    Rows outside the scope are not found (404), so their change pages cannot be opened.
    """

    campaign_path = "statement__campaign"
    # Models reached through a many-valued relation (an organization signs many statements).
    campaign_path_is_many = False

    def _campaign_filter(self, ids):
        return Q(**{f"{self.campaign_path}__in" if self.campaign_path else "pk__in": ids})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = campaign_ids_for(request.user)
        if ids is None:
            return queryset
        if self.campaign_path_is_many:
            in_scope = queryset.model._default_manager.filter(self._campaign_filter(ids)).values("pk")
            return queryset.filter(pk__in=in_scope)
        return queryset.filter(self._campaign_filter(ids))

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if campaign_ids_for(request.user) is None:
            return filters
        # A plain relation filter lists every statement or mailing, other campaigns' too.
        return [
            (item, admin.RelatedOnlyFieldListFilter)
            if isinstance(item, str) and "__" not in item and self.model._meta.get_field(item).is_relation
            else item
            for item in filters
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = campaign_ids_for(request.user)
        if ids is not None and db_field.name in {"statement", "campaign"}:
            model = db_field.remote_field.model
            path = "pk__in" if db_field.name == "campaign" else "campaign__in"
            kwargs["queryset"] = model._default_manager.filter(**{path: ids})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PressOfficerMailingsAdmin(admin.ModelAdmin):
    """Press officers see and write press-release mailings only; ``mailing_path`` leads to the mailing."""

    mailing_path = ""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if press_releases_only(request.user):
            prefix = f"{self.mailing_path}__" if self.mailing_path else ""
            return queryset.filter(**{f"{prefix}kind": "press_release"})
        return queryset

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind" and not self.mailing_path and press_releases_only(request.user):
            kwargs["choices"] = [choice for choice in db_field.choices if choice[0] == "press_release"]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class MaskedEmailsAdmin(admin.ModelAdmin):
    """Lists show "j•••@example.org" instead of "email" to staff whose job needs no addresses."""

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if sees_full_emails(request.user):
            return columns
        return [self.masked_email if column == "email" else column for column in columns]

    def get_search_fields(self, request):
        # Searching by address would let anyone confirm a guessed one.
        fields = super().get_search_fields(request)
        if sees_full_emails(request.user):
            return fields
        return [field for field in fields if "email" not in field]

    @admin.display(description=_("email"), ordering="email")
    def masked_email(self, obj):
        return mask_email(obj.email)
