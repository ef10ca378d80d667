from django.urls import path

from public_site.views import mailings as views

app_name = "mailings"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
