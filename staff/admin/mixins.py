"""Admin building blocks the staff side's admins share: large lists, read-only records, superusers-only admins,
email fields that refuse addresses that cannot be mailed."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.core.validators import EmailValidator
from django.db import connections
from django.utils.functional import cached_property

from mailings.validators import validate_sendable_email

# A whole table with at least this many rows is counted from PostgreSQL's estimate.
ESTIMATE_COUNT_FROM = 100_000


class EstimatedCountPaginator(Paginator):
    """An admin list's paginator that takes PostgreSQL's row estimate for the count of a whole,
    large table: COUNT(*) of a million sign-ons took a hundred milliseconds on every page of
    the moderation list. The estimate is refreshed by autovacuum's ANALYZE and is off by a
    fraction of a percent (the last page may then be short or empty); a list that is filtered
    (searched, by campaign, by state) is counted exactly, and so is a smaller table.

    One query either way, as the exact count alone would be: PostgreSQL runs the COUNT(*)
    subquery (an InitPlan) only when the CASE reaches it.
    """

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None or query.where or query.distinct or query.combinator:
            return super().count
        connection = connections[self.object_list.db]
        if connection.vendor != "postgresql":
            return super().count
        table = connection.ops.quote_name(query.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint "
                f"ELSE (SELECT COUNT(*) FROM {table}) END "
                "FROM pg_class WHERE oid = %s::regclass",
                [ESTIMATE_COUNT_FROM, query.model._meta.db_table],
            )
            return cursor.fetchone()[0]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the workflows write (a delivery, an unsubscription): read in the admin, never added or changed there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecordAdmin(ReadOnlyAdmin):
    """A record of something that happened (an erasure, a merge): read in the admin, never
    added, changed or deleted there, so that it stays what the workflow wrote."""

    def has_delete_permission(self, request, obj=None):
        return False


class SuperusersOnlyAdmin(admin.ModelAdmin):
    """Shown to superusers only, whatever permissions a staff member was given.

    For what runs the site rather than a campaign (scheduled tasks, sign-in records):
    a campaign team has no use for it, and a wrong click there stops reminders or
    removes a colleague's second factor.
    """

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def restrict_to_superusers(app_label: str, site=admin.site) -> None:
    """Register again every admin of ``app_label`` (a third-party app's) as superusers-only."""
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label != app_label:
            continue
        admin_class = type(model_admin)
        site.unregister(model)
        site.register(model, type(admin_class.__name__, (SuperusersOnlyAdmin, admin_class), {}))


class SendableEmailsAdmin(admin.ModelAdmin):
    """Email fields refuse, with the reason, addresses that cannot be mailed (see mailings.validators.email_problem)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "email" and field is not None:
            # In place of Django's bare "Enter a valid email address." (it checks the same, and more).
            field.validators = [
                validator for validator in field.validators if not isinstance(validator, EmailValidator)
            ] + [validate_sendable_email]
        return field
