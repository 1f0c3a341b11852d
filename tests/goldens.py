"""Golden fixtures (TorchFix style), shared by the tests and scripts/update_goldens.py.

`<family>/lint/x.py` -> `x.expected`; `<family>/fix/x.in.py` -> `x.out.py`, one folder
per rule family; notebooks likewise (`x.ipynb` -> `x.expected`, `x.in.ipynb` ->
`x.out.ipynb`). A first-line header `# hdl: target-tf=2.10 target-hub=0.12.0 unsafe-fixes=true` sets the
settings a Python golden is checked with, on its first line (or second, after `#!`) (a notebook pins its target in a `!pip install`
cell).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

from hub_dist_lint.config import Config
from hub_dist_lint.engine import lint
from hub_dist_lint.fixing import fix_source
from hub_dist_lint.files import is_notebook
from hub_dist_lint.notebooks import analyze_notebook, fix_notebook

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_HEADER = re.compile(rb"#\s*hdl:\s*(.*)")


def settings(path: Path) -> Config:
    """The Config a golden is checked with, from its `# hdl: key=value ...` header."""
    if is_notebook(path.name):
        return Config()
    # the first line, or the second after a `#!` line
    lines = path.read_bytes().split(b"\n", 2)[:2]
    match = _HEADER.match(lines[0]) or (lines[0].startswith(b"#!") and len(lines) > 1
                                        and _HEADER.match(lines[1]))
    values = {}
    if match:
        for item in match.group(1).decode().split():
            key, _, value = item.partition("=")
            values[key.strip()] = value.strip()
    target = values.pop("target-tf", None)
    hub = values.pop("target-hub", None)  # a tensorflow-hub pin, as a requirements file makes it
    unsafe = values.pop("unsafe-fixes", "false") == "true"
    if values:
        raise ValueError(f"{path.name}: unknown golden settings {sorted(values)}")
    return Config(target_tf=target, unsafe_fixes=unsafe, target_hub=hub)


def lint_fixtures() -> List[Path]:
    return sorted([*FIXTURES.glob("*/lint/*.py"), *FIXTURES.glob("*/lint/*.ipynb")])


def fix_fixtures() -> List[Path]:
    return sorted([*FIXTURES.glob("*/fix/*.in.py"), *FIXTURES.glob("*/fix/*.in.ipynb")])


def out_path(path: Path) -> Path:
    """`x.in.py` -> `x.out.py`, `x.in.ipynb` -> `x.out.ipynb`."""
    return path.with_name(path.name.replace(".in.", ".out."))


def expected_path(path: Path) -> Path:
    return path.with_suffix(".expected")


def fix_bytes(source: bytes, name: str, config: Config):
    """(new bytes, fixed, left) of a Python file or a notebook."""
    return (fix_notebook if is_notebook(name) else fix_source)(source, name, config)


def fixture(family: str, kind: str, name: str) -> Path:
    """`fixture("seed", "fix", "seed_example3.in.py")`."""
    return FIXTURES / family / kind / name


def lint_output(path: Path) -> str:
    if is_notebook(path.name):
        found = analyze_notebook(path.read_bytes(), path.name, settings(path)).findings
        return "".join(f"{path.name}:cell {f.cell}:{f.line}:{f.column}: {f.diagnostic.code} "
                       f"{f.diagnostic.message}\n" for f in found)
    return "".join(f"{path.name}:{d.line}:{d.column}: {d.code} {d.message}\n"
                   for d in lint(path.read_bytes(), str(path), settings(path)))


def fixed_output(path: Path) -> bytes:
    # the real path: HDL501/502 read the project around a file (analysis/entry_point.py)
    return fix_bytes(path.read_bytes(), str(path), settings(path))[0]
