from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from outreach.models import OutreachAction
from signatories.models import visible_sign_on_condition

from .models import Campaign, Statement
from .statement_page import serve_statement_page, signatory_list


def public_statements():
    """The statements the site lists, with the count of sign-ons that appear publicly (named or not)."""
    return Statement.objects.announced().annotate(
        signatory_count=Count("sign_ons", filter=visible_sign_on_condition(prefix="sign_ons__"))
    )


def home(request):
    campaigns = Campaign.objects.announced().prefetch_related(
        Prefetch("statements", queryset=public_statements(), to_attr="public_statements")
    )
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
    return render(request, "campaigns/campaign_detail.html", {"campaign": campaign})


def statement_detail(request, campaign_slug, statement_slug):
    return serve_statement_page(request, campaign_slug, statement_slug)
