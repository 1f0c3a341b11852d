"""Benchmark: hub-dist-lint against the libcst parse floor, flake8 and ruff, in one run.

    python bench/run.py [CORPUS ...] [-j N] [--repeat R]

CORPUS is a directory, or `tf_keras` (a copy of the installed tf_keras package: 586
files, 166k lines, nearly all importing tensorflow.python: the worst case), or
`tf_python` (tensorflow/python from the cached 2.21 tensorflow-cpu wheel, or the
installed one). Default: tf_keras. Every figure is the best of R runs; ratios are
against the libcst parse floor measured in the same run, so they mean more than
the seconds, and the fix rows (JSON/SARIF with their edits, hub-dist-fix) also against
the cold text lint. Each round runs the floor, the lint and the fix routes one after
another, and the same ratios are given per round too (their median and range): on a
shared machine the load drifts between rounds, and a ratio of two bests may pair runs
made far apart. Peak RSS is the largest child process's. The commands run with
Python's bytecode cache on (in a temporary prefix), as an installed package has it, even
where the environment turns it off (PYTHONDONTWRITEBYTECODE): otherwise every run would
compile the tool's modules again, which no user's run does.
"""

from __future__ import annotations

import argparse
import atexit
import ast
import importlib.util
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NL = b"\n"
sys.path.insert(0, str(ROOT))

# flake8 without this package's plugin: filter our distribution out of plugin discovery.
FLAKE8_WITHOUT_PLUGIN = (
    "import importlib.metadata as md, sys\n"
    "_all = md.distributions\n"
    "md.distributions = lambda **kw: [d for d in _all(**kw) "
    "if (d.metadata['Name'] or '').lower() != 'hub-dist-lint']\n"
    "from flake8.main.cli import main\n"
    "sys.exit(main())\n"
)
RUFF_CONFIG = """\
[lint.flake8-tidy-imports.banned-api]
"tensorflow.python".msg = "private TensorFlow module"
"tensorflow.core".msg = "private TensorFlow module"
"tensorflow.lite.python".msg = "private TensorFlow module"
"tensorflow.compiler".msg = "private TensorFlow module"
"""


def _median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _files(root):
    return sorted(str(p) for p in Path(root).rglob("*.py"))


def _parse_libcst(paths):
    import libcst as cst

    for p in paths:
        try:
            cst.parse_module(Path(p).read_bytes())
        except Exception:
            pass
    return len(paths)


def _parse_ast(paths):
    for p in paths:
        try:
            ast.parse(Path(p).read_bytes())
        except Exception:
            pass
    return len(paths)


def _warm(_):
    import libcst  # noqa: F401
    return None


def _pool_time(pool, fn, paths, jobs):
    chunks = [paths[i::jobs * 4] for i in range(jobs * 4)]
    start = time.perf_counter()
    list(pool.map(fn, chunks))
    return time.perf_counter() - start


