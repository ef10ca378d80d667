from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class StaffSecondFactorMiddleware:
    """Sends staff without an authenticator app to set one up before they reach the admin.

    A stolen staff password alone must not open the admin: allauth asks for the
    code at every sign-in once an authenticator exists, and this makes sure one does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or "admin" not in match.namespaces or user is None:
            return None
        if not (user.is_authenticated and user.is_staff):
            return None
        # Signed in with a second factor in this session: no need to ask the database on every admin page.
        if any(record.get("method") == "mfa" for record in get_authentication_records(request, user)):
            return None
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            return None
        messages.warning(
            request, _("Staff accounts need a second factor. Set up an authenticator app to continue to the admin.")
        )
        return redirect("mfa_activate_totp")
