"""The admin of every core app, one module per app (a package of one module per page for the larger:
signatories/, mailings/), registered when the admin discovers this package.

The admin's addresses stay /admin/<app_label>/<model>/: the models keep their apps. The
building blocks they share: scoping.py (each staff member sees their campaigns' rows),
time_zones.py (a campaign's times in its own zone), audit.py (the history pages) and
mixins.py (large lists, read-only records, superusers-only admins).
"""

from django.contrib.admin import options
from django.db import models

# An address typed without its scheme is taken as https://, in every admin form (Django 6.0's default;
# 5.2 warns for each URL field left to http://). Set before the admins below are built: each copies it.
options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.URLField] = {
    **options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.URLField],
    "assume_scheme": "https",
}

from . import accounts, campaigns, integrations, mailings, outreach, partners, presskit, privacy, signatories
