from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The staff side: the admin of every core app, the campaign home, the dashboard, imports and merges."""

    name = "staff"

    def ready(self):
        from staff.admin.time_zones import name_the_zone_of_admin_times

        name_the_zone_of_admin_times()
