"""The command lines as a user runs them: exit codes, errors, stdin, writing files."""

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from conftest import EXAMPLES, run_cli, run_on_terminal

ISSUE_EXAMPLE = (
    "from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy\n"
    "from tensorflow.python.framework import ops as tf_ops\n"
    "\n"
    "strategy = MirroredStrategy()\n"
    "x = tf_ops.convert_to_tensor([1.0])\n"
)


def test_lint_reports_and_exits_1(tmp_path):
    (tmp_path / "a.py").write_text(ISSUE_EXAMPLE)
    result = run_cli("a.py", cwd=tmp_path)
    out = result.stdout.decode().splitlines()
    assert result.returncode == 1, result.stderr
    assert out[0] == ("a.py:1:1: HDL101 private import "
                      "tensorflow.python.distribute.mirrored_strategy.MirroredStrategy; "
                      "use tf.distribute.MirroredStrategy")
    assert out[1].startswith("a.py:2:1: HDL103 private module import tensorflow.python.framework.ops")
    assert len(out) == 2


def test_clean_file_exits_0(tmp_path):
    (tmp_path / "ok.py").write_text("import tensorflow as tf\nprint(tf.constant(1))\n")
    result = run_cli(tmp_path)
    assert (result.returncode, result.stdout) == (0, b"")


def test_seed_example_1_flagged_as_removed():
    result = run_cli(EXAMPLES / "seed_example1.py")
    assert result.returncode == 1
    line = result.stdout.decode().strip()
    assert ":4:1: HDL102 private import tensorflow.python.distribute.values.AutoPolicy" in line
    assert "removed in TF 2.5" in line and "never public" in line
    assert "tf.distribute.MirroredStrategy()" in line and "tf.distribute.get_strategy()" in line


def test_stdin(tmp_path):
    result = run_cli("-", "--stdin-filename", "x.py", stdin=ISSUE_EXAMPLE.encode())
    assert result.returncode == 1
    assert result.stdout.decode().startswith("x.py:1:1: HDL101")


def test_select_ignore_and_exit_zero(tmp_path):
    (tmp_path / "a.py").write_text(ISSUE_EXAMPLE)
    only_103 = run_cli("--select", "HDL103", tmp_path / "a.py")
    assert [l.split()[1] for l in only_103.stdout.decode().splitlines()] == ["HDL103"]
    none = run_cli("--ignore", "HDL1", tmp_path / "a.py")
    assert (none.returncode, none.stdout) == (0, b"")
    zero = run_cli("--exit-zero", tmp_path / "a.py")
    assert zero.returncode == 0 and zero.stdout


def test_noqa(tmp_path):
    (tmp_path / "a.py").write_text(
        "from tensorflow.python.framework import ops  # noqa: HDL103\n"
        "from tensorflow.python.framework import dtypes  # noqa\n"
        "from tensorflow.python.eager import context  # noqa: E501\n")
    lines = run_cli(tmp_path / "a.py").stdout.decode().splitlines()
    assert len(lines) == 1 and ":3:1: HDL103" in lines[0]


def test_bad_input_reported_and_others_still_linted(tmp_path):
    (tmp_path / "a_syntax.py").write_text("import tensorflow.python.framework.ops\ndef f(:\n")
    (tmp_path / "b_binary.py").write_bytes(b"\x00\x01tensorflow.python")
    (tmp_path / "c_latin1.py").write_bytes(b"x = '\xe9'  # tensorflow.python\n")
    (tmp_path / "d_good.py").write_text(ISSUE_EXAMPLE)
    result = run_cli(tmp_path)
    err = result.stderr.decode().splitlines()
    assert result.returncode == 2
    assert f"{tmp_path / 'a_syntax.py'}:2:7: error: syntax error: invalid syntax" in err
    assert any(l.startswith(f"{tmp_path / 'b_binary.py'}: error: binary file") for l in err), err
    assert any(l.startswith(f"{tmp_path / 'c_latin1.py'}: error: cannot decode") for l in err), err
    assert "d_good.py:1:1: HDL101" in result.stdout.decode()


SYNTAX_ERROR_ON_LINE_3 = "import tensorflow.python.framework.ops\n\ndef f(:\n    pass\n"


