"""A real flake8 runs the plugin and agrees with the CLI."""

import subprocess
import sys

from conftest import FIXTURES, run_cli


def _flake8(*args, cwd):
    return subprocess.run([sys.executable, "-m", "flake8", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def _codes_by_position(lines):
    out = []
    for line in lines:
        path, row, col, rest = line.split(":", 3)
        out.append((path, int(row), int(col), rest.split()[0], rest.strip()))
    return sorted(out)


def test_plugin_is_registered():
    result = _flake8("--version", cwd=FIXTURES)
    assert "hub-dist-lint" in result.stdout


def test_flake8_agrees_with_cli():
    files = ["private_imports/lint/import_forms.py", "seed/lint/seed_example1.py",
             "private_imports/fix/not_fixable.in.py", "private_imports/fix/module_aliases.in.py"]
    flake8 = _flake8("--select", "HDL", *files, cwd=FIXTURES)
    cli = run_cli(*files, cwd=FIXTURES)
    assert flake8.returncode == 1 and cli.returncode == 1
    ours = _codes_by_position(cli.stdout.decode().splitlines())
    theirs = _codes_by_position(flake8.stdout.splitlines())
    assert theirs == ours and len(ours) >= 10


def test_flake8_noqa_and_clean_file(tmp_path):
    (tmp_path / "a.py").write_text(
        "from tensorflow.python.framework import ops  # noqa: HDL103\n"
        "import tensorflow as tf\n")
    result = _flake8("--select", "HDL", "a.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


MULTI_LINE_NOQA = (
    "from tensorflow.python.framework \\\n"             # 1: backslash, noqa on the last line
    "    import ops  # noqa\n"
    "from tensorflow.python.framework import (\n"       # 3: brackets: each line on its own
    "    dtypes,\n"
    ")  # noqa\n"
    "from tensorflow.python.framework import (  # noqa\n"  # 6: noqa on the first line
    "    tensor_shape,\n"
    ")\n"
    'from tensorflow.python.framework import constant_op; DOC = """\n'  # 9: a string's end
    "text\n"
    '"""  # noqa: HDL103\n'
    'from tensorflow.python.framework import func_graph; DOC2 = """\n'  # 12: inside a string
    "# noqa\n"
    '"""\n'
    "from tensorflow.python.framework \\\n"             # 15: another code
    "    import errors  # noqa: E501\n"
    "import tensorflow as tf\n"
    "strategy = tf.distribute.MirroredStrategy()\n"
    "result = (\n"
    "    strategy.experimental_run_v2(len))  # noqa\n"   # 20
    "result = (  # noqa\n"
    "    strategy.experimental_run_v2(len))\n"           # 22: noqa on another line of brackets
    "result = strategy.experimental_run_v2(  # noqa\n"   # 23
    "    len)\n"
    "result = strategy.experimental_run_v2(\n"           # 25: noqa after the closing bracket
    "    len)  # noqa\n"
    "print(ops, dtypes, tensor_shape, constant_op, func_graph, errors)\n"
)


def test_noqa_on_multi_line_statements_as_flake8(tmp_path):
    """A `# noqa` on any physical line of a logical line that tokenize joins (a backslash
    continuation, a multi-line string) covers all of it; inside brackets each line is its
    own, as in flake8 (run for real), for LF, CRLF and a BOM alike."""
    files = {"lf.py": MULTI_LINE_NOQA.encode(), "crlf.py": MULTI_LINE_NOQA.replace("\n", "\r\n").encode(),
             "bom.py": ("\ufeff" + MULTI_LINE_NOQA).encode()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    flake8 = _flake8("--select", "HDL", *files, cwd=tmp_path)
    cli = run_cli("--no-cache", *files, cwd=tmp_path)
    ours = _codes_by_position(cli.stdout.decode().splitlines())
    assert ours == _codes_by_position(flake8.stdout.splitlines())
    reported = {(path, row, code) for path, row, _, code, _ in ours}
    assert reported == {(name, row, code) for name in files
                        for row, code in ((3, "HDL103"), (15, "HDL103"), (22, "HDL301"), (25, "HDL301"))}


def test_flake8_survives_syntax_errors(tmp_path):
    (tmp_path / "a.py").write_text("import tensorflow.python\ndef f(:\n")
    result = _flake8("--select", "HDL,E999", "a.py", cwd=tmp_path)
    assert "E999" in result.stdout and "Traceback" not in result.stderr


def test_plugin_cache_keeps_output(tmp_path):
    import os

    (tmp_path / "a.py").write_text("from tensorflow.python.framework import ops  # x\n")
    env = {**os.environ, "HUB_DIST_LINT_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-m", "flake8", "--select", "HDL", "a.py"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and "HDL103" in runs[0].stdout
    assert any(files for _, _, files in os.walk(tmp_path / "cache"))


def test_plugin_reads_target_tf_from_project_config(tmp_path):
    # tf.distribute.MultiWorkerMirroredStrategy is public since 2.4: with target 2.2 the
    # suggestion is the experimental name that 2.2 exported.
    (tmp_path / "a.py").write_text("from tensorflow.python.distribute.collective_all_reduce_strategy"
                                   " import CollectiveAllReduceStrategy\n")
    default = _flake8("--select", "HDL", "a.py", cwd=tmp_path)
    assert "use tf.distribute.MultiWorkerMirroredStrategy" in default.stdout
    (tmp_path / "pyproject.toml").write_text('[tool.hub-dist-lint]\ntarget-tf = "2.2"\n')
    flake8 = _flake8("--select", "HDL", "a.py", cwd=tmp_path)
    cli = run_cli("a.py", cwd=tmp_path)
    assert "use tf.distribute.experimental.MultiWorkerMirroredStrategy" in cli.stdout.decode()
    assert "use tf.distribute.experimental.MultiWorkerMirroredStrategy" in flake8.stdout


SPAWNING_FLAKE8 = (  # flake8 whose workers start afresh, as on macOS and Windows
    "import multiprocessing, sys\n"
    "if __name__ == '__main__':\n"
    "    multiprocessing.set_start_method('spawn')\n"
    "    from flake8.main.cli import main\n"
    "    sys.exit(main())\n"
)


def test_broken_configuration_is_named_once_per_run(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.hub-dist-lint]\ntarget-tf = "2.1"\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "setup.cfg").write_text("[hub-dist-lint]\nbogus = 1\n")
    (tmp_path / "fine").mkdir()
    (tmp_path / "fine" / "pyproject.toml").write_text('[tool.hub-dist-lint]\ntarget-tf = "2.15"\n')
    for folder in (tmp_path, tmp_path / "sub", tmp_path / "fine"):
        for i in range(20):
            (folder / f"m{i}.py").write_text("from tensorflow.python.framework import ops\n")
    cli = run_cli(tmp_path / "m0.py")
    assert cli.returncode == 2
    (cli_error,) = cli.stderr.decode().splitlines()
    (tmp_path / "spawn.py").write_text(SPAWNING_FLAKE8)
    runs = [_flake8("--select", "HDL", *jobs, ".", cwd=tmp_path) for jobs in (["-j", "1"], ["-j", "2"])]
    runs.append(subprocess.run([sys.executable, "spawn.py", "--select", "HDL", "-j", "2", "."],
                               capture_output=True, text=True, cwd=tmp_path, timeout=300))
    for result in runs:
        # linted with the defaults, and each broken file named once, with the CLI's reason
        assert result.returncode == 1 and len(result.stdout.splitlines()) == 60, result.stderr
        assert sorted(result.stderr.splitlines()) == [
            f"hub-dist-lint (flake8 plugin): {cli_error}; its files are checked with the default settings",
            f"hub-dist-lint (flake8 plugin): {tmp_path / 'sub' / 'setup.cfg'}: error: [hub-dist-lint] "
            f"bogus: unknown key (known: select, extend-select, ignore, exclude, extend-exclude, "
            f"per-file-ignores, target-tf, fixable, unfixable, unsafe-fixes, legacy-keras); its files are checked with the default settings"]
    # a file whose configuration is fine says nothing
    quiet = _flake8("--select", "HDL", "fine/m0.py", cwd=tmp_path)
    assert (quiet.returncode, quiet.stderr) == (1, "")


def test_plugin_reports_an_opt_in_code_where_the_project_enables_it(tmp_path):
    (tmp_path / "a.py").write_text("from tensorflow.core.protobuf import saver_pb2\n"
                                   "saver_def = saver_pb2.SaverDef()\n")
    assert "HDL105" not in _flake8("--select", "HDL", "a.py", cwd=tmp_path).stdout
    (tmp_path / "pyproject.toml").write_text('[tool.hub-dist-lint]\nextend-select = ["HDL105"]\n')
    assert "HDL105" in _flake8("--select", "HDL", "a.py", cwd=tmp_path).stdout
