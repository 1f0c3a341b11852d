"""Benchmark: linting notebooks against linting their code cells as Python files, in one run.

    python bench/notebooks.py [DIR ...] [-j N] [--repeat R]

DIR is a directory of notebooks, or `tf_keras` (the default): one notebook per file of
the installed tf_keras package (586 notebooks, 166k lines of code), its top-level
statements cut into cells of about 30 lines with a markdown cell before every third, and
every fourth notebook carrying large outputs (a 300 KB PNG and 2,000 lines of stream
text) as a trained-and-saved tutorial would. The same code cells are written as `.py`
files (IPython lines commented out, as `jupyter nbconvert --to script` does), and both
trees are linted cold with the same settings; every figure is the best of R runs.
"""

from __future__ import annotations

import argparse
import ast
import base64
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cells_of(source: str):
    """Top-level statements of a module grouped into cells of about 30 lines."""
    tree = ast.parse(source)
    lines = source.splitlines(True)
    cells, start, = [], 0
    for node in tree.body:
        end = node.end_lineno
        if end - start >= 30:
            cells.append("".join(lines[start:end]).rstrip("\n"))
            start = end
    if start < len(lines):
        cells.append("".join(lines[start:]).rstrip("\n"))
    return [c for c in cells if c.strip()]


def _notebook(cells, outputs: bool, rng: random.Random) -> dict:
    out = []
    for index, code in enumerate(cells):
        if index % 3 == 0:
            out.append({"cell_type": "markdown", "metadata": {}, "source": [f"## Part {index}\n", "Notes."]})
        cell = {"cell_type": "code", "execution_count": index + 1, "metadata": {},
                "outputs": [], "source": code.splitlines(True)}
        if outputs and index == len(cells) // 2:
            png = base64.b64encode(rng.randbytes(225_000)).decode()
            cell["outputs"] = [
                {"name": "stdout", "output_type": "stream",
                 "text": [f"Epoch {i}: loss {rng.random():.4f} - accuracy {rng.random():.4f}\n"
                          for i in range(2000)]},
                {"data": {"image/png": png, "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
                 "metadata": {}, "output_type": "display_data"}]
        out.append(cell)
    return {"cells": out, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                      "name": "python3"},
                                       "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def synthetic_tree(tmp: Path) -> Path:
    spec = importlib.util.find_spec("tf_keras")
    if spec is None:
        sys.exit("tf_keras is not installed (pip install tf-keras==2.21.0)")
    rng = random.Random(0)
    root = tmp / "tf_keras_notebooks"
    for number, path in enumerate(sorted(Path(spec.origin).parent.rglob("*.py"))):
        try:
            cells = _cells_of(path.read_text("utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        target = root / path.relative_to(Path(spec.origin).parent).with_suffix(".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(_notebook(cells, number % 4 == 0, rng), indent=1) + "\n")
    return root


def as_python(notebooks: Path, tmp: Path) -> Path:
    """The code cells of every notebook as a .py file (IPython lines commented out)."""
    from hub_dist_lint.ipython_syntax import Cell, to_module

    root = tmp / (notebooks.name + "_as_py")
    for path in sorted(notebooks.rglob("*.ipynb")):
        try:
            cells = json.loads(path.read_text("utf-8"))["cells"]
        except (ValueError, KeyError, UnicodeDecodeError):
            continue
        code = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in cells if c.get("cell_type") == "code"]
        module, _ = to_module([Cell(i, text) for i, text in enumerate(code)])
        python = "\n".join("# " + line if "__hdl_ipy_" in line else line
                           for line in module.text.split("\n"))
        target = root / path.relative_to(notebooks).with_suffix(".py")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(python)
    return root


def _lint_time(target: Path, jobs: int, repeat: int):
    cmd = [sys.executable, "-m", "hub_dist_lint", "-q", "--exit-zero", "--no-cache", "-j", str(jobs),
           str(target)]
    best, findings = None, 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True)
        seconds = time.perf_counter() - start
        findings = result.stdout.count(b"\n")
        best = seconds if best is None else min(best, seconds)
    return best, findings


def _read_time(notebooks: Path, repeat: int) -> float:
    from hub_dist_lint.notebook_file import NotebookError, read

    paths = sorted(notebooks.rglob("*.ipynb"))
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        for path in paths:
            try:
                read(path.read_bytes())
            except NotebookError:
                pass
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return best


def bench(notebooks: Path, jobs: int, repeat: int, tmp: Path) -> None:
    python = as_python(notebooks, tmp)
    count = len(list(notebooks.rglob("*.ipynb")))
    size = sum(p.stat().st_size for p in notebooks.rglob("*.ipynb")) / 1e6
    code = sum(p.stat().st_size for p in python.rglob("*.py")) / 1e6
    print(f"\n{notebooks.name}: {count} notebooks, {size:.0f} MB ({code:.1f} MB of code); "
          f"{jobs} processes, best of {repeat}")
    as_py, py_findings = _lint_time(python, jobs, repeat)
    nb, nb_findings = _lint_time(notebooks, jobs, repeat)
    read = _read_time(notebooks, repeat)
    print(f"{'':<40}{'seconds':>9}{'x .py':>8}")
    print(f"{'code cells as .py files, cold':<40}{as_py:9.2f}{1:8.2f}  {py_findings} findings")
    print(f"{'notebooks, cold':<40}{nb:9.2f}{nb / as_py:8.2f}  {nb_findings} findings")
    print(f"{'reading the notebooks JSON (1 process)':<40}{read:9.2f}{read / as_py:8.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", default=["tf_keras"])
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hdl-bench-nb-") as tmp:
        for name in args.trees:
            tree = synthetic_tree(Path(tmp)) if name == "tf_keras" else Path(name)
            bench(tree, args.jobs, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