@pytest.mark.parametrize("source, where", [
    (SYNTAX_ERROR_ON_LINE_3, ":3:7"),  # a file the rules parse (libcst says 4:4)
    (SYNTAX_ERROR_ON_LINE_3.replace("tensorflow.python.framework.ops", "os"), ":3:7"),  # one they skip
    ("x = 'é' + (:\n", ":1:12"),  # columns count characters
    ("import tensorflow.python\nx = (1,\n", ":2:5"),  # Python's own message
])
def test_syntax_error_where_python_reports_it(tmp_path, source, where):
    (tmp_path / "s.py").write_text(source, encoding="utf-8")
    python = subprocess.run([sys.executable, "s.py"], capture_output=True, text=True, cwd=tmp_path)
    error = python.stderr.strip().splitlines()[-1].partition(": ")[2]  # SyntaxError: <message>
    result = run_cli("s.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode() == f"s.py{where}: error: syntax error: {error}\n"


def test_files_no_rule_concerns_are_still_syntax_checked(tmp_path):
    # ast-level errors only, as for files the rules parse; code this Python compiles
    # but would refuse to run (`return` at module level) is linted as usual
    (tmp_path / "broken.py").write_text("import os\nif True\n    pass\n")
    (tmp_path / "toplevel_return.py").write_text("import os\nreturn 1\n")
    (tmp_path / "fine.py").write_text("x = 1\n")
    result = run_cli(".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode() == "./broken.py:2:8: error: syntax error: expected ':'\n"
    fix = run_cli("broken.py", cwd=tmp_path, fix=True)
    assert fix.returncode == 2 and fix.stderr.decode().startswith("broken.py:2:8: error: syntax error")


def test_syntax_newer_than_this_python_is_not_an_error(tmp_path):
    # PEP 695 (3.12): libcst parses it even where the running Python cannot
    (tmp_path / "new.py").write_text("type Vector = list[float]\n")
    result = run_cli("new.py", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


@pytest.mark.parametrize("fix", [False, True])
def test_no_python_files_is_a_warning(tmp_path, fix):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("import tensorflow.python\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "a.py").write_text("import tensorflow.python\n")  # excluded by default
    result = run_cli(".", cwd=tmp_path, fix=fix)
    assert (result.returncode, result.stdout) == (0, b"")
    assert result.stderr.decode() == "warning: No Python files found under the given path(s)\n"
    found = run_cli(".venv/a.py", cwd=tmp_path, fix=fix)  # named on the command line: checked
    assert b"No Python files" not in found.stderr and found.returncode == 1


def test_missing_path_is_an_error(tmp_path):
    result = run_cli(tmp_path / "nope.py")
    assert result.returncode == 2
    assert "nope.py: error: no such file or directory" in result.stderr.decode()


def test_unknown_target_release_is_a_usage_error(tmp_path):
    (tmp_path / "a.py").write_text(ISSUE_EXAMPLE)
    result = run_cli("--target-tf", "9.9", tmp_path / "a.py")
    assert result.returncode == 2 and "--target-tf 9.9" in result.stderr.decode()


def test_excluded_directories_are_skipped(tmp_path):
    for sub in (".venv", "build", "node_modules", "pkg"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "m.py").write_text(ISSUE_EXAMPLE)
    out = run_cli(tmp_path).stdout.decode()
    assert "pkg/m.py" in out
    assert ".venv" not in out and "build" not in out and "node_modules" not in out


def test_fix_rewrites_file_atomically_keeping_mode_eol_and_bom(tmp_path):
    path = tmp_path / "a.py"
    data = ("\ufeff# -*- coding: utf-8 -*-\r\n" + ISSUE_EXAMPLE.replace("\n", "\r\n")).encode("utf-8")
    path.write_bytes(data)
    os.chmod(path, 0o751)
    result = run_cli(path, fix=True)
    assert result.returncode == 1, result.stderr  # files changed
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf# -*- coding: utf-8 -*-\r\nimport tensorflow as tf\r\n")
    assert b"strategy = tf.distribute.MirroredStrategy()\r\n" in new
    assert b"x = tf.convert_to_tensor([1.0])\r\n" in new
    assert b"\n" not in new.replace(b"\r\n", b"")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o751
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".hub-dist-fix-")]
    again = run_cli(path, fix=True)
    assert again.returncode == 0 and path.read_bytes() == new


def test_fix_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    target = real_dir / "a.py"
    target.write_text(ISSUE_EXAMPLE)
    os.chmod(target, 0o640)
    link = link_dir / "a.py"
    link.symlink_to(os.path.relpath(target, link_dir))
    result = run_cli(link, fix=True)
    assert result.returncode == 1, result.stderr
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(target, link_dir)
    assert "strategy = tf.distribute.MirroredStrategy()" in target.read_text()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert sorted(os.listdir(real_dir)) == ["a.py"] and sorted(os.listdir(link_dir)) == ["a.py"]
    assert run_cli(link, fix=True).returncode == 0


def test_walks_do_not_follow_directory_symlinks(tmp_path):
    from hub_dist_lint.files import discover

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.py").write_text(ISSUE_EXAMPLE)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "near.py").write_text(ISSUE_EXAMPLE)
    (tree / "out").symlink_to(outside, target_is_directory=True)
    (tree / "here").symlink_to(".", target_is_directory=True)
    assert discover([str(tree)])[0] == [str(tree / "near.py")]
    # a linked directory named on the command line is walked: it was asked for
    assert discover([str(tree / "out")])[0] == [str(tree / "out" / "far.py")]
    result = run_cli(tree, fix=True)
    assert result.returncode == 1, result.stderr
    assert "tf.distribute" in (tree / "near.py").read_text()
    assert (outside / "far.py").read_text() == ISSUE_EXAMPLE


def test_fix_keeps_latin1_encoding(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + ISSUE_EXAMPLE.encode())
    assert run_cli(path, fix=True).returncode == 1
    new = path.read_bytes()
    assert b"# caf\xe9\n" in new and b"tf.distribute.MirroredStrategy()" in new


def test_fix_diff_and_check_write_nothing(tmp_path):
    path = tmp_path / "a.py"
    path.write_text(ISSUE_EXAMPLE)
    diff = run_cli("--diff", path, fix=True)
    assert diff.returncode == 1
    text = diff.stdout.decode()
    assert "-strategy = MirroredStrategy()" in text and "+strategy = tf.distribute.MirroredStrategy()" in text
    check = run_cli("--check", path, fix=True)
    assert check.returncode == 1 and "would fix 2 finding(s)" in check.stdout.decode()
    assert path.read_text() == ISSUE_EXAMPLE


def test_fix_never_writes_a_file_it_cannot_parse(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from tensorflow.python.framework import ops\nx = (\n")
    good = tmp_path / "good.py"
    good.write_text(ISSUE_EXAMPLE)
    result = run_cli(tmp_path, fix=True)
    assert result.returncode == 2
    assert bad.read_text() == "from tensorflow.python.framework import ops\nx = (\n"
    assert "import tensorflow as tf" in good.read_text()


def test_fix_reports_what_it_left(tmp_path):
    path = tmp_path / "a.py"
    path.write_text(EXAMPLES.joinpath("seed_example1.py").read_text())
    result = run_cli(path, fix=True)
    assert result.returncode == 1
    assert "HDL102" in result.stdout.decode()
    assert path.read_text() == EXAMPLES.joinpath("seed_example1.py").read_text()


def test_fix_stdin_to_stdout():
    result = run_cli("-", stdin=ISSUE_EXAMPLE.encode(), fix=True)
    assert b"strategy = tf.distribute.MirroredStrategy()" in result.stdout


def test_json_format_carries_fix_edits(tmp_path):
    import json

    (tmp_path / "a.py").write_text(ISSUE_EXAMPLE)
    result = run_cli("--format", "json", tmp_path / "a.py")
    records = json.loads(result.stdout)
    assert [r["code"] for r in records] == ["HDL101", "HDL103"]
    first = records[0]
    assert (first["line"], first["column"], first["end_line"]) == (1, 1, 1)
    assert first["fix"]["edits"] and "tf.distribute.MirroredStrategy" in "".join(
        e["content"] for e in first["fix"]["edits"])


def test_rule_docs_command():
    result = run_cli("rule", "HDL101")
    assert result.returncode == 0 and result.stdout.decode().startswith("## HDL101 private-import")
    listing = run_cli("rule", "--all").stdout.decode()
    assert "HDL102" in listing and "HDL104" in listing
    assert run_cli("rule", "HDL999").returncode == 2


@pytest.mark.skipif(shutil.which("hub-dist-lint") is None, reason="console script not installed")
def test_console_scripts_installed(tmp_path):
    import subprocess

    (tmp_path / "a.py").write_text(ISSUE_EXAMPLE)
    assert subprocess.run(["hub-dist-lint", "a.py"], cwd=tmp_path, capture_output=True).returncode == 1
    assert subprocess.run(["hub-dist-fix", "--check", "a.py"], cwd=tmp_path,
                          capture_output=True).returncode == 1


def test_summary_on_a_terminal_only(tmp_path):
    (tmp_path / "a.py").write_text(ISSUE_EXAMPLE)  # two findings, both fixable
    (tmp_path / "b.py").write_text("from tensorflow.python.distribute.values import AutoPolicy\n")
    (tmp_path / "ok.py").write_text("import tensorflow as tf\n")
    code, out, err = run_on_terminal("a.py", "b.py", cwd=tmp_path)
    lines = out.splitlines()
    assert (code, err) == (1, "")
    assert [l.split()[1:3] for l in lines[:3]] == [["HDL101", "[*]"], ["HDL103", "[*]"], ["HDL102", "private"]]
    assert lines[3:] == ["Found 3 errors.", "[*] 2 fixable with hub-dist-fix."]
    assert run_on_terminal("b.py", cwd=tmp_path)[1].splitlines()[1:] == ["Found 1 error."]
    assert run_on_terminal("ok.py", cwd=tmp_path)[:2] == (0, "All checks passed!\n")
    # not for machines: a pipe, a file, another format, or -q (no fixes planned, no marks)
    unmarked = [line.replace(" [*]", "") for line in lines[:3]]
    piped = run_cli("a.py", "b.py", cwd=tmp_path).stdout.decode().splitlines()
    assert piped == unmarked
    assert run_on_terminal("-q", "a.py", "b.py", cwd=tmp_path)[1].splitlines() == unmarked
    code, out, _ = run_on_terminal("--format", "json", "a.py", cwd=tmp_path)
    assert json.loads(out)[0]["code"] == "HDL101"
    assert run_on_terminal("-o", "report.txt", "a.py", cwd=tmp_path)[1] == ""
    assert (tmp_path / "report.txt").read_text().splitlines() == unmarked[:2]
