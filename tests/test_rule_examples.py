"""Every rule's inline VALID/INVALID examples run here (Fixit style)."""

import dataclasses

import pytest

from conftest import run_cli
from hub_dist_lint.config import Config
from hub_dist_lint.engine import all_rules, lint
from hub_dist_lint.fixing import fix_source

CASES = [(rule, i, ex) for rule in all_rules() for i, ex in enumerate(rule.VALID)]
BAD = [(rule, i, ex) for rule in all_rules() for i, ex in enumerate(rule.INVALID)]


def test_every_rule_has_examples():
    for rule in all_rules():
        assert rule.INVALID, f"{rule.code} has no INVALID example"
        assert rule.VALID, f"{rule.code} has no VALID example"
        assert rule.code.startswith("HDL") and rule.summary and rule.explanation


def test_fix_help_lists_exactly_the_rules_whose_examples_get_fixed():
    # `hub-dist-fix --help` is generated from fix_availability/fix_summary; the
    # examples the fixer really rewrites keep those honest
    result = run_cli("--help", fix=True)
    assert result.returncode == 0
    help_text = " ".join(result.stdout.decode().split())
    for rule in all_rules():
        has_fixed_example = any(ex.fixed is not None for ex in rule.INVALID)
        assert (rule.fix_availability != "never") == has_fixed_example, rule.code
        if has_fixed_example:
            assert rule.fix_summary and f"{rule.code} {rule.fix_summary}" in help_text
        else:
            assert f"{rule.code} " not in help_text and rule.code in help_text  # "without a fix"
    assert "private imports" not in help_text


def _selecting(rule) -> Config:
    """The default selection, plus the rule's own code for an opt-in rule."""
    return Config(select=("HDL", rule.code)) if rule.opt_in else Config()


@pytest.mark.parametrize("rule,index,code", CASES, ids=[f"{r.code}-valid{i}" for r, i, _ in CASES])
def test_valid(rule, index, code):
    assert [d for d in lint(code, config=_selecting(rule)) if d.code == rule.code] == []


@pytest.mark.parametrize("rule,index,example", BAD, ids=[f"{r.code}-invalid{i}" for r, i, _ in BAD])
def test_invalid(rule, index, example):
    config = _selecting(rule)
    found = [d for d in lint(example.code, config=config) if d.code == rule.code]
    assert found, f"{rule.code} did not fire on:\n{example.code}"
    if rule.opt_in:
        assert not [d for d in lint(example.code) if d.code == rule.code], "opt-in, yet on by default"
    new, fixed, left = fix_source(example.code.encode(), config=config)
    if example.fixed is None or example.unsafe:
        assert all(d.code != rule.code for d in fixed)
    if example.unsafe:  # applied on request only; the reason says so
        assert rule.unsafe_when, f"{rule.code} has an unsafe example but no unsafe_when"
        assert any(d.code == rule.code and "--unsafe-fixes" in (d.no_fix_reason or "") for d in left)
        config = dataclasses.replace(config, unsafe_fixes=True)
        new, fixed, left = fix_source(example.code.encode(), config=config)
    if example.fixed is not None:
        assert new.decode() == example.fixed
        # a second run changes nothing
        assert fix_source(new, config=config)[0] == new
