"""Benchmark: hub-dist-lint against the libcst parse floor, measured in the same run.

    python bench/run.py [CORPUS_DIR] [-j N] [--repeat R]

Without CORPUS_DIR it lints a copy of the installed `tf_keras` package (586 files,
166k lines; `pip install tf-keras==2.21.0`), where nearly every file imports
`tensorflow.python` (the worst case for the private-import rules). Prints wall
times and ratios; absolute times depend on the machine, ratios much less.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


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


def _lint(paths):
    from hub_dist_lint.engine import analyze
    from hub_dist_lint.diagnostics import LintError

    found = parsed = 0
    for p in paths:
        try:
            result = analyze(Path(p).read_bytes(), p)
        except LintError:
            continue
        found += len(result.diagnostics)
        parsed += result.parsed
    return found, parsed


def _warm(_):
    # Import what each task needs so the timings compare work, not imports.
    import libcst  # noqa: F401
    from hub_dist_lint import apimap, engine  # noqa: F401

    apimap.releases()
    return None


def _chunks(paths, n):
    return [paths[i::n] for i in range(n)]


def timed(pool, fn, paths, jobs):
    start = time.perf_counter()
    results = list(pool.map(fn, _chunks(paths, jobs * 4)))
    return time.perf_counter() - start, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = None
    if args.corpus is None:
        import importlib.util

        spec = importlib.util.find_spec("tf_keras")
        if spec is None:
            sys.exit("no corpus given and tf_keras is not installed (pip install tf-keras==2.21.0)")
        tmp = tempfile.mkdtemp(prefix="hdl-bench-")
        args.corpus = shutil.copytree(Path(spec.origin).parent, Path(tmp) / "tf_keras")
    paths = _files(args.corpus)
    lines = sum(Path(p).read_bytes().count(b"\n") for p in paths)
    print(f"corpus: {args.corpus}: {len(paths)} files, {lines} lines; {args.jobs} processes, "
          f"best of {args.repeat}")
    with ProcessPoolExecutor(args.jobs) as pool:
        list(pool.map(_warm, range(args.jobs * 2)))
        best = {}
        for _ in range(args.repeat):
            for name, fn in (("libcst parse (floor)", _parse_libcst), ("ast.parse", _parse_ast),
                             ("hub-dist-lint", _lint)):
                seconds, results = timed(pool, fn, paths, args.jobs)
                if name not in best or seconds < best[name][0]:
                    best[name] = (seconds, results)
    floor = best["libcst parse (floor)"][0]
    for name, (seconds, results) in best.items():
        print(f"{name:<22} {seconds:7.2f} s  {seconds / floor:5.2f}x floor")
    findings = sum(r[0] for r in best["hub-dist-lint"][1])
    parsed = sum(r[1] for r in best["hub-dist-lint"][1])
    print(f"hub-dist-lint: {findings} findings; {parsed} files parsed, "
          f"{len(paths) - parsed} skipped by the text gate")
    if tmp:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
