import mimetypes

from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from campaigns.models import Campaign, CampaignPartner, Statement
from outreach.models import OutreachAction
from public_site.partners import partner_code_in
from public_site.statement_page import serve_statement_page
from signatories.selectors import signatory_list_version, with_public_signatory_counts


def public_statements():
    """The statements the site lists, with the version their public count is cached under."""
    return Statement.objects.announced().annotate(signatory_list_version=signatory_list_version())


def home(request):
    campaigns = list(
        Campaign.objects.announced().prefetch_related(
            Prefetch("statements", queryset=public_statements(), to_attr="public_statements")
        )
    )
    with_public_signatory_counts([statement for campaign in campaigns for statement in campaign.public_statements])
    for campaign in campaigns:
        campaign.lead_statement = _lead_statement(campaign.public_statements)
    return render(request, "campaigns/home.html", {"campaigns": campaigns})


def _lead_statement(statements):
    """A campaign's call to action: its first statement open for signing, else the first one listed."""
    open_statements = [statement for statement in statements if statement.is_accepting_sign_ons()]
    return (open_statements or statements or [None])[0]


def campaign_detail(request, campaign_slug):
    campaign = get_object_or_404(
        Campaign.objects.public().prefetch_related(
            Prefetch("statements", queryset=public_statements(), to_attr="public_statements"),
            Prefetch(
                "outreach_actions",
                queryset=OutreachAction.objects.public().with_report_counts(),
                to_attr="public_outreach_actions",
            ),
            "partners",
        ),
        slug=campaign_slug,
    )
    with_public_signatory_counts(campaign.public_statements)
    campaign.lead_statement = _lead_statement(campaign.public_statements)
    # A partner's link to the campaign page: its code goes on to the statements, so their sign-ons count as its own.
    return render(request, "campaigns/campaign_detail.html", {"campaign": campaign, "via": partner_code_in(request)})


def statement_detail(request, campaign_slug, statement_slug):
    return serve_statement_page(request, campaign_slug, statement_slug)


# A year: the addresses below change whenever what they serve changes.
IDENTITY_MAX_AGE = 365 * 24 * 3600


@require_safe
def campaign_style(request, campaign_slug):
    """The campaign's accent colour as CSS custom properties: the site's CSP allows no inline style,
    so the pages link this small stylesheet, its address versioned by the campaign's last change.
    The campaign's own pages take it for the whole page; the home page (``?card``) for its card only."""
    campaign = get_object_or_404(Campaign.objects.public().exclude(accent_colour=""), slug=campaign_slug)
    scope = f".campaign-card.accent-{campaign.slug}" if "card" in request.GET else "html:root"
    css = f"{scope} {{ --accent: {campaign.accent_colour}; --accent-dark: {campaign.accent_hover_colour}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={IDENTITY_MAX_AGE}, immutable"
    return response


@require_safe
def identity_image(request, image_name):
    """A logo or header image of a campaign the public may see (its random name never changes)."""
    path = f"campaign-identity/{image_name}"
    campaigns = Campaign.objects.public()
    if not (
        campaigns.filter(Q(logo=path) | Q(header_image=path)).exists()
        or CampaignPartner.objects.filter(logo=path, campaign__in=campaigns).exists()
    ):
        raise Http404
    field = CampaignPartner._meta.get_field("logo")
    try:
        handle = field.storage.open(path, "rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type=mimetypes.guess_type(image_name)[0] or "application/octet-stream")
    response["Cache-Control"] = f"public, max-age={IDENTITY_MAX_AGE}, immutable"
    return response
