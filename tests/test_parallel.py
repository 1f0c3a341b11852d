"""-j and the result cache change speed, never output."""

import os
import time

from conftest import run_cli
from hub_dist_lint import project_reads
from hub_dist_lint.engine import LintError, analyze
from goldens import fix_fixtures, lint_fixtures


def _kept(path) -> bool:
    """Whether the file's outcome may be cached: what it read of the project around it
    (project_reads.py) was not written too recently to trust its timestamps."""
    with project_reads.recording() as reads:
        try:
            analyze(path.read_bytes(), str(path))
        except LintError:
            pass
    return reads.trusted


def _tree(tmp_path, count=40):
    sources = lint_fixtures() + fix_fixtures()
    for i in range(count):
        src = sources[i % len(sources)]
        (tmp_path / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (tmp_path / f"d{i % 3}" / f"m{i}.py").write_bytes(src.read_bytes())
    (tmp_path / "broken.py").write_text("from tensorflow.python import x\ndef (:\n")
    return tmp_path


def test_output_is_the_same_whatever_jobs_and_sorted(tmp_path):
    tree = _tree(tmp_path / "t")
    one = run_cli("-j", "1", "--no-cache", tree)
    two = run_cli("-j", "2", "--no-cache", tree)
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout and one.stderr == two.stderr
    keys = []
    for line in one.stdout.decode().splitlines():
        path, row, col, _ = line.split(":", 3)
        keys.append((path, int(row), int(col)))
    assert keys == sorted(keys) and len(keys) > 40


def test_cache_gives_identical_output_and_tracks_content(tmp_path):
    tree = _tree(tmp_path / "t")
    cache = tmp_path / "cache"
    cold = run_cli("--cache-dir", cache, tree)
    entries = sum(len(files) for _, _, files in os.walk(cache))
    # keyed by content: copies share an entry; an outcome that read other files of the
    # project (the entry-point proof of HDL501's switch) is not kept while those were
    # written too recently to trust their timestamps (all of them, here)
    distinct = {p.read_bytes() for p in tree.rglob("*.py") if _kept(p)}
    assert entries == len(distinct) < len({p.read_bytes() for p in tree.rglob("*.py")})
    warm = run_cli("--cache-dir", cache, tree)
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    # changed content is not served from the cache
    target = tree / "d0" / "m0.py"
    target.write_text("import tensorflow as tf\n")
    after = run_cli("--cache-dir", cache, tree)
    assert str(target) not in after.stdout.decode()
    # settings are part of the key
    only = run_cli("--cache-dir", cache, "--select", "HDL2", tree)
    assert "HDL1" not in only.stdout.decode()


def test_no_cache_writes_nothing(tmp_path):
    tree = _tree(tmp_path / "t", 5)
    cache = tmp_path / "cache"
    run_cli("--no-cache", "--cache-dir", cache, tree)
    assert not cache.exists()


def test_bad_jobs_value(tmp_path):
    result = run_cli("-j", "-3", tmp_path)
    assert result.returncode == 2 and "--jobs -3" in result.stderr.decode()


_IMPORTED_AFTER_WARM_RUN = """\
import sys
from hub_dist_lint.cli import lint_main
code = lint_main(["--cache-dir", sys.argv[1], "-j", "2", sys.argv[2]])
loaded = sorted(m for m in sys.modules if m == "libcst" or m.startswith("hub_dist_lint.rules"))
print("loaded:", loaded, "exit:", code, file=sys.stderr)
"""


def test_a_run_the_cache_answers_imports_no_rule_and_no_libcst(tmp_path):
    """A warm run is answered in the main process: reading, hashing and printing, with
    neither the rules nor libcst imported and no worker started; its output is the cold
    run's."""
    import subprocess
    import sys

    tree = _tree(tmp_path / "t")
    for path in tree.rglob("*.py"):
        if not _kept(path):  # not cached: linted again by a worker
            path.unlink()
    assert len(list(tree.rglob("*.py"))) > 30
    cache = tmp_path / "cache"
    cold = run_cli("--cache-dir", cache, tree)
    warm = subprocess.run([sys.executable, "-c", _IMPORTED_AFTER_WARM_RUN, str(cache), str(tree)],
                          capture_output=True, cwd=tmp_path)
    assert warm.stdout == cold.stdout and b"HDL1" in warm.stdout
    # the broken file's error comes from the cache too, on stderr as before
    assert warm.stderr.decode().startswith(cold.stderr.decode()) and b"broken.py" in cold.stderr
    assert warm.stderr.decode().strip().endswith("loaded: [] exit: 2"), warm.stderr.decode()


def _aged(tree):
    """Files not changed within the last two seconds: a run index keeps no other (a later
    change within their timestamps' tick would not show). Their ctime cannot be set back."""
    time.sleep(2.1)
    return tree


def _content_entries(cache):
    return [p for p in cache.rglob("*") if p.is_file() and "runs" not in p.parts]


def test_a_run_like_the_last_is_answered_by_the_run_index(tmp_path):
    """By size, mtime and ctime (ruff's cache): with the content entries gone, a run over
    the same files still gives the cold run's output and lints nothing again."""
    import subprocess
    import sys

    tree = _aged(_tree(tmp_path / "t"))
    cache = tmp_path / "cache"
    cold = run_cli("--cache-dir", cache, tree, cwd=tmp_path)  # the index is per directory run in
    assert len(list(cache.rglob("runs/*.json"))) == 1
    for entry in _content_entries(cache):
        entry.unlink()
    warm = subprocess.run([sys.executable, "-c", _IMPORTED_AFTER_WARM_RUN, str(cache), str(tree)],
                          capture_output=True, cwd=tmp_path)
    assert warm.stdout == cold.stdout and b"HDL1" in warm.stdout
    assert warm.stderr.decode().startswith(cold.stderr.decode())
    # a file linted again would have its content entry written back (the outcomes other
    # files decided too: the index looked at those files again)
    assert _content_entries(cache) == []


def test_the_run_index_sees_content_settings_and_racy_files(tmp_path):
    tree = _aged(_tree(tmp_path / "t"))
    cache = tmp_path / "cache"
    run_cli("--cache-dir", cache, tree)
    # the same size and mtime, other content: the ctime changed
    target = next(p for p in sorted(tree.rglob("*.py")) if b"HDL1" in run_cli("--no-cache", p).stdout)
    stat = target.stat()
    target.write_bytes(b"#" * stat.st_size)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = run_cli("--cache-dir", cache, tree)
    assert str(target) not in after.stdout.decode()
    # settings are part of each entry
    only = run_cli("--cache-dir", cache, "--select", "HDL2", tree)
    assert "HDL1" not in only.stdout.decode()
    # a file modified just now is not kept (it may change again within its mtime's tick)
    fresh = tmp_path / "fresh"
    _tree(fresh, 5)
    run_cli("--cache-dir", tmp_path / "cache2", fresh)
    assert not list((tmp_path / "cache2").rglob("runs/*.json"))


def test_files_are_checked_with_the_cycle_collector_run_rarely():
    # in the pool's workers and in this process for a small run; as before afterwards
    import gc

    from hub_dist_lint import runner

    before = gc.get_threshold()
    in_workers = list(runner.in_parallel(gc.get_threshold, [()] * 16, jobs=2))
    in_process = list(runner.in_parallel(gc.get_threshold, [()] * 3, jobs=2))
    assert {t[0] for t in in_workers + in_process} == {runner.CYCLE_COLLECTION_THRESHOLD}
    assert gc.get_threshold() == before
