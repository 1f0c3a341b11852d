"""Project configuration: [tool.hub-dist-lint] in pyproject.toml, [hub-dist-lint] in
setup.cfg, the nearest one upward from each linted path; flags win; bad files are
one clear error line and exit 2. Through the real command line."""

import json

import pytest

from conftest import run_cli

BAD = (
    "from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy\n"
    "from tensorflow.python.framework import ops as tf_ops\n"
    "\n"
    "strategy = MirroredStrategy()\n"
    "x = tf_ops.convert_to_tensor([1.0])\n"
)
OLD_HOME = (
    "from tensorflow.python.distribute.collective_all_reduce_strategy import CollectiveAllReduceStrategy\n"
    "s = CollectiveAllReduceStrategy()\n"
)


def found(result):
    """{(path, code)} from a JSON run."""
    assert result.returncode in (0, 1), result.stderr.decode()
    return sorted((r["path"], r["code"]) for r in json.loads(result.stdout))


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_pyproject_select_ignore_exclude_per_file_ignores(tmp_path):
    write(tmp_path, {
        "pyproject.toml": (
            "[project]\nname = 'x'\n\n"
            "[tool.hub-dist-lint]\n"
            "ignore = [\"HDL103\"]\n"
            "extend-exclude = [\"generated/\", \"legacy_*.py\"]\n"
            "per-file-ignores = { \"tests/*\" = [\"HDL1\"], \"conftest.py\" = [\"HDL101\"] }\n"),
        "src/a.py": BAD, "generated/g.py": BAD, "src/legacy_x.py": BAD,
        "tests/t.py": BAD, "tests/sub/conftest.py": BAD, ".venv/lib/v.py": BAD, "build/b.py": BAD,
    })
    result = run_cli("--format", "json", ".", cwd=tmp_path)
    assert found(result) == [("./src/a.py", "HDL101")]
    # flags win: --select starts afresh (the file's ignore no longer applies)
    assert found(run_cli("--format", "json", "--select", "HDL103", "src/a.py", cwd=tmp_path)) == [
        ("src/a.py", "HDL103")]
    assert found(run_cli("--format", "json", "--extend-select", "HDL103", "src/a.py", cwd=tmp_path)) == [
        ("src/a.py", "HDL101"), ("src/a.py", "HDL103")]
    # explicitly named files are linted even if excluded, unless --force-exclude
    assert found(run_cli("--format", "json", "generated/g.py", cwd=tmp_path)) == [("generated/g.py", "HDL101")]
    assert found(run_cli("--format", "json", "--force-exclude", "generated/g.py", "src/legacy_x.py",
                         cwd=tmp_path)) == []
    # per-file-ignores apply to named files too, from any working directory
    assert found(run_cli("--format", "json", tmp_path / "tests" / "t.py", cwd=tmp_path.parent)) == []


def test_exclude_replaces_the_defaults(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.hub-dist-lint]\nexclude = [\"vendored\"]\n",
                     "build/b.py": BAD, "vendored/v.py": BAD})
    assert [p for p, _ in found(run_cli("--format", "json", ".", cwd=tmp_path))] == ["./build/b.py"] * 2
    assert found(run_cli("--format", "json", "--extend-exclude", "build", ".", cwd=tmp_path)) == []


def test_setup_cfg_section(tmp_path):
    write(tmp_path, {
        "setup.cfg": (
            "[metadata]\nname = x\n\n[flake8]\nmax-line-length = 100\n\n"
            "[hub-dist-lint]\n"
            "select = HDL1\n"
            "ignore = HDL101, HDL104\n"
            "exclude =\n    .git,\n    skip_me\n"
            "per-file-ignores =\n    tests/*: HDL103\n    a.py, b.py:HDL1\n"
            "target-tf = 2.2\n"),
        "m.py": BAD + OLD_HOME, "tests/t.py": BAD, "a.py": BAD, "skip_me/s.py": BAD,
    })
    assert found(run_cli("--format", "json", ".", cwd=tmp_path)) == [
        ("./m.py", "HDL103")]
    # target-tf from the file decides which public name is suggested
    out = run_cli("--select", "HDL101", "m.py", cwd=tmp_path).stdout.decode()
    assert "use tf.distribute.experimental.MultiWorkerMirroredStrategy" in out
    out = run_cli("--select", "HDL101", "--target-tf", "2.21", "m.py", cwd=tmp_path).stdout.decode()
    assert "use tf.distribute.MultiWorkerMirroredStrategy" in out


