"""The layout of the tests: a test module takes its helpers from tests/helpers.py and its fixtures from
tests/conftest.py or tests/workers.py, never from another test module (issue 17)."""

import ast
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent


def imports_of_test_modules(path):
    """The test modules that the module at ``path`` imports from, wherever the import statement is."""
    imported = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module or ''}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        if any(part.startswith("test_") for name in names for part in name.split(".")):
            imported.append(f"line {node.lineno}: {ast.unparse(node)}")
    return imported


def test_no_test_module_imports_from_another_test_module():
    offenders = {
        str(path.relative_to(TESTS_DIR)): found
        for path in sorted(TESTS_DIR.rglob("*.py"))
        if "node_modules" not in path.parts and (found := imports_of_test_modules(path))
    }
    assert offenders == {}, "move shared helpers to tests/helpers.py and shared fixtures to tests/conftest.py"


def test_the_check_sees_every_way_of_importing_a_test_module(tmp_path):
    module = tmp_path / "test_example.py"
    # Spelled "test" + "_…" so that `grep -rn "from \.test_" tests` finds no import here either.
    test = "test"
    module.write_text(
        f"from .{test}_sign_on import organization_post\n"
        f"from tests.{test}_celery_worker import celery_worker as celery_worker\n"
        f"from . import {test}_mailings\n"
        f"import tests.{test}_staff_roles\n"
        "def test_it():\n"
        f"    from .{test}_staff_roles import sign_in\n"
        "from .helpers import sign_in\n"
        "from .factories import StatementFactory\n"
    )
    assert len(imports_of_test_modules(module)) == 5
