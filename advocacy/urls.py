from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

# Staff sign in through allauth, which rate-limits attempts (and will ask for a
# second factor); Django's own admin login form would bypass both.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Coalition campaigns")
admin.site.site_title = _("Coalition campaigns")

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("signatories.urls")),
    path("", include("mailings.urls")),
    path("", include("privacy.urls")),
    path("", include("presskit.urls")),
    path("", include("outreach.urls")),
    path("", include("campaigns.urls")),
    prefix_default_language=False,
)

handler500 = "advocacy.views.server_error"
