"""Helpers shared by several test modules: plain functions, grouped by what they act on.

A test module imports them from here, never from another test module (tests/test_layout.py checks).
Fixtures shared between modules live in tests/conftest.py, the worker and broker ones in tests/workers.py.
"""

import base64
import csv
import hashlib
import hmac
import html
import io
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.models import CampaignMembership
from core.spam_protection import issue_form_stamp
from signatories.models import SignOn

from .factories import IndividualFactory, OrganizationFactory, SignOnFactory, StaffUserFactory

# --- The public sign-on form --------------------------------------------------
# What a signer's browser posts, and where.


def sign_url(statement):
    return reverse(
        "signatories:sign", kwargs={"campaign_slug": statement.campaign.slug, "statement_slug": statement.slug}
    )


def spam_check_fields(prefix, *, shown_seconds_ago=60):
    """What a browser sends back of the spam checks: an empty honeypot, and the stamp of a form shown a while ago."""
    return {f"{prefix}-homepage": "", f"{prefix}-form_stamp": issue_form_stamp(at=time.time() - shown_seconds_ago)}


def organization_post(**overrides):
    data = {
        "kind": "organization",
        "organization-name": "Derechos Digitales",
        "organization-acronym": "",
        "organization-country": "CL",
        "organization-website": "https://www.derechosdigitales.org/",
        "organization-contact_name": "María José Pérez",
        "organization-contact_email": "maria@derechosdigitales.example",
        "organization-listing": "listed",
        "organization-authorized": "on",
        "organization-consent": "on",
        **spam_check_fields("organization"),
    }
    data.update({f"organization-{key}" if key != "kind" else key: value for key, value in overrides.items()})
    return {key: value for key, value in data.items() if value is not None}


def individual_post(**overrides):
    data = {
        "kind": "individual",
        "individual-name": "Valerie Steeves",
        "individual-title": "Full Professor",
        "individual-affiliation": "Department of Criminology, University of Ottawa",
        "individual-country": "CA",
        "individual-email": "valerie@uottawa.example",
        "individual-listing": "listed",
        "individual-consent": "on",
        **spam_check_fields("individual"),
    }
    data.update({f"individual-{key}": value for key, value in overrides.items()})
    return {key: value for key, value in data.items() if value is not None}


def input_tag(page, element_id):
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{element_id}"[^>]*>', page)
    assert match, f"no input with id {element_id}"
    return match.group(0)


def sign(client, statement, data, capture):
    with capture(execute=True):
        return client.post(sign_url(statement), data)


# --- Staff --------------------------------------------------------------------
# A staff member signed in as after the authenticator app, and one with a role.


def kind_of_page(path: str) -> str:
    """/admin/mailings/mailing/12/send/ -> /admin/mailings/mailing/<id>/send/: one visit per kind of admin page
    when a test crawls the admin.

    Every model's history and delete pages are one page each (the same template, a list of rows)."""
    path = re.sub(r"/\d+(?=/)", "/<id>", path)
    return re.sub(r"^/admin/.+/<id>/(history|delete)/$", r"/admin/*/<id>/\1/", path)


def sign_in(client, user):
    client.force_login(user)
    # As after a real sign-in with the authenticator app.
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [{"method": "mfa", "type": "totp", "at": time.time()}]
    session.save()
    return client


def staff_with_role(role, campaigns=()):
    user = StaffUserFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=role))
    for campaign in campaigns:
        CampaignMembership.objects.create(user=user, campaign=campaign)
    return user


# --- Emails -------------------------------------------------------------------
# The links in an email a test received.


def confirmation_link(message):
    match = re.search(r"http://[^\s\"]+/confirm/[^\s\"/]+/", message.body)
    assert match, message.body
    return match.group(0).replace("http://127.0.0.1:8000", "")


def link_in(message, name):
    return re.search(rf"http://127\.0\.0\.1:8000(/{name}/[^\s\"/]+/)", message.body).group(1)


# --- Statements in the admin --------------------------------------------------
# What the admin's change form posts for a statement, and saving it.


