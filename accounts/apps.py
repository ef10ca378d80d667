from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    # allauth's own app is called "Accounts" too (its email addresses): two admin sections of one name.
    verbose_name = _("Staff and representatives")

    def ready(self):
        from .roles import ensure_staff_roles

        # After every app's migrations, so permissions of apps migrated later are there.
        post_migrate.connect(ensure_staff_roles, dispatch_uid="accounts.ensure_staff_roles")
