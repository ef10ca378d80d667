"""Partners' links and the sign-ons that came through them (issue 22).

A campaign's partner organizations are edited on the campaign's page
(``campaigns.CampaignPartnerInline``), which shows each one's links: the share link of
each statement taking sign-ons and its widget, both carrying the partner's code
(``?via=<code>``). The sign-ons made through them are listed here (``ReferralAdmin``):
a partner's staff (the "Partner" role, their membership naming the partner) see their
own, with their counts, and the address of those who agreed to be contacted by that
partner; never another partner's, nor anything else of the campaign.
"""

from django.conf import settings
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import roles
from campaigns.models import CampaignPartner, Statement
from signatories.models import Referral, SignOn
from signatories.selectors import referral_figures
from staff.admin.scoping import CampaignScopedAdmin
from staff.admin.time_zones import CampaignTimeZoneAdmin


def partner_url(partner: CampaignPartner, path: str) -> str:
    """The site's page at ``path``, as ``partner`` hands it out: with its code (``?via=<code>``)."""
    return f"{settings.SITE_URL}{path}?via={partner.code}"


def partner_links(partner: CampaignPartner, statements) -> list[dict]:
    """For each of ``statements`` taking sign-ons: its ``share`` link and its widget's ``embed`` code (text,
    to be escaped where shown), both carrying ``partner``'s code."""
    links = []
    for statement in statements:
        if not statement.is_accepting_sign_ons():
            continue
        embed = reverse(
            "signatories:embed", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
        )
        links.append(
            {
                "statement": statement,
                "share": partner_url(partner, statement.get_absolute_url()),
                "embed": str(
                    format_html(
                        '<iframe src="{}" title="{}" width="100%" height="260" style="border:0"></iframe>',
                        partner_url(partner, embed),
                        statement.title,
                    )
                ),
            }
        )
    return links


def partner_links_html(partner: CampaignPartner, statements) -> str:
    links = partner_links(partner, statements)
    campaign_link = partner_url(partner, statements[0].campaign.get_absolute_url()) if links else ""
    return render_to_string(
        "admin/campaigns/campaignpartner/_links.html",
        {"partner": partner, "links": links, "campaign_link": campaign_link},
    )


def statements_of(campaign_ids) -> list[Statement]:
    """The statements of these campaigns, in their order, with their campaign (for their addresses)."""
    return list(
        Statement.objects.filter(campaign_id__in=campaign_ids).select_related("campaign").order_by("position", "pk")
    )


@admin.register(Referral)
class ReferralAdmin(CampaignTimeZoneAdmin, CampaignScopedAdmin):
    """The sign-ons that came through partners' links, read-only: what a partner's staff see.

    Who signed is shown if the signer agreed to be named or to be contacted by the partner;
    the address only if they agreed to be contacted by it, once confirmed, while the
    signature stands. No action, no moderation, no other partner's sign-ons.
    """

    list_display = ["signer", "referral_state", "country_shown", "email", "signed_at", "referred_by", "statement"]
    list_display_links = None
    list_filter = ["referred_by", "statement__campaign", "statement"]
    list_select_related = ["signatory", "statement", "contact", "referred_by"]
    fields = list_display
    readonly_fields = fields
    actions = None
    change_list_template = "admin/signatories/referral/change_list.html"

    def get_queryset(self, request):
        return roles.referrals_in_scope(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """The list, under each partner's counts and links (one query each)."""
        sign_ons = self.get_queryset(request)
        partners = list(roles.partners_in_scope(CampaignPartner.objects.select_related("campaign"), request.user))
        statements = statements_of({partner.campaign_id for partner in partners})
        links = {
            partner.pk: partner_links_html(partner, [s for s in statements if s.campaign_id == partner.campaign_id])
            for partner in partners
        }
        figures = {row["referred_by"]: row for row in referral_figures(sign_ons)}
        context = {
            "partners": [(partner, figures.get(partner.pk), links[partner.pk]) for partner in partners],
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    @admin.display(description=_("signatory"))
    def signer(self, sign_on):
        if not sign_on.name_shown_to_partner:
            return _("Not listed: name withheld")
        return sign_on.signatory.display_name

    @admin.display(description=_("state"))
    def referral_state(self, sign_on):
        if sign_on.withdrawn_at is not None:
            return _("Withdrawn")
        if sign_on.confirmation_state != SignOn.Confirmation.CONFIRMED:
            return _("Awaiting email confirmation")
        if sign_on.moderation_state == SignOn.Moderation.PENDING:
            return _("Confirmed, awaiting review")
        if sign_on.moderation_state == SignOn.Moderation.REJECTED:
            return _("Not counted")
        if sign_on.listing == SignOn.Listing.UNLISTED:
            return _("Counted, not named")
        return _("Listed publicly")

    @admin.display(description=_("country"))
    def country_shown(self, sign_on):
        country = sign_on.country_for_partner
        return country.name if country else "—"

    @admin.display(description=_("email, if they agreed to your contact"))
    def email(self, sign_on):
        return sign_on.email_for_partner or "—"
