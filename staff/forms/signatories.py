"""The staff side's forms for sign-ons: importing them from a file, rejecting, moving to a tier, merging."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from campaigns.models import Tier
from core.forms import DescribedFieldsMixin
from signatories.imports import IMPORT_FIELDS, ImportFileError, file_extension
from signatories.models import Signatory, SignOn


class ImportUploadForm(DescribedFieldsMixin, forms.Form):
    """Step 1 of an import: the file."""

    file = forms.FileField(
        label=_("File of sign-ons"),
        help_text=_("A CSV (UTF-8) or Excel (.xlsx) file with a heading row, e.g. the export of a form service."),
    )

    @classmethod
    def refusing(cls, problem: str):
        """The upload step again, with why the worker could not read the last file next to the field."""
        form = cls(data={}, files={})
        form.errors.clear()
        form.add_error("file", problem)
        return form

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.SIGN_ON_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB: split it.")
                % {"size": settings.SIGN_ON_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        try:
            file_extension(upload.name)
        except ImportFileError as problem:
            raise forms.ValidationError(str(problem))
        # Not read as a table here: a worker does that (signatories.imports.read_kept_upload).
        self.cleaned_data["data"] = upload.read()
        return upload


class ImportMappingForm(DescribedFieldsMixin, forms.Form):
    """Step 2 of an import: which column holds which field, and what holds for every row."""

    upload = forms.CharField(widget=forms.HiddenInput)
    default_kind = forms.ChoiceField(
        label=_("Rows without a kind are"), choices=Signatory.Kind.choices, initial=Signatory.Kind.ORGANIZATION
    )
    # The safe defaults: named only where the row says so, approved only when staff say so.
    default_listing = forms.ChoiceField(
        label=_("Rows without a listing are"),
        choices=SignOn.Listing.choices,
        initial=SignOn.Listing.UNLISTED,
        help_text=_("When in doubt, choose “Not listed”: a signer who did not agree to be named must not be."),
    )
    approve = forms.BooleanField(
        label=_("Approve the imported sign-ons (they were checked in the other tool)"),
        required=False,
        initial=False,
        help_text=_("Otherwise they wait in the moderation list."),
    )

    def __init__(self, *args, headings, **kwargs):
        super().__init__(*args, **kwargs)
        self.headings = headings
        choices = [("", _("— not in the file —")), *((heading, heading) for heading in headings)]
        for import_field in IMPORT_FIELDS:
            self.fields[f"column_{import_field.key}"] = forms.ChoiceField(
                label=import_field.label, choices=choices, required=import_field.required
            )
        # Every row needs a name: the names' column, unless the file names people only in their own column.
        self.fields["column_name"].required = not (self.is_bound and self.data.get("column_individual_name"))

    def mapping_fields(self):
        return [self[name] for name in self.fields if name.startswith("column_")]

    def option_fields(self):
        return [self[name] for name in ("default_kind", "default_listing", "approve")]

    def mapping(self) -> dict:
        return {
            name.removeprefix("column_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("column_") and value
        }


# --- Staff forms in the admin ----------------------------------------------------------


class RejectSignOnsForm(DescribedFieldsMixin, forms.Form):
    """The confirmation step of rejecting sign-ons in bulk: why, and whether to tell the signers."""

    reason = forms.CharField(
        label=_("Reason for rejecting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Recorded in the audit trail and, if you choose, emailed to each signer in their language."),
    )
    notify_signers = forms.BooleanField(
        label=_("Email the reason to each signer who confirmed their address"), required=False, initial=True
    )


class MoveSignOnsToTierForm(DescribedFieldsMixin, forms.Form):
    """The confirmation step of moving sign-ons in bulk to a tier of their statement."""

    tier = forms.ModelChoiceField(label=_("Move to the tier"), queryset=Tier.objects.none())
    reason = forms.CharField(label=_("Note for the audit trail"), max_length=500, required=False)

    def __init__(self, *args, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers
        self.fields["tier"].label_from_instance = lambda tier: f"{tier.statement.title} — {tier.name}"


class MergeOrganizationsForm(DescribedFieldsMixin, forms.Form):
    """Which of two organizations to keep when merging them, and why they are one."""

    keep = forms.TypedChoiceField(
        label=_("Organization to keep"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("The other one's sign-ons, contacts and history move to it; the other is then removed."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Recorded in the audit trail and the merge record."),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {organization.pk: organization for organization in organizations}
        self.fields["keep"].choices = [(organization.pk, organization.display_name) for organization in organizations]

    def keep_and_duplicate(self):
        keep = self.organizations[self.cleaned_data["keep"]]
        (duplicate,) = [o for pk, o in self.organizations.items() if pk != keep.pk]
        return keep, duplicate
