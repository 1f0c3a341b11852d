"""Jupyter notebooks through the one engine: findings placed in cells, fixes written
back into the cells they change.

The kernel's code cells are one module (ipython_syntax.to_module); a `%%writefile x.py`
or `%%python` cell is a program of its own. Each is analysed by engine.analyze like a
file, and positions are mapped back to `cell N:line:column`, N counting every cell of
the notebook as Jupyter and ruff number them. A notebook is what a kernel runs from a
fresh start, so the engine is told it is an entry point (source_kind "notebook").
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import warnings
from dataclasses import dataclass, field
from typing import Dict, Hashable, List, Optional, Sequence, Tuple, Union

from .diagnostics import Diagnostic, Fix, LintError
from .ipython_syntax import Cell, CellModule, WrittenModule, program_module, to_module
from .notebook_file import Notebook, NotebookError, read, with_sources
from .tf_pins import Pin, pin_in_commands

NOTEBOOK_SUFFIX = ".ipynb"


def is_notebook(path: Optional[str]) -> bool:
    return bool(path) and path.lower().endswith(NOTEBOOK_SUFFIX)


@dataclass
class Part:
    """One module of the notebook: the kernel's (program None) or a written program."""

    cells: CellModule
    analysis: object  # engine.Analysis
    program: Optional[WrittenModule] = None


@dataclass
class Finding:
    """A diagnostic placed in a notebook: cell number and in-cell line/column."""

    diagnostic: Diagnostic
    part: Part
    cell: int
    line: int
    column: int
    end_line: int
    end_column: int
    file_line: int  # where the line lies in the .ipynb file itself


@dataclass
class NotebookAnalysis:
    path: str
    notebook: Notebook
    parts: List[Part] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)
    target_note: Optional[str] = None  # which TensorFlow target was used, and why

    @property
    def parsed(self) -> bool:
        return any(p.analysis.parsed for p in self.parts)


def read_notebook(source: Union[bytes, str]) -> Notebook:
    data = source.encode("utf-8") if isinstance(source, str) else source
    try:
        return read(data)
    except NotebookError as exc:
        raise LintError(str(exc)) from None


def notebook_pin(notebook: Notebook) -> Optional[Tuple[int, Pin]]:
    """(cell number, pin) of the last TensorFlow pin the code cells install."""
    found = None
    for cell in notebook.code_cells():
        if "install" in cell.source or "tensorflow_version" in cell.source:
            pin = pin_in_commands(cell.source)
            if pin is not None:
                found = (cell.number, pin)
    return found


def analyze_notebook(source: Union[bytes, str], path: str = "<stdin>", config=None,
                     fixes: bool = False) -> NotebookAnalysis:
    """Lint a notebook's code. Raises LintError (with its cell) for one that cannot be checked."""
    from .config import Config
    from .engine import analyze

    config = config or Config()
    notebook = read_notebook(source)
    result = NotebookAnalysis(path, notebook)
    if not notebook.is_python:
        result.target_note = f"not checked: a {notebook.language} notebook"
        return result
    pinned = notebook_pin(notebook)
    if config.target_tf is None and pinned is not None:
        number, pin = pinned
        result.target_note = f"{pin.reason} (cell {number})"
        if pin.too_old:
            result.target_note = f"not checked: {pin.reason} (cell {number})"
            return result
        config = dataclasses.replace(config, target_tf=pin.target)
    elif config.target_tf is not None:
        result.target_note = f"TF {config.target_tf} (configured)"
    module, programs = to_module([Cell(c.number, c.source) for c in notebook.code_cells()])
    parts = [(module, None)] + [(program_module(p), p) for p in programs]
    for cells, program in parts:
        kind = "file" if program is not None else "notebook"
        try:
            analysis = analyze(cells.text, path, config, fixes=fixes, source_kind=kind)
        except LintError as exc:
            raise _in_cell(exc, cells) from None
        part = Part(cells, analysis, program)
        result.parts.append(part)
        for diag in analysis.diagnostics:
            placed = _place(notebook, part, diag)
            if placed is not None:
                result.findings.append(placed)
    result.findings.sort(key=lambda f: (f.cell, f.line, f.column, f.diagnostic.code, f.diagnostic.message))
    return result


