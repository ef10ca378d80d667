"""Template tags for numbers and lists as the reader's language writes them (core/language_formatting.py).

    {% load language_formatting %}
    {% blocktranslate count counter=n|grouped %}{{ counter }} organization{% plural %}…{% endblocktranslate %}
    {% join_per_language %}first item{% and %}second item{% and %}third item{% endjoin_per_language %}
        → "first item, second item and third item"; in Arabic "first item وsecond item وthird item"
    {% blocktranslate with to=… asvar sentence %}Delivered to {{ to }}…{% endblocktranslate %}{{ sentence|with_contractions }}
        → "Entregada al Presidente…", not "a el Presidente"

Each item of ``join_per_language`` is written in the template (translated text, numbers,
conditions); an item that renders empty is left out, so an optional part needs no comma
of its own.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core import language_formatting

register = template.Library()

# Stand for the items while the language's pattern is applied, so that the pattern's own
# words are escaped and the items (rendered template output, already escaped) are not
# escaped twice. Private-use characters: never in real text.
_ITEM = "\ue000{}\ue001"


@register.filter
def grouped(number):
    """A count written with the language's thousands separator, still a number for plural forms."""
    return language_formatting.grouped(number)


@register.filter
def with_contractions(text):
    """Spanish "a el" and "de el" as "al" and "del" in a sentence assembled from pieces (a translation and staff text)."""
    return language_formatting.with_contractions(text)


@register.tag("join_per_language")
def do_join_per_language(parser, token):
    segments = []
    while True:
        segments.append(parser.parse(("and", "endjoin_per_language")))
        if parser.next_token().contents == "endjoin_per_language":
            return JoinPerLanguageNode(segments)


class JoinPerLanguageNode(template.Node):
    def __init__(self, segments):
        self.segments = segments

    def render(self, context):
        items = [text for segment in self.segments if (text := segment.render(context).strip())]
        placeholders = [_ITEM.format(i) for i in range(len(items))]
        joined = conditional_escape(language_formatting.join_per_language(placeholders))
        for placeholder, item in zip(placeholders, items):
            joined = joined.replace(placeholder, item)
        return mark_safe(joined)
