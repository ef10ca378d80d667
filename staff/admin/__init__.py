"""The admin of every core app, one module per app (a package of one module per page for the larger:
signatories/, mailings/), registered when the admin discovers this package.

The admin's addresses stay /admin/<app_label>/<model>/: the models keep their apps. The
building blocks they share: scoping.py (each staff member sees their campaigns' rows),
time_zones.py (a campaign's times in its own zone), audit.py (the history pages) and
mixins.py (large lists, read-only records, superusers-only admins).
"""

from . import accounts, campaigns, integrations, mailings, outreach, partners, presskit, privacy, signatories  # noqa: F401