def _in_cell(exc: LintError, cells: CellModule) -> LintError:
    where = cells.position(exc.line) if exc.line else None
    if where is None:
        return exc
    return LintError(exc.reason, where[1], exc.column, cell=where[0])


def _place(notebook: Notebook, part: Part, diag: Diagnostic) -> Optional[Finding]:
    start = part.cells.position(diag.line)
    end = part.cells.position(diag.end_line)
    if start is None:
        return None
    cell, line = start
    end_line, end_column = (end[1], diag.end_column) if end is not None and end[0] == cell \
        else (line, diag.column)
    return Finding(diag, part, cell, line, diag.column, end_line, end_column,
                   notebook.file_line(cell, line))


# -- fixing ------------------------------------------------------------------------


def fixed_cells(analysis: NotebookAnalysis, fixes: Sequence[Tuple[Part, Fix]]) -> Optional[Dict[int, str]]:
    """The new sources of the cells these fixes change (cell number -> source); None
    when the fixed module does not split back into the same cells."""
    from .fixing import fixed_text

    out: Dict[int, str] = {}
    for part in analysis.parts:
        mine = [fix for owner, fix in fixes if owner is part]
        if not mine:
            continue
        new_text = fixed_text(part.analysis, mine)[0]
        split = part.cells.split(new_text)
        if split is None or not _compiles(new_text):
            return None
        for key, text in split.items():
            if part.program is not None:
                original = analysis.notebook.cells[key - 1].source
                text = original[:len(original) - len(part.program.text)] + text
            if text != analysis.notebook.cells[key - 1].source:
                out[key] = text
    return out


def _compiles(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
        return True
    except (SyntaxError, ValueError):
        return False


def fix_notebook(source: bytes, path: str = "<stdin>", config=None):
    """Fix a notebook's bytes. Returns (new bytes, findings fixed, findings left)."""
    analysis = analyze_notebook(source, path, config, fixes=True)
    planned = [f for f in analysis.findings if f.diagnostic.fix is not None]
    left = [f for f in analysis.findings if f.diagnostic.fix is None]
    if not planned:
        return source, [], left
    sources = fixed_cells(analysis, [(f.part, f.diagnostic.fix) for f in planned])
    fixed = planned
    if sources is None:  # some fix moves code across cells: take the fixes that do not
        fixed, sources = [], {}
        for finding in planned:
            trial = fixed_cells(analysis, [(f.part, f.diagnostic.fix) for f in fixed + [finding]])
            if trial is None:
                left.append(_unfixed(finding, "the fix would move code across notebook cells"))
            else:
                fixed.append(finding)
                sources = trial
        left.sort(key=lambda f: (f.cell, f.line, f.column, f.diagnostic.code))
    if not sources:
        return source, fixed, left
    new_text = with_sources(analysis.notebook, sources)
    bom = b"\xef\xbb\xbf" if source.startswith(b"\xef\xbb\xbf") else b""
    return bom + new_text.encode("utf-8"), fixed, left


def _unfixed(finding: Finding, reason: str) -> Finding:
    diag = dataclasses.replace(finding.diagnostic, fix=None, no_fix_reason=reason)
    return dataclasses.replace(finding, diagnostic=diag)


def fix_as_json(analysis: NotebookAnalysis, finding: Finding) -> Optional[dict]:
    """One finding's fix: its description and line edits, each naming its cell."""
    from .edits import text_edits

    fix = finding.diagnostic.fix
    if fix is None:
        return None
    sources = fixed_cells(analysis, [(finding.part, fix)])
    if sources is None:
        return None
    edits = []
    for number, new in sorted(sources.items()):
        for edit in text_edits(analysis.notebook.cells[number - 1].source, new):
            edits.append({"cell": number, **edit})
    return {"description": fix.description, "edits": edits}


def cell_diff(old: bytes, new: bytes, display: str) -> str:
    """A unified diff per changed cell, each named `path:cell N`."""
    before, after = read_notebook(old), read_notebook(new)
    out = []
    for a, b in zip(before.cells, after.cells):
        if a.source == b.source:
            continue
        name = f"{display}:cell {a.number}"
        out.extend(difflib.unified_diff(_lines(a.source), _lines(b.source), name, name))
    return "".join(out)


def _lines(text: str) -> List[str]:
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    return lines
