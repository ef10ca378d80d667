"""The site's URLs plus the baseline of the benchmark, a bare Django "hello world" view."""

from django.http import HttpResponse
from django.urls import path

from advocacy.urls import urlpatterns as site_urlpatterns


def hello(request):
    """The cheapest response Django can give through the site's middleware."""
    return HttpResponse(b"Hello, world", content_type="text/plain")


urlpatterns = [
    path("__bench__/hello/", hello),
    *site_urlpatterns,
]
