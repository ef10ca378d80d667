"""The site's URLs plus two baselines of the benchmark, never in the production URLs.

- ``/__bench__/hello/``: a bare Django "hello world" view, the baseline every figure is
  compared to;
- ``/__bench__/sign-floor/<campaign>/<statement>/``: the least a sign-on POST can do
  and still keep the signature, to show how far the real one is from it.
"""

import json

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, resolve_url
from django.urls import path

from advocacy.urls import urlpatterns as site_urlpatterns
from public_site.forms.signatories import SIGN_ON_FORMS
from public_site.statement_page import get_statement_for_sign_on
from public_site.views.signatories import CONTENT_FRAGMENT


def hello(request):
    """The cheapest response Django can give through the site's middleware."""
    return HttpResponse(b"Hello, world", content_type="text/plain")


FLOOR_TABLE = "bench_floor_sign_on"


def create_floor_table():
    """The floor's table, in the benchmark's own database only; no migration, as no model
    reads it. Created by the seed, before gunicorn starts: created by the first request of
    each worker instead, several workers raced to create it and one failed."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} "
            "(id bigserial PRIMARY KEY, statement_id bigint NOT NULL, details jsonb NOT NULL, "
            "received_at timestamptz NOT NULL DEFAULT now())"
        )


def sign_floor(request, campaign_slug, statement_slug):
    """The floor of a sign-on POST: the statement found as the real view finds it, the
    same form validated, what it holds written as one row and committed, a redirect.

    No signatory lookup, no contact, no audit trail, no email: what is left is the
    cost any durable sign-on pays on this stack, whatever it does besides.
    """
    statement = get_statement_for_sign_on(request, campaign_slug, statement_slug)
    form_class = SIGN_ON_FORMS.get(request.POST.get("kind", ""))
    if form_class is None:
        return HttpResponseBadRequest()
    form = form_class(request.POST, statement=statement)
    if not form.is_valid() or form.is_automated:
        return HttpResponseBadRequest()
    details = form.signatory_details()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (statement_id, details) VALUES (%s, %s)",
            [
                statement.pk,
                json.dumps(
                    {**details.public_profile(), "email": details.email, "listing": form.cleaned_data["listing"]}
                ),
            ],
        )
    # As the real sign-on answers: the thank-you page, at its content.
    return redirect(
        resolve_url("signatories:received", campaign_slug=campaign_slug, statement_slug=statement_slug)
        + CONTENT_FRAGMENT
    )


urlpatterns = [
    path("__bench__/hello/", hello),
    path("__bench__/sign-floor/<slug:campaign_slug>/<slug:statement_slug>/", sign_floor),
    *site_urlpatterns,
]
