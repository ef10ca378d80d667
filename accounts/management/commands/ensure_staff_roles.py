from django.core.management.base import BaseCommand

from accounts.roles import ensure_staff_roles


class Command(BaseCommand):
    help = "Create the staff role groups (campaign manager, moderator, press officer) and set their permissions."

    def handle(self, *args, **options):
        for group in ensure_staff_roles():
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
