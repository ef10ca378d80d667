"""Template letters built from a statement's demands, and the mailto links that send them."""

from urllib.parse import quote

from django.utils.translation import gettext as _

from mailings.emails import absolute_url


def template_subject(action) -> str:
    if action.letter_subject:
        return action.letter_subject
    return action.statement.title if action.statement else action.title


def template_letter(action) -> str:
    """The letter a supporter starts from: staff's own text, or one built from the statement's demands.

    Staff may write ``{demands}`` in their text where the numbered demands go, and
    ``{statement_url}`` for the statement's address.
    """
    statement = action.statement
    demands = list(statement.demands.all()) if statement else []
    numbered = "\n".join(f"{number}. {demand.text}" for number, demand in enumerate(demands, start=1))
    statement_url = absolute_url(statement.get_absolute_url()) if statement else ""
    if action.letter_body:
        return action.letter_body.replace("{demands}", numbered).replace("{statement_url}", statement_url)
    paragraphs = [_("Dear Sir or Madam,")]
    if statement:
        paragraphs.append(
            _("I am writing to you about “%(title)s”, a joint statement by civil-society organizations.")
            % {"title": statement.title}
        )
        if statement.summary:
            paragraphs.append(statement.summary)
    if demands:
        paragraphs.append(statement.demands_intro or _("I ask you to:"))
        paragraphs.append(numbered)
    if statement_url:
        paragraphs.append(_("You can read the statement and see who signed it here: %(url)s") % {"url": statement_url})
    paragraphs.append(_("I look forward to your answer.\n\nYours sincerely,"))
    return "\n\n".join(paragraphs) + "\n"


def mailto_link(*, recipients, subject, body) -> str:
    """A mailto: URL (RFC 6068) the supporter's own mail client opens with everything filled in."""
    to = ",".join(quote(address, safe="@") for address in recipients)
    return f"mailto:{to}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
