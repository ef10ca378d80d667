"""What the staff side's own pages share: each is a page of a ModelAdmin's admin site, in the admin's layout."""

from functools import wraps

from django.template.response import TemplateResponse


def admin_page_view(model_admin, view):
    """``view(model_admin, request, …)`` as a view of ``model_admin``'s admin site, for its ``get_urls``: for
    signed-in staff only, never cached, protected against cross-site requests (``AdminSite.admin_view``)."""

    @wraps(view)
    def page(request, *args, **kwargs):
        return view(model_admin, request, *args, **kwargs)

    return model_admin.admin_site.admin_view(page)


def admin_page(model_admin, request, template, title, **context):
    """``template`` rendered in the admin's layout (its menu, its header), titled ``title``, about
    ``model_admin``'s model (``opts``: the breadcrumbs' link to its list)."""
    return TemplateResponse(
        request,
        template,
        {**model_admin.admin_site.each_context(request), "title": title, "opts": model_admin.model._meta, **context},
    )
