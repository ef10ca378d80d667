"""What a signer clicks through, in a real browser: read, sign, confirm from the email, see the name."""

import pytest

from signatories.models import SignOn

from .conftest import confirmation_path

pytestmark = [pytest.mark.requires_browser, pytest.mark.django_db(transaction=True)]


def fill_organization_form(page, *, name, contact, email):
    form = page.locator("#sign-organization")
    form.locator("input[name=organization-name]").fill(name)
    form.locator("select[name=organization-country]").select_option("AR")
    form.locator("input[name=organization-contact_name]").fill(contact)
    form.locator("input[name=organization-contact_email]").fill(email)
    form.locator("input[name=organization-consent]").check()
    form.locator("input[name=organization-authorized]").check()
    return form


def test_read_sign_as_organization_confirm_from_email_and_see_name_listed(page, live_server, statement, mailoutbox):
    page.goto(live_server.url + statement.get_absolute_url())
    assert page.locator("h1").inner_text() == statement.title
    assert page.locator("html").get_attribute("dir") == "ltr"

    page.get_by_role("link", name="Sign this statement").click()
    form = fill_organization_form(
        page, name="Asociación por los Derechos Civiles", contact="Ana Pérez", email="ana@adc.example.org"
    )
    form.get_by_role("button", name="Sign for the organization").click()
    page.wait_for_url("**/thank-you/#main")
    assert "check your email" in page.locator("main").inner_text().lower()

    assert len(mailoutbox) == 1
    page.goto(live_server.url + confirmation_path(mailoutbox[0]))
    # Opening the link confirms nothing: mail scanners open links too.
    assert SignOn.objects.get().confirmation_state == SignOn.Confirmation.UNCONFIRMED
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your signature is confirmed").wait_for()

    page.get_by_role("link", name="Back to the statement").click()
    signatories = page.locator("#signatories")
    assert "Asociación por los Derechos Civiles" in signatories.inner_text()
    assert "Argentina" in signatories.inner_text()
    # Contact details never reach the public page.
    assert "ana@adc.example.org" not in page.content()
    assert "Ana Pérez" not in page.content()


def test_switch_to_arabic_then_sign_and_get_the_email_in_arabic(page, live_server, statement, mailoutbox):
    page.goto(live_server.url + statement.get_absolute_url())
    page.locator("#language-select").select_option("ar")
    page.locator(".language-switcher button").click()
    page.wait_for_url(f"**/ar{statement.get_absolute_url()}")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    # The statement exists only in English: shown so, and said so, in Arabic.
    assert page.locator(".translation-note").is_visible()
    assert page.locator("article.statement").get_attribute("lang") == "en"

    form = page.locator("#sign-organization")
    # Sent empty first: the errors come back in Arabic, next to their fields.
    form.locator("button[type=submit]").click()
    name_input = page.locator("#sign-organization input[name=organization-name]")
    assert name_input.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{name_input.get_attribute('aria-describedby').split()[-1]}")
    assert error.inner_text().strip() == "هذا الحقل مطلوب."

    fill_organization_form(
        page, name="حملة - المركز العربي لتطوير الإعلام الاجتماعي", contact="Nadim", email="nadim@7amleh.example.org"
    )
    page.locator("#sign-organization button[type=submit]").click()
    page.wait_for_url("**/ar/**/thank-you/#main")

    sign_on = SignOn.objects.get()
    assert sign_on.language == "ar"
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert confirmation_path(email).startswith("/ar/")
    assert "تأكيد" in email.subject

    # The language is remembered: the home page comes back in Arabic without a prefix in the address.
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ar"


def test_download_the_press_kit_as_one_zip_and_the_signed_letter(page, live_server, tmp_path):
    """A journalist opens the press kit, downloads the whole kit for a language, and the signed letter."""
    import zipfile

    from django.core.management import call_command

    call_command("load_demo_campaign", verbosity=0)
    page.goto(live_server.url + "/campaigns/un-cybercrime-convention/press-kit/")
    assert page.locator("h1").is_visible()

    with page.expect_download() as kit:
        page.get_by_role("link", name="Download the whole kit (ZIP)").click()
    archive_path = tmp_path / "kit.zip"
    kit.value.save_as(archive_path)
    with zipfile.ZipFile(archive_path) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert any(name.lower().startswith("readme") for name in names)
    assert any(name.endswith(".pdf") for name in names), names  # the signed letter of each public statement
    assert any(name.endswith(".csv") for name in names), names  # and its publication list

    letter_link = page.get_by_role("link", name="The signed letter (PDF, ready to print)").first
    letter = page.request.get(live_server.url + letter_link.get_attribute("href"))
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
