from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public site: the pages signers, supporters, partners and journalists read, over the core apps."""

    name = "public_site"
