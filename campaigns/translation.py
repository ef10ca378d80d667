"""Per-language versions of what staff write (django-modeltranslation).

Each translated field gets one column per language on the same row (``title_es``,
``body_html_ar``…), so a page in any language reads the same rows with the same
number of queries. Reading ``statement.title`` gives the active language's text,
falling back along ``MODELTRANSLATION_FALLBACK_LANGUAGES``; the statement page
picks the language of the whole text itself (``Statement.text_language``) so that
an untranslated statement is shown in its original language, marked as such.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import STATEMENT_LANGUAGE_FIELDS, Campaign, Concern, Demand, Statement, Tier


# No language is required by the forms: the statement's own original language is
# (Statement.clean), whichever it is.
@register(Campaign)
class CampaignTranslationOptions(TranslationOptions):
    fields = ("name", "summary", "description", "description_html", "actions_intro", "header_image_alt")
    required_languages = ()


@register(Statement)
class StatementTranslationOptions(TranslationOptions):
    fields = STATEMENT_LANGUAGE_FIELDS
    required_languages = ()


@register(Concern)
class ConcernTranslationOptions(TranslationOptions):
    fields = ("text",)
    required_languages = ()


@register(Demand)
class DemandTranslationOptions(TranslationOptions):
    fields = ("text", "addressed_to", "status_note")
    required_languages = ()


@register(Tier)
class TierTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ()
