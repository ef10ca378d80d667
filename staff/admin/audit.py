"""The audit trail in the admin: django-simple-history's pages, read-only."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class AuditedAdmin(SimpleHistoryAdmin):
    """An admin with a "History" page listing who changed what, when and why.

    Past versions can be read but not saved back: a revert would bypass the services
    (no email, no merge record) and what they guarantee. SIMPLE_HISTORY_REVERT_DISABLED
    only hides the button, so the POST is refused here.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
