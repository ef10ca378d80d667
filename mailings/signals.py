"""What mailings do when something below them happens: receivers of the signals campaigns and
signatories send from inside their workflows (they sit below mailings and cannot call it), connected
in MailingsConfig.ready. Each runs in the sender's transaction.
"""

from .models import Invitation, Mailing
from .services import stop_sign_on_mailings, stop_sign_on_mailings_if_closed


def stop_mailings_of_closed_campaign(sender, *, campaign, **kwargs) -> int:
    """A campaign closed: nobody is asked to sign what they can no longer sign. Returns how many were cancelled."""
    return stop_sign_on_mailings(statements=campaign.statements.all(), reason=Mailing.CancelReason.CAMPAIGN_CLOSED)


def stop_mailings_of_closed_statement(sender, *, statement, **kwargs) -> int:
    """A statement closed by staff: its invitations and reminders stop. Returns how many were cancelled."""
    return stop_sign_on_mailings_if_closed(statement=statement)


def follow_merged_sign_on(sender, *, dropped, kept, **kwargs) -> None:
    """The invitations a sign-on dropped in a merge answered point to the sign-on kept."""
    Invitation.objects.filter(sign_on=dropped).update(sign_on=kept)
