from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from campaigns.models import Campaign, Statement
from outreach.models import OutreachAction
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
    return render(request, "campaigns/home.html", {"campaigns": campaigns})


def campaign_detail(request, campaign_slug):
    campaign = get_object_or_404(
        Campaign.objects.public().prefetch_related(
            Prefetch("statements", queryset=public_statements(), to_attr="public_statements"),
            Prefetch(
                "outreach_actions",
                queryset=OutreachAction.objects.public().with_report_counts(),
                to_attr="public_outreach_actions",
            ),
        ),
        slug=campaign_slug,
    )
    with_public_signatory_counts(campaign.public_statements)
    return render(request, "campaigns/campaign_detail.html", {"campaign": campaign})


def statement_detail(request, campaign_slug, statement_slug):
    return serve_statement_page(request, campaign_slug, statement_slug)
