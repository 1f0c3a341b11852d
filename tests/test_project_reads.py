"""Outcomes that other files of the project decided are cached with what they read of the
project, and served only while it looks the same (hub_dist_lint/project_reads.py): a hub
layer another module starts to return, an importer that makes a script no longer the
program's entry point, the same file in another project."""

import json
import os
import subprocess
import sys
import textwrap
import time

from conftest import run_cli
from hub_dist_lint import project_reads
from hub_dist_lint.config import Config, Resolver
from hub_dist_lint.runner import Cache, cached_outcome, check_one

TRAIN = """\
import tensorflow as tf
from models import build

model = tf.keras.Sequential([build()])
"""
DENSE = """\
import tensorflow as tf


def build():
    return tf.keras.layers.Dense(3)
"""
HUB = """\
import tensorflow as tf
import tensorflow_hub as hub


def build():
    return hub.KerasLayer("https://tfhub.dev/google/nnlm-en-dim50/2")
"""
AN_HOUR_AGO = time.time() - 3600


def _write(path, text):
    """Write a file as an editor would have saved it a while ago (outside the two seconds
    in which a timestamp may not show a further change)."""
    path.write_text(textwrap.dedent(text))
    os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))


def _project(root, **files):
    root.mkdir(parents=True, exist_ok=True)
    _write(root / "pyproject.toml", "")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        _write(root / name, text)
    return root


def _lint(*args):
    result = run_cli("--format", "json", *map(str, args))
    return result.returncode, [(d["code"], d["message"]) for d in json.loads(result.stdout)]


def test_a_hub_layer_another_module_starts_to_return_is_found_by_the_warm_run(tmp_path):
    root = _project(tmp_path / "p", **{"train.py": TRAIN, "models.py": DENSE})
    cache = tmp_path / "cache"
    assert _lint(root / "train.py", "--cache-dir", cache) == (0, [])
    # the outcome (no finding) was kept, with what it read of models.py
    train = str(root / "train.py")
    # (--format json lints with fixes planned: its own entries)
    kept = cached_outcome(train, train, Resolver().config_for(train), True, Cache(str(cache)))
    assert kept is not None and kept.records == []
    assert any(kind == "stamp" and path == str(root / "models.py") for kind, path, _ in kept.depends_on)

    _write(root / "models.py", HUB)
    warm = _lint(root / "train.py", "--cache-dir", cache)
    assert warm == _lint(root / "train.py", "--no-cache")
    assert warm[0] == 1 and [code for code, _ in warm[1]] == ["HDL501"]
    assert "made by build() of models.py" in warm[1][0][1]


def test_an_importer_added_to_the_project_changes_the_entry_point_answer(tmp_path):
    root = _project(tmp_path / "p", **{"train.py": TRAIN, "models.py": HUB})
    cache = tmp_path / "cache"
    before = _lint(root / "train.py", "--cache-dir", cache)
    assert "entry-point script" in before[1][0][1]
    _write(root / "launch.py", "import train\n")  # now train.py runs after whatever launch.py imported
    warm = _lint(root / "train.py", "--cache-dir", cache)
    assert warm == _lint(root / "train.py", "--no-cache") and warm != before
    assert "entry-point script" not in warm[1][0][1]


def test_the_same_file_in_another_project_is_not_answered_for_by_the_first(tmp_path):
    first = _project(tmp_path / "a", **{"train.py": TRAIN, "models.py": HUB})
    second = _project(tmp_path / "b", **{"train.py": TRAIN, "models.py": DENSE})
    cache = tmp_path / "cache"
    assert [c for c, _ in _lint(first / "train.py", "--cache-dir", cache)[1]] == ["HDL501"]
    assert _lint(second / "train.py", "--cache-dir", cache) == (0, [])
    assert [c for c, _ in _lint(first / "train.py", "--cache-dir", cache)[1]] == ["HDL501"]


