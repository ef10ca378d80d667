from celery import shared_task
from django.utils import translation

from . import statement_page


@shared_task
def render_statement_page(campaign_slug, statement_slug, language):
    """Render a statement's anonymous page into the cache (asked for by a reader who found it out of date)."""
    with translation.override(language):
        statement_page.refresh_cached_page(campaign_slug, statement_slug)
