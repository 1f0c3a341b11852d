"""Output formats (text, json, sarif, github), rule selection, --exit-zero and # noqa,
through the real command line."""

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli

DATA = Path(__file__).resolve().parent / "data"
ISSUE_EXAMPLE = (
    "from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy\n"
    "from tensorflow.python.framework import ops as tf_ops\n"
    "\n"
    "strategy = MirroredStrategy()\n"
    "x = tf_ops.convert_to_tensor([1.0])\n"
)
KEYS = ["path", "line", "column", "end_line", "end_column", "code", "message", "fix", "cell"]


def apply_edits(text: str, edits) -> str:
    """Apply JSON/SARIF-style line edits (1-based, end exclusive), bottom-up."""
    lines = text.splitlines(True)
    for e in sorted(edits, key=lambda e: (e["line"], e["end_line"]), reverse=True):
        assert e["column"] == 1 and e["end_column"] == 1
        lines[e["line"] - 1:e["end_line"] - 1] = [e["content"]]
    return "".join(lines)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "a.py").write_text(ISSUE_EXAMPLE)
    (tmp_path / "seed.py").write_text((EXAMPLES / "seed_example1.py").read_text())
    return tmp_path


def test_json_records(project):
    result = run_cli("--format", "json", "a.py", "seed.py", cwd=project)
    assert result.returncode == 1
    records = json.loads(result.stdout)
    assert all(list(r) == KEYS for r in records)
    by_code = {(r["path"], r["code"]): r for r in records}
    fixable = by_code[("a.py", "HDL101")]
    assert (fixable["line"], fixable["column"], fixable["end_line"]) == (1, 1, 1)
    assert fixable["end_column"] == len(ISSUE_EXAMPLE.splitlines()[0]) + 1
    assert fixable["fix"]["description"]
    fixed = apply_edits(ISSUE_EXAMPLE, fixable["fix"]["edits"])
    assert "strategy = tf.distribute.MirroredStrategy()" in fixed
    assert "tf_ops.convert_to_tensor" in fixed  # one finding, one fix
    assert by_code[("seed.py", "HDL102")]["fix"] is None  # nothing public to rewrite it to


def test_json_empty_list_when_clean(tmp_path):
    (tmp_path / "ok.py").write_text("import tensorflow as tf\n")
    result = run_cli("--format", "json", "ok.py", cwd=tmp_path)
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_is_valid_against_the_official_schema(project):
    (project / "broken.py").write_text("import tensorflow.python.framework.ops\ndef f(:\n")
    result = run_cli("--format", "sarif", ".", cwd=project)
    assert result.returncode == 2  # broken.py could not be checked
    log = json.loads(result.stdout)
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])

    (run,) = log["runs"]
    assert log["version"] == "2.1.0"
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    listing = run_cli("rule", "--all").stdout.decode()
    assert ids and all(i in listing for i in ids)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["help"]["markdown"].startswith(f"## {rule['id']} ")
    results = run["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            for r in results] == [("HDL101", "a.py"), ("HDL103", "a.py"), ("HDL102", "seed.py")]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (1, 1)
    assert results[0]["fixes"][0]["artifactChanges"][0]["replacements"]
    assert "fixes" not in results[2]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == "syntax error: invalid syntax"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py"
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 2, "startColumn": 7}


