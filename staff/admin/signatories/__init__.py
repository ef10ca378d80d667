"""The admin of signatories/: who signed and how staff look after them, one module per page staff use.

- organizations.py: organizations, individuals and their private contacts;
- duplicates.py: likely duplicate organizations, merging two into one, and the records of merges;
- sign_ons.py: a sign-on's page, the moderation decisions (one row's buttons, the bulk actions);
- moderation_queue.py: the moderation queue, the list of sign-ons: its filters, its rows and their cells.

The partners' referrals are in staff/admin/partners.py.
"""

from . import duplicates, moderation_queue, organizations, sign_ons  # noqa: F401
