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

# For partner sites: the widget they frame, and the feeds of the public list (public_site/partners.py).
urlpatterns += [
    path("campaigns/<slug:campaign_slug>/<slug:statement_slug>/embed/", partners.embed, name="embed"),
    path("campaigns/<slug:campaign_slug>/<slug:statement_slug>/signatories.json", partners.json_feed, name="feed_json"),
    path(
        "campaigns/<slug:campaign_slug>/<slug:statement_slug>/signatories.rss",
        partners.LatestSignatoriesFeed(),
        name="feed_rss",
    ),
    path(
        "campaigns/<slug:campaign_slug>/<slug:statement_slug>/signatories.atom",
        partners.LatestSignatoriesAtomFeed(),
        name="feed_atom",
    ),
]

# The same for a whole campaign: every announced statement of it (partners.py).
urlpatterns += [
    path("campaigns/<slug:campaign_slug>/embed/", partners.campaign_embed, name="campaign_embed"),
    path("campaigns/<slug:campaign_slug>/signatories.json", partners.campaign_json_feed, name="campaign_feed_json"),
    path(
        "campaigns/<slug:campaign_slug>/signatories.rss",
        partners.CampaignLatestSignatoriesFeed(),
        name="campaign_feed_rss",
    ),
    path(
        "campaigns/<slug:campaign_slug>/signatories.atom",
        partners.CampaignLatestSignatoriesAtomFeed(),
        name="campaign_feed_atom",
    ),
]
