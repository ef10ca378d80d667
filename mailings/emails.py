"""Rendering a mailing for one recipient, in their language, with the unsubscribe headers."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Delivery, Mailing, MailingContent


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def build_delivery_email(
    delivery: Delivery, mailing: Mailing, content: MailingContent, *, test: bool = False
) -> EmailMultiAlternatives:
    """The message for one delivery: greeting, the staff's text, the personal part, the footer.

    Every mailing is campaign email, so each carries a one-click unsubscribe link
    (RFC 8058) and a stable Message-ID (the same on every retry).
    """
    from .services import make_invitation_token, make_unsubscribe_token

    statement = mailing.statement
    unsubscribe_url = absolute_url(
        reverse("mailings:unsubscribe", kwargs={"token": make_unsubscribe_token(delivery.email)})
    )
    invitation_url = ""
    if delivery.invitation_id:
        token = make_invitation_token(delivery.invitation)
        invitation_url = absolute_url(reverse("mailings:invitation", kwargs={"token": token}))
    elif mailing.kind in {Mailing.Kind.INVITATION, Mailing.Kind.DEADLINE_REMINDER}:
        invitation_url = absolute_url(statement.get_absolute_url()) + "#sign"

    with translation.override(content.language):
        context = {
            "delivery": delivery,
            "mailing": mailing,
            "content": content,
            "statement": statement,
            "statement_url": absolute_url(statement.get_absolute_url()),
            "invitation_url": invitation_url,
            "unsubscribe_url": unsubscribe_url,
            "test": test,
        }
        text = render_to_string("mailings/email/mailing.txt", context)
        html = render_to_string("mailings/email/mailing.html", context)
    subject = f"[TEST] {content.subject}" if test else content.subject
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        headers={
            "Message-ID": delivery.message_id,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
