"""Emails to signers, rendered in the signer's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import SignOn


def absolute_url(viewname, **kwargs):
    return settings.SITE_URL + reverse(viewname, kwargs=kwargs)


def _sign_on_context(sign_on: SignOn) -> dict:
    """What every email to a signer about their sign-on shows (rendered in the signer's language)."""
    return {
        "sign_on": sign_on,
        "statement": sign_on.statement,
        "signatory": sign_on.signatory,
        # Until confirmed, the address and name wait on the sign-on, not on a contact.
        "contact": {"name": sign_on.signer_name, "email": sign_on.signer_email},
        "statement_url": settings.SITE_URL + sign_on.statement.get_absolute_url(),
    }


def build_confirmation_email(sign_on: SignOn, *, token: str, management_token: str) -> EmailMultiAlternatives:
    """The email asking a signer to confirm their sign-on, with its signed, expiring link."""
    with translation.override(sign_on.language):
        context = {
            **_sign_on_context(sign_on),
            "confirm_url": absolute_url("signatories:confirm", token=token),
            "manage_url": absolute_url("signatories:manage", token=management_token),
            "valid_days": settings.SIGN_ON_CONFIRMATION_MAX_AGE // 86400,
        }
        subject = render_to_string("signatories/email/confirmation_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("signatories/email/confirmation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[sign_on.signer_email],
            # The same on every retry of this email: a copy sent twice (a worker died after
            # sending, before recording it) is shown once.
            headers={"Auto-Submitted": "auto-generated", "Message-ID": sign_on.confirmation_message_id},
        )
        message.attach_alternative(render_to_string("signatories/email/confirmation.html", context), "text/html")
    return message


def build_rejection_email(sign_on: SignOn) -> EmailMultiAlternatives:
    """The email telling a signer their sign-on was rejected, with the reason staff gave."""
    with translation.override(sign_on.language):
        context = {**_sign_on_context(sign_on), "reason": sign_on.rejection_reason}
        subject = render_to_string("signatories/email/rejection_subject.txt", context)
        return EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("signatories/email/rejection.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[sign_on.contact.email],
            # The email says "reply to this email": the reply reaches the campaign team.
            reply_to=sign_on.statement.campaign.reply_to_addresses,
            headers={"Auto-Submitted": "auto-generated", "Content-Language": sign_on.language},
        )


def build_already_signed_email(
    sign_on: SignOn, *, to: str, language: str, on_the_list: bool, management_token: str | None
) -> EmailMultiAlternatives:
    """The answer to a sign-on for a signatory that had signed ``sign_on``'s statement already.

    It says only what the page would show anyone (``on_the_list``), and gives the private
    link only to the address that signed (``management_token``).
    """
    with translation.override(language):
        context = {
            "statement": sign_on.statement,
            "signatory": sign_on.signatory,
            "on_the_list": on_the_list,
            "statement_url": settings.SITE_URL + sign_on.statement.get_absolute_url(),
            "manage_url": absolute_url("signatories:manage", token=management_token) if management_token else "",
        }
        subject = render_to_string("signatories/email/already_signed_subject.txt", context)
        return EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("signatories/email/already_signed.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
        )
