from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo campaign built from the real campaign's pages in seeds/ (manage.py load_demo_campaign)."""

    name = "demo"
