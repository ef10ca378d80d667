"""The layers of the code (docs/architecture.md, issue 17), checked over the import graph.

From the bottom up: ``core`` (helpers every app shares); the core apps, each importing
only the ones below it; above them, the pages (the public site and the staff side:
views, admin, URLs, feeds, the statement page, the dashboard); ``demo``; and
``advocacy``, the configuration (settings, URLs, Celery, WSGI), which wires them all.

A module is read as text (its ``import`` statements, wherever they are, functions
included), so an import hidden in a function to dodge a cycle counts too.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The core apps, lowest first: each may import those before it.
CORE_APPS = ["campaigns", "signatories", "accounts", "mailings", "outreach", "presskit", "privacy"]
# What sits above the core apps inside them today: the pages and what only pages use.
PAGE_MODULES = {"views", "urls", "admin", "statement_page", "partners", "dashboard", "provider_urls"}
PAGE_PACKAGES = {"templatetags", "management"}

# Reads of a campaign's whole state for its staff home (campaigns/selectors.py and services.py
# counting sign-ons, invitations, mailings and press-kit items) sit in the campaigns app but
# belong on the staff side; they move there with the staff app. Listed one by one so that
# none is added; the test fails as well when one of them is gone, to keep the list true.
UPWARD_IMPORTS_TO_MOVE = {
    ("campaigns.selectors", "mailings"),
    ("campaigns.selectors", "presskit"),
    ("campaigns.selectors", "signatories"),
    ("campaigns.services", "mailings"),
    ("signatories.services", "mailings"),
}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def project_modules():
    for app in ["core", *CORE_APPS, "demo", "advocacy"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, module_name(path), path


def imported_apps(path: Path) -> set[str]:
    """Every project app the module at ``path`` imports, as the top-level name (relative imports are its own)."""
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            apps |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
    return apps & {"core", "advocacy", "demo", *CORE_APPS}


def imported_page_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] in CORE_APPS and len(parts) > 1 and (parts[1] in PAGE_MODULES or parts[1] in PAGE_PACKAGES):
                found.add(".".join(parts[:2]))
    return found


def is_page_module(name: str) -> bool:
    parts = name.split(".")
    return len(parts) > 1 and (parts[1] in PAGE_MODULES or parts[1] in PAGE_PACKAGES)


def test_core_imports_no_app_of_the_project():
    offenders = {name: sorted(imported_apps(path) - {"core"}) for app, name, path in project_modules() if app == "core"}
    assert {name: apps for name, apps in offenders.items() if apps} == {}


def test_core_apps_import_only_the_apps_below_them_and_never_a_page():
    upward, pages, seen = set(), {}, set()
    for app, name, path in project_modules():
        if app not in CORE_APPS or is_page_module(name):
            continue
        below = set(CORE_APPS[: CORE_APPS.index(app)]) | {"core", app}
        for imported in imported_apps(path) - below:
            (seen if (name, imported) in UPWARD_IMPORTS_TO_MOVE else upward).add((name, imported))
        if found := imported_page_modules(path):
            pages[name] = sorted(found)
    assert sorted(upward) == [], "a core app imports an app above it (or the configuration, or the demo)"
    assert pages == {}, "a core app's model layer imports a page module (views, admin, URLs, feeds…)"
    assert seen == UPWARD_IMPORTS_TO_MOVE, f"moved already, drop from the list: {UPWARD_IMPORTS_TO_MOVE - seen}"


def test_nothing_imports_the_demo_or_the_configuration_but_the_configuration():
    offenders = {
        name: sorted(found)
        for app, name, path in project_modules()
        if app not in {"advocacy", "demo"}
        and (found := imported_apps(path) & {"demo", "advocacy"})
        # The Celery app instance is how a module names its tasks' app.
        and not (found == {"advocacy"} and "from advocacy.celery import app" in path.read_text())
    }
    assert offenders == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "services.py"
    module.write_text("def later():\n    from mailings.models import Invitation\n    from . import tasks\n")
    assert imported_apps(module) == {"mailings"}
