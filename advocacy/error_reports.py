"""Error reports (the emails Django sends to ADMINS, the debug page) without personal data.

Django hides passwords and keys; a sign-on form also carries names, email addresses
and affiliations, and a signer's private link carries a bearer token. Those are
starred out too, in POST and GET data and in the local variables of each frame.
"""

import re

from django.views.debug import SafeExceptionReporterFilter

PERSONAL_NAMES = re.compile(
    r"email|name|contact|phone|address|note|title|affiliation|login|password|token|code|secret|"
    r"signatory|sign_on|details|profile|invitee|user",
    flags=re.IGNORECASE,
)


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    def _cleanse(self, values):
        values = values.copy()
        for key in values:
            if PERSONAL_NAMES.search(key):
                values[key] = self.cleansed_substitute
        return values

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        return self._cleanse(parameters) if self.is_active(request) and parameters else parameters

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        multivaluedict = super().get_cleansed_multivaluedict(request, multivaluedict)
        return self._cleanse(multivaluedict) if self.is_active(request) else multivaluedict

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        return [(name, self.cleansed_substitute if PERSONAL_NAMES.search(name) else value) for name, value in variables]
