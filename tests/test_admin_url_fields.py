"""Every web address staff type in the admin without its scheme is taken as https://."""

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from tests.factories import StaffUserFactory


@pytest.mark.django_db
def test_every_admin_form_takes_an_address_without_its_scheme_as_https():
    request = RequestFactory().get("/admin/")
    request.user = StaffUserFactory(is_superuser=True)
    checked = []
    for model, model_admin in admin.site._registry.items():
        inlines = [inline(model, admin.site) for inline in model_admin.inlines]
        for each_admin in [model_admin, *inlines]:
            for field in each_admin.model._meta.get_fields():
                if isinstance(field, models.URLField):
                    formfield = each_admin.formfield_for_dbfield(field, request)
                    checked.append(f"{each_admin.model.__name__}.{field.name}")
                    assert formfield.assume_scheme == "https", checked[-1]
    assert {"Organization.website", "Target.website", "CampaignPartner.website", "Webhook.url"} <= set(checked)
