"""ruff's fixer model: safe, unsafe and display-only fixes; fixable/unfixable/unsafe-fixes
in configuration and on the command line; non-overlapping fixes applied to a fixpoint."""

import json

import libcst as cst
import pytest

from conftest import run_cli, run_on_terminal
from hub_dist_lint.cli import _summary
from hub_dist_lint.config import Config
from hub_dist_lint.diagnostics import DISPLAY_ONLY, Diagnostic, Fix
from hub_dist_lint.fixing import choose_fixes, fix_source
from hub_dist_lint.reporters import Record, TextReporter

# HDL101 (a legacy Keras copy: unsafe), then HDL501 (the switch in a script: unsafe), and
# HDL103 (the same objects: safe). HDL501 has no fix until HDL101's is applied.
KERAS_AND_HUB = (
    "import tensorflow as tf\n"
    "import tensorflow_hub as hub\n"
    "from tensorflow.python.framework import ops\n"
    "from tensorflow.python.keras.layers import Dense\n"
    "\n"
    "model = tf.keras.Sequential([hub.KerasLayer('m'), Dense(1)])\n"
    "x = ops.convert_to_tensor([1.0])\n"
)


def test_safe_fixes_only_by_default_and_the_reason_for_the_rest():
    new, fixed, left = fix_source(KERAS_AND_HUB.encode())
    assert [d.code for d in fixed] == ["HDL103"]
    reasons = {d.code: d.no_fix_reason for d in left}
    assert reasons["HDL101"].startswith("unsafe fix, applied with --unsafe-fixes: tf_keras.layers.Dense "
                                        "is another object than tensorflow.python.keras.layers.Dense")
    assert "x = tf.convert_to_tensor([1.0])" in new.decode()


def test_one_run_reaches_the_fixpoint(tmp_path):
    # HDL501 waits for HDL101 (a legacy Keras import blocks it): one run does both; a
    # script nothing imports gets the switch (analysis/entry_point.py)
    config = Config(unsafe_fixes=True)
    path = str(tmp_path / "train.py")
    (tmp_path / "train.py").write_text(KERAS_AND_HUB)
    new, fixed, left = fix_source(KERAS_AND_HUB.encode(), path, config=config)
    assert sorted(d.code for d in fixed) == ["HDL101", "HDL103", "HDL501"]
    assert left == []
    assert new.decode().startswith('import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n'
                                   '    os.environ["TF_USE_LEGACY_KERAS"] = "1"\n')
    assert fix_source(new, path, config=config) == (new, [], [])


