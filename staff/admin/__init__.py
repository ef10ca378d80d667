"""The admin of every core app, one module per app, registered when the admin discovers this package.

The admin's addresses stay /admin/<app_label>/<model>/: the models keep their apps.
"""

from . import accounts, campaigns, integrations, mailings, outreach, presskit, privacy, signatories  # noqa: F401
