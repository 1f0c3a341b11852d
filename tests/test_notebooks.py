"""Jupyter notebooks as users run the tool on them: the CLI, the fixer, the formats.

The golden notebooks (tests/fixtures/notebooks) hold the findings and the rewrites; here:
reading (walks, excludes, stdin), positions in every format, bad input, what a fix keeps
byte for byte, the notebook's own TensorFlow pin, and IPython syntax round trips.
"""

import difflib
import json
import os
import stat

import nbformat
import pytest
from hypothesis import given, settings, strategies as st

from conftest import FIXTURES, run_cli
from hub_dist_lint.diagnostics import LintError
from hub_dist_lint.ipython_syntax import Cell, program_module, to_module
from hub_dist_lint.notebook_file import read, with_sources
from hub_dist_lint.notebooks import analyze_notebook, fix_notebook

NOTEBOOKS = FIXTURES / "notebooks"
TUTORIAL = NOTEBOOKS / "fix" / "text_classification.in.ipynb"
SYNTAX = NOTEBOOKS / "lint" / "ipython_syntax.ipynb"
META = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}


def notebook(*sources, metadata=META, markdown_first=False) -> str:
    nb = nbformat.v4.new_notebook(metadata=metadata)
    if markdown_first:
        nb.cells.append(nbformat.v4.new_markdown_cell("# Title"))
    nb.cells.extend(nbformat.v4.new_code_cell(s) for s in sources)
    return nbformat.writes(nb) + "\n"


PRIVATE = notebook("import tensorflow as tf\nfrom tensorflow.python.framework import ops",
                   "x = ops.convert_to_tensor([1.0])", markdown_first=True)


# -- reading --------------------------------------------------------------------------


