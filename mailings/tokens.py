"""The signed tokens of the links in campaign email: an invitee's personal link and the unsubscribe link.

Made here, below both the services that read them back and the emails that carry them.
"""

from django.core import signing

from .models import Invitation, email_hash

UNSUBSCRIBE_SALT = "mailings.unsubscribe"
INVITATION_SALT = "mailings.invitation"


def make_invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=INVITATION_SALT)


def make_unsubscribe_token(email: str) -> str:
    """The token carries a hash of the address, never the address itself, and the time it was made.

    It works for ``UNSUBSCRIBE_LINK_MAX_AGE`` (a year by default: people unsubscribe
    from old email); a leaked or forwarded link stops working after that.
    """
    return signing.dumps(email_hash(email), salt=UNSUBSCRIBE_SALT)
