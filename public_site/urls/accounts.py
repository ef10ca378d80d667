from django.urls import path

from public_site.views import accounts as views

app_name = "accounts"

urlpatterns = [
    path("me/", views.home, name="home"),
    path("me/claim/", views.claim_organization, name="claim"),
    path("me/organizations/<int:organization_id>/", views.organization, name="organization"),
    path(
        "me/organizations/<int:organization_id>/sign-ons/<int:sign_on_id>/",
        views.organization_sign_on,
        name="organization_sign_on",
    ),
]
