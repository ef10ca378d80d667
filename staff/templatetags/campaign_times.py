"""``{{ moment|zoned }}``: a time on a staff page, in the current time zone, the zone named (time_zones.zoned_time)."""

from django import template

from staff.admin.time_zones import zoned_time

register = template.Library()


@register.filter
def zoned(moment):
    return zoned_time(moment)