def test_nearest_configuration_wins(tmp_path):
    write(tmp_path, {
        "pyproject.toml": "[tool.hub-dist-lint]\nignore = [\"HDL101\"]\n",
        "top.py": BAD,
        # a pyproject.toml without the table does not count: the search goes on upward
        "plain/pyproject.toml": "[project]\nname = 'plain'\n", "plain/p.py": BAD,
        "inner/setup.cfg": "[hub-dist-lint]\nignore = HDL103\n", "inner/i.py": BAD,
    })
    assert found(run_cli("--format", "json", ".", cwd=tmp_path)) == [
        ("./inner/i.py", "HDL101"), ("./plain/p.py", "HDL103"), ("./top.py", "HDL103")]
    # linting from inside a subdirectory finds the same file
    assert found(run_cli("--format", "json", "p.py", cwd=tmp_path / "plain")) == [("p.py", "HDL103")]


def test_explicit_config_isolated_and_stdin(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.hub-dist-lint]\nignore = [\"HDL101\"]\n",
                     "other.toml": "[tool.hub-dist-lint]\nignore = [\"HDL103\"]\n",
                     "a.py": BAD})
    assert found(run_cli("--format", "json", "--config", "other.toml", "a.py", cwd=tmp_path)) == [
        ("a.py", "HDL101")]
    assert found(run_cli("--format", "json", "--isolated", "a.py", cwd=tmp_path)) == [
        ("a.py", "HDL101"), ("a.py", "HDL103")]
    # standard input takes the configuration of the directory --stdin-filename names
    sub = write(tmp_path / "sub", {"pyproject.toml": "[tool.hub-dist-lint]\nignore = [\"HDL1\"]\n"})
    result = run_cli("--format", "json", "--stdin-filename", str(sub / "x.py"), "-", stdin=BAD.encode(),
                     cwd=tmp_path)
    assert found(result) == []
    assert found(run_cli("--format", "json", "-", stdin=BAD.encode(), cwd=tmp_path)) == [
        ("<stdin>", "HDL103")]


def test_fix_honours_configuration(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.hub-dist-lint]\nignore = [\"HDL103\"]\ntarget-tf = \"2.2\"\n",
                     "a.py": BAD + OLD_HOME})
    result = run_cli("a.py", cwd=tmp_path, fix=True)
    assert result.returncode == 1, result.stderr
    text = (tmp_path / "a.py").read_text()
    assert "tf.distribute.experimental.MultiWorkerMirroredStrategy()" in text
    assert "from tensorflow.python.framework import ops as tf_ops" in text  # HDL103 ignored


BAD_CONFIGS = [
    ("pyproject.toml", "[tool.hub-dist-lint]\nselct = [\"HDL1\"]\n",
     "pyproject.toml: error: [tool.hub-dist-lint] selct: unknown key"),
    ("pyproject.toml", "[tool.hub-dist-lint]\nselect = \"HDL1\"\n",
     "pyproject.toml: error: [tool.hub-dist-lint] select: must be a list of strings"),
    ("pyproject.toml", "[tool.hub-dist-lint]\nignore = [\"E501\"]\n",
     "pyproject.toml: error: [tool.hub-dist-lint] ignore: unknown rule code or prefix 'E501'"),
    ("pyproject.toml", "[tool.hub-dist-lint]\ntarget-tf = 2.10\n",
     "pyproject.toml: error: [tool.hub-dist-lint] target-tf: must be a string"),
    ("pyproject.toml", "[tool.hub-dist-lint]\ntarget-tf = \"1.15\"\n",
     "pyproject.toml: error: [tool.hub-dist-lint] target-tf: unknown TensorFlow release '1.15'"),
    ("pyproject.toml", "[tool.hub-dist-lint]\nper-file-ignores = [\"tests/*:HDL1\"]\n",
     "pyproject.toml: error: [tool.hub-dist-lint] per-file-ignores: must be a table"),
    ("pyproject.toml", "[tool.hub-dist-lint]\nexclude = [1]\n",
     "pyproject.toml: error: [tool.hub-dist-lint] exclude: must be a list of strings"),
    ("pyproject.toml", "[tool.hub-dist-lint\nselect = 1\n", "pyproject.toml: error: invalid TOML"),
    ("setup.cfg", "[hub-dist-lint]\nselect = HDL1\nextends = x\n",
     "setup.cfg: error: [hub-dist-lint] extends: unknown key"),
    ("setup.cfg", "[hub-dist-lint]\nper-file-ignores =\n    tests/*\n",
     "setup.cfg: error: [hub-dist-lint] per-file-ignores: 'tests/*' is not `glob: codes`"),
    ("setup.cfg", "[hub-dist-lint]\nselect = HDL1\nselect = HDL2\n", "setup.cfg: error: invalid INI"),
]


