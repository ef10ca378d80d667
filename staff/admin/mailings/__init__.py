"""The admin of mailings/: what the campaign emails, to whom, and what became of each email.

- mailings.py: the list of mailings and a mailing's page (its versions in each language, its progress);
- sending.py: a mailing's preview, its send (or schedule) page, a test to oneself, cancelling;
- deliveries.py: who each mailing reached and why not the others; unsubscribed addresses, as hashes;
- invitations.py: the organizations invited to sign a statement;
- press_list.py: each campaign's journalists.

The lists of invitees and journalists staff paste or upload are pages of staff/views/lists.py.
"""

from . import deliveries, invitations, mailings, press_list, sending  # noqa: F401
