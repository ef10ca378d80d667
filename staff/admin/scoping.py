"""How far each staff member sees in the admin: only the rows of their campaigns (accounts.roles says
which campaigns, and which role writes what); press officers only press releases; masked addresses."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.roles import campaign_ids_for, mask_email, press_releases_only, sees_full_emails

# Where the rows of a related model lead to their campaign: what forms may offer as choices
# (a raw id typed by hand included) to staff who see only some campaigns.
RELATED_CAMPAIGN_PATHS = {
    "campaigns.Campaign": "pk",
    "campaigns.Statement": "campaign",
    "campaigns.Tier": "statement__campaign",
    "signatories.Signatory": "sign_ons__statement__campaign",
    "signatories.Contact": "signatory__sign_ons__statement__campaign",
    "signatories.SignOn": "statement__campaign",
    "mailings.Mailing": "statement__campaign",
    "mailings.Invitation": "statement__campaign",
    "outreach.OutreachAction": "campaign",
    "campaigns.CampaignPartner": "campaign",
}


def in_campaigns(queryset, campaign_ids, path, *, many=False):
    """The rows of ``queryset`` that ``path`` leads to one of ``campaign_ids`` ("" for campaigns themselves).

    ``many``: the path crosses a many-valued relation (an organization signs many
    statements); the rows are then found by id, so that none comes twice.
    """
    if not campaign_ids:
        # No row, as SQL that can still be written out (``pk__in=[]`` cannot: the duplicates cache key is the SQL).
        return queryset.filter(pk__isnull=True)
    lookup = {f"{path}__in" if path else "pk__in": campaign_ids}
    if many:
        return queryset.filter(pk__in=queryset.model._default_manager.filter(**lookup).values("pk"))
    return queryset.filter(**lookup)


class CampaignScopedAdmin(admin.ModelAdmin):
    """Shows staff only the rows of their campaigns, and offers only those in forms.

    ``campaign_path`` leads from the model to its campaign ("" for Campaign itself).
    Rows outside the scope are not found (404), so their change, delete and history
    pages cannot be opened, actions never receive them, and autocomplete and search
    (which read ``get_queryset``) never return them. Superusers see everything.
    """

    campaign_path = "statement__campaign"
    # Models reached through a many-valued relation (an organization signs many statements).
    campaign_path_is_many = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = campaign_ids_for(request.user)
        if ids is None:
            return queryset
        return in_campaigns(queryset, ids, self.campaign_path, many=self.campaign_path_is_many)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if campaign_ids_for(request.user) is None:
            return filters
        # A plain relation filter lists every statement, mailing or campaign, other campaigns' too.
        return [
            (item, admin.RelatedOnlyFieldListFilter)
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation
            else item
            for item in filters
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = campaign_ids_for(request.user)
        model = db_field.remote_field.model
        path = RELATED_CAMPAIGN_PATHS.get(model._meta.concrete_model._meta.label)
        if ids is not None and path is not None:
            queryset = kwargs.get("queryset", model._default_manager.all())
            kwargs["queryset"] = in_campaigns(queryset, ids, path, many=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The audit trail: django-simple-history's pages look the object up in the history
    # table, which holds every row's past, whatever the scope; and Django's own history
    # page. Both open only for rows this staff member may see.

    def history_in_scope(self, request, object_id) -> bool:
        """Whether the history of ``object_id`` may be read: it is a row of this admin's scope."""
        return campaign_ids_for(request.user) is None or self.get_object(request, object_id) is not None

    def history_view(self, request, object_id, extra_context=None):
        if not self.history_in_scope(request, unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.history_in_scope(request, unquote(object_id)):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


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
