from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.middleware.gzip import GZipMiddleware
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path


class RememberedLanguageMiddleware:
    """Brings a reader back to the language they chose with the switcher.

    English pages have no prefix (``/campaigns/…``), the others have one
    (``/es/campaigns/…``), so an address without a prefix says "English". A reader
    whose language cookie names another language and who opens such an address (a
    bookmark, a shared link, the home page) is sent to the same page in their
    language. Only GET and HEAD: a form posted to an English address is answered in
    English rather than lost to a redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.other_languages = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        unprefixed = get_language_from_path(request.path_info) is None
        if request.method in ("GET", "HEAD") and unprefixed and chosen in self.other_languages:
            current = request.get_full_path()
            # translate_url leaves addresses outside i18n_patterns (static files, the switcher) as they are.
            translated = translate_url(current, chosen)
            if translated != current:
                response = HttpResponseRedirect(translated)
                patch_vary_headers(response, ["Cookie"])
                return response
        response = self.get_response(request)
        if unprefixed:
            patch_vary_headers(response, ["Cookie"])
        return response


# What ad networks, social networks and newsletter tools add to a shared link (utm_* too).
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "_ga",
        "_gl",
    }
)


def is_tracking_parameter(name: str) -> bool:
    return name in TRACKING_PARAMETERS or name.startswith("utm_")


class DropTrackingParametersMiddleware:
    """Sends a link that carries trackers' parameters to the same address without them.

    Every share on a social network or in a newsletter adds its own ``fbclid`` or
    ``utm_*``: each would be another address for the same page, missing the page cache,
    and the parameters would stay in the reader's history and bookmarks. Only GET and
    HEAD, before any session or database work: a redirect costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if query and request.method in ("GET", "HEAD"):
            parameters = parse_qsl(query, keep_blank_values=True)
            kept = [(name, value) for name, value in parameters if not is_tracking_parameter(name)]
            if len(kept) != len(parameters):
                return HttpResponsePermanentRedirect(request.path + (f"?{urlencode(kept)}" if kept else ""))
        return self.get_response(request)


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip compression, for text only: PDFs, ZIPs and images are compressed already.

    Django's middleware pads each compressed response with random bytes (its BREACH
    mitigation), so a page holding a CSRF token can be compressed too.
    """

    COMPRESSIBLE = (
        "text/",
        "application/json",
        "application/javascript",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "image/svg+xml",
    )

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
