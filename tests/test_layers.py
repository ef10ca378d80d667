"""The layers of the code (docs/architecture.md, issue 17), checked over the import graph.

From the bottom up: ``core`` (helpers every app shares); the core apps, each importing
only the ones below it; the pages, in three apps that never import each other: ``public_site``
(the public site), ``staff`` (the admin, campaign home, dashboard, imports and
merges) and ``api`` (the API for partners and machines); ``demo``; and ``advocacy``, the configuration (settings, URLs, Celery, WSGI),
which wires them all. The core apps hold no pages, forms or admin, and import no admin module.

A module is read as text (its ``import`` statements, wherever they are, functions
included), so an import hidden in a function to dodge a cycle counts too.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The core apps, lowest first: each may import those before it.
CORE_APPS = ["campaigns", "signatories", "accounts", "mailings", "outreach", "presskit", "privacy", "integrations"]
# The pages: each stands on every core app, none on another.
PAGE_APPS = ["public_site", "staff", "api"]
APPS = ["core", *CORE_APPS, *PAGE_APPS, "demo", "advocacy"]
# What a core app never holds: the pages (and the forms they show) live in public_site/, staff/ and api/.
PAGE_FILES = ["views.py", "urls.py", "admin.py", "forms.py", "templatetags"]


def may_import(app: str) -> set[str]:
    """The project's apps a module of ``app`` may import (its own included)."""
    if app == "core":
        return {"core"}
    if app in CORE_APPS:
        return {"core", *CORE_APPS[: CORE_APPS.index(app) + 1]}
    if app in PAGE_APPS:
        return {"core", *CORE_APPS, app}
    if app == "demo":
        return {"core", *CORE_APPS, *PAGE_APPS, "demo"}
    return set(APPS)


def module_name(root: Path, path: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def project_modules(root: Path = ROOT):
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, module_name(root, path), path


def imported_modules(path: Path) -> set[str]:
    """Every absolute module the module at ``path`` imports (relative imports are its own app's)."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def imported_apps(path: Path) -> set[str]:
    """Every project app the module at ``path`` imports, as the top-level name. The Celery app instance
    (``advocacy.celery``) is how a module names its tasks' app: it is not counted."""
    return {module.split(".")[0] for module in imported_modules(path) - {"advocacy.celery"}} & set(APPS)


def upward_imports(modules) -> dict[str, list[str]]:
    """For each module of ``modules`` (``(app, name, path)``) that imports an app it may not, those apps."""
    found = {}
    for app, name, path in modules:
        if offending := imported_apps(path) - may_import(app):
            found[name] = sorted(offending)
    return found


def test_every_app_imports_only_the_layers_below_it():
    assert upward_imports(project_modules()) == {}


def admin_imports(modules) -> dict[str, list[str]]:
    """For each module of ``modules`` in ``core`` or a core app, the admin modules it imports: Django's admin
    (``from django.contrib import admin`` included) or any app's ``admin`` (simple_history.admin…)."""
    found = {}
    for app, name, path in modules:
        if app not in ("core", *CORE_APPS):
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
        if admin := sorted(module for module in names if "admin" in module.split(".")):
            found[name] = admin
    return found


def test_core_apps_never_import_the_admin():
    """The admin's mixins, forms and displays are the staff side's (staff/admin/, staff/forms/)."""
    assert admin_imports(project_modules()) == {}


def test_the_check_fails_on_each_kind_of_admin_import(tmp_path):
    imports = {
        "core/audit.py": "from simple_history.admin import SimpleHistoryAdmin\n",
        "accounts/roles.py": "from django.contrib import admin\n",
        "campaigns/time_zones.py": "def later():\n    from django.contrib.admin.utils import unquote\n",
        "signatories/forms.py": "import django.contrib.admin.widgets\n",
        # Allowed: the staff side, and a word that only looks like it.
        "staff/admin/scoping.py": "from django.contrib import admin\n",
        "mailings/services.py": "from accounts.roles import administrators\n",
    }
    for name, text in imports.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert admin_imports(project_modules(tmp_path)) == {
        "core.audit": ["simple_history.admin.SimpleHistoryAdmin"],
        "accounts.roles": ["django.contrib.admin"],
        "campaigns.time_zones": ["django.contrib.admin.utils.unquote"],
        "signatories.forms": ["django.contrib.admin.widgets"],
    }


def test_core_apps_hold_no_pages():
    """Views, URLs, admin, forms and template tags are in public_site/ or staff/; a core app's templates are its emails."""
    pages = [f"{app}/{name}" for app in CORE_APPS for name in PAGE_FILES if (ROOT / app / name).exists()]
    templates = [
        str(path.relative_to(ROOT))
        for app in CORE_APPS
        for path in (ROOT / app / "templates").rglob("*")
        if path.is_file() and not path.is_relative_to(ROOT / app / "templates" / app / "email")
    ]
    assert pages == []
    assert templates == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "services.py"
    module.write_text("def later():\n    from mailings.models import Invitation\n    from . import tasks\n")
    assert imported_apps(module) == {"mailings"}


def test_the_check_fails_on_each_kind_of_upward_import(tmp_path):
    imports = {
        "core/caching.py": "from campaigns.models import Statement\n",
        "campaigns/services.py": "import mailings.services\n",
        "signatories/selectors.py": "from public_site.statement_page import render_statement_page\n",
        "mailings/services.py": "from staff import selectors\n",
        "public_site/views/campaigns.py": "from staff.dashboard import next_steps\n",
        "staff/admin/campaigns.py": "def later():\n    from public_site import partners\n",
        "privacy/tasks.py": "from demo import seed_texts\n",
        "public_site/partners.py": "from advocacy import settings\n",
        # Allowed: downwards, the Celery app, a page app on the core apps, the configuration on all.
        "signatories/services.py": "from campaigns.models import Tier\nfrom core import caching\n",
        "public_site/statement_page.py": "from advocacy.celery import app\nfrom privacy import services\n",
        "demo/outreach_kit.py": "from public_site import statement_page\nfrom staff import selectors\n",
        "advocacy/urls.py": "from public_site.urls import campaigns\n",
    }
    for name, text in imports.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert upward_imports(project_modules(tmp_path)) == {
        "core.caching": ["campaigns"],
        "campaigns.services": ["mailings"],
        "signatories.selectors": ["public_site"],
        "mailings.services": ["staff"],
        "public_site.views.campaigns": ["staff"],
        "staff.admin.campaigns": ["public_site"],
        "privacy.tasks": ["demo"],
        "public_site.partners": ["advocacy"],
    }
