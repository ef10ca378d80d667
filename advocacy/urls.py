from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core import health, views

# Staff sign in through allauth, which rate-limits attempts (and will ask for a
# second factor); Django's own admin login form would bypass both.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Coalition campaigns")
admin.site.site_title = _("Coalition campaigns")

urlpatterns = [
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Outside the language prefixes: the compose health checks and uptime monitors ask for one address.
    path("health/", health.SiteHealth.as_view(), name="health"),
    path("email-events/", include("public_site.urls.email_events")),
    # For partners and machines (docs/api.md): one address whatever the language; the language of
    # labels and country names follows Accept-Language.
    path("api/", include("api.urls")),
]

# The public pages first, the statement page's app before all: it is the page most
# visited, and each route tried before it costs every view of it (its slug converter
# leaves the campaign's press kit and actions to their own apps).
urlpatterns += i18n_patterns(
    path("", include("public_site.urls.campaigns")),
    path("", include("public_site.urls.signatories")),
    path("", include("public_site.urls.presskit")),
    path("", include("public_site.urls.outreach")),
    path("", include("public_site.urls.mailings")),
    path("", include("public_site.urls.privacy")),
    path("admin/", admin.site.urls),
    path("accounts/", include("public_site.urls.accounts")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)

handler500 = "core.views.server_error"
