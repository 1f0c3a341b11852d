"""Jupyter notebooks through the one engine: findings placed in cells, fixes written
back into the cells they change.

The kernel's code cells are one module (ipython_syntax.to_module); a `%%writefile x.py`
or `%%python` cell is a program of its own. Each is analysed by engine.analyze like a
file, and positions are mapped back to `cell N:line:column`, N counting every cell of
the notebook as Jupyter and ruff number them. A notebook is what a kernel runs from a
fresh start, so the engine is told it is an entry point (source_kind "notebook").
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from typing import Dict, Hashable, List, Optional, Sequence, Tuple, Union

from .diagnostics import Diagnostic, Fix, LintError
from .ipython_syntax import Cell, CellModule, WrittenModule, program_module, to_module
from .notebook_file import Notebook, NotebookError, read, with_sources
from .tf_pins import Pin, hub_pin_in_commands, pin_in_commands

@dataclass
class Part:
    """One module of the cells: the kernel's (program None) or a written program's."""

    cells: CellModule
    analysis: object  # engine.Analysis
    program: Optional[WrittenModule] = None


@dataclass
class Finding:
    """A diagnostic placed in a cell: the cell's key (its number in a notebook file, its
    URI in an editor) and in-cell line/column."""

    diagnostic: Diagnostic
    part: Part
    cell: Hashable
    line: int
    column: int
    end_line: int
    end_column: int
    file_line: Optional[int] = None  # where the line lies in the .ipynb file itself


@dataclass
class CellsAnalysis:
    """The findings of a sequence of code cells (a notebook's, or an editor's)."""

    path: str
    texts: Dict[Hashable, str]  # every code cell's text, by key
    parts: List[Part] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)
    target_note: Optional[str] = None  # which TensorFlow target was used, and why
    config: object = None  # the settings the cells were checked with (the pin's target in)

    @property
    def parsed(self) -> bool:
        return any(p.analysis.parsed for p in self.parts)


@dataclass
class NotebookAnalysis(CellsAnalysis):
    notebook: Optional[Notebook] = None


def read_notebook(source: Union[bytes, str]) -> Notebook:
    data = source.encode("utf-8") if isinstance(source, str) else source
    try:
        return read(data)
    except NotebookError as exc:
        raise LintError(str(exc)) from None


def cells_pin(cells: Sequence[Cell]) -> Optional[Tuple[Hashable, Pin]]:
    """(cell key, pin) of the last TensorFlow pin the code cells install."""
    return _last_cell_pin(cells, lambda text: "install" in text or "tensorflow_version" in text,
                          pin_in_commands)


def cells_hub_pin(cells: Sequence[Cell]) -> Optional[Tuple[Hashable, Pin]]:
    """(cell key, pin) of the last tensorflow-hub pin the code cells install."""
    return _last_cell_pin(cells, lambda text: "install" in text and "hub" in text,
                          hub_pin_in_commands)


def _last_cell_pin(cells, may_pin, read_pin) -> Optional[Tuple[Hashable, Pin]]:
    """(cell key, pin) of the last cell whose text `read_pin` finds a pin in (`may_pin`:
    a cheap test on the text first)."""
    found = None
    for cell in cells:
        if may_pin(cell.text):
            pin = read_pin(cell.text)
            if pin is not None:
                found = (cell.key, pin)
    return found


def analyze_cells(cells: Sequence[Cell], path: str = "<stdin>", config=None, fixes: bool = False,
                  into: Optional[CellsAnalysis] = None, describe=str) -> CellsAnalysis:
    """Lint code cells run in order by one kernel. Raises LintError (its `cell` the key)
    for cells that cannot be checked. `describe(key)` names a cell in notes."""
    from .config import Config
    from .engine import analyze

    config = config or Config()
    result = into if into is not None else CellsAnalysis(path, {})
    result.texts = {c.key: c.text for c in cells}
    pinned = cells_pin(cells)
    # the notebook's own pin wins over its project's, not over a configured target
    if (config.target_tf is None or config.target_reason) and pinned is not None:
        key, pin = pinned
        result.target_note = f"{pin.reason} ({describe(key)})"
        if pin.too_old:
            result.target_note = "not checked: " + result.target_note
            return result
        config = dataclasses.replace(config, target_tf=pin.target, target_reason=result.target_note)
    elif config.target_reason:
        result.target_note = config.target_reason
    elif config.target_tf is not None:
        result.target_note = f"TF {config.target_tf} (configured)"
    hub_pinned = cells_hub_pin(cells)
    if hub_pinned is not None:  # the notebook's own tensorflow-hub pin wins over its project's
        key, pin = hub_pinned
        config = dataclasses.replace(config, target_hub=pin.target or "",
                                     target_hub_reason=f"{pin.reason} ({describe(key)})")
    result.config = config
    modules = []
    for session in kernel_sessions(cells):
        module, programs = to_module(session)
        modules += [(module, None)] + [(program_module(p), p) for p in programs]
    for cells_module, program in modules:
        kind = "file" if program is not None else "notebook"
        try:
            analysis = analyze(cells_module.text, path, config, fixes=fixes, source_kind=kind)
        except LintError as exc:
            raise _in_cell(exc, cells_module) from None
        part = Part(cells_module, analysis, program)
        result.parts.append(part)
        result.findings.extend(filter(None, (_place(part, d, describe) for d in analysis.diagnostics)))
    order = {c.key: i for i, c in enumerate(cells)}
    result.findings.sort(key=lambda f: (order[f.cell], f.line, f.column, f.diagnostic.code,
                                        f.diagnostic.message))
    return result


# A cell that restarts the kernel (Vertex AI and Colab notebooks do, after installing
# packages): what ran before it is gone, and the cells after it run in a fresh kernel.
_RESTART = re.compile(r"\.do_shutdown\(\s*(?:True|restart\s*=\s*True)\s*\)|"
                      r"\bos\.kill\(\s*os\.getpid\(\)|\bos\._exit\(")


def _restarts(text: str) -> bool:
    # the words first: the pattern starts with no literal, so a search tries every position
    return any(word in text for word in _RESTART_WORDS) and bool(_RESTART.search(text))


_RESTART_WORDS = ("do_shutdown", "os.kill", "os._exit")


def kernel_sessions(cells: Sequence[Cell]) -> List[List[Cell]]:
    """The cells as the kernels that run them: a new kernel after each cell that restarts it."""
    sessions: List[List[Cell]] = [[]]
    for cell in cells:
        sessions[-1].append(cell)
        if _restarts(cell.text) and not cell.text.lstrip().startswith("%%"):
            sessions.append([])
    return [s for s in sessions if s]


def analyze_notebook(source: Union[bytes, str], path: str = "<stdin>", config=None,
                     fixes: bool = False) -> NotebookAnalysis:
    """Lint a notebook file's code. Raises LintError (with its cell) for one that cannot be checked."""
    notebook = read_notebook(source)
    result = NotebookAnalysis(path, {}, notebook=notebook)
    if not notebook.is_python:
        result.target_note = f"not checked: a {notebook.language} notebook"
        return result
    cells = [Cell(c.number, c.source) for c in notebook.code_cells()]
    analyze_cells(cells, path, config, fixes, into=result, describe=lambda n: f"cell {n}")
    for finding in result.findings:
        finding.file_line = notebook.file_line(finding.cell, finding.line)
    return result


