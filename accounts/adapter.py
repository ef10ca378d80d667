"""How allauth behaves here, where it differs from its defaults."""

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core import rate_limits

# How long after signing in with a password a person may add their first authenticator without
# typing the password again: long enough to install an authenticator app on a phone.
FIRST_AUTHENTICATOR_WINDOW_SECONDS = 15 * 60


def setting_up_first_authenticator(request) -> bool:
    """Whether ``request``'s user signed in with their password moments ago, with no authenticator then.

    True while they add their first authenticator app and look at the recovery codes
    that come with it; false once an authenticator they had before this sign-in exists.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    now = time.time()
    sign_ins = [
        record["at"]
        for record in get_authentication_records(request, user)
        if record.get("method") == "password" and now - record.get("at", 0) < FIRST_AUTHENTICATOR_WINDOW_SECONDS
    ]
    if not sign_ins:
        return False
    signed_in_at = datetime.fromtimestamp(max(sign_ins), tz=UTC)
    return not Authenticator.objects.filter(user=user, created_at__lte=signed_in_at).exists()


class AccountAdapter(DefaultAccountAdapter):
    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """No second password prompt for a first authenticator right after signing in.

        allauth asks for the password again before any change to two-factor settings,
        so that someone at a browser left signed in cannot change them. A new staff
        member, sent from the sign-in straight to setting up an authenticator app,
        typed that password seconds ago: asking again only confuses, and so would
        asking again for the recovery codes shown right after. Changing or removing
        an authenticator that existed before this sign-in still asks.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = self.request or getattr(context, "request", None)
        if required and app == "allauth.mfa" and request is not None:
            return not setting_up_first_authenticator(request)
        return required

    def get_client_ip(self, request) -> str:
        """A keyed hash of the client's address, never the address: allauth's rate limits key on it.

        allauth writes what this returns into its cache keys (Redis in production), and
        nothing else here reads it (no user sessions app, no security notification
        emails), so the same HMAC as the project's own rate limits keeps raw addresses
        out of Redis. Behind proxies, ``RATE_LIMIT_TRUSTED_PROXIES`` decides which address counts.
        """
        return rate_limits.hashed_client_address(request) or super().get_client_ip(request)

    def post_login(self, request, user, *, redirect_url, **kwargs):
        """Staff who sign in to the admin land on their campaigns' homes, not on its index of tables.

        The admin sends a signed-out visitor to sign in with its index as the page to return
        to; that, or no page at all, becomes the campaign homes (the home of their one campaign,
        or the list of them); for a partner's staff, the sign-ons through their links. A deep
        link (a sign-on's page from an email) is kept.
        """
        if user.is_staff and _is_admin_index(request, redirect_url):
            if user.has_perm("campaigns.view_campaign"):
                redirect_url = reverse("admin:campaigns_campaign_homes")
            elif user.has_perm("signatories.view_referral"):
                # A partner's staff: the sign-ons through their links, with their counts, are their home.
                redirect_url = reverse("admin:signatories_referral_changelist")
        return super().post_login(request, user, redirect_url=redirect_url, **kwargs)


def _is_admin_index(request, url) -> bool:
    """Whether ``url`` is empty or the admin's index (in any language)."""
    if not url:
        return True
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return False
    try:
        return resolve(urlsplit(url).path).view_name == "admin:index"
    except Resolver404:
        return False