def change_form_data(statement, **changes):
    """What the admin change form posts for ``statement``, with its concerns and demands unchanged."""
    data = {
        "campaign": statement.campaign_id,
        "title": statement.title,
        "slug": statement.slug,
        "kind": statement.kind,
        "issued_by": statement.issued_by,
        "language": statement.language,
        "position": statement.position,
        "summary": statement.summary,
        "body": statement.body,
        "concerns_intro": statement.concerns_intro,
        "before_demands": statement.before_demands,
        "demands_intro": statement.demands_intro,
        "closing": statement.closing,
        "state": statement.state,
        "requires_approval": "on",
        "tiers-TOTAL_FORMS": 0,
        "tiers-INITIAL_FORMS": 0,
    }
    for prefix in ("concerns", "demands"):
        rows = list(getattr(statement, prefix).all()) if statement.pk else []
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for index, row in enumerate(rows):
            data.update(
                {
                    f"{prefix}-{index}-id": row.pk,
                    f"{prefix}-{index}-statement": statement.pk,
                    f"{prefix}-{index}-position": row.position,
                    f"{prefix}-{index}-text": row.text,
                }
            )
            if prefix == "demands":
                data.update(
                    {
                        f"{prefix}-{index}-status": row.status,
                        f"{prefix}-{index}-addressed_to": row.addressed_to,
                        f"{prefix}-{index}-status_note": row.status_note,
                    }
                )
    data.update(changes)
    # The admin edits each text per language (django-modeltranslation): these are the original's.
    language = statement.language or "en"
    return {
        (f"{key}_{language}" if key.rsplit("-", 1)[-1] in TRANSLATED_FIELDS else key): value
        for key, value in data.items()
    }


TRANSLATED_FIELDS = {
    "title",
    "issued_by",
    "summary",
    "body",
    "concerns_intro",
    "before_demands",
    "demands_intro",
    "closing",
    "text",
    "addressed_to",
    "status_note",
}