def test_sarif_clean_run_is_valid(tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    result = run_cli("--format", "sarif", "ok.py", cwd=tmp_path)
    log = json.loads(result.stdout)
    assert result.returncode == 0 and log["runs"][0]["results"] == []
    assert not list(sarif_validator().iter_errors(log))


def test_github_workflow_commands(project):
    (project / "a,b.py").write_text(ISSUE_EXAMPLE)
    result = run_cli("--format", "github", "a.py", "a,b.py", cwd=project)
    assert result.returncode == 1
    lines = sorted(result.stdout.decode().splitlines(), key=lambda l: "a%2Cb" in l)
    assert lines[0] == ("::error file=a.py,line=1,col=1,title=HDL101::private import "
                        "tensorflow.python.distribute.mirrored_strategy.MirroredStrategy; "
                        "use tf.distribute.MirroredStrategy")
    assert lines[1].startswith("::error file=a.py,line=2,col=1,title=HDL103::private module import")
    assert lines[2].startswith("::error file=a%2Cb.py,line=1,col=1,title=HDL101::")
    assert len(lines) == 4


def test_github_annotation_for_a_file_that_cannot_be_checked(tmp_path):
    (tmp_path / "broken.py").write_text("x = 1\ndef f(:\n")
    result = run_cli("--format", "github", "broken.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.decode() == ("::error file=broken.py,line=2,col=7,title=hub-dist-lint::"
                                      "cannot check: syntax error: invalid syntax\n")


def test_output_file(project):
    result = run_cli("--format", "sarif", "-o", "out.sarif", "a.py", cwd=project)
    assert result.returncode == 1 and result.stdout == b""
    assert json.loads((project / "out.sarif").read_text())["runs"][0]["results"]


@pytest.mark.parametrize("flags, codes", [
    ([], ["HDL101", "HDL103"]),
    (["--select", "HDL103"], ["HDL103"]),
    (["--select", "HDL1", "--ignore", "HDL101"], ["HDL103"]),
    (["--select", "HDL103", "--extend-select", "HDL101"], ["HDL101", "HDL103"]),
    (["--ignore", "HDL1", "--extend-select", "HDL101"], ["HDL101"]),  # more specific wins
    (["--ignore", "HDL"], []),
    (["--select", "hdl101,HDL103"], ["HDL101", "HDL103"]),
])
def test_select_ignore_extend_select(project, flags, codes):
    result = run_cli(*flags, "--format", "json", "a.py", cwd=project)
    assert [r["code"] for r in json.loads(result.stdout)] == codes
    assert result.returncode == (1 if codes else 0)


def test_unknown_code_is_a_usage_error(project):
    result = run_cli("--select", "E501", "a.py", cwd=project)
    err = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2 and len(err) == 1
    assert "--select E501" in err[0] and "unknown rule code" in err[0]


def test_exit_zero(project):
    assert run_cli("--exit-zero", "a.py", cwd=project).returncode == 0
    (project / "bad.py").write_text("def f(:\n  tensorflow.python\n")
    # a file that could not be checked is still an error
    assert run_cli("--exit-zero", "a.py", "bad.py", cwd=project).returncode == 2


def test_unknown_format_is_a_usage_error(project):
    assert run_cli("--format", "xml", "a.py", cwd=project).returncode == 2


NOQA_FORMS = [
    "# noqa", "# NOQA", "# noqa: HDL103", "# noqa:HDL103", "# noqa: HDL1", "# noqa: HDL",
    "# noqa: E501,HDL103", "# noqa: E501 HDL103", "# noqa: HDL101", "# noqa: E501", "#noqa",
    "# noqa : HDL101", "# noqa: E", "# type: ignore  # noqa: HDL103 explained",
]


# private modules, each reported as HDL103
MODULES = ["ops", "dtypes", "tensor_shape", "constant_op", "func_graph", "errors", "config", "device",
           "random_seed", "test_util", "versions", "importer", "sparse_tensor", "tensor_util",
           "smart_cond"]


def test_noqa_reads_as_flake8_reads_it(tmp_path):
    """Each form silences exactly what it silences under flake8 (run for real)."""
    import subprocess
    import sys

    modules = MODULES[:len(NOQA_FORMS)]
    source = "".join(f"from tensorflow.python.framework import {m}  {form}\n"
                     for m, form in zip(modules, NOQA_FORMS))
    source += f"from tensorflow.python.framework import (  # noqa: HDL103\n    {MODULES[-1]},\n)\n"
    source += "print(" + ", ".join(MODULES) + ")\n"
    (tmp_path / "n.py").write_text(source)
    ours = run_cli("n.py", cwd=tmp_path).stdout.decode().splitlines()
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "HDL", "n.py"], cwd=tmp_path,
                            capture_output=True, text=True).stdout.splitlines()
    assert ours == flake8
    assert all(" HDL103 " in line for line in ours)
    reported = {int(line.split(":")[1]) for line in ours}
    silenced = {NOQA_FORMS[i] for i in range(len(NOQA_FORMS)) if i + 1 not in reported}
    assert silenced == {"# noqa", "# NOQA", "# noqa: HDL103", "# noqa:HDL103", "# noqa: HDL1",
                        "# noqa: HDL", "# noqa: E501,HDL103", "# noqa: E501 HDL103",
                        "# noqa : HDL101", "# noqa: E", "# type: ignore  # noqa: HDL103 explained"}
