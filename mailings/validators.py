"""Which addresses campaign email can be sent to, in words staff can act on."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _


def email_problem(email: str) -> str:
    """Why ``email`` cannot be mailed, in words staff can act on; "" when it can.

    Letters beyond ASCII before the @ ("lucía@…") need SMTPUTF8, which Django's SMTP
    backend does not speak: such a message would leave with a broken To: header. They
    are refused where they are typed, with this reason, rather than fail at sending.
    """
    local, at, _domain = (email or "").rpartition("@")
    if at and local and not local.isascii():
        return _(
            "“%(email)s” has accented or non-Latin letters before the @, which email cannot be sent to "
            "from here: ask for another address (e.g. without accents)."
        ) % {"email": email}
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(email)s” is not an email address.") % {"email": email}
    return ""


def validate_sendable_email(email: str) -> None:
    """A form validator with :func:`email_problem`'s reason (Django's own says only "Enter a valid email")."""
    problem = email_problem(email)
    if problem:
        raise ValidationError(problem, code="invalid")
