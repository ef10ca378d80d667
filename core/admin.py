"""Admin building blocks shared by the apps."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """A record of something that happened (an erasure, a merge): read in the admin, never
    added, changed or deleted there, so that it stays what the workflow wrote."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

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
