import json

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from privacy import selectors, services
from public_site.forms.privacy import ErasureForm
from signatories import services as signatory_services
from signatories.models import Signatory


def _json_download(data, name):
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.now():%Y-%m-%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


def _sign_on_or_invalid(request, token):
    try:
        return signatory_services.sign_on_for_management_token(token), None
    except signatory_services.InvalidManagementLink:
        return None, render(request, "signatories/manage_invalid.html", status=404)


@never_cache
def signer_data_download(request, token):
    """Everything stored about the signer behind a private link, as JSON. The link is the key."""
    sign_on, invalid = _sign_on_or_invalid(request, token)
    if invalid:
        return invalid
    # The contact's address, or the one still awaiting confirmation on the sign-on.
    if not sign_on.signer_email:
        # Contact details already erased: what is left is the signature itself.
        data = {"generated_at": timezone.now().isoformat(), "contacts": [], "sign_on": selectors.sign_on_data(sign_on)}
    else:
        data = selectors.signer_data(email=sign_on.signer_email)
    return _json_download(data, "my-signature-data")


@never_cache
def signer_erasure(request, token):
    sign_on, invalid = _sign_on_or_invalid(request, token)
    if invalid:
        return invalid
    is_organization = sign_on.signatory.kind == Signatory.Kind.ORGANIZATION
    form = ErasureForm(request.POST if request.method == "POST" else None, offer_organization_choice=is_organization)
    if request.method == "POST" and form.is_valid():
        if sign_on.signer_email:
            services.erase_signer(
                email=sign_on.signer_email,
                remove_organization_sign_ons=form.cleaned_data.get("remove_organization_sign_ons", False),
            )
        return redirect("privacy:erased")
    return render(
        request,
        "privacy/erase.html",
        {
            "form": form,
            "sign_on": sign_on,
            "statement": sign_on.statement,
            "for_account": False,
            "back_url": signatory_services.make_management_token(sign_on),
        },
    )


@never_cache
@login_required
def account_data_download(request):
    return _json_download(selectors.account_data(user=request.user), "my-account-data")


@never_cache
@login_required
def account_erasure(request):
    form = ErasureForm(request.POST if request.method == "POST" else None, offer_organization_choice=False)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.erase_account(user=user)
        return redirect("privacy:erased")
    return render(request, "privacy/erase.html", {"form": form, "for_account": True})


def erased(request):
    return render(request, "privacy/erased.html")
