import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.services import account_confirms_sign_on
from campaigns.text_diff import signed_version
from core import rate_limits
from outreach.selectors import next_action
from public_site.forms.signatories import SIGN_ON_FORMS, ListingForm
from public_site.statement_page import get_statement_for_sign_on, referring_partner, render_statement_page
from public_site.views.outreach import sharing_context
from signatories import inbox, services

logger = logging.getLogger(__name__)

# The sign-on forms post to an address ending with their error summary's fragment, which
# a browser keeps through a redirect whose address has none: the pages a sign-on leads
# to name their own, the content (the skip link's target), where their message is.
CONTENT_FRAGMENT = "#main"


def _redirect_to_content(to, **kwargs):
    return redirect(resolve_url(to, **kwargs) + CONTENT_FRAGMENT)


@require_POST
def sign_statement(request, campaign_slug, statement_slug):
    statement = get_statement_for_sign_on(request, campaign_slug, statement_slug)
    form_class = SIGN_ON_FORMS.get(request.POST.get("kind", ""))
    if form_class is None:
        return HttpResponseBadRequest(_("Choose whether you sign for an organization or as an individual."))
    if not statement.is_accepting_sign_ons():
        messages.error(request, _("This statement is not accepting sign-ons any more."))
        return _redirect_to_content(statement)

    # Through a partner's link, the form carries its code: an unknown one is ignored.
    partner = referring_partner(request.POST.get(f"{form_class.prefix}-via"), campaign_slug)
    form = form_class(request.POST, statement=statement, partner=partner)
    # Every submission counts against the client's limit, invalid ones too; the
    # address's limit needs a valid address.
    exceeded = rate_limits.hit(request, "sign-on")
    valid = form.is_valid()
    if valid and form.is_automated:
        # Answered like a real sign-on, so that the bot learns nothing; nothing is saved.
        logger.info("Automated sign-on submission ignored for statement %s", statement.pk)
        return _redirect_to_content("signatories:received", campaign_slug=campaign_slug, statement_slug=statement_slug)
    if valid:
        email = form.signatory_details().email
        exceeded = rate_limits.hit(request, "sign-on", client=False, email=email) or exceeded
    if exceeded is not None:
        form.add_error(None, exceeded.message)
        response = render_statement_page(
            request, statement, **{f"{form_class.kind}_form": form}, status=429, partner=partner
        )
        return rate_limits.with_retry_after(response, exceeded)
    if valid:
        details = form.signatory_details()
        confirmed_by_account = account_confirms_sign_on(user=request.user, details=details)
        try:
            inbox.receive_sign_on(
                statement=statement,
                details=details,
                listing=form.cleaned_data["listing"],
                consent_version=settings.PRIVACY_NOTICE_VERSION,
                requested_tier=form.requested_tier,
                authorized_to_sign=form.cleaned_data.get("authorized", False),
                language=get_language(),
                confirmed_by_account=confirmed_by_account,
                invitation_token=request.POST.get("invitation", ""),
                referred_by=partner,
                referrer_consent_text=form.referrer_consent_text(),
            )
        except services.SignOnClosed:
            messages.error(request, _("This statement is not accepting sign-ons any more."))
            return _redirect_to_content(statement)
        if not confirmed_by_account:
            return _redirect_to_content(
                "signatories:received", campaign_slug=campaign_slug, statement_slug=statement_slug
            )
        if statement.requires_approval:
            message = _(
                "Thank you: the signature of %(name)s is recorded. The campaign team reviews each "
                "signature; it appears on the list once approved."
            )
        else:
            message = _("Thank you: the signature of %(name)s is recorded and appears on the list below in a moment.")
        messages.success(request, message % {"name": details.name})
        return _redirect_to_content(statement)
    forms = {f"{form_class.kind}_form": form}
    return render_statement_page(request, statement, **forms, partner=partner)


def sign_on_received(request, campaign_slug, statement_slug):
    """Thank you, check your email; meanwhile share it, invite another organization, the campaign's next action."""
    statement = get_statement_for_sign_on(request, campaign_slug, statement_slug)
    context = {"statement": statement, **sharing_context(statement, next_action=next_action(statement))}
    return render(request, "signatories/sign_on_received.html", context)


@never_cache
def confirm(request, token):
    """A confirmation link opens this page; only its button (a POST) confirms.

    Mail scanners open every link in an email: a GET must change nothing.
    """
    try:
        sign_on = services.sign_on_for_confirmation_token(token)
    except services.ExpiredConfirmationLink:
        return render(request, "signatories/confirm_invalid.html", {"expired": True}, status=410)
    except services.InvalidConfirmationLink:
        return render(request, "signatories/confirm_invalid.html", {"expired": False}, status=404)

    if request.method == "POST":
        services.confirm_sign_on(token=token)
        return redirect("signatories:confirm", token=token)
    context = {
        "sign_on": sign_on,
        "statement": sign_on.statement,
        "manage_url": reverse("signatories:manage", kwargs={"token": services.make_management_token(sign_on)}),
    }
    if sign_on.confirmation_state == sign_on.Confirmation.CONFIRMED:
        context |= sharing_context(sign_on.statement, next_action=next_action(sign_on.statement))
    return render(request, "signatories/confirm.html", context)


@never_cache
def manage_sign_on(request, token):
    """The signer's private page: change the listing, withdraw or restore. Only POSTs change anything."""
    try:
        sign_on = services.sign_on_for_management_token(token)
    except services.InvalidManagementLink:
        return render(request, "signatories/manage_invalid.html", status=404)

    form = ListingForm(initial={"listing": sign_on.listing})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "listing":
            form = ListingForm(request.POST)
            if form.is_valid():
                services.change_listing(token=token, listing=form.cleaned_data["listing"])
                messages.success(request, _("Your choice is saved."))
                return redirect("signatories:manage", token=token)
        elif action in {"withdraw", "restore"}:
            services.set_withdrawn(token=token, withdrawn=action == "withdraw")
            messages.success(
                request, _("Your signature is withdrawn.") if action == "withdraw" else _("Your signature is restored.")
            )
            return redirect("signatories:manage", token=token)
        else:
            return HttpResponseBadRequest(_("Unknown action."))
    return render(
        request,
        "signatories/manage.html",
        {
            "sign_on": sign_on,
            "statement": sign_on.statement,
            "form": form,
            "token": token,
            "signed": signed_version(sign_on.statement, sign_on.statement_version),
        },
    )


def privacy_notice(request):
    return render(request, "signatories/privacy.html", {"version": settings.PRIVACY_NOTICE_VERSION})
