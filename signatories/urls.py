from django.urls import path

from . import views

app_name = "signatories"

urlpatterns = [
    path("campaigns/<slug:campaign_slug>/<slug:statement_slug>/sign/", views.sign_statement, name="sign"),
    path(
        "campaigns/<slug:campaign_slug>/<slug:statement_slug>/thank-you/",
        views.sign_on_received,
        name="received",
    ),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("signature/<str:token>/", views.manage_sign_on, name="manage"),
    path("privacy/", views.privacy_notice, name="privacy"),
]