def save_in_admin(client, statement, **changes):
    response = client.post(
        reverse("admin:campaigns_statement_change", args=[statement.pk]), change_form_data(statement, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    statement.refresh_from_db()
    return response


# --- Importing sign-ons -------------------------------------------------------
# A form service's export, and the import pages' upload, mapping and preview.


# The export of a form service, with its own headings and habits.
FORM_SERVICE_HEADINGS = [
    "Timestamp",
    "I am signing as",
    "Organisation name",
    "Acronym",
    "Country",
    "Website",
    "Your full name",
    "E-mail address",
    "May we list your name publicly?",
]


def form_service_row(
    name,
    email,
    *,
    kind="Organization",
    country="KE",
    website="",
    listing="Yes",
    timestamp="2024-08-05 10:12:00",
    acronym="",
    contact="Amina Juma",
):
    return [timestamp, kind, name, acronym, country, website, contact, email, listing]


def csv_file(rows, headings=FORM_SERVICE_HEADINGS, name="responses.csv"):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(headings)
    writer.writerows(rows)
    return SimpleUploadedFile(name, output.getvalue().encode("utf-8"), content_type="text/csv")


def import_url(statement):
    return reverse("admin:campaigns_statement_import", args=[statement.pk])


def upload(client, statement, file):
    """Post the file, which the request only stores: a worker reads it (eagerly, once the request's
    transaction commits); then the page the browser is sent to (the columns to map, or why not)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        posted = client.post(import_url(statement), {"step": "upload", "file": file})
    if posted.status_code != 302 or "/import/" not in posted["Location"]:
        return posted  # refused by the form (size, kind of file), or no import for this user
    return client.get(posted["Location"])


class FormPost(dict):
    """What a form posts, and where: its ``action``, or the address of the page that shows it."""

    action = None


MAPPING_FORM = re.compile(r"<form\b([^>]*)>(?:(?!</form>).)*?name=\"step\" value=\"preview\"", re.DOTALL)


def mapping_post(response, step, **changes):
    """What the mapping form posts, as the page filled it in (guessed columns and defaults), to where
    the page's form posts it (as a browser would: the page's own address when it names none)."""
    form = response.context["mapping_form"]
    data = FormPost(step=step)
    for bound in form:
        value = bound.value()
        if value in (None, False):
            continue
        data[bound.html_name] = "on" if value is True else value
    data.update(changes)
    posted = FormPost({key: value for key, value in data.items() if value is not None})
    opening = MAPPING_FORM.search(response.content.decode())
    action = re.search(r'\baction="([^"]*)"', opening.group(1)) if opening else None
    posted.action = html.unescape(action.group(1)) if action and action.group(1) else response.request["PATH_INFO"]
    return posted


def run(client, statement, data):
    """Post a mapping where the page posts it: the worker checks or imports (eagerly, once the
    request's transaction commits); then the page the browser is sent to, which shows where the run stands."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        posted = client.post(getattr(data, "action", None) or import_url(statement), data)
    if posted.status_code != 302 or "/import/" not in posted["Location"]:
        return posted  # the mapping form with its errors, or a refusal
    return client.get(posted["Location"])


def preview(client, statement, file, **changes):
    response = upload(client, statement, file)
    assert response.status_code == 200
    return run(client, statement, mapping_post(response, "preview", **changes))


def problems(response):
    return [(problem.row, problem.column, problem.message) for problem in response.context["report"].problems]


# --- The email provider's reports (mailings.provider_events) ----------------------
# What Mailgun posts to /email-events/mailgun/ for a message it could not deliver, signed as Mailgun signs.

MAILGUN_SIGNING_KEY = "key-0123456789abcdef0123456789abcdef"
EMAIL_EVENTS_SECRET = "mailgun-events:Wq3v9Jr2kLm8xT"


def mailgun_event(*, address, message_id, event="failed", severity="permanent", code=550, key=MAILGUN_SIGNING_KEY):
    """A Mailgun webhook payload as Mailgun sends it (JSON, the signature block beside ``event-data``)."""
    timestamp = str(int(time.time()))
    token = uuid.uuid4().hex + uuid.uuid4().hex[:18]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    event_data = {
        "id": uuid.uuid4().hex[:22],
        "timestamp": float(timestamp),
        "log-level": "error" if event == "failed" else "warn",
        "event": event,
        "recipient": address,
        "recipient-domain": address.partition("@")[2],
        "message": {
            "headers": {"to": address, "message-id": message_id, "from": "campaigns@coalition.example"},
            "attachments": [],
            "size": 4521,
        },
        "tags": [],
        "user-variables": {},
        "flags": {"is-routed": False, "is-authenticated": True, "is-system-test": False, "is-test-mode": False},
    }
    if event == "failed":
        event_data["severity"] = severity
        event_data["reason"] = "bounce" if code >= 500 else "old"
        event_data["delivery-status"] = {
            "attempt-no": 1,
            "code": code,
            "message": f"{code} 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table",
            "description": "",
            "session-seconds": 0.4,
        }
    return {"signature": {"timestamp": timestamp, "token": token, "signature": signature}, "event-data": event_data}


def basic_auth(credentials=EMAIL_EVENTS_SECRET):
    return "Basic " + base64.b64encode(credentials.encode()).decode()


# --- Signing in as a person does, and reading a page as they do -------------------------------

PASSWORD = "correct horse battery staple"  # the factories' password


def text_of(response):
    """The page's text as a person reads it: tags out, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def current_code(secret):
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def sign_in_with_code(client, user, next_url="/admin/"):
    """The password, then the authenticator code, as the sign-in pages post them; where it lands."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD, "next": next_url})
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    return response["Location"]


def make_signatories(statement, count):
    """``count`` sign-ons of ``statement`` in every tier, kind and listing: a list to count queries over."""
    lead, supporting = statement.tiers.order_by("position")
    countries = ["DE", "BR", "KE", "AR", "IN", "PS", "LB", "SN"]
    for index in range(count):
        SignOnFactory(
            statement=statement,
            tier=lead if index % 10 == 0 else supporting,
            signatory=(IndividualFactory() if index % 7 == 0 else OrganizationFactory(country=countries[index % 8])),
            listing=[SignOn.Listing.LISTED, SignOn.Listing.LISTED_WITHOUT_COUNTRY, SignOn.Listing.UNLISTED][index % 3],
        )


class PartnerServer:
    """A partner's server on a free local port, answering with the statuses it is given, in turn."""

    def __init__(self, statuses):
        self.statuses, self.received = list(statuses), []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.received.append((dict(self.headers), body))
                self.send_response(server.statuses.pop(0) if server.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/hooks/signatures"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
