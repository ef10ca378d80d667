"""Two staff members merging the same pair at the same moment: one merge happens, nothing is lost."""

import threading

import pytest
from django.db import connection

from signatories import services
from signatories.models import OrganizationMerge, Signatory, SignOn

from .factories import OrganizationFactory, SignOnFactory, StaffUserFactory, StatementFactory

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_merges_of_one_pair_merge_once():
    keep = OrganizationFactory(name="Electronic Frontier Foundation")
    duplicate = OrganizationFactory(name="EFF")
    shared = StatementFactory()
    SignOnFactory(statement=shared, signatory=keep)
    SignOnFactory(statement=shared, signatory=duplicate)
    SignOnFactory(signatory=duplicate)
    staff = [StaffUserFactory(), StaffUserFactory()]
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def merge(user, keep_pk, duplicate_pk):
        try:
            # Each staff member's page loaded both organizations before either pressed "merge":
            # loading them after the barrier would let one thread finish before the other read.
            chosen_keep, chosen_duplicate = Signatory.objects.get(pk=keep_pk), Signatory.objects.get(pk=duplicate_pk)
            barrier.wait(timeout=30)
            services.merge_organizations(keep=chosen_keep, duplicate=chosen_duplicate, by=user)
            outcomes.append("merged")
        except services.MergeRefused:
            outcomes.append("refused")
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    # The second staff member picked the other one to keep: whichever runs second finds it gone.
    threads = [
        threading.Thread(target=merge, args=(staff[0], keep.pk, duplicate.pk)),
        threading.Thread(target=merge, args=(staff[1], duplicate.pk, keep.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(outcomes) == ["merged", "refused"]
    assert Signatory.objects.count() == 1
    assert OrganizationMerge.objects.count() == 1
    survivor = Signatory.objects.get()
    assert SignOn.objects.filter(signatory=survivor).count() == 2
    assert len(OrganizationMerge.objects.get().dropped_sign_ons) == 1