CASES = [(*case, False) for case in BAD_CONFIGS] + [(*case, True) for case in BAD_CONFIGS[::4]]


@pytest.mark.parametrize("name, text, message, fix", CASES,
                         ids=[("fix: " if f else "") + m.split("error: ")[1][:40] for *_, m, f in CASES])
def test_bad_configuration_is_one_line_and_exit_2(tmp_path, name, text, message, fix):
    write(tmp_path, {name: text, "pkg/a.py": BAD})
    result = run_cli("pkg/a.py", cwd=tmp_path, fix=fix)
    err = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2
    assert len(err) == 1, err
    assert err[0].startswith(str(tmp_path / name) + ": error: ") and message in err[0], err
    assert result.stdout == b""
    assert (tmp_path / "pkg/a.py").read_text() == BAD


def test_missing_explicit_config(tmp_path):
    (tmp_path / "a.py").write_text(BAD)
    result = run_cli("--config", "nope.toml", "a.py", cwd=tmp_path)
    assert result.returncode == 2 and "nope.toml: error: no such configuration file" in result.stderr.decode()
    (tmp_path / "empty.toml").write_text("[tool.black]\n")
    result = run_cli("--config", "empty.toml", "a.py", cwd=tmp_path)
    assert result.returncode == 2 and "has no [tool.hub-dist-lint] section" in result.stderr.decode()


def test_unrelated_broken_files_upward_are_not_our_business(tmp_path):
    # a setup.cfg that configparser cannot read, but that has no hub-dist-lint section
    write(tmp_path, {"setup.cfg": "not an ini file\n", "pyproject.toml": "this is [not toml\n", "a.py": BAD})
    assert found(run_cli("--format", "json", "a.py", cwd=tmp_path)) == [("a.py", "HDL101"), ("a.py", "HDL103")]


PROTOBUF = "from tensorflow.core.protobuf import saver_pb2\nsaver_def = saver_pb2.SaverDef()\n"


@pytest.mark.parametrize("toml,flags,on", [
    ("", (), False),                                     # default selection
    ('select = ["HDL"]\n', (), False),                   # a prefix does not select it
    ('select = ["HDL1"]\n', (), False),
    ('extend-select = ["HDL105"]\n', (), True),          # its own code does
    ('select = ["HDL105"]\n', (), True),
    ('extend-select = ["HDL105"]\nignore = ["HDL1"]\n', (), True),  # more specific wins
    ("", ("--extend-select", "HDL105"), True),
    ('extend-select = ["HDL105"]\n', ("--select", "HDL"), False),  # a select starts afresh
])
def test_opt_in_rule_needs_its_own_code(tmp_path, toml, flags, on):
    write(tmp_path, {"pyproject.toml": "[tool.hub-dist-lint]\n" + toml, "a.py": PROTOBUF})
    codes = [code for _, code in found(run_cli("--format", "json", *flags, "a.py", cwd=tmp_path))]
    assert ("HDL105" in codes) is on
    assert "HDL103" not in codes  # a protobuf module present in the target is not HDL103's
