from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularYAMLAPIView

from . import views

app_name = "api"

urlpatterns = [
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("v1/openapi.yaml", SpectacularYAMLAPIView.as_view(), name="openapi_yaml"),
    path("v1/campaigns/", views.CampaignList.as_view(), name="campaigns"),
    path("v1/campaigns/<slug:campaign_slug>/", views.CampaignDetail.as_view(), name="campaign"),
    path(
        "v1/campaigns/<slug:campaign_slug>/statements/<slug:statement_slug>/",
        views.StatementDetail.as_view(),
        name="statement",
    ),
    path(
        "v1/campaigns/<slug:campaign_slug>/statements/<slug:statement_slug>/signatories/",
        views.SignatoryList.as_view(),
        name="signatories",
    ),
    # With a partner's key.
    path(
        "v1/campaigns/<slug:campaign_slug>/statements/<slug:statement_slug>/sign-ons/",
        views.SignOnCreate.as_view(),
        name="sign_ons",
    ),
    path("v1/referrals/", views.ReferralList.as_view(), name="referrals"),
]