# the commands' environment: bytecode cached, in a prefix of the bench's own
BENCH_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BENCH_ENV["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="hdl-bench-pyc-")
atexit.register(shutil.rmtree, BENCH_ENV["PYTHONPYCACHEPREFIX"], ignore_errors=True)


def _command_time(cmd, cwd=None, env=None):
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(cmd, capture_output=True, cwd=cwd, env=env or BENCH_ENV)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, result, max(rss, before)


def _gate_report(paths) -> str:
    """How many files each checker's text gate lets through (the rest are never parsed)."""
    from hub_dist_lint.rules import CHECKERS

    texts = [Path(p).read_bytes().decode("utf-8", "replace") for p in paths]
    passes = {type(c).__name__: sum(1 for t, p in zip(texts, paths) if c.admits(t, str(p)))
              for c in CHECKERS}
    parsed = sum(1 for t, p in zip(texts, paths) if any(c.admits(t, str(p)) for c in CHECKERS))
    detail = ", ".join(f"{name} {count}" for name, count in passes.items())
    return (f"text gates: {len(paths) - parsed} of {len(paths)} files never parsed; "
            f"files let through per checker: {detail}")


def _corpus(name, tmp):
    if os.path.isdir(name):
        return Path(name)
    if name == "tf_keras":
        spec = importlib.util.find_spec("tf_keras")
        if spec is None:
            sys.exit("tf_keras is not installed (pip install tf-keras==2.21.0)")
        return Path(shutil.copytree(Path(spec.origin).parent, Path(tmp) / "tf_keras",
                                    ignore=shutil.ignore_patterns("__pycache__")))
    if name == "tf_python":
        spec = importlib.util.find_spec("tensorflow")
        if spec is None:
            sys.exit("tensorflow is not installed")
        return Path(shutil.copytree(Path(spec.origin).parent / "python", Path(tmp) / "tf_python",
                                    ignore=shutil.ignore_patterns("__pycache__", "*.so")))
    sys.exit(f"{name}: not a directory, tf_keras or tf_python")


def bench(corpus: Path, jobs: int, repeat: int) -> None:
    paths = _files(corpus)
    lines = sum(Path(p).read_bytes().count(b"\n") for p in paths)
    print(f"\n{corpus.name}: {len(paths)} files, {lines} lines; {jobs} processes, best of {repeat}")
    cache = tempfile.mkdtemp(prefix="hdl-cache-")
    lint = [sys.executable, "-m", "hub_dist_lint", "-q", "-j", str(jobs), "--exit-zero"]
    rows = {}

    def best(name, seconds, rss=None, note=""):
        if name not in rows or seconds < rows[name][0]:
            rows[name] = (seconds, rss, note)

    fix = [sys.executable, "-m", "hub_dist_lint", "fix", "-j", str(jobs)]
    rounds = []  # each round's seconds: its ratios compare runs made minutes apart at most
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_warm, range(jobs * 2)))
        for _ in range(repeat):
            this = {}

            def measure(name, seconds, rss=None, note=""):
                this[name] = seconds
                best(name, seconds, rss, note)

            measure("libcst parse (floor)", _pool_time(pool, _parse_libcst, paths, jobs))
            measure("ast.parse", _pool_time(pool, _parse_ast, paths, jobs))
            seconds, result, rss = _command_time(lint + ["--no-cache", str(corpus)])
            measure("hub-dist-lint cold (--no-cache)", seconds, rss, f"{result.stdout.count(NL)} findings")
            shutil.rmtree(cache, ignore_errors=True)
            _command_time(lint + ["--cache-dir", cache, str(corpus)])
            seconds, result, rss = _command_time(lint + ["--cache-dir", cache, str(corpus)])
            measure("hub-dist-lint warm (cache)", seconds, rss, f"{result.stdout.count(NL)} findings")
            for fmt in ("json", "sarif"):
                seconds, result, rss = _command_time(lint + ["--no-cache", "--format", fmt, str(corpus)])
                measure(f"hub-dist-lint --format {fmt}", seconds, rss)
            seconds, result, rss = _command_time(fix + ["--diff", str(corpus)])
            measure("hub-dist-fix --diff", seconds, rss, f"{result.stdout.count(b'+++ ')} files")
            # a copy under the corpus's own name: findings depend on the package a file is in
            copy = Path(cache) / "fixed" / corpus.name
            shutil.rmtree(copy.parent, ignore_errors=True)
            shutil.copytree(corpus, copy)
            seconds, result, rss = _command_time(fix + [str(copy)])
            measure("hub-dist-fix (writes)", seconds, rss, f"{result.stderr.count(b'fixed ')} files")
            shutil.rmtree(copy.parent, ignore_errors=True)
            rounds.append(this)
    flake8 = [sys.executable, "-m", "flake8", "-j", str(jobs), "--exit-zero"]
    for _ in range(repeat):
        seconds, result, rss = _command_time(
            [sys.executable, "-c", FLAKE8_WITHOUT_PLUGIN, "-j", str(jobs), "--exit-zero", str(corpus)])
        best("flake8 alone", seconds, rss)
        cold_env = {**BENCH_ENV, "HUB_DIST_LINT_NO_CACHE": "1"}
        seconds, result, rss = _command_time(flake8 + [str(corpus)], env=cold_env)
        hdl = sum(1 for line in result.stdout.splitlines() if b": HDL" in line)
        best("flake8 + hub-dist-lint plugin", seconds, rss, f"{hdl} HDL findings")
        warm_env = {**BENCH_ENV, "HUB_DIST_LINT_CACHE_DIR": cache}
        _command_time(flake8 + [str(corpus)], env=warm_env)
        seconds, result, rss = _command_time(flake8 + [str(corpus)], env=warm_env)
        hdl = sum(1 for line in result.stdout.splitlines() if b": HDL" in line)
        best("flake8 + plugin, warm cache", seconds, rss, f"{hdl} HDL findings")
    ruff = shutil.which("ruff")
    if ruff:
        config = Path(cache) / "ruff.toml"
        Path(cache).mkdir(exist_ok=True)
        config.write_text(RUFF_CONFIG)
        for _ in range(repeat):
            seconds, result, rss = _command_time(
                [ruff, "check", "--no-cache", "--config", str(config), "--select", "TID251",
                 "--exit-zero", "--quiet", str(corpus)])
            best("ruff TID251 (reference)", seconds, rss, f"{result.stdout.count(NL)} lines")
    floor = rows["libcst parse (floor)"][0]
    print(f"{'':<34}{'seconds':>9}{'x floor':>9}{'peak RSS':>11}")
    for name, (seconds, rss, note) in rows.items():
        memory = f"{rss / 1024:.0f} MB" if rss else ""
        print(f"{name:<34}{seconds:9.2f}{seconds / floor:9.2f}{memory:>11}  {note}")
    print(_gate_report(paths))
    text = rows["hub-dist-lint cold (--no-cache)"][0]
    fixes = ("hub-dist-lint --format json", "hub-dist-lint --format sarif", "hub-dist-fix --diff",
             "hub-dist-fix (writes)")
    ratios = ", ".join(f"{name[len('hub-dist-'):]} {rows[name][0] / text:.2f}x" for name in fixes)
    print(f"fixes against the text lint, cold: {ratios}")
    # The same ratios within each round (its runs follow one another), as the machine's load
    # drifts between rounds: the median of the rounds', and their range.
    paired = [("cold / floor", "hub-dist-lint cold (--no-cache)", "libcst parse (floor)"),
              ("warm / cold", "hub-dist-lint warm (cache)", "hub-dist-lint cold (--no-cache)")]
    paired += [(name[len("hub-dist-"):], name, "hub-dist-lint cold (--no-cache)") for name in fixes]
    print("per round (median; range of %d): " % len(rounds) + ", ".join(
        f"{label} {_median([r[a] / r[b] for r in rounds]):.2f}x "
        f"({min(r[a] / r[b] for r in rounds):.2f}-{max(r[a] / r[b] for r in rounds):.2f})"
        for label, a, b in paired))
    plugin = rows["flake8 + hub-dist-lint plugin"][0] - rows["flake8 alone"][0]
    print(f"plugin overhead over flake8 alone: {plugin:.2f} s = {plugin / floor:.2f}x the parse floor")
    warm = rows["flake8 + plugin, warm cache"][0] - rows["flake8 alone"][0]
    print(f"plugin overhead with a warm cache: {warm:.2f} s = {warm / floor:.2f}x the parse floor")
    shutil.rmtree(cache, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", default=["tf_keras"])
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hdl-bench-") as tmp:
        for name in args.corpora:
            bench(_corpus(name, tmp), args.jobs, args.repeat)


if __name__ == "__main__":
    main()
