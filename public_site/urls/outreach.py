from django.urls import path

from public_site.views import outreach as views

app_name = "outreach"

# Included before public_site.urls.campaigns: "actions" would otherwise be read as a statement's slug.
urlpatterns = [
    path("campaigns/<slug:campaign_slug>/actions/", views.actions, name="actions"),
    path("campaigns/<slug:campaign_slug>/actions/report/", views.report, name="report"),
    path("campaigns/<slug:campaign_slug>/actions/<slug:action_slug>/", views.action_detail, name="action"),
    path("campaigns/<slug:campaign_slug>/<slug:statement_slug>/share/", views.share_statement, name="share_statement"),
]
