import logging
import traceback

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core import rate_limits
from mailings import provider_events, services
from mailings.models import Unsubscription
from public_site.forms.mailings import ExpiredUnsubscribeLinkForm
from public_site.forms.signatories import OrganizationSignOnForm
from public_site.statement_page import render_statement_page

logger = logging.getLogger(__name__)


@never_cache
@csrf_exempt  # RFC 8058 one-click: mail providers POST without cookies; the signed token is the proof
def unsubscribe(request, token):
    """Unsubscribe page: a GET shows a button, a POST (ours or a mail provider's one-click) unsubscribes.

    An expired link (see UNSUBSCRIBE_LINK_MAX_AGE) asks for the address instead.
    """
    try:
        hashed = services.unsubscribe_hash_for_token(token)
    except services.ExpiredUnsubscribeLink:
        if request.method == "POST" and "List-Unsubscribe" in request.POST:
            # A mail provider's one-click POST from an old message: it has no address to give.
            return render(request, "mailings/unsubscribe.html", {"expired": True}, status=410)
        return expired_unsubscribe_link(request, token)
    if hashed is None:
        return render(request, "mailings/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.unsubscribe(token=token, source="one-click" if "List-Unsubscribe" in request.POST else "link")
        if "List-Unsubscribe" in request.POST:
            return render(request, "mailings/unsubscribe.html", {"done": True})
        return redirect("mailings:unsubscribe", token=token)
    done = Unsubscription.objects.filter(email_hash=hashed).exists()
    return render(request, "mailings/unsubscribe.html", {"done": done})


@csrf_protect  # unlike the one-click POST, this form can make us send an email
def expired_unsubscribe_link(request, token):
    """An expired unsubscribe link: the person types their address to stop the emails.

    The answer is the same whether or not the address gets campaign email (see
    services.unsubscribe_after_expired_link), and sending fresh links is rate-limited.
    """
    form = ExpiredUnsubscribeLinkForm(request.POST or None)
    context = {"expired": True, "form": form}
    if request.method == "POST" and form.is_valid():
        exceeded = rate_limits.hit(request, "unsubscribe-link", email=form.cleaned_data["email"])
        if exceeded is not None:
            form.add_error(None, exceeded.message)
            response = render(request, "mailings/unsubscribe.html", context)
            return rate_limits.with_retry_after(response, exceeded)
        if services.unsubscribe_after_expired_link(token=token, email=form.cleaned_data["email"]):
            return render(request, "mailings/unsubscribe.html", {"done": True})
        return render(request, "mailings/unsubscribe.html", {"link_sent": True})
    return render(request, "mailings/unsubscribe.html", context, status=410 if request.method == "GET" else 200)


@never_cache
def invitation(request, token):
    """An invitee's personal link: the statement with the sign-on form filled with what we know."""
    invitation = services.invitation_for_token(token)
    if invitation is None or not invitation.statement.is_public:
        return render(request, "mailings/invitation_invalid.html", status=404)
    if request.method == "POST":
        if request.POST.get("action") != "decline":
            return HttpResponseBadRequest(_("Unknown action."))
        services.decline_invitation(invitation)
        return redirect("mailings:invitation", token=token)
    services.record_invitation_opened(invitation)
    statement = invitation.statement
    organization_form = OrganizationSignOnForm(
        statement=statement,
        initial={
            "name": invitation.organization_name,
            "acronym": invitation.acronym,
            "country": invitation.country.code if invitation.country else "",
            "website": invitation.website,
            "contact_name": invitation.contact_name,
            "contact_email": invitation.email,
        },
    )
    return render_statement_page(
        request,
        statement,
        organization_form=organization_form,
        extra_context={"invitation": invitation, "invitation_token": token},
    )


@csrf_exempt  # posted by the email provider, which proves itself with basic auth and its signature
def email_events(request, provider):
    """The email provider's bounces and complaints (see mailings.provider_events).

    Only the configured provider's address exists, and only once its secrets are set:
    anymail alone would take unauthenticated posts with a warning. Anymail's view checks
    the request (a bad or missing secret or signature is a 400) and records the events.
    A failure is logged by its type and place only, never its message or local values
    (they carry the address), and answered 500, so that the provider posts again later.
    """
    if provider != settings.EMAIL_EVENTS_PROVIDER or provider not in provider_events.PROVIDERS:
        raise Http404
    if request.method not in {"POST", "HEAD"}:  # HEAD: some providers try the address when it is set up
        return HttpResponseNotAllowed(["POST", "HEAD"])
    problem = provider_events.configuration_problem(provider)
    if problem:
        logger.error("Email provider events refused: %s", problem)
        return HttpResponse("Not configured.", status=503, content_type="text/plain")
    try:
        return provider_events.PROVIDERS[provider].view.as_view()(request)
    except SuspiciousOperation:
        raise  # a bad secret or signature: Django answers 400 and logs it without the payload
    except Exception as error:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        logger.error(
            "Email provider event from %s failed: %s at %s:%s",
            provider,
            type(error).__name__,
            frame.filename,
            frame.lineno,
        )
        return HttpResponse("Failed; post again later.", status=500, content_type="text/plain")
