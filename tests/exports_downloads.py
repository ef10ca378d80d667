"""Following a staff export through the admin: asked for, listed on the exports page, downloaded from its link."""

import re

from django.urls import reverse


def downloaded_export(client, response):
    """The file an export request led to, as staff get it: the request redirects to their exports page (the
    worker prepares the file; built at once under ``documents_built_at_once``) and they press its download link.
    Any other answer (a refusal) is returned as it is."""
    exports_page = reverse("admin:campaigns_statement_exports")
    if response.status_code != 302 or response["Location"] != exports_page:
        return response
    page = client.get(exports_page).content.decode()
    link = re.search(rf'href="({re.escape(exports_page)}\d+/)"', page)
    assert link, "the export is listed, ready, with a download link"
    return client.get(link.group(1))
