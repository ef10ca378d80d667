"""The admin reads and shows a campaign's times in the campaign's own time zone, and says which.

A coordinator in Bogotá types a deadline as 18:00 and means 18:00 in Bogotá: on the
pages of one campaign's objects (its own page, a statement's, a mailing's, a sign-on's,
and their buttons' pages), Django's current time zone is the campaign's, so forms read
typed times in it, show stored ones in it, and every date time field says which zone it
is. On the other pages of a campaign admin (its lists), the zone is that of the staff
member's campaigns when they share one, else the site's (UTC).

Whatever the zone, a time is never shown without it: ``zoned_time`` writes
"Dec. 4, 2026, 6 p.m. (America/Bogota)", and the admin's own display of date time
values (list cells, read-only fields) goes through it (``name_the_zone_of_admin_times``).
Staff templates use the ``zoned`` filter (``{% load campaign_times %}``, staff/templatetags).
"""

import datetime
import functools
import zoneinfo

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLPattern
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from campaigns.models import Campaign


def zoned_time(moment, zone=None):
    """``moment`` in ``zone`` (the current time zone by default), the zone named: HTML, a <time> element."""
    if moment is None:
        return "-"
    zone = zone or timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    return format_html(
        '<time datetime="{}">{} ({})</time>', local.isoformat(), date_format(local, "DATETIME_FORMAT"), str(zone)
    )


def time_with_zone(moment) -> str:
    """``moment`` in the current time zone, the zone named, as plain text (for messages and emails to staff)."""
    return f"{date_format(timezone.localtime(moment), 'DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"


def in_campaign_zone(moment, campaign) -> str:
    """``moment`` as staff read it in a list of several campaigns: in its campaign's zone, the zone named."""
    return zoned_time(moment, zoneinfo.ZoneInfo(campaign.time_zone))


def staff_time_zone(user):
    """The time zone of ``user``'s campaigns when they all share one (for superusers, every campaign's), else None."""
    if not hasattr(user, "_campaigns_time_zone"):
        campaigns = Campaign.objects.all()
        if not user.is_superuser:  # as accounts.roles.campaign_ids_for: the campaigns they are a member of
            campaigns = campaigns.filter(memberships__user=user.pk)
        zones = list(campaigns.order_by().values_list("time_zone", flat=True).distinct()[:2])
        user._campaigns_time_zone = zones[0] if len(zones) == 1 else None
    return user._campaigns_time_zone


def name_the_zone_of_admin_times():
    """Make the admin's display of date time values (list cells, read-only fields of forms and inlines) name the zone.

    Django formats them in ``display_for_field`` and ``display_for_value``, with no hook to
    add to them: the admin's modules are given versions that write ``zoned_time`` for a
    date time and leave every other value to Django. Called once, when the app is ready.
    """
    from django.contrib.admin import helpers, utils
    from django.contrib.admin.templatetags import admin_list

    if getattr(utils.display_for_field, "names_the_zone", False):
        return
    display_for_field, display_for_value = utils.display_for_field, utils.display_for_value

    @functools.wraps(display_for_field)
    def field_naming_the_zone(value, field, empty_value_display, *args, **kwargs):
        if (
            isinstance(field, models.DateTimeField)
            and isinstance(value, datetime.datetime)
            and not getattr(field, "flatchoices", None)
        ):
            return zoned_time(value)
        return display_for_field(value, field, empty_value_display, *args, **kwargs)

    @functools.wraps(display_for_value)
    def value_naming_the_zone(value, empty_value_display, *args, **kwargs):
        if isinstance(value, datetime.datetime):
            return zoned_time(value)
        return display_for_value(value, empty_value_display, *args, **kwargs)

    field_naming_the_zone.names_the_zone = True
    for module in (utils, helpers, admin_list):
        if hasattr(module, "display_for_field"):
            module.display_for_field = field_naming_the_zone
        if hasattr(module, "display_for_value"):
            module.display_for_value = value_naming_the_zone


def time_zone_field_note() -> str:
    return gettext("Time in %(zone)s.") % {"zone": timezone.get_current_timezone_name()}


class CampaignTimeZoneAdmin:
    """Mixin for a CampaignScopedAdmin: its object's views run in its campaign's time zone.

    Every URL of the admin with an object (``object_id`` or ``pk``) is wrapped, its own
    buttons' pages included; an add page takes the campaign chosen in its form (or in its
    address, ``?campaign=`` or ``?statement=``). The zone is only read here: whether the object may be seen
    is the view's own check, as before.
    """

    def campaign_time_zone(self, request, object_id=None):
        """The zone of the object's campaign (of the campaign chosen for a new one); on the other pages, or for
        an object of several campaigns, the zone of the staff member's campaigns if they share one."""
        zone = self._object_campaign_time_zone(request, object_id)
        if zone is None:
            zone = staff_time_zone(request.user)
        try:
            return zoneinfo.ZoneInfo(zone) if zone else None
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            return None

    def _object_campaign_time_zone(self, request, object_id):
        path = self.campaign_path
        if getattr(self, "campaign_path_is_many", False):
            return None
        field = f"{path}__time_zone" if path else "time_zone"
        try:
            if object_id is not None:
                zone = self.model._default_manager.filter(pk=unquote(str(object_id))).values_list(field, flat=True)
                zone = zone.first()
            elif path:
                # A new object: the campaign (or statement) chosen in its form, or given in its address.
                first, _sep, rest = path.partition("__")
                chosen = request.POST.get(first) or request.GET.get(first)
                if not chosen:
                    return None
                related = self.model._meta.get_field(first).related_model
                field = f"{rest}__time_zone" if rest else "time_zone"
                zone = related._default_manager.filter(pk=chosen).values_list(field, flat=True).first()
            else:
                return None
            return zone
        except (ValueError, TypeError, ValidationError):
            return None

    def _in_campaign_time_zone(self, view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            object_id = kwargs.get("object_id", kwargs.get("pk"))
            zone = self.campaign_time_zone(request, object_id)
            if zone is None:
                return view(request, *args, **kwargs)
            with timezone.override(zone):
                response = view(request, *args, **kwargs)
                # A TemplateResponse renders later, outside this block: render it in the zone.
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
                return response

        return wrapper

    @property
    def urls(self):
        # ``urls`` rather than get_urls: the subclasses' own pages (added in their get_urls) are wrapped too.
        return [
            URLPattern(url.pattern, self._in_campaign_time_zone(url.callback), url.default_args, url.name)
            if isinstance(url, URLPattern)
            else url
            for url in self.get_urls()
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.DateTimeField):
            # Said on the field itself: the zone the typed time is read in.
            note = time_zone_field_note()
            formfield.help_text = f"{formfield.help_text} {note}" if formfield.help_text else note
        return formfield
