"""Form building blocks shared by the public site's forms and the staff side's (both stand on core)."""

from django import forms


class DescribedFieldsMixin:
    """Ties help texts and error messages to their inputs, for screen readers.

    The ids match those written by templates/_field.html.
    """

    def describe_fields(self):
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.RadioSelect):
                continue  # the fieldset around the radios carries the description
            auto_id = self[name].auto_id
            described_by = [f"{auto_id}_helptext"] if field.help_text else []
            # Reading self.errors here would validate the form before __init__ has finished.
            if self._errors and name in self._errors:
                described_by.append(f"{auto_id}_errors")
                field.widget.attrs["aria-invalid"] = "true"
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def full_clean(self):
        super().full_clean()
        self.describe_fields()
