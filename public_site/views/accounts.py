from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.models import Representative
from campaigns.models import Statement
from public_site.forms.accounts import ClaimOrganizationForm, OrganizationProfileForm, RepresentativeListingForm


@never_cache
@login_required
def home(request):
    representations = list(selectors.representations_for(request.user))
    return render(
        request,
        "accounts/home.html",
        {
            "approved": [rep for rep in representations if rep.status == Representative.Status.APPROVED],
            "waiting": [rep for rep in representations if rep.status == Representative.Status.PENDING],
            "open_statements": Statement.objects.filter(
                state__in=[Statement.State.OPEN, Statement.State.PUBLISHED]
            ).select_related("campaign"),
        },
    )


@never_cache
@login_required
def claim_organization(request):
    form = ClaimOrganizationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        representative = services.claim_organization(
            user=request.user,
            name=form.cleaned_data["name"],
            website=form.cleaned_data["website"],
            note=form.cleaned_data["note"],
        )
        if representative.status == Representative.Status.APPROVED:
            messages.success(
                request,
                _("Your email is on %(organization)s's domain: you now represent it.")
                % {"organization": representative.organization.display_name},
            )
            return redirect("accounts:organization", organization_id=representative.organization_id)
        # The same answer whether or not the organization is known: unlisted signatories stay secret.
        messages.success(
            request,
            _(
                "Thank you. If this organization has signed a statement here, staff will review your claim "
                "and it will appear on this page once approved."
            ),
        )
        return redirect("accounts:home")
    return render(request, "accounts/claim.html", {"form": form})


@never_cache
@login_required
def organization(request, organization_id):
    organization = services.represented_organization(user=request.user, organization_id=organization_id)
    form = OrganizationProfileForm(request.POST if request.method == "POST" else None, organization=organization)
    if request.method == "POST" and form.is_valid():
        services.update_organization_profile(
            user=request.user, organization_id=organization.pk, profile=form.cleaned_data
        )
        messages.success(request, _("The profile is saved."))
        return redirect("accounts:organization", organization_id=organization.pk)
    sign_ons = organization.sign_ons.select_related("statement__campaign", "tier").order_by("-signed_at")
    return render(
        request,
        "accounts/organization.html",
        {
            "organization": organization,
            "form": form,
            "sign_ons": [(sign_on, RepresentativeListingForm(sign_on=sign_on)) for sign_on in sign_ons],
        },
    )


@require_POST
@login_required
def organization_sign_on(request, organization_id, sign_on_id):
    sign_on = services.organization_sign_on(user=request.user, sign_on_id=sign_on_id)
    if sign_on.signatory_id != organization_id:
        return HttpResponseBadRequest(_("This sign-on belongs to another organization."))
    action = request.POST.get("action")
    if action == "listing":
        form = RepresentativeListingForm(request.POST, sign_on=sign_on)
        if not form.is_valid():
            messages.error(request, _("Choose how the signature is listed."))
        else:
            services.change_listing_as_representative(
                user=request.user, sign_on_id=sign_on.pk, listing=form.cleaned_data["listing"]
            )
            messages.success(
                request,
                _("The listing of the signature of “%(statement)s” is saved.") % {"statement": sign_on.statement.title},
            )
    elif action in {"withdraw", "restore"}:
        services.set_withdrawn_as_representative(
            user=request.user, sign_on_id=sign_on.pk, withdrawn=action == "withdraw"
        )
        messages.success(
            request, _("The signature is withdrawn.") if action == "withdraw" else _("The signature is restored.")
        )
    else:
        return HttpResponseBadRequest(_("Unknown action."))
    return redirect("accounts:organization", organization_id=organization_id)