def _in_cell(exc: LintError, cells: CellModule) -> LintError:
    where = cells.position(exc.line) if exc.line else None
    if where is None:
        return exc

    def in_cell(match) -> str:  # Python's "... on line 5" names a module line too
        other = cells.position(int(match.group(1)))
        return f"line {other[1]}" if other is not None and other[0] == where[0] else match.group(0)

    reason = re.sub(r"\bline (\d+)", in_cell, exc.reason)
    return LintError(reason, where[1], exc.column, cell=where[0])


def _place(part: Part, diag: Diagnostic, describe=str) -> Optional[Finding]:
    start = part.cells.position(diag.line)
    end = part.cells.position(diag.end_line)
    if start is None:
        return None
    cell, line = start
    diag = _lines_in_cells(diag, part.cells, cell, describe)
    end_line, end_column = (end[1], diag.end_column) if end is not None and end[0] == cell \
        else (line, diag.column)
    shift = len(part.cells.indent_of(cell))  # a cell IPython dedents: its columns as written
    return Finding(diag, part, cell, line, diag.column + shift, end_line, end_column + shift)


def _lines_in_cells(diag: Diagnostic, cells: CellModule, cell: Hashable, describe) -> Diagnostic:
    """A message naming a line of the cells' module, `(line 12; ...)`, names it as the user
    sees it: `(line 3` in the finding's own cell, `(cell 2, line 3` in another."""
    def in_cell(match) -> str:
        where = cells.position(int(match.group(1)))
        if where is None:
            return match.group(0)
        return f"(line {where[1]}" if where[0] == cell else f"({describe(where[0])}, line {where[1]}"

    message = _MODULE_LINE.sub(in_cell, diag.message)
    return diag if message == diag.message else dataclasses.replace(diag, message=message)


