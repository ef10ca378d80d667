from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser

from accounts import services


class Command(createsuperuser.Command):
    help = (
        "Create the first staff account (a superuser). Its address counts as verified, since the operator "
        "typed it here; at the first sign-in it sets up an authenticator app."
    )

    def handle(self, *args, **options):
        users = get_user_model()._default_manager.db_manager(options["database"])
        existing = set(users.filter(is_superuser=True).values_list("pk", flat=True))
        super().handle(*args, **options)
        for user in users.filter(is_superuser=True).exclude(pk__in=existing):
            services.vouch_for_address(user=user, by=None)
