"""Rendering a mailing for one recipient, in their language, with the unsubscribe headers."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

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
    manage_url = ""
    if delivery.sign_on_id:
        from signatories.services import make_management_token

        manage_url = absolute_url(
            reverse("signatories:manage", kwargs={"token": make_management_token(delivery.sign_on)})
        )

    with translation.override(content.language):
        context = {
            "delivery": delivery,
            "mailing": mailing,
            "content": content,
            "statement": statement,
            "statement_url": absolute_url(statement.get_absolute_url()),
            # Staff may point elsewhere; by default a press release links to the campaign's own press kit.
            "press_kit_url": mailing.press_kit_url
            or absolute_url(reverse("presskit:press_kit", kwargs={"campaign_slug": statement.campaign.slug})),
            "invitation_url": invitation_url,
            "manage_url": manage_url,
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


def build_unsubscribe_link_email(email: str, *, token: str) -> EmailMultiAlternatives:
    """A new unsubscribe link, asked for from an expired one; in the language of the page it was asked from."""
    unsubscribe_url = absolute_url(reverse("mailings:unsubscribe", kwargs={"token": token}))
    text = render_to_string("mailings/email/unsubscribe_link.txt", {"unsubscribe_url": unsubscribe_url})
    return EmailMultiAlternatives(
        subject=gettext("Your link to stop campaign email"),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        # Not campaign email itself: no List-Unsubscribe, and it goes out even to an unsubscribed address.
        headers={"Auto-Submitted": "auto-replied"},
    )