def test_the_command_line_reaches_the_fixpoint_too(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(KERAS_AND_HUB)
    first = run_cli("--unsafe-fixes", "train.py", cwd=tmp_path, fix=True)
    assert first.returncode == 1 and first.stderr.decode() == "fixed 3 finding(s) in train.py\n"
    again = run_cli("--unsafe-fixes", "train.py", cwd=tmp_path, fix=True)
    assert (again.returncode, again.stdout, again.stderr) == (0, b"", b"")


@pytest.mark.parametrize("settings,fixed", [
    ("unsafe-fixes = true\n", ["HDL101", "HDL103", "HDL501"]),
    ('unsafe-fixes = true\nunfixable = ["HDL5"]\n', ["HDL101", "HDL103"]),
    ('fixable = ["HDL101"]\nunsafe-fixes = true\n', ["HDL101"]),
    ('unfixable = ["HDL1"]\nfixable = ["HDL", "HDL103"]\n', ["HDL103"]),
])
def test_configuration(tmp_path, settings, fixed):
    (tmp_path / "pyproject.toml").write_text("[tool.hub-dist-lint]\n" + settings)
    (tmp_path / "train.py").write_text(KERAS_AND_HUB)
    result = run_cli("--format", "json", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    run_cli("train.py", cwd=tmp_path, fix=True)
    found = json.loads(run_cli("--format", "json", "--isolated", "--unsafe-fixes", "train.py",
                               cwd=tmp_path).stdout)
    assert sorted({"HDL101", "HDL103", "HDL501"} - {f["code"] for f in found}) == fixed


def test_flags_win_over_the_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.hub-dist-lint]\nunsafe-fixes = true\n")
    (tmp_path / "train.py").write_text(KERAS_AND_HUB)
    result = run_cli("--no-unsafe-fixes", "--diff", "train.py", cwd=tmp_path, fix=True)
    assert "+os.environ" not in result.stdout.decode()
    assert "(not fixed: unsafe fix, applied with --unsafe-fixes:" in result.stdout.decode()


@pytest.mark.parametrize("settings,error", [
    ('unsafe-fixes = "yes"\n', "unsafe-fixes: must be true or false (got 'yes')"),
    ('fixable = ["HDL9"]\n', "fixable: unknown rule code or prefix 'HDL9'"),
])
def test_bad_values_are_one_line(tmp_path, settings, error):
    (tmp_path / "pyproject.toml").write_text("[tool.hub-dist-lint]\n" + settings)
    (tmp_path / "a.py").write_text("x = 1\n")
    result = run_cli("a.py", cwd=tmp_path)
    assert result.returncode == 2 and error in result.stderr.decode()
    assert len(result.stderr.decode().splitlines()) == 1


def test_setup_cfg_flag(tmp_path):
    (tmp_path / "setup.cfg").write_text("[hub-dist-lint]\nunsafe-fixes = yes\nunfixable = HDL103\n")
    (tmp_path / "train.py").write_text(KERAS_AND_HUB)
    result = run_cli("--diff", "train.py", cwd=tmp_path, fix=True)
    out = result.stdout.decode()
    assert "+import tf_keras" in out and "-from tensorflow.python.framework import ops" not in out


def test_json_says_each_fix_applicability(tmp_path):
    (tmp_path / "train.py").write_text(KERAS_AND_HUB)
    found = json.loads(run_cli("--format", "json", "train.py", cwd=tmp_path).stdout)
    assert {f["code"]: f["fix"] and f["fix"]["applicability"] for f in found} == {
        "HDL101": "unsafe", "HDL103": "safe", "HDL501": None}


# -- choosing fixes in one pass -------------------------------------------------------------


def _diag(code, fix, line=1):
    return Diagnostic(code, "m", line, 1, line, 2, fix)


def test_overlapping_fixes_wait_for_the_next_pass():
    call = cst.parse_expression("f(a.b)")
    inner = call.args[0].value
    outer = Fix("outer", replace=((call, cst.Name("g")),))
    nested = Fix("nested", replace=((inner, cst.Name("c")),))
    same = Fix("same node", replace=((call, cst.Name("h")),))
    apart = Fix("elsewhere", replace=((cst.Name("z"), cst.Name("y")),))
    diags = [_diag("HDL101", outer), _diag("HDL103", nested, 2), _diag("HDL301", same, 3),
             _diag("HDL302", apart, 4), _diag("HDL303", outer, 5)]
    fixes, fixed, left = choose_fixes(diags, Config())
    assert fixes == [outer, apart]
    assert [d.code for d in fixed] == ["HDL101", "HDL302", "HDL303"]  # one plan, two findings
    assert [(d.code, d.no_fix_reason) for d in left] == [
        ("HDL103", "its fix overlaps another one; run hub-dist-fix again"),
        ("HDL301", "its fix overlaps another one; run hub-dist-fix again")]


def test_display_only_fixes_are_never_applied():
    shown = Fix("shown", replace=((cst.Name("a"), cst.Name("b")),), applicability=DISPLAY_ONLY,
                caveat="isinstance checks elsewhere would change")
    fixes, fixed, left = choose_fixes([_diag("HDL303", shown)], Config(unsafe_fixes=True))
    assert fixes == [] and left[0].no_fix_reason == (
        "a fix is shown, never applied: isinstance checks elsewhere would change")


# -- what a person at a terminal sees ---------------------------------------------------------


def test_marker_and_summary_as_ruff_prints_them(capsys):
    import io

    out = io.StringIO()
    reporter = TextReporter(out)
    reporter.finding(Record("a.py", 1, 1, 1, 2, "HDL103", "private", fix_status="applies"))
    reporter.finding(Record("a.py", 2, 1, 2, 2, "HDL101", "private", fix_status="unsafe"))
    assert out.getvalue() == "a.py:1:1: HDL103 [*] private\na.py:2:1: HDL101 private\n"
    assert _summary(2, 1, 1) == ("Found 2 errors.\n[*] 1 fixable with hub-dist-fix.\n"
                                 "1 hidden fix can be enabled with the --unsafe-fixes option.\n")
    assert _summary(3, 0, 2) == ("Found 3 errors.\nNo fixes available (2 hidden fixes can be "
                                 "enabled with the --unsafe-fixes option).\n")


def test_a_terminal_gets_the_marks(tmp_path):
    (tmp_path / "train.py").write_text(KERAS_AND_HUB)
    code, text, _ = run_on_terminal("--no-cache", "train.py", cwd=tmp_path)
    assert code == 1
    assert "train.py:3:1: HDL103 [*] private module import" in text
    assert "train.py:4:1: HDL101 private import" in text
    assert text.endswith("Found 3 errors.\n[*] 1 fixable with hub-dist-fix.\n"
                         "1 hidden fix can be enabled with the --unsafe-fixes option.\n")


def test_two_plans_with_the_same_effect_fix_both_findings():
    # HDL201 and HDL202 of one model each plan the same move into the same scope
    module = cst.parse_module("a = f()\nb = g()\nwith s.scope():\n    m = h(a, b)\n")
    statements, scope = tuple(module.body[:2]), module.body[2]
    first = Fix("move", merge=((statements, scope, True),))
    second = Fix("move", merge=((statements, scope, True),))
    fixes, fixed, left = choose_fixes([_diag("HDL202", first), _diag("HDL201", second, 2)], Config())
    assert fixes == [first] and [d.code for d in fixed] == ["HDL202", "HDL201"] and left == []
