from django import template

from core.forms import DescribedFieldsMixin

register = template.Library()


@register.simple_tag
def describe_fields(form):
    """Ties help texts and errors to inputs on forms we do not own (allauth's), as ours do."""
    DescribedFieldsMixin.describe_fields(form)
    return ""
