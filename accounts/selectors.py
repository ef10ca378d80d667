from django.db.models import Prefetch

from signatories.models import SignOn

from .models import Representative


def representations_for(user):
    """The user's claims, newest first, with each approved organization's sign-ons and their statements."""
    return (
        Representative.objects.filter(user=user)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "organization__sign_ons",
                queryset=SignOn.objects.select_related("statement__campaign", "tier").order_by("-signed_at"),
            )
        )
    )


def approved_organizations_for(user):
    if not user.is_authenticated:
        return []
    return [
        rep.organization
        for rep in Representative.objects.filter(user=user, status=Representative.Status.APPROVED)
        .select_related("organization")
        .order_by("organization__sort_key")
    ]
