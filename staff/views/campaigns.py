"""A campaign's own pages on the staff side: the campaign home, its charts, and closing it.

Each view takes the CampaignAdmin it is a page of (staff/admin/campaigns.py, whose get_urls names them): its
permission checks, its staff member's campaigns (``get_object``), its admin site's layout.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import campaign_ids_for
from campaigns.selectors import statements_closing_stops
from mailings.selectors import pending_mailings_asking_to_sign
from staff import selectors
from staff.dashboard import PHASES, campaign_dashboard, moderation_url, next_steps, statements_url
from staff.views.pages import admin_page


def homes(model_admin, request):
    """Where staff land after signing in: the home of their one campaign, or the list of their campaigns
    (every campaign, for superusers), each with what waits for them."""
    if not model_admin.has_view_permission(request):
        return redirect("admin:index")
    campaigns = selectors.campaigns_for_staff(campaign_ids_for(request.user))
    if len(campaigns) == 1 and not request.user.is_superuser:
        return redirect("admin:campaigns_campaign_home", campaigns[0].pk)
    return admin_page(
        model_admin,
        request,
        "admin/campaigns/campaign/homes.html",
        _("Your campaigns"),
        campaigns=campaigns,
        listed_at_most=selectors.CAMPAIGNS_LISTED,
        can_add=model_admin.has_add_permission(request),
    )


def home(model_admin, request, pk):
    """A campaign's home: its statements, sign-ons, invitations, mailings and press kit, the phase it
    is in and the next steps, each a link to the page that does it."""
    campaign = model_admin.get_object(request, pk)
    if campaign is None or not model_admin.has_view_permission(request, campaign):
        return redirect("admin:campaigns_campaign_homes")
    summary = selectors.campaign_home(campaign)
    phase, step_groups = next_steps(summary, request.user)
    for statement in summary.statements:
        statement.moderation_url = moderation_url([statement])
    user = request.user
    return admin_page(
        model_admin,
        request,
        "admin/campaigns/campaign/home.html",
        campaign.name,
        campaign=campaign,
        home=summary,
        phase=phase,
        phases=PHASES,
        step_groups=step_groups,
        moderation_url=moderation_url(summary.statements) if summary.statements else "",
        invitations_url=statements_url("mailings_invitation", summary.statements) if summary.statements else "",
        mailings_url=statements_url("mailings_mailing", summary.statements) if summary.statements else "",
        press_kit_url=reverse("admin:presskit_presskititem_changelist") + f"?campaign__id__exact={campaign.pk}",
        preview_links_url=reverse("admin:presskit_previewlink_changelist") + f"?campaign__id__exact={campaign.pk}",
        erase_on=campaign.contacts_erased_on(),
        time_zone=timezone.get_current_timezone_name(),
        can={
            "change_campaign": model_admin.has_change_permission(request, campaign),
            "moderate": user.has_perm("signatories.view_signon"),
            "invite": user.has_perm("mailings.add_invitation"),
            "mailings": user.has_perm("mailings.view_mailing"),
            "press_kit": user.has_perm("presskit.view_presskititem"),
            "add_statement": user.has_perm("campaigns.add_statement"),
            "referrals": user.has_perm("signatories.view_referral"),
        },
    )


def close(model_admin, request, pk):
    """Close the campaign (the list's action, for this one): what it does, then a button that does it."""
    campaign = model_admin.get_object(request, pk)
    if campaign is None or not model_admin.has_change_permission(request, campaign):
        return redirect("admin:campaigns_campaign_changelist")
    home_url = reverse("admin:campaigns_campaign_home", args=[campaign.pk])
    if request.method == "POST":
        model_admin.close_now(request, model_admin.get_queryset(request).filter(pk=campaign.pk))
        return redirect(home_url)
    return admin_page(
        model_admin,
        request,
        "admin/campaigns/campaign/close.html",
        _("Close the campaign"),
        campaign=campaign,
        home_url=home_url,
        taking_sign_ons=statements_closing_stops(campaign),
        pending_mailings=pending_mailings_asking_to_sign(campaign=campaign),
        erase_on=campaign.contacts_erased_on(closing_at=timezone.now()),
    )


def dashboard(model_admin, request, pk):
    """Sign-ons over time, by country and tier, moderation and invitations, as charts and tables."""
    campaign = model_admin.get_object(request, pk)
    if campaign is None or not model_admin.has_view_permission(request, campaign):
        return redirect("admin:campaigns_campaign_changelist")
    statements = list(campaign.statements.only("pk", "title", "campaign_id"))
    statement = next((each for each in statements if str(each.pk) == request.GET.get("statement")), None)
    pending_url = reverse("admin:signatories_signon_changelist") + "?moderation_state__exact=pending"
    if statement is not None:
        pending_url += f"&statement__id__exact={statement.pk}"
    return admin_page(
        model_admin,
        request,
        "admin/campaigns/campaign/dashboard.html",
        _("Dashboard: %(campaign)s") % {"campaign": campaign},
        campaign=campaign,
        statements=statements,
        statement=statement,
        dashboard=campaign_dashboard(campaign, statement),
        moderation_url=pending_url,
    )
