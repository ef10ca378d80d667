from django.urls import path

from public_site import partners
from public_site.views import signatories as views

app_name = "signatories"

urlpatterns = [
    path("campaigns/<slug:campaign_slug>/<slug:statement_slug>/sign/", views.sign_statement, name="sign"),
    path("campaigns/<slug:campaign_slug>/<slug:statement_slug>/thank-you/", views.sign_on_received, name="received"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("signature/<str:token>/", views.manage_sign_on, name="manage"),
    path("privacy/", views.privacy_notice, name="privacy"),
]


def partner_routes(prefix, names, *, embed, json_feed, rss_feed, atom_feed):
    """For partner sites: the widget they frame and the feeds of a public list (public_site/partners.py),
    under ``prefix``, named ``names`` + embed, feed_json, feed_rss, feed_atom."""
    return [
        path(f"{prefix}embed/", embed, name=f"{names}embed"),
        path(f"{prefix}signatories.json", json_feed, name=f"{names}feed_json"),
        path(f"{prefix}signatories.rss", rss_feed, name=f"{names}feed_rss"),
        path(f"{prefix}signatories.atom", atom_feed, name=f"{names}feed_atom"),
    ]


# A statement's list, and the same for a whole campaign: every announced statement of it.
urlpatterns += partner_routes(
    "campaigns/<slug:campaign_slug>/<slug:statement_slug>/",
    "",
    embed=partners.embed,
    json_feed=partners.json_feed,
    rss_feed=partners.LatestSignatoriesFeed(),
    atom_feed=partners.LatestSignatoriesAtomFeed(),
)
urlpatterns += partner_routes(
    "campaigns/<slug:campaign_slug>/",
    "campaign_",
    embed=partners.campaign_embed,
    json_feed=partners.campaign_json_feed,
    rss_feed=partners.CampaignLatestSignatoriesFeed(),
    atom_feed=partners.CampaignLatestSignatoriesAtomFeed(),
)
