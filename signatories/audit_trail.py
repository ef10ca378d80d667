"""Erasing personal data from the audit trail.

django-simple-history keeps every past version of a contact, sign-on and signatory,
and writes one more when a row is deleted. When a signer's data is erased (on
request, or by retention after a campaign), those copies and the merge records
that quote them must go too, or the erasure erases nothing.
"""

from django.db import transaction

from .models import Contact, OrganizationMerge, Signatory, SignOn


def erase_from_audit_trail(*, contact_ids=(), sign_on_ids=(), signatory_ids=()) -> int:
    """Delete every recorded version of the given contacts, sign-ons and signatories; return how many.

    Call it in the erasing transaction, after the rows themselves are deleted (their
    deletion writes one last version). Merge records drop the folded contacts and
    dropped sign-ons that belonged to them. Organizations' own profiles are not
    personal data and are only erased when their ids are passed.
    """
    contact_ids, sign_on_ids, signatory_ids = set(contact_ids), set(sign_on_ids), set(signatory_ids)
    with transaction.atomic():
        erased = Contact.history.filter(id__in=contact_ids).delete()[0]
        erased += SignOn.history.filter(id__in=sign_on_ids).delete()[0]
        erased += Signatory.history.filter(id__in=signatory_ids).delete()[0]
        if contact_ids or sign_on_ids:
            for merge in OrganizationMerge.objects.select_for_update():
                merged_contacts = [
                    entry for entry in merge.merged_contacts if entry["contact"].get("id") not in contact_ids
                ]
                dropped = [
                    entry
                    for entry in merge.dropped_sign_ons
                    if entry["sign_on"].get("id") not in sign_on_ids
                    and entry["sign_on"].get("contact_id") not in contact_ids
                ]
                if merged_contacts != merge.merged_contacts or dropped != merge.dropped_sign_ons:
                    merge.merged_contacts, merge.dropped_sign_ons = merged_contacts, dropped
                    merge.save(update_fields=["merged_contacts", "dropped_sign_ons"])
    return erased
