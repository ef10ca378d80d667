from django.urls import path

from public_site.views import privacy as views

app_name = "privacy"

urlpatterns = [
    path("signature/<str:token>/data/", views.signer_data_download, name="signer_data"),
    path("signature/<str:token>/erase/", views.signer_erasure, name="signer_erase"),
    path("accounts/me/data/", views.account_data_download, name="account_data"),
    path("accounts/me/erase/", views.account_erasure, name="account_erase"),
    path("erased/", views.erased, name="erased"),
]
