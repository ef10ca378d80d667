import logging
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import i18n

logger = logging.getLogger(__name__)


def server_error(request):
    """The error page; while the database is unreachable, a clean 503 asking to retry.

    Nothing is half-written when the database fails mid-request: the request's
    transaction never committed. Rendered without the database (no context processors).
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.error("Database unavailable: %s", type(error).__name__)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


def set_language(request):
    """The language switcher: Django's ``set_language``, reading the page to return to in its own language.

    Django finds the page in the chosen language by resolving its address in the
    language active for this request (the cookie's, or the browser's), not in the
    language of the address: from ``/fr/...`` opened by a link, with an English
    browser, nothing resolved and the reader was sent back to the French page.
    """
    next_url = request.POST.get("next", request.GET.get("next"))
    if not _is_safe(request, next_url):
        next_url = request.META.get("HTTP_REFERER")  # where Django sends the reader back then
        if not _is_safe(request, next_url):
            next_url = "/"
    page_language = translation.get_language_from_path(urlsplit(next_url).path) or settings.LANGUAGE_CODE
    with translation.override(page_language):
        return i18n.set_language(request)


def _is_safe(request, url):
    return url_has_allowed_host_and_scheme(
        url=url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
