from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<slug:campaign_slug>/", views.campaign_detail, name="campaign"),
    path("campaigns/<slug:campaign_slug>/<slug:statement_slug>/", views.statement_detail, name="statement"),
]
