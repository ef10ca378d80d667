"""The admin reads and shows a campaign's times in the campaign's own time zone.

A coordinator in Bogotá types a deadline as 18:00 and means 18:00 in Bogotá: on the
pages of one campaign's objects (its own page, a statement's, a mailing's, and their
buttons' pages), Django's current time zone is the campaign's, so forms read typed
times in it, show stored ones in it, and every date time field says which zone it is.
"""

import functools
import zoneinfo

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLPattern
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext


def in_campaign_zone(moment, campaign) -> str:
    """``moment`` as staff read it in a list of several campaigns: in its campaign's zone, the zone named."""
    if moment is None:
        return "-"
    zone = zoneinfo.ZoneInfo(campaign.time_zone)
    return f"{date_format(timezone.localtime(moment, zone), 'DATETIME_FORMAT')} ({campaign.time_zone})"


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
            return zoneinfo.ZoneInfo(zone) if zone else None
        except (ValueError, TypeError, ValidationError, zoneinfo.ZoneInfoNotFoundError):
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
