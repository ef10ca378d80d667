"""The address the email provider posts its bounces and complaints to: outside the language
prefixes (a redirect would lose the post), and not a page anyone reads."""

from django.urls import path

from public_site.views import mailings as views

urlpatterns = [path("<slug:provider>/", views.email_events, name="email_events")]
