"""The press list: each campaign's journalists, added one by one or as a pasted or uploaded list (views/lists.py)."""

from django.contrib import admin
from django.db.models import Prefetch
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from accounts.roles import campaign_ids_for
from campaigns.models import Campaign
from mailings.models import PressContact
from staff.admin.mixins import SendableEmailsAdmin
from staff.admin.scoping import CampaignScopedAdmin, MaskedEmailsAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin
from staff.views import lists as list_views
from staff.views.pages import admin_page_view


class PressListCampaignFilter(admin.SimpleListFilter):
    """By campaign, offering only the campaigns this person works on (a journalist shared with
    another campaign must not name it)."""

    title = _("campaign")
    parameter_name = "campaigns__id__exact"

    def lookups(self, request, model_admin):
        ids = campaign_ids_for(request.user)
        campaigns = Campaign.objects.all() if ids is None else Campaign.objects.filter(pk__in=ids)
        return [(str(campaign.pk), campaign.name) for campaign in campaigns.only("name")]

    def queryset(self, request, queryset):
        ids = campaign_ids_for(request.user)
        if self.value() and (ids is None or self.value() in {str(pk) for pk in ids}):
            return queryset.filter(campaigns=self.value())
        return queryset


@admin.register(PressContact)
class PressContactAdmin(CampaignTimeZoneAdmin, SendableEmailsAdmin, MaskedEmailsAdmin, CampaignScopedAdmin):
    """The press list, per campaign: staff see, and add to, the lists of their own campaigns."""

    campaign_path = "campaigns"
    campaign_path_is_many = True
    list_display = ["name", "outlet", "country", "language", "email", "campaign_names", "is_active"]
    # Only the countries on the list, not all 250.
    list_filter = [PressListCampaignFilter, "is_active", "language", ("country", CountryFilter)]
    search_fields = ["name", "outlet", "email"]
    filter_horizontal = []
    list_per_page = 100

    def get_queryset(self, request):
        # Of a journalist shared with other campaigns, only the campaigns this person works on are named.
        ids = campaign_ids_for(request.user)
        campaigns = Campaign.objects.all() if ids is None else Campaign.objects.filter(pk__in=ids)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("campaigns", queryset=campaigns.only("name"), to_attr="visible_campaigns"))
        )

    @admin.display(description=_("campaigns"))
    def campaign_names(self, contact):
        return ", ".join(campaign.name for campaign in contact.visible_campaigns)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        ids = campaign_ids_for(request.user)
        if db_field.name == "campaigns" and ids is not None:
            kwargs["queryset"] = Campaign.objects.filter(pk__in=ids)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # The form offers only the campaigns this person works on: the contact stays on the
        # lists of the others, which they cannot see.
        ids = campaign_ids_for(request.user)
        elsewhere = [] if ids is None or not change else list(form.instance.campaigns.exclude(pk__in=ids))
        super().save_related(request, form, formsets, change)
        if elsewhere:
            form.instance.campaigns.add(*elsewhere)

    def get_urls(self):
        view = admin_page_view(self, list_views.journalists)
        return [path("import/", view, name="mailings_presscontact_import"), *super().get_urls()]
