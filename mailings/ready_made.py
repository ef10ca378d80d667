"""Ready-made email texts: what a new mailing's versions start from, for each kind and language.

Staff no longer face a blank box: a new invitation, reminder, press release… about a
statement opens with a subject and a body in each language of the statement (and of its
invitees), filled with its title, deadline and links, for them to edit before sending.
The texts are gettext strings, so translators write them in each language's catalog.

What the email adds by itself (greeting, the personal link to sign, the press kit link,
the link to change or withdraw a signature, the footer) is not repeated here.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from .emails import absolute_url
from .models import Mailing


def ready_made_languages(statement, kind) -> list[str]:
    """The statement's language first, then each other site language it is translated into or,
    for invitations and reminders, that one of its invitees reads."""
    invitee_languages = set()
    if kind in Mailing.SIGN_ON_KINDS and statement.pk:
        invitee_languages = set(statement.invitations.values_list("language", flat=True).distinct())
    others = [
        code
        for code, _name in settings.LANGUAGES
        if code != statement.language and (statement.is_translated_into(code) or code in invitee_languages)
    ]
    return [statement.language, *others]


def _deadline(statement) -> str:
    """The sign-on deadline as the language writes it, in the campaign's time zone, with the zone."""
    if statement.sign_on_deadline is None:
        return ""
    zone = statement.campaign.time_zone or settings.TIME_ZONE
    moment = timezone.localtime(statement.sign_on_deadline, ZoneInfo(zone))
    return f"{date_format(moment, 'DATETIME_FORMAT')} ({zone})"


def ready_made_text(kind, statement, language) -> dict:
    """The subject and Markdown body of a mailing of ``kind`` about ``statement`` in ``language``."""
    with translation.override(language):
        values = {
            "title": statement.title,
            "url": absolute_url(statement.get_absolute_url()),
            "deadline": _deadline(statement),
            "campaign": statement.campaign.name,
        }
        deadline_line = (
            gettext("Organizations can sign until %(deadline)s.") % values if statement.sign_on_deadline else ""
        )
        if kind == Mailing.Kind.INVITATION:
            subject = gettext("Invitation to sign: %(title)s") % values
            paragraphs = [
                gettext("We invite your organization to sign “%(title)s”, a statement of the %(campaign)s campaign.")
                % values,
                gettext("Read the statement: <%(url)s>") % values,
                deadline_line,
                gettext("Sign with your personal link below: it takes two minutes."),
            ]
        elif kind == Mailing.Kind.DEADLINE_REMINDER:
            subject = gettext("Last days to sign: %(title)s") % values
            paragraphs = [
                # The same words as the standard reminders (services.schedule_standard_reminders).
                gettext(
                    "We have not yet received your organization's signature. The more organizations "
                    "sign, the harder it is for decision makers to ignore the statement."
                ),
                deadline_line,
                gettext("Read the statement: <%(url)s>") % values,
            ]
        elif kind == Mailing.Kind.ACTION_REMINDER:
            subject = gettext("Thank you for signing: now help “%(title)s” be heard") % values
            paragraphs = [
                gettext(
                    "Thank you for signing “%(title)s”. A statement counts when decision makers hear of it: "
                    "share it, and ask your partners to sign."
                )
                % values,
                gettext("The statement and its signatories: <%(url)s>") % values,
            ]
        elif kind == Mailing.Kind.PRESS_RELEASE:
            subject = gettext("Press release: %(title)s") % values
            paragraphs = [
                gettext("Civil society organizations publish “%(title)s” (%(campaign)s campaign).") % values,
                statement.summary,
                gettext("The statement and its signatories: <%(url)s>") % values,
            ]
        elif kind == Mailing.Kind.VERSION_CHANGE:
            subject = gettext("The text of “%(title)s” has changed") % values
            paragraphs = [
                gettext("The text of “%(title)s”, which your organization signed, has changed. Please read it again.")
                % values,
                gettext("Read the statement: <%(url)s>") % values,
                gettext("If you no longer agree with it, change how your signature is listed or withdraw it below."),
            ]
        else:
            raise ValueError(f"No ready-made text for the kind {kind!r}")
    return {"language": language, "subject": subject[:250], "body": "\n\n".join(p for p in paragraphs if p)}


def ready_made_contents(kind, statement) -> list[dict]:
    """A version (language, subject, body) in each of :func:`ready_made_languages`."""
    return [ready_made_text(kind, statement, language) for language in ready_made_languages(statement, kind)]
