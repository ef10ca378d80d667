from django.urls import path, register_converter
from django.views.generic import RedirectView

from campaigns.models import RESERVED_STATEMENT_SLUGS
from public_site import statement_page
from public_site.views import campaigns as views


class StatementSlugConverter:
    """A statement's slug: any slug but the names of the campaign's own pages ("press-kit", "actions").

    So the statement page's route can be tried first, before the routes of every other
    app (the most visited page resolves in half the time), and still leave
    ``/campaigns/<campaign>/press-kit/`` to the press kit.
    """

    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value):
        if value in RESERVED_STATEMENT_SLUGS:
            raise ValueError(value)
        return value

    def to_url(self, value):
        return value


register_converter(StatementSlugConverter, "statement_slug")

app_name = "campaigns"

urlpatterns = [
    path("", views.home, name="home"),
    # Someone who shortens a campaign's address finds the list of campaigns, which is the home page.
    path("campaigns/", RedirectView.as_view(pattern_name="campaigns:home"), name="campaign_list"),
    path("campaigns/<slug:campaign_slug>/", views.campaign_detail, name="campaign"),
    # Not statement addresses: a statement's slug has no dot.
    path("campaigns/<slug:campaign_slug>/style.css", views.campaign_style, name="campaign_style"),
    path("media/campaign-identity/<str:image_name>", views.identity_image, name="identity_image"),
    path("campaigns/<slug:campaign_slug>/<statement_slug:statement_slug>/", views.statement_detail, name="statement"),
    path(
        "campaigns/<slug:campaign_slug>/<statement_slug:statement_slug>/signatories/",
        statement_page.signatory_list,
        name="signatory_list",
    ),
]
