from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from campaigns.models import Statement
from core import rate_limits
from mailings.emails import absolute_url
from outreach import selectors, services
from outreach.letters import mailto_link, template_letter, template_subject
from outreach.models import OutreachAction
from outreach.sharing import mastodon_share_link, share_links, statement_share
from public_site.forms.outreach import ActionReportForm, CountryForm, LetterForm, MastodonForm

THANK_YOU_FOR_REPORTING = gettext_lazy(
    "Thank you for telling us what you did! It will count here once we have seen it."
)


def _actions_page(request, campaign, *, report_form=None, status=200):
    actions = list(selectors.campaign_actions(campaign))
    report_form = report_form or ActionReportForm(actions=selectors.campaign_actions(campaign))
    return render(
        request,
        "outreach/actions.html",
        {"campaign": campaign, "actions": actions, "report_form": report_form},
        status=status,
    )


@require_GET
def actions(request, campaign_slug):
    return _actions_page(request, selectors.public_campaign(campaign_slug))


def _shared_url(action):
    target = action.statement or action.campaign
    return absolute_url(target.get_absolute_url())


@require_GET
def action_detail(request, campaign_slug, action_slug):
    """One action, with what the supporter needs to do it. Everything arrives by GET and nothing is stored."""
    campaign = selectors.public_campaign(campaign_slug)
    action = selectors.campaign_action(campaign, action_slug)
    context = {
        "campaign": campaign,
        "action": action,
        "report_form": ActionReportForm(actions=selectors.campaign_actions(campaign), initial={"action": action.pk}),
        "shared_url": _shared_url(action),
        "embed_base": settings.SITE_URL,
    }
    if action.kind == OutreachAction.Kind.CONTACT_REPRESENTATIVE:
        context.update(_letter_context(request, campaign, action))
    message = action.social_message or (action.statement.summary if action.statement else campaign.summary)
    context["share_message"] = message
    context["share_links"] = share_links(message=message, url=context["shared_url"], subject=template_subject(action))
    if "mastodon-server" in request.GET:
        mastodon_form = MastodonForm(request.GET)
        if mastodon_form.is_valid():
            context["mastodon_link"] = mastodon_share_link(
                mastodon_form.cleaned_data["server"], message=message, url=context["shared_url"]
            )
    else:
        mastodon_form = MastodonForm()
    context["mastodon_form"] = mastodon_form
    return render(request, "outreach/action_detail.html", context)


def _letter_context(request, campaign, action):
    """The country picker, the matching targets and the letter, edited or as the template has it."""
    country_form = CountryForm(request.GET)
    country = country_form.cleaned_data.get("country", "") if country_form.is_valid() else ""
    subject, body = template_subject(action), template_letter(action)
    if "letter-body" in request.GET:
        letter_form = LetterForm(request.GET)
        if letter_form.is_valid():
            subject, body = letter_form.cleaned_data["subject"], letter_form.cleaned_data["body"]
    else:
        letter_form = LetterForm(initial={"country": country, "subject": subject, "body": body})
    targets = selectors.targets_for_country(campaign, country)
    recipients = [target.email for target in targets if target.email]
    return {
        "letter_form": letter_form,
        "country": country,
        "targets": targets,
        # An edited letter with errors gets no link until it is corrected.
        "mailto": mailto_link(recipients=recipients, subject=subject, body=body)
        if not letter_form.is_bound or letter_form.is_valid()
        else "",
        "recipients": recipients,
    }


@require_POST
def report(request, campaign_slug):
    """“Tell us what you did”: stored for staff to moderate; it counts once approved."""
    campaign = selectors.public_campaign(campaign_slug)
    form = ActionReportForm(request.POST, actions=selectors.campaign_actions(campaign))
    exceeded = rate_limits.hit(request, "report", email=request.POST.get("report-email", "").strip().lower() or None)
    if exceeded is not None:
        form.is_valid()  # the form comes back with what was typed, and the reason
        form.add_error(None, exceeded.message)
        return rate_limits.with_retry_after(_actions_page(request, campaign, report_form=form, status=429), exceeded)
    if not form.is_valid():
        return _actions_page(request, campaign, report_form=form)
    if form.is_automated:
        # A bot is thanked like anyone, so that it learns nothing; nothing is stored.
        messages.success(request, THANK_YOU_FOR_REPORTING)
        return redirect("outreach:actions", campaign_slug=campaign.slug)
    data = form.cleaned_data
    services.report_action(
        action=data["action"],
        link=data["link"],
        country=data["country"],
        description=data["description"],
        name=data["name"],
        email=data["email"],
        language=get_language(),
    )
    messages.success(request, THANK_YOU_FOR_REPORTING)
    return redirect("outreach:actions", campaign_slug=campaign.slug)


def sharing_context(statement, *, next_action=None):
    """What the share section (outreach/_share_statement.html) shows of ``statement``: its share links once it
    is announced, an invitation to another organization while it takes sign-ons, and ``next_action``."""
    return {
        "share": statement_share(statement, site_url=settings.SITE_URL),
        "mastodon_form": MastodonForm(),
        "next_action": next_action,
    }


@require_GET
def share_statement(request, campaign_slug, statement_slug):
    """Sharing an announced statement, and the Mastodon step without JavaScript: the reader names their server,
    the page answers with a link to that server's own share page (a link they follow, never a redirect)."""
    statement = get_object_or_404(
        Statement.objects.announced().select_related("campaign"), campaign__slug=campaign_slug, slug=statement_slug
    )
    context = {"campaign": statement.campaign, "statement": statement, **sharing_context(statement)}
    if "mastodon-server" in request.GET:
        mastodon_form = MastodonForm(request.GET)
        if mastodon_form.is_valid():
            share = context["share"]
            context["mastodon_link"] = mastodon_share_link(
                mastodon_form.cleaned_data["server"], message=share.message, url=share.url
            )
        context["mastodon_form"] = mastodon_form
    return render(request, "outreach/share_statement.html", context)