def test_an_outcome_is_kept_only_when_what_it_read_is_settled(tmp_path):
    root = _project(tmp_path / "p", **{"train.py": TRAIN, "models.py": HUB})
    config, cache = Config(), str(tmp_path / "cache")
    train = str(root / "train.py")
    (root / "models.py").write_text(HUB)  # saved just now: it may change again unseen
    assert check_one(train, train, config, False, cache).depends_on is None
    assert cached_outcome(train, train, config, False, Cache(cache)) is None
    os.utime(root / "models.py", (AN_HOUR_AGO, AN_HOUR_AGO))
    outcome = check_one(train, train, config, False, cache)
    assert outcome.depends_on and [r.code for r in outcome.records] == ["HDL501"]
    assert [r.code for r in cached_outcome(train, train, config, False, Cache(cache)).records] == ["HDL501"]


def test_files_nothing_else_decides_still_go_to_the_run_index(tmp_path):
    root = _project(tmp_path / "p", **{"alone.py": "from tensorflow.python.framework import ops\n"})
    outcome = check_one(str(root / "alone.py"), str(root / "alone.py"), Config(), False, None)
    assert outcome.depends_on == [] and [r.code for r in outcome.records] == ["HDL103"]


def test_the_flake8_plugin_cache_sees_the_other_module_change(tmp_path):
    root = _project(tmp_path / "p", **{"train.py": TRAIN, "models.py": DENSE})
    env = {**os.environ, "HUB_DIST_LINT_CACHE_DIR": str(tmp_path / "cache")}

    def flake8():
        return subprocess.run([sys.executable, "-m", "flake8", "--select", "HDL", "train.py"],
                              capture_output=True, text=True, cwd=root, env=env, timeout=300).stdout

    assert flake8() == ""
    _write(root / "models.py", HUB)
    assert "HDL501" in flake8()


def test_remembered_work_records_its_looks_again_and_is_redone_when_they_change(tmp_path):
    path = tmp_path / "m.py"
    _write(path, "x = 1\n")
    calls = []

    @project_reads.remembered()
    def size_of(where):
        calls.append(where)
        return len(project_reads.read_bytes(where))

    with project_reads.recording() as first:
        assert size_of(str(path)) == 6
    with project_reads.recording() as second:
        assert size_of(str(path)) == 6
    assert len(calls) == 1 and second.probes() == first.probes() != []
    assert project_reads.still_holds(first.probes())
    _write(path, "x = 10\n")
    assert not project_reads.still_holds(first.probes())
    with project_reads.recording():
        assert size_of(str(path)) == 7
    assert len(calls) == 2


def test_source_files_is_one_look_that_any_change_under_the_root_breaks(tmp_path):
    root = _project(tmp_path / "p", **{"a.py": "import b\n", "pkg/c.py": ""})
    with project_reads.recording() as reads:
        names = sorted(os.path.relpath(p, root) for p, _ in project_reads.source_files(str(root)))
    assert names == ["a.py", os.path.join("pkg", "c.py")]
    assert [kind for kind, _, _ in reads.probes()] == ["sources"]
    probes = reads.probes()
    for change in (lambda: _write(root / "pkg" / "d.py", ""),
                   lambda: _write(root / "a.py", "import bb\n"),
                   lambda: (root / "pkg" / "c.py").unlink()):
        assert project_reads.still_holds(probes)
        change()
        assert not project_reads.still_holds(probes)
        with project_reads.recording() as reads:
            project_reads.source_files(str(root))
        probes = reads.probes()


def test_a_module_summarized_for_one_file_is_a_dependency_of_the_next_too(tmp_path):
    # in one process the second file gets the first one's summary of models.py from
    # memory: it still depends on models.py
    root = _project(tmp_path / "p", **{"a.py": TRAIN, "b.py": TRAIN, "models.py": HUB})
    looked = []
    for name in ("a.py", "b.py"):
        outcome = check_one(str(root / name), str(root / name), Config(), False, None)
        assert [r.code for r in outcome.records] == ["HDL501"]
        looked.append({path for kind, path, _ in outcome.depends_on if kind == "stamp"})
    assert looked[0] == looked[1] == {str(root / "models.py")}


def test_one_run_makes_each_look_once_for_all_its_files(tmp_path):
    marker = str(tmp_path / "pyproject.toml")
    probes = [["exists", marker, False]]
    now = {}
    assert project_reads.still_holds(probes, now) and now == {("exists", marker): False}
    _write(tmp_path / "pyproject.toml", "")  # made after this run looked: the run's view stays
    assert project_reads.still_holds(probes, now)
    assert not project_reads.still_holds(probes)  # a new run looks again
