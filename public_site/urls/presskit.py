from django.urls import path

from public_site.views import presskit as views

app_name = "presskit"

# Included before public_site.urls.campaigns: "press-kit" would otherwise be read as a statement's slug.
urlpatterns = [
    path("campaigns/<slug:campaign_slug>/press-kit/", views.press_kit_page, name="press_kit"),
    path("campaigns/<slug:campaign_slug>/press-kit/preview/<str:token>/", views.preview, name="preview"),
    path("campaigns/<slug:campaign_slug>/press-kit/items/<int:item_id>/download/", views.download, name="download"),
    path("campaigns/<slug:campaign_slug>/press-kit/items/<int:item_id>/image/", views.image, name="image"),
    path("campaigns/<slug:campaign_slug>/press-kit/archive/<str:language>/", views.archive, name="archive"),
    path(
        "campaigns/<slug:campaign_slug>/<slug:statement_slug>/signed-letter.pdf",
        views.signed_letter,
        name="signed_letter",
    ),
    path(
        "campaigns/<slug:campaign_slug>/<slug:statement_slug>/signatories.csv",
        views.publication_csv,
        name="publication_csv",
    ),
]
