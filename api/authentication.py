"""A partner's software, known by its API key (integrations.ApiKey), and its rate limit."""

import logging

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from integrations.models import ApiKey
from integrations.services import api_key_for

logger = logging.getLogger(__name__)


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer <key>``. A request without the header is anonymous (the public API)."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Send the key as: Authorization: Bearer <key>."))
        api_key = api_key_for(header[1].decode(errors="replace"))
        if api_key is None:
            raise AuthenticationFailed(_("This key is unknown or was revoked."))
        # Nobody of the site: the user stays anonymous (so the audit trail names no one), the key is ``auth``.
        return AnonymousUser(), api_key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class HasPartnerKey(BasePermission):
    """The request came with a partner's valid key (ApiKeyAuthentication)."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI description names the key."""

    target_class = ApiKeyAuthentication
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner's API key, issued by the campaign's staff (Authorization: Bearer <key>).",
        }


class PerKeyThrottle(SimpleRateThrottle):
    """Each key's requests per period (API_KEY_RATE). Should the cache (Redis) be out, the limit waits:
    the partner is not refused for it."""

    scope = "partner_key"

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        # The key's prefix, unique and never reused (an id may be, in a test database).
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:
            logger.warning("API key rate limit not checked: %s", type(error).__name__)
            return True