_MODULE_LINE = re.compile(r"\(line (\d+)")


# -- fixing ------------------------------------------------------------------------


def fixed_cells(analysis: CellsAnalysis, fixes: Sequence[Tuple[Part, Fix]]) -> Optional[Dict[Hashable, str]]:
    """The new texts of the cells these fixes change (cell key -> text); None when the
    fixed module does not split back into the same cells."""
    from .engine import python_syntax_error
    from .fixing import fixed_text

    out: Dict[Hashable, str] = {}
    for part in analysis.parts:
        mine = [fix for owner, fix in fixes if owner is part]
        if not mine:
            continue
        new_text = fixed_text(part.analysis, mine)[0]
        split = part.cells.split(new_text)
        if split is None or python_syntax_error(new_text) is not None:
            return None
        for key, text in split.items():
            original = analysis.texts[key]
            if part.program is not None:  # the body of a %%writefile cell: keep its magic line
                text = original[:len(original) - len(part.program.text)] + text
            if text != original:
                out[key] = text
    return out


def fix_notebook(source: bytes, path: str = "<stdin>", config=None):
    """Fix a notebook's bytes to a fixpoint. Returns (new bytes, findings fixed, findings left)."""
    notebook = read_notebook(source)
    if not notebook.is_python:
        return source, [], []
    cells = [Cell(c.number, c.source) for c in notebook.code_cells()]
    sources, fixed, left = fix_cells(cells, path, config)
    for finding in left:
        finding.file_line = notebook.file_line(finding.cell, finding.line)
    if not sources:
        return source, fixed, left
    new_text = with_sources(notebook, sources)
    bom = b"\xef\xbb\xbf" if source.startswith(b"\xef\xbb\xbf") else b""
    return bom + new_text.encode("utf-8"), fixed, left


def fix_cells(cells: Sequence[Cell], path: str = "<stdin>", config=None):
    """Fix code cells to a fixpoint, as hub-dist-fix fixes a file. Returns (the new
    texts of the cells that changed, by key; findings fixed; findings left)."""
    from .config import Config
    from .fixing import to_fixpoint

    config = config or Config()
    original = {c.key: c.text for c in cells}

    def one_pass(texts: Dict[Hashable, str]):
        current = [Cell(key, text) for key, text in texts.items()]
        analysis = analyze_cells(current, path, config, fixes=True)
        new, fixed, left = fix_pass(analysis, config)
        return {**texts, **new}, fixed, left

    texts, fixed, left = to_fixpoint(original, one_pass, _unfixed)
    return {key: text for key, text in texts.items() if text != original[key]}, fixed, left


def fix_pass(analysis: CellsAnalysis, config):
    """(new texts by cell key, findings fixed, findings left) of one pass."""
    from .fixing import choose_fixes

    _, planned, left = choose_fixes(analysis.findings, config, lambda f: f.diagnostic, _unfixed)
    if not planned:
        return {}, [], left
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
        order = {key: i for i, key in enumerate(analysis.texts)}
        left.sort(key=lambda f: (order[f.cell], f.line, f.column, f.diagnostic.code))
    return sources, fixed, left


def _unfixed(finding: Finding, reason: str) -> Finding:
    """The finding, saying why its fix was not applied."""
    diag = dataclasses.replace(finding.diagnostic, no_fix_reason=reason)
    return dataclasses.replace(finding, diagnostic=diag)


def cell_edits(analysis: CellsAnalysis, findings: Sequence[Finding]) -> Optional[Dict[Hashable, List[dict]]]:
    """Line edits (edits.text_edits' form) per cell applying these findings' fixes
    together; None when they do not split back into the cells."""
    from .edits import text_edits

    sources = fixed_cells(analysis, [(f.part, f.diagnostic.fix) for f in findings
                                     if f.diagnostic.fix is not None])
    if sources is None:
        return None
    return {key: text_edits(analysis.texts[key], new) for key, new in sources.items()}


def fix_as_json(analysis: CellsAnalysis, finding: Finding) -> Optional[dict]:
    """One finding's fix: its description and line edits, each naming its cell."""
    fix = finding.diagnostic.fix
    if fix is None:
        return None
    per_cell = cell_edits(analysis, [finding])
    if per_cell is None:
        return None
    order = list(analysis.texts)
    edits = [{"cell": key, **edit} for key in sorted(per_cell, key=order.index)
             for edit in per_cell[key]]
    return {"description": fix.description, "applicability": fix.applicability, "edits": edits}


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
