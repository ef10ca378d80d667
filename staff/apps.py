from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The staff side: the admin of every core app, the campaign home, the dashboard, imports and merges."""

    name = "staff"
