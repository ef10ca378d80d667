from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.roles import mask_email
from privacy import services


class Command(BaseCommand):
    help = (
        "Erase the contact details of signers of campaigns closed longer ago than their retention period "
        "(signers with an account or another campaign still kept are left alone), and those campaigns' "
        "invitations and mailing delivery rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be erased; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        run = services.apply_retention(dry_run=dry_run)
        if not run.campaigns:
            self.stdout.write(_("No campaign is past its retention period."))
            return
        for campaign in run.campaigns:
            self.stdout.write(
                _("Past retention: %(campaign)s (closed %(closed)s, kept %(days)d days)")
                % {
                    "campaign": campaign.name,
                    "closed": f"{campaign.closed_at:%Y-%m-%d}",
                    "days": campaign.retention_days,
                }
            )
        for contact in run.contacts:
            # Masked: this output may end up in a scheduler's log.
            self.stdout.write(
                _("  contact %(pk)d: %(email)s for %(signatory)s")
                % {"pk": contact.pk, "email": mask_email(contact.email), "signatory": contact.signatory}
            )
        counts = {"count": len(run.contacts), "invitations": run.invitations, "deliveries": run.deliveries}
        if dry_run:
            self.stdout.write(_("Dry run: %(count)d contacts would be erased.") % counts)
            self.stdout.write(
                _("Dry run: %(invitations)d invitations and %(deliveries)d mailing delivery rows would be erased.")
                % counts
            )
        else:
            self.stdout.write(_("%(count)d contacts erased.") % counts)
            self.stdout.write(
                _("%(invitations)d invitations and %(deliveries)d mailing delivery rows erased.") % counts
            )
