"""The audit trail (django-simple-history), as every audited model declares it.

``audit_trail(...)`` takes the arguments of ``HistoricalRecords``.
"""

import functools

from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords


class ReusedClassHistoryManager(HistoryManager):
    """simple-history's manager, its class built once per queryset class.

    simple-history reaches the manager of a record's history through a descriptor
    that builds a new manager class on every access (``from_queryset``), which
    inspects every method of the queryset on every access, and each saved row makes
    one (three per sign-on). Built once, an access is a dictionary look-up.
    """

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


def audit_trail(**options) -> HistoricalRecords:
    """``HistoricalRecords(**options)`` with the manager above."""
    return HistoricalRecords(history_manager=ReusedClassHistoryManager, **options)
