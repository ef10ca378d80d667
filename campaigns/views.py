from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from signatories.forms import IndividualSignOnForm, OrganizationSignOnForm
from signatories.models import visible_sign_on_condition
from signatories.selectors import public_signatory_list

from .models import Campaign, Statement


def public_statements():
    """Public statements with the count of sign-ons that appear publicly (named or not)."""
    return Statement.objects.public().annotate(
        signatory_count=Count("sign_ons", filter=visible_sign_on_condition(prefix="sign_ons__"))
    )


def home(request):
    campaigns = Campaign.objects.public().prefetch_related(
        Prefetch("statements", queryset=public_statements(), to_attr="public_statements")
    )
    return render(request, "campaigns/home.html", {"campaigns": campaigns})


def campaign_detail(request, campaign_slug):
    campaign = get_object_or_404(
        Campaign.objects.public().prefetch_related(
            Prefetch("statements", queryset=public_statements(), to_attr="public_statements")
        ),
        slug=campaign_slug,
    )
    return render(request, "campaigns/campaign_detail.html", {"campaign": campaign})


def get_statement_for_page(request, campaign_slug, statement_slug):
    """The statement at this address, with what its page shows; drafts only for staff (preview)."""
    statements = Statement.objects.all() if request.user.is_staff else Statement.objects.public()
    return get_object_or_404(
        statements.select_related("campaign").prefetch_related("concerns", "demands", "tiers"),
        campaign__slug=campaign_slug,
        slug=statement_slug,
    )


def render_statement_page(
    request, statement, *, organization_form=None, individual_form=None, extra_context=None, status=200
):
    context = {
        "campaign": statement.campaign,
        "statement": statement,
        "signatories": public_signatory_list(statement),
        "accepting_sign_ons": statement.is_accepting_sign_ons(),
        "organization_form": organization_form or OrganizationSignOnForm(statement=statement),
        "individual_form": individual_form or IndividualSignOnForm(statement=statement),
        **(extra_context or {}),
    }
    return render(request, "campaigns/statement_detail.html", context, status=status)


def statement_detail(request, campaign_slug, statement_slug):
    statement = get_statement_for_page(request, campaign_slug, statement_slug)
    return render_statement_page(request, statement)
