"""The requires_browser marker: what the browser tests need, and what happens without it."""

from tests import service_checks


def test_missing_chromium_is_reported_with_how_to_install_it(tmp_path):
    problem = service_checks.browser_problem(chromium=str(tmp_path / "chromium"), axe_core=tmp_path / "axe.min.js")
    assert "apt-get install chromium" in problem


def test_missing_axe_core_is_reported_with_how_to_install_it(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    problem = service_checks.browser_problem(chromium=str(chromium), axe_core=tmp_path / "axe.min.js")
    assert "npm ci in tests/browser" in problem


def test_browser_is_usable_when_everything_is_there(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    axe = tmp_path / "axe.min.js"
    axe.write_text("window.axe = {};")
    assert service_checks.browser_problem(chromium=str(chromium), axe_core=axe) is None


def test_browser_tests_fail_instead_of_skipping_when_services_are_required():
    probes = {"requires_browser": lambda: "/usr/bin/chromium is missing"}
    assert service_checks.verdict_for({"requires_browser"}, probes=probes, required=True)[0] == "fail"
    assert service_checks.verdict_for({"requires_browser"}, probes=probes, required=False)[0] == "skip"
