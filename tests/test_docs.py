"""docs/rules.md is generated from the rules; CI fails when it drifts."""

from pathlib import Path

from hub_dist_lint.docs import rules_document

ROOT = Path(__file__).resolve().parent.parent


def test_rules_doc_is_up_to_date():
    checked_in = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert checked_in == rules_document(), "run: python -m hub_dist_lint.docs"


def test_readme_commands_match_ci():
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    test_command = [l for l in ci.splitlines() if "pytest" in l][0].strip()
    assert test_command in readme


def test_rule_codes_are_up_to_date():
    from hub_dist_lint.docs import rule_codes_module

    checked_in = (ROOT / "hub_dist_lint" / "rule_codes.py").read_text("utf-8")
    assert checked_in == rule_codes_module(), "run: python -m hub_dist_lint.docs"