def test_directory_walk_finds_notebooks_and_obeys_excludes(tmp_path):
    (tmp_path / "nb.ipynb").write_text(PRIVATE)
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "old.ipynb").write_text(PRIVATE)
    (tmp_path / ".ipynb_checkpoints").mkdir()  # Jupyter's autosaves: excluded as in ruff
    (tmp_path / ".ipynb_checkpoints" / "nb-checkpoint.ipynb").write_text(PRIVATE)
    result = run_cli(".", "--extend-exclude", "drafts", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.decode().splitlines() == [
        "./nb.ipynb:cell 2:2:1: HDL103 private module import tensorflow.python.framework.ops; "
        "use the public tf.* names of its members"]


def test_notebook_on_stdin_needs_its_name(tmp_path):
    named = run_cli("-", "--stdin-filename", "nb.ipynb", stdin=PRIVATE.encode(), cwd=tmp_path)
    assert named.returncode == 1 and named.stdout.decode().startswith("nb.ipynb:cell 2:2:1: HDL103")
    fixed = run_cli("-", "--stdin-filename", "nb.ipynb", stdin=PRIVATE.encode(), cwd=tmp_path, fix=True)
    nb = nbformat.reads(fixed.stdout.decode(), 4)
    assert [c.source for c in nb.cells][1:] == ["import tensorflow as tf", "x = tf.convert_to_tensor([1.0])"]


def test_positions_in_json_sarif_and_github(tmp_path):
    (tmp_path / "nb.ipynb").write_text(PRIVATE)
    found = json.loads(run_cli("nb.ipynb", "--format", "json", cwd=tmp_path).stdout)
    assert [(f["cell"], f["line"], f["column"], f["code"]) for f in found] == [(2, 2, 1, "HDL103")]
    edits = found[0]["fix"]["edits"]
    assert {e["cell"] for e in edits} == {2, 3}  # the import in cell 2, its use in cell 3
    file_line = PRIVATE.splitlines().index('    "from tensorflow.python.framework import ops"') + 1
    sarif = json.loads(run_cli("nb.ipynb", "--format", "sarif", cwd=tmp_path).stdout)
    result = sarif["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": file_line}
    assert result["message"]["text"].startswith("cell 2:2:1: private module import")
    assert result["properties"] == {"cell": 2, "cellLine": 2, "cellColumn": 1}
    github = run_cli("nb.ipynb", "--format", "github", cwd=tmp_path).stdout.decode()
    assert github.startswith(f"::error file=nb.ipynb,line={file_line},title=HDL103::cell 2:2:1: private")


def test_python_files_say_cell_null_in_json(tmp_path):
    (tmp_path / "a.py").write_text("from tensorflow.python.framework import ops\n")
    found = json.loads(run_cli("a.py", "--format", "json", cwd=tmp_path).stdout)
    assert found[0]["cell"] is None and "file_line" not in found[0]


def test_noqa_in_a_cell():
    text = notebook("from tensorflow.python.framework import ops  # noqa: HDL103",
                    "from tensorflow.python.ops import array_ops  # noqa: HDL2")
    assert [(f.cell, f.diagnostic.code) for f in analyze_notebook(text).findings] == [(2, "HDL103")]


def test_ipython_constructs_are_understood():
    # every construct of the golden notebook is read (its findings are in the .expected);
    # here: nothing in a %%bash cell, an appended %%writefile or a raw cell is reported
    found = analyze_notebook(SYNTAX.read_bytes(), "nb.ipynb").findings
    assert [(f.cell, f.line) for f in found] == [(2, 5), (4, 4), (5, 2), (7, 3)]


def test_a_written_program_is_its_own_module():
    # the program does not see the kernel's `import tensorflow`: its private import is its own
    text = notebook("import tensorflow as tf\nfrom tensorflow.python.framework import ops",
                    "%%writefile job.py\nfrom tensorflow.python.framework import ops\nx = ops.convert_to_tensor(1)\n",
                    "y = ops.convert_to_tensor(2)")
    found = analyze_notebook(text, fixes=True).findings
    assert [(f.cell, f.line, f.diagnostic.code) for f in found] == [(1, 2, "HDL103"), (2, 2, "HDL103")]
    new = nbformat.reads(fix_notebook(text.encode())[0].decode(), 4)
    assert [c.source for c in new.cells] == [
        "import tensorflow as tf", "%%writefile job.py\nimport tensorflow as tf\nx = tf.convert_to_tensor(1)\n",
        "y = tf.convert_to_tensor(2)"]


def test_other_languages_are_skipped():
    r_notebook = notebook("library(ggplot2)\nx <- 1", metadata={"kernelspec": {
        "name": "ir", "display_name": "R", "language": "R"}, "language_info": {"name": "R"}})
    result = analyze_notebook(r_notebook)
    assert result.findings == [] and result.target_note == "not checked: a R notebook"


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("content,reason", [
    ('{"cells": [', "not a notebook: invalid JSON at line 1 column 12"),
    ('[]', "not a notebook: the JSON is not a notebook's"),
    ('{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}', "nbformat 3 notebook: only nbformat 4 is read"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', 'not a notebook: no "cells" list'),
])
@pytest.mark.parametrize("fix", [False, True])
def test_bad_notebook_is_one_line_and_exit_2_and_the_rest_goes_on(tmp_path, content, reason, fix):
    (tmp_path / "bad.ipynb").write_text(content)
    (tmp_path / "good.ipynb").write_text(PRIVATE)
    result = run_cli("bad.ipynb", "good.ipynb", *([] if fix else ["--no-cache"]), cwd=tmp_path, fix=fix)
    assert result.returncode == 2
    errors = result.stderr.decode().splitlines()
    assert len([e for e in errors if e.startswith("bad.ipynb")]) == 1
    assert errors[0].startswith(f"bad.ipynb: error: {reason}")
    assert (tmp_path / "bad.ipynb").read_text() == content  # nothing written
    if fix:
        assert "tf.convert_to_tensor" in (tmp_path / "good.ipynb").read_text()
    else:
        assert result.stdout.decode().startswith("good.ipynb:cell 2:2:1: HDL103")


def test_syntax_error_is_reported_in_its_cell(tmp_path):
    (tmp_path / "nb.ipynb").write_text(notebook("import tensorflow as tf", "x = (1,\ny = 2", "print(1)"))
    result = run_cli("nb.ipynb", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("nb.ipynb:cell 2:1:5: error: syntax error: '(' was never closed")


# -- fixing ---------------------------------------------------------------------------


def test_fix_keeps_everything_but_the_changed_sources(tmp_path):
    path = tmp_path / "tutorial.ipynb"
    path.write_bytes(TUTORIAL.read_bytes())
    os.chmod(path, 0o640)
    result = run_cli("tutorial.ipynb", cwd=tmp_path, fix=True)
    assert result.returncode == 1 and result.stderr.decode() == "fixed 1 finding(s) in tutorial.ipynb\n"
    before, after = nbformat.reads(TUTORIAL.read_text(), 4), nbformat.read(path, 4)
    nbformat.validate(after)
    changed = [i for i, (a, b) in enumerate(zip(before.cells, after.cells)) if a != b]
    assert changed == [1]  # the first code cell got the switch; outputs, ids, counts kept
    assert after.cells[1].source.startswith('import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n    os.environ["TF_USE_LEGACY_KERAS"] = "1"\n!pip')
    old, new = TUTORIAL.read_text().splitlines(True), path.read_text().splitlines(True)
    assert [line for line in difflib.ndiff(old, new) if line[0] in "+-"] == [
        '+     "import os\\n",\n', '+     "if \\"TF_USE_LEGACY_KERAS\\" not in os.environ:\\n",\n',
        '+     "    os.environ[\\"TF_USE_LEGACY_KERAS\\"] = \\"1\\"\\n",\n']
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    again = run_cli("tutorial.ipynb", cwd=tmp_path, fix=True)
    assert again.returncode == 0 and again.stderr == b""


def test_diff_is_per_cell_and_writes_nothing(tmp_path):
    (tmp_path / "nb.ipynb").write_text(PRIVATE)
    result = run_cli("nb.ipynb", "--diff", cwd=tmp_path, fix=True)
    assert result.returncode == 1
    assert result.stdout.decode() == (
        "--- nb.ipynb:cell 2\n+++ nb.ipynb:cell 2\n@@ -1,2 +1 @@\n"
        " import tensorflow as tf\n-from tensorflow.python.framework import ops\n"
        "--- nb.ipynb:cell 3\n+++ nb.ipynb:cell 3\n@@ -1 +1 @@\n"
        "-x = ops.convert_to_tensor([1.0])\n+x = tf.convert_to_tensor([1.0])\n")
    assert (tmp_path / "nb.ipynb").read_text() == PRIVATE


def test_left_findings_name_their_cell(tmp_path):
    (tmp_path / "nb.ipynb").write_text(notebook(
        "from tensorflow.python.distribute.values import AutoPolicy"))
    result = run_cli("nb.ipynb", cwd=tmp_path, fix=True)
    assert result.returncode == 1
    assert result.stdout.decode().startswith("nb.ipynb:cell 1:1:1: HDL102 private import")


def test_fix_in_a_written_program_keeps_its_magic_line():
    text = notebook("%%writefile job.py\nfrom tensorflow.python.framework import ops\nx = ops.convert_to_tensor(1.0)\n")
    new, fixed, left = fix_notebook(text.encode())
    assert nbformat.reads(new.decode(), 4).cells[0].source == (
        "%%writefile job.py\nimport tensorflow as tf\nx = tf.convert_to_tensor(1.0)\n")


def test_fix_keeps_ipython_lines_in_changed_cells():
    text = notebook("!pip install -q tensorflow-hub\nfrom tensorflow.python.framework import ops\n"
                    "%time y = 1\nfor f in files:\n    !echo {f}\nz = ops.convert_to_tensor(1.0)\nops?")
    new = nbformat.reads(fix_notebook(text.encode())[0].decode(), 4)
    assert new.cells[0].source == ("!pip install -q tensorflow-hub\nimport tensorflow as tf\n"
                                   "%time y = 1\nfor f in files:\n    !echo {f}\n"
                                   "z = tf.convert_to_tensor(1.0)\nops?")


# -- the notebook's own TensorFlow -------------------------------------------------------


def test_pinned_notebook_is_checked_against_its_pin(tmp_path):
    pinned = NOTEBOOKS / "lint" / "pinned_tf215.ipynb"
    result = run_cli(pinned, "--no-cache", "-v", cwd=tmp_path)
    assert "HDL501" not in result.stdout.decode()  # tf.keras is Keras 2 in TF 2.15
    assert result.stderr.decode() == (f"{pinned}: target TF 2.15, the newest release "
                                      "`tensorflow==2.15.1` allows (cell 1)\n")
    configured = run_cli(pinned, "--no-cache", "--target-tf", "2.21", cwd=tmp_path)
    assert "HDL501" in configured.stdout.decode()


def test_tensorflow_1_notebook_is_not_checked():
    text = notebook("%tensorflow_version 1.x", "import tensorflow.contrib.slim as slim")
    result = analyze_notebook(text)
    assert result.findings == [] and result.target_note.startswith("not checked: `%tensorflow_version 1.x`")


# -- the file's layout --------------------------------------------------------------------


def test_layouts_are_kept():
    text = ('{\n  "cells": [\n    {\n      "cell_type": "code",\n      "source": [],\n      "metadata": {},\n'
            '      "outputs": [], "execution_count": null\n    },\n    {\n      "cell_type": "code",\n'
            '      "source": "a = 1\\nb = 2",\n      "metadata": {}, "outputs": [], "execution_count": null\n'
            '    }\n  ],\n  "metadata": {},\n  "nbformat": 4,\n  "nbformat_minor": 5\n}')
    nb = read(text.encode())
    new = with_sources(nb, {1: "x = 1\ny = 'é'", 2: "a = 3\nb = 2"})
    assert new == text.replace('"source": []', '"source": [\n        "x = 1\\n",\n        "y = \'é\'"\n      ]') \
                      .replace('"a = 1\\nb = 2"', '"a = 3\\nb = 2"')
    crlf = PRIVATE.replace("\n", "\r\n")
    fixed = fix_notebook(crlf.encode())[0].decode()
    assert "\n" not in fixed.replace("\r\n", "") and fixed.endswith("}\r\n")


# -- IPython syntax round trips ---------------------------------------------------------

LINES = st.sampled_from([
    "import tensorflow as tf", "x = 1", "!pip install -q tensorflow-hub", "%matplotlib inline",
    "files = !ls", "a, b = %sx echo 1 2", "tf.keras?", "??tf", "!echo a \\", "  continued",
    "s = '''", "!inside a string", "'''", "if x:", "    !echo {x}", "    y = 2", "# a comment",
    "", "%time f(x)", "print('!not a magic')", "d = {", "  'k': 1}",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(LINES, max_size=8), min_size=1, max_size=4))
def test_cells_come_back_verbatim(cells):
    texts = ["\n".join(lines) for lines in cells]
    module, _ = to_module([Cell(i + 1, t) for i, t in enumerate(texts)])
    assert module.split(module.text) == {i + 1: t for i, t in enumerate(texts)}
    # every module line of a cell maps back to that cell's line
    for number, owner in enumerate(module.lines, 1):
        if owner is not None:
            key, line = module.position(number)
            assert 1 <= line <= max(1, texts[key - 1].count("\n") + 1)


def test_placeholders_keep_lines_and_come_back_after_an_edit():
    cell = "import os\n!pip install a \\\n    b\nfiles = !ls\nfor f in files:\n    !echo {f}\ntf?"
    module, _ = to_module([Cell(1, cell), Cell(2, "%%capture out\nimport tensorflow as tf")])
    assert module.text.count("\n") == cell.count("\n") + 1 + 1 + 2
    edited = module.text.replace("import os\n", "import os\nimport sys\n")
    assert module.split(edited) == {1: cell.replace("import os\n", "import os\nimport sys\n"),
                                    2: "%%capture out\nimport tensorflow as tf"}
    assert module.split(edited.replace(module.marker, "# moved ")) is None


def test_written_program_lines_are_the_cells():
    _, [program] = to_module([Cell(4, "%%writefile a.py\nimport os\n!ls\nx = 1\n")])
    module = program_module(program)
    assert [module.position(n) for n in range(1, 4)] == [(4, 2), (4, 3), (4, 4)]


# -- what real notebooks do (found on the 834-notebook corpus) -----------------------------


def test_a_kernel_restart_starts_a_new_program():
    # Vertex AI notebooks install packages, then restart the kernel: the switch must go
    # after the restart, before the first TensorFlow import, or it is thrown away
    text = notebook("import os\n!pip install -q tensorflow-hub",
                    "import IPython\napp = IPython.Application.instance()\napp.kernel.do_shutdown(True)",
                    "PROJECT = 'p'",
                    "import tensorflow as tf\nimport tensorflow_hub as hub\n"
                    "model = tf.keras.Sequential([hub.KerasLayer('m')])")
    new = nbformat.reads(fix_notebook(text.encode())[0].decode(), 4)
    assert [c.source for c in new.cells][:2] == [c.source for c in nbformat.reads(text, 4).cells][:2]
    assert new.cells[2].source.startswith('import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n    os.environ["TF_USE_LEGACY_KERAS"] = "1"\n')


def test_assignment_from_the_shell_keeps_its_spacing():
    text = notebook("files=!ls\nimport tensorflow as tf\nfrom tensorflow.python.framework import ops",
                    "x = ops.convert_to_tensor(1)")
    new = nbformat.reads(fix_notebook(text.encode())[0].decode(), 4)
    assert new.cells[0].source == "files=!ls\nimport tensorflow as tf"


def test_the_switch_set_with_a_magic_is_seen():
    # `%env TF_USE_LEGACY_KERAS=1` works in a kernel: no HDL501, no second switch
    text = notebook("%env TF_USE_LEGACY_KERAS=1\nimport tensorflow as tf\nimport tensorflow_hub as hub",
                    "model = tf.keras.Sequential([hub.KerasLayer('m')])")
    assert analyze_notebook(text).findings == []
    assert fix_notebook(text.encode())[0] == text.encode()


def test_syntax_error_messages_name_cell_lines():
    text = notebook("import os", "x = 1\ndef f():\n\ny = 2")
    with pytest.raises(LintError) as raised:
        analyze_notebook(text)
    assert (raised.value.cell, raised.value.line) == (2, 4)
    assert raised.value.reason.endswith("after function definition on line 2")


def test_indented_cells_and_automagic_are_read_as_ipython_reads_them():
    # IPython strips a cell's leading indentation and runs `ls ./data` as %ls
    text = notebook("  import tensorflow as tf\n  from tensorflow.python.framework import ops\n"
                    "  x = ops.convert_to_tensor(1)",
                    "ls ./data/train/\ncd /content\nls = [1]\nprint(ls)\n"
                    "history = model.fit(x,\n    epochs=2)\nhistory.history")
    found = analyze_notebook(text).findings
    assert [(f.cell, f.line, f.column) for f in found] == [(1, 2, 3)]  # the column as written
    new = nbformat.reads(fix_notebook(text.encode())[0].decode(), 4)
    assert new.cells[0].source == "  import tensorflow as tf\n  x = tf.convert_to_tensor(1)"
    assert new.cells[1].source == nbformat.reads(text, 4).cells[1].source
