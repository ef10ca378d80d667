from django.conf import settings
from django.http import HttpResponseRedirect
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
