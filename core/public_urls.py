"""The site's public addresses, read from the URL configuration.

What checks every public page (the privacy sweep in the tests, the benchmark's
query counts) reads the pages from here, so a new public page is checked as soon as
its URL exists, and a check that cannot fill its parameters fails instead of
silently leaving it out.
"""

from django.urls import URLPattern, URLResolver, get_resolver

# Staff and account areas are behind a login; the language switch only redirects; the email
# provider posts its reports to email-events/ (a secret and a signature, nothing to read).
NOT_PUBLIC_PREFIXES = ("admin/", "accounts/", "i18n/", "email-events/")


class UnfilledRoute(Exception):
    """A public route has a parameter the caller gave no value for."""


def _patterns(patterns, prefix):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def public_routes(urlconf=None):
    """``(route, pattern)`` for every page reachable without an account, e.g.
    ``("campaigns/<slug:campaign_slug>/", <URLPattern ...>)``. A view that asks for credentials
    of its own (the API's with a partner's key) says so with ``needs_credentials = True``."""
    for route, pattern in _patterns(get_resolver(urlconf).url_patterns, ""):
        view_class = getattr(pattern.callback, "view_class", None)
        if not route.startswith(NOT_PUBLIC_PREFIXES) and not getattr(view_class, "needs_credentials", False):
            yield route, pattern


def fill_route(route: str, values: dict) -> str:
    """The path of ``route`` with each ``<converter:name>`` replaced by ``values[name]``."""
    path = route
    for placeholder in _placeholders(route):
        name = placeholder.split(":")[-1]
        if name not in values:
            raise UnfilledRoute(f"no value for {name!r} in {route!r}")
        path = path.replace(f"<{placeholder}>", str(values[name]))
    return "/" + path


def _placeholders(route: str) -> list[str]:
    found, start = [], route.find("<")
    while start != -1:
        end = route.index(">", start)
        found.append(route[start + 1 : end])
        start = route.find("<", end)
    return found
