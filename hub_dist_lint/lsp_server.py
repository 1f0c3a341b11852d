"""The pygls language server behind `hub-dist-lint lsp` (lsp.py reads the command line
and imports this module, which needs pygls, only then). Its first part holds the pure
helpers (lines, linting a snapshot, warming up, fix edits); then the server.

Costs are paid where an editor needs them:
- diagnostics: one analysis without fixes per document version, kept with the version;
- quick fixes: only for the findings under the cursor, with the analysis narrowed to
  their codes, cached per (version, codes): repeated requests as the cursor moves
  cost nothing, and a range with no finding costs nothing at all;
- fix-all: offered without its edit, computed by `codeAction/resolve` when the user
  picks it (eagerly only for clients that cannot resolve edits);
- other files: what an analysis read of them is kept with it (project_reads.py); a save,
  or a watched Python file's change, lints again the open documents it may concern.

Notebooks (LSP 3.17 notebook documents) are linted whole: their Python code cells, in
order, are one module (notebooks.analyze_cells), with the settings of the notebook's
folder; findings are published per cell URI, and a fix's edit may touch several cells.
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import unquote

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__, project_reads

FIX_ALL_KIND = "source.fixAll.hub-dist-lint"
# VS Code's `notebook.codeActionsOnSave` asks for `notebook.`-prefixed kinds once per notebook
NOTEBOOK_FIX_ALL_KIND = "notebook." + FIX_ALL_KIND
SOURCE = "hub-dist-lint"
CONFIG_NAMES = ("pyproject.toml", "setup.cfg")
WATCHED_SOURCES = ("*.py", "*.ipynb")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
log = logging.getLogger("hub-dist-lint.lsp")
_FIXES_KEPT = 8  # fix analyses kept per document version (one per set of codes asked for)


# -- pure helpers: lines, linting a snapshot, applying fixes ----------------------


def _recorded(lint, *args):
    """`lint(*args)`, and what it read of other files of the project (in the linting thread:
    a recording is per thread)."""
    with project_reads.recording() as reads:
        result = lint(*args)
    return result, reads.probes()


def split_lines(text: str) -> List[str]:
    """Lines with their endings, split only where LSP splits (\\n, \\r\\n, \\r)."""
    return _LINE.findall(text)


def lint_with_settings(path: Optional[str], cwd: Optional[str], codes: Optional[Sequence[str]],
                       run: Callable[[str, object], object], not_checked: Callable[[str, Exception], str]):
    """Run `run(name, config)` with the settings of the document's folder.

    Returns (analysis or None, configuration error or None, reason it was not
    checked or None). The analysis is None when the file is excluded by its
    configuration or cannot be checked (a syntax error while typing, ...): then
    `not_checked(name, error)` says why. With a broken configuration the file is
    linted with the defaults, so the editor still shows something, and the error
    is returned to be shown. `codes` narrows the run to those rules (quick fixes
    for the findings under the cursor: the other families' fix planning is not paid).
    """
    import dataclasses

    from .config import ConfigError, Overrides, Resolver
    from .diagnostics import LintError

    name = path or "<untitled>"
    config_error = None
    try:
        settings = Resolver(cwd=cwd).settings_for(name)
        if path and settings.is_excluded_with_parents(path):
            return None, None, None
        config = settings.config_for(name)
    except ConfigError as exc:
        config_error = str(exc)
        config = Resolver(Overrides(isolated=True), cwd=cwd).config_for(name)
    if codes is not None:
        config = dataclasses.replace(config, select=tuple(codes), ignore=())
    try:
        return run(name, config), config_error, None
    except LintError as exc:
        return None, config_error, not_checked(name, exc)


def lint_snapshot(path: Optional[str], text: str, fixes: bool, cwd: Optional[str],
                  codes: Optional[Sequence[str]] = None, parsed=None):
    """Analyze one document's text with the settings of its folder (lint_with_settings).
    `parsed`: an analysis of this same text, whose parse trees are reused."""
    from .engine import analyze

    reuse = {"module": parsed.module, "tree": parsed.tree} if parsed is not None else {}
    return lint_with_settings(
        path, cwd, codes, lambda name, config: analyze(text, name, config, fixes=fixes, **reuse),
        lambda name, exc: f"{name}{exc.where}: not checked: {exc.reason}")


def lint_cells(path: Optional[str], cells, numbers: Dict[str, int], fixes: bool,
               cwd: Optional[str], codes: Optional[Sequence[str]] = None):
    """Analyze a notebook's code cells (ipython_syntax.Cell, keyed by cell URI, in order)
    with the settings of the notebook's folder (lint_with_settings). `numbers`: each
    cell's number in the notebook, every cell counted as Jupyter does, to name it in messages."""
    from .diagnostics import LintError, where
    from .notebooks import analyze_cells

    def run(name, config):
        analysis = analyze_cells(cells, name, config, fixes=fixes,
                                 describe=lambda key: f"cell {numbers[key]}")
        if (analysis.target_note or "").startswith("not checked: "):  # pinned to TF 1.x, ...
            raise LintError(analysis.target_note[len("not checked: "):])
        return analysis

    return lint_with_settings(
        path, cwd, codes, run,
        lambda name, exc: f"{name}{where(exc.line, exc.column, numbers.get(exc.cell))}: "
                          f"not checked: {exc.reason}")


# Passes every checker's gate: the first real document then finds the rules imported,
# the TensorFlow facts loaded and the regular expressions compiled.
_WARM_UP = """\
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tensorflow as tf
import tensorflow_hub as hub
from tensorflow.python.platform import tf_logging as logging
from tensorflow.keras import layers
from keras.src.engine import base_layer
strategy = tf.distribute.MirroredStrategy()
layer = hub.KerasLayer("m")
model = tf.keras.Sequential([layer, layers.Dense(1)])
with strategy.scope():
    model.compile()
strategy.experimental_run_v2(logging.info)
"""


def warm_up() -> None:
    """Analyze a small file once, then keep what is loaded out of the garbage collector's
    way (a libcst parse makes many objects; older ones need not be scanned again)."""
    import gc

    from .engine import analyze

    try:
        analyze(_WARM_UP, "warm_up.py", fixes=True)
    except Exception:  # never let warming up take the server down
        log.exception("warming up failed")
    gc.collect()
    gc.freeze()
    # A parse makes tens of thousands of objects, none of them cyclic garbage: collect the
    # young generation far less often than every 700 allocations.
    gc.set_threshold(50_000, 20, 20)


def fix_edits(analysis, fixes) -> Optional[List[dict]]:
    """Line edits applying these fixes to the document; None if the result would not
    compile (the same guard hub-dist-fix applies before writing)."""
    from .fixing import fixed_text

    new, edits = fixed_text(analysis, fixes)
    try:
        compile(new, analysis.path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        log.error("fix for %s does not re-parse; not offered", analysis.path)
        return None
    return edits


def findings_under_cursor(params: t.CodeActionParams, placed):
    """Of `placed`, (finding, its LSP diagnostic) pairs, those a code action request is
    about: the client sent their diagnostic, or their range touches the requested one.
    Each comes with the diagnostic to attach to its fix: the client's own if it sent it."""
    want = _span(params.range)
    sent = {(d.code, _span(d.range)): d for d in params.context.diagnostics if d.source == SOURCE}
    here = []
    for finding, ours in placed:
        key = (ours.code, _span(ours.range))
        if key in sent or _overlaps(key[1], want):
            here.append((finding, sent.get(key, ours)))
    return here


def offered(diag) -> bool:
    """Whether a finding's fix is offered as a quick fix: safe and unsafe ones are (a person
    picks it; the title says when it is unsafe), display-only ones are not edits."""
    from .diagnostics import DISPLAY_ONLY

    return diag.fix is not None and diag.fix.applicability != DISPLAY_ONLY


def quick_fix(diag, shown: t.Diagnostic, edit: t.WorkspaceEdit) -> t.CodeAction:
    """The quick fix of `diag` (a planned diagnostics.Diagnostic), attached to `shown`."""
    from .diagnostics import SAFE

    safe = diag.fix.applicability == SAFE
    title = f"Fix {diag.code}: {diag.fix.description}" + ("" if safe else f" (unsafe: {diag.fix.caveat})")
    return t.CodeAction(title=title, kind=t.CodeActionKind.QuickFix, diagnostics=[shown],
                        is_preferred=safe, edit=edit)


async def kept_fixes(state, codes: Tuple[str, ...], analyze):
    """The analysis with fixes for these codes, made by `analyze()` once per version of a
    document or notebook (`state`) and kept with it."""
    found = state.fixes.get(codes)
    if found is None:
        found = await analyze()
        if len(state.fixes) >= _FIXES_KEPT:
            state.fixes.clear()
        state.fixes[codes] = found
    return found


def kind_allowed(kind: str, only: Optional[Sequence[str]]) -> bool:
    """LSP code action kinds are hierarchical: `source` admits `source.fixAll.x`."""
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


@dataclass
class DocumentState:
    """What is known of one version of a document."""

    version: Optional[int]
    text: str
    lines: List[str]
    analysis: object  # engine.Analysis without fixes, or None (not checked)
    fixes: Dict[Tuple[str, ...], object] = field(default_factory=dict)  # codes -> analysis
    looks: list = field(default_factory=list)  # what the analysis read of other files


@dataclass
class CellState:
    """A code cell as it was when its notebook's version was analysed."""

    doc: object  # the cell's pygls text document (its position codec)
    version: Optional[int]
    text: str
    lines: List[str]


@dataclass
class NotebookState:
    """What is known of one version of a notebook."""

    version: int
    path: Optional[str]  # the notebook's file, None when it has none (untitled)
    cells: Dict[str, CellState]  # the Python code cells by URI, in notebook order
    numbers: Dict[str, int]  # every cell's number in the notebook, by URI
    analysis: object = None  # notebooks.CellsAnalysis without fixes, or None (not checked)
    fixes: Dict[Tuple[str, ...], object] = field(default_factory=dict)  # codes -> analysis
    looks: list = field(default_factory=list)  # what the analysis read of other files


class HubDistLintServer(LanguageServer):
    def __init__(self, debounce: float = 0.3):
        super().__init__(SOURCE, __version__,
                         text_document_sync_kind=t.TextDocumentSyncKind.Incremental,
                         notebook_document_sync=t.NotebookDocumentSyncOptions(
                             notebook_selector=[t.NotebookDocumentFilterWithCells(
                                 notebook=t.NotebookDocumentFilterNotebookType(
                                     notebook_type="jupyter-notebook"),
                                 cells=[t.NotebookCellLanguage(language="python")])],
                             save=True))
        self.debounce = debounce
        self.pending: Dict[str, asyncio.Task] = {}
        self.states: Dict[str, DocumentState] = {}
        self.linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-dist-lint")
        self.linter.submit(warm_up)  # while the editor initializes, before any document
        self.problems_shown: set = set()
        self.cells_published: Dict[str, set] = {}  # notebook URI -> cell URIs given diagnostics

    # -- documents -------------------------------------------------------------
    def cwd(self) -> Optional[str]:
        try:
            return self.workspace.root_path
        except Exception:  # no workspace before initialize
            return None

    def document(self, uri: str):
        # pygls keeps documents by unquoted URI: `file:///a%20b/c.py` is under `file:///a b/c.py`
        if unquote(uri) not in self.workspace.text_documents:
            return None
        return self.workspace.get_text_document(uri)

    @staticmethod
    def wanted(doc) -> bool:
        if doc.language_id and doc.language_id != "python":
            return False
        return bool(doc.language_id) or (doc.path or "").endswith((".py", ".pyi"))

    @staticmethod
    def fs_path(doc) -> Optional[str]:
        return doc.path if doc.uri.startswith("file:") else None

    def notebook(self, uri: str):
        return self.workspace.get_notebook_document(notebook_uri=uri)

    def notebook_of_cell(self, uri: str):
        return self.workspace.get_notebook_document(cell_uri=uri)

    def python_cells(self, notebook) -> Dict[str, object]:
        """The notebook's Python code cells (URI -> text document), in notebook order:
        the cells its kernel runs (markdown cells and other languages' are not)."""
        cells = {}
        for cell in notebook.cells:
            doc = self.document(cell.document)
            if cell.kind == t.NotebookCellKind.Code and doc is not None \
                    and doc.language_id in (None, "", "python"):
                cells[cell.document] = doc
        return cells

    def forget(self, uri: str) -> None:
        self.states.pop(uri, None)
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()

    # -- positions ---------------------------------------------------------------
    @staticmethod
    def position(doc, lines: List[str], line: int, char: int) -> t.Position:
        """0-based line and code-point column -> client units (UTF-16 unless negotiated)."""
        if line >= len(lines):
            if lines and not lines[-1].endswith(("\n", "\r")):
                last = lines[-1]
                return t.Position(len(lines) - 1, doc.position_codec.client_num_units(last))
            return t.Position(len(lines), 0)
        content = lines[line].rstrip("\r\n")
        return t.Position(line, doc.position_codec.client_num_units(content[:char]))

    def diagnostic_at(self, doc, lines, diag, line, column, end_line, end_column) -> t.Diagnostic:
        """`diag` shown from line:column to end_line:end_column (1-based) of `lines`."""
        return t.Diagnostic(
            range=t.Range(self.position(doc, lines, line - 1, column - 1),
                          self.position(doc, lines, end_line - 1, end_column - 1)),
            message=diag.message, severity=t.DiagnosticSeverity.Warning,
            code=diag.code, source=SOURCE)

    def lsp_diagnostic(self, doc, lines, diag) -> t.Diagnostic:
        return self.diagnostic_at(doc, lines, diag, diag.line, diag.column, diag.end_line,
                                  diag.end_column)

    def cell_diagnostic(self, cell: CellState, finding) -> t.Diagnostic:
        """A notebooks.Finding, at its place in its cell."""
        return self.diagnostic_at(cell.doc, cell.lines, finding.diagnostic, finding.line,
                                  finding.column, finding.end_line, finding.end_column)

    # -- analysis ------------------------------------------------------------------
    async def analyze(self, doc, text: str, fixes: bool, codes=None, parsed=None, looks=None):
        return await self.run_lint(lint_snapshot, self.fs_path(doc), text, fixes, self.cwd(),
                                   codes, parsed, looks=looks)

    async def run_lint(self, lint, *args, looks: Optional[list] = None):
        """`lint(*args)` (lint_snapshot, lint_cells) in the linting thread; what it says
        about the configuration and what it could not check is shown and logged. `looks`
        gets what it read of other files of the project (project_reads.py)."""
        loop = asyncio.get_running_loop()
        (analysis, config_error, not_checked), read = await loop.run_in_executor(
            self.linter, _recorded, lint, *args)
        if looks is not None:
            looks.extend(read)
        if config_error:
            self.window_log_message(t.LogMessageParams(type=t.MessageType.Error,
                                                       message=config_error))
            if config_error not in self.problems_shown:  # say it once where the user looks
                self.problems_shown.add(config_error)
                self.window_show_message(t.ShowMessageParams(type=t.MessageType.Error,
                                                             message=config_error))
        if not_checked:
            self.window_log_message(t.LogMessageParams(type=t.MessageType.Info,
                                                       message=not_checked))
        return analysis

    async def state_of(self, doc) -> DocumentState:
        """The document's current version, analysed (once per version)."""
        state = self.states.get(doc.uri)
        if state is None or state.version != doc.version or state.text != doc.source:
            text, version, looks = doc.source, doc.version, []
            analysis = await self.analyze(doc, text, fixes=False, looks=looks)
            state = DocumentState(version, text, split_lines(text), analysis, looks=looks)
            current = self.document(doc.uri)
            if current is not None and current.version == version:
                self.states[doc.uri] = state
        return state

    async def fixes_for(self, doc, state: DocumentState, codes: Tuple[str, ...]):
        """The analysis with fixes for these codes, once per document version."""
        parsed = state.analysis if state.analysis is not None and state.analysis.parsed else None
        return await kept_fixes(state, codes, lambda: self.analyze(
            doc, state.text, fixes=True, codes=codes, parsed=parsed))

    async def lint_notebook(self, state: NotebookState, fixes: bool, codes=None, looks=None):
        from .ipython_syntax import Cell

        cells = [Cell(uri, cell.text) for uri, cell in state.cells.items()]
        return await self.run_lint(lint_cells, state.path, cells, state.numbers, fixes,
                                   self.cwd(), codes, looks=looks)

    async def notebook_state_of(self, notebook) -> NotebookState:
        """The notebook's current version, analysed (once per version)."""
        state = self.states.get(notebook.uri)
        if state is None or state.version != notebook.version:
            # the cells' texts are read here, together, before anything is awaited
            cells = {uri: CellState(doc, doc.version, doc.source, split_lines(doc.source))
                     for uri, doc in self.python_cells(notebook).items()}
            numbers = {cell.document: number for number, cell in enumerate(notebook.cells, 1)}
            path = to_fs_path(notebook.uri) if notebook.uri.startswith("file:") else None
            state = NotebookState(notebook.version, path, cells, numbers)
            state.analysis = await self.lint_notebook(state, fixes=False, looks=state.looks)
            current = self.notebook(notebook.uri)
            if current is not None and current.version == state.version:
                self.states[notebook.uri] = state
        return state

    async def notebook_fixes_for(self, state: NotebookState, codes: Tuple[str, ...]):
        """The notebook's analysis with fixes for these codes, once per notebook version."""
        return await kept_fixes(state, codes, lambda: self.lint_notebook(state, True, codes))

    # -- diagnostics ---------------------------------------------------------------
    def schedule(self, uri: str, delay: float) -> None:
        """Lint afresh (a save may have changed the settings); code actions then use it."""
        self.states.pop(uri, None)
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self.lint_later(uri, delay))

    async def lint_later(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            if self.notebook(uri) is not None:
                await self.publish_notebook(uri)
            else:
                await self.publish_document(uri)
        except asyncio.CancelledError:
            pass
        except Exception:  # a bug must not take the editor's server down
            log.exception("linting %s failed", uri)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    async def publish_document(self, uri: str) -> None:
        doc = self.document(uri)
        if doc is None or not self.wanted(doc) or self.notebook_of_cell(uri) is not None:
            return  # (a cell is linted with its notebook, even if a client also opens it alone)
        state = await self.state_of(doc)
        current = self.document(uri)
        if current is None or current.version != state.version:
            return  # a newer change has its own lint coming
        found = ([self.lsp_diagnostic(doc, state.lines, d) for d in state.analysis.diagnostics]
                 if state.analysis else [])
        self.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=state.version))

    async def publish_notebook(self, uri: str) -> None:
        """Diagnostics for every Python code cell of the notebook, an empty list for a clean
        one, so that none is left stale."""
        state = await self.notebook_state_of(self.notebook(uri))
        current = self.notebook(uri)
        if current is None or current.version != state.version:
            return  # a newer change has its own lint coming
        found: Dict[str, List[t.Diagnostic]] = {cell: [] for cell in state.cells}
        for finding in state.analysis.findings if state.analysis else []:
            found[finding.cell].append(self.cell_diagnostic(state.cells[finding.cell], finding))
        # a cell deleted, or turned into markdown, keeps no diagnostics
        self.clear_cells(self.cells_published.get(uri, set()) - found.keys())
        self.cells_published[uri] = set(found)
        for cell, diagnostics in found.items():
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
                uri=cell, diagnostics=diagnostics, version=state.cells[cell].version))

    def clear_cells(self, uris) -> None:
        for uri in uris:
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def close_notebook(self, uri: str, cells: Sequence[str]) -> None:
        self.forget(uri)
        self.clear_cells(set(cells) | self.cells_published.pop(uri, set()))

    async def relint_dependents(self) -> None:
        """Lint again each open document whose findings read a file that has changed since
        (another module's hub layers, the files that import a script): a save or a watched
        file's change may be that file."""
        looked = [(uri, state.looks) for uri, state in self.states.items() if state.looks]
        if not looked:
            return
        loop = asyncio.get_running_loop()
        now: dict = {}  # each look made once for all the documents

        def changed() -> List[str]:
            return [uri for uri, looks in looked if not project_reads.still_holds(looks, now)]

        stale = await loop.run_in_executor(self.linter, changed)  # stats, perhaps a walk: off the loop
        for uri in stale:
            if self.states.get(uri) is not None:
                self.schedule(uri, 0)

    def relint_all(self) -> None:
        self.states.clear()  # the settings may have changed
        for notebook in list(self.workspace.notebook_documents.values()):
            self.schedule(notebook.uri, 0)
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    # -- code actions ----------------------------------------------------------------
    def workspace_edit(self, edits: Dict[str, Tuple[Optional[int], List[t.TextEdit]]]) -> t.WorkspaceEdit:
        """`edits`: URI -> (the version the edits apply to, the edits)."""
        workspace = getattr(self.client_capabilities, "workspace", None)
        edit_caps = getattr(workspace, "workspace_edit", None)
        if getattr(edit_caps, "document_changes", False):
            return t.WorkspaceEdit(document_changes=[t.TextDocumentEdit(
                text_document=t.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=changes) for uri, (version, changes) in edits.items()])
        return t.WorkspaceEdit(changes={uri: changes for uri, (_, changes) in edits.items()})

    def text_edits(self, doc, lines: List[str], line_edits: List[dict]) -> List[t.TextEdit]:
        return [t.TextEdit(
            range=t.Range(self.position(doc, lines, e["line"] - 1, 0),
                          self.position(doc, lines, e["end_line"] - 1, 0)),
            new_text=e["content"]) for e in line_edits]

    def edit_to(self, doc, state: DocumentState, line_edits: List[dict]) -> t.WorkspaceEdit:
        return self.workspace_edit({doc.uri: (state.version,
                                              self.text_edits(doc, state.lines, line_edits))})

    def cells_edit(self, state: NotebookState, per_cell: Dict[str, List[dict]]) -> t.WorkspaceEdit:
        """One edit of every cell these line edits (cell URI -> edits) change, each for
        the cell's version that was analysed."""
        return self.workspace_edit({
            uri: (cell.version, self.text_edits(cell.doc, cell.lines, per_cell[uri]))
            for uri, cell in state.cells.items() if uri in per_cell})

    def resolves_edits(self) -> bool:
        text_caps = getattr(self.client_capabilities, "text_document", None)
        action_caps = getattr(text_caps, "code_action", None)
        support = getattr(action_caps, "resolve_support", None)
        return "edit" in (getattr(support, "properties", None) or ())

    async def code_actions(self, params: t.CodeActionParams) -> Optional[List[t.CodeAction]]:
        uri = params.text_document.uri
        notebook = self.notebook_of_cell(uri)
        if notebook is not None:  # a cell: its notebook's findings and fixes
            state = await self.notebook_state_of(notebook)
            found = state.analysis.findings if state.analysis else []
            fix_all = {"notebook": notebook.uri, "version": state.version}
        else:
            doc = self.document(uri)
            if doc is None or not self.wanted(doc):
                return None
            state = await self.state_of(doc)
            found = state.analysis.diagnostics if state.analysis else []
            fix_all = {"uri": doc.uri, "version": state.version}
        if not found:
            return None
        only = params.context.only
        actions: List[t.CodeAction] = []
        if kind_allowed(t.CodeActionKind.QuickFix, only):
            actions += await (self.cell_quick_fixes(state, uri, params) if notebook is not None
                              else self.quick_fixes(doc, state, params))
        fix_all_kinds = (FIX_ALL_KIND, NOTEBOOK_FIX_ALL_KIND) if notebook is not None else (FIX_ALL_KIND,)
        kind = next((k for k in fix_all_kinds if kind_allowed(k, only)), None)
        if kind is not None:
            action = t.CodeAction(title="hub-dist-lint: fix all auto-fixable problems",
                                  kind=kind, data=fix_all)
            if not self.resolves_edits():
                action = await self.resolve_fix_all(action)
            if action is not None:
                actions.append(action)
        return actions or None

    async def quick_fixes(self, doc, state: DocumentState, params) -> List[t.CodeAction]:
        here = findings_under_cursor(params, [(d, self.lsp_diagnostic(doc, state.lines, d))
                                              for d in state.analysis.diagnostics])
        if not here:
            return []  # the cursor is on no finding: nothing to plan
        codes = tuple(sorted({diag.code for diag, _ in here}))
        fixed = await self.fixes_for(doc, state, codes)
        by_place = {(d.code, d.line, d.column, d.message): d for d in fixed.diagnostics} if fixed else {}
        actions = []
        for diag, shown in here:
            planned = by_place.get((diag.code, diag.line, diag.column, diag.message))
            if planned is None or not offered(planned):
                continue
            new = fix_edits(fixed, [planned.fix])
            if new is not None:
                actions.append(quick_fix(planned, shown, self.edit_to(doc, state, new)))
        return actions

    async def cell_quick_fixes(self, state: NotebookState, uri: str, params) -> List[t.CodeAction]:
        cell = state.cells.get(uri)
        if cell is None:
            return []
        from .notebooks import cell_edits

        here = findings_under_cursor(params, [(f, self.cell_diagnostic(cell, f))
                                              for f in state.analysis.findings if f.cell == uri])
        if not here:
            return []  # the cursor is on no finding: nothing to plan
        codes = tuple(sorted({finding.diagnostic.code for finding, _ in here}))
        fixed = await self.notebook_fixes_for(state, codes)
        by_place = {_cell_place(f): f for f in fixed.findings} if fixed else {}
        actions = []
        for finding, shown in here:
            planned = by_place.get(_cell_place(finding))
            if planned is None or not offered(planned.diagnostic):
                continue
            per_cell = cell_edits(fixed, [planned])  # None: it would not split back into cells
            if per_cell is not None:
                actions.append(quick_fix(planned.diagnostic, shown, self.cells_edit(state, per_cell)))
        return actions

    async def resolve_fix_all(self, action: t.CodeAction) -> Optional[t.CodeAction]:
        data = action.data or {}
        edit = await (self.notebook_fix_all(data) if "notebook" in data else self.document_fix_all(data))
        if edit is None:
            return None
        action.edit = edit
        return action

    async def document_fix_all(self, data: dict) -> Optional[t.WorkspaceEdit]:
        doc = self.document(data.get("uri", ""))
        if doc is None or doc.version != data.get("version"):
            return None  # the document changed: the editor asks again
        state = await self.state_of(doc)
        codes = tuple(sorted({d.code for d in state.analysis.diagnostics})) if state.analysis else ()
        fixed = await self.fixes_for(doc, state, codes) if codes else None
        from .fixing import choose_fixes

        # what hub-dist-fix applies with these settings (safe fixes, unless unsafe-fixes)
        fixes = choose_fixes(fixed.diagnostics, fixed.config)[0] if fixed else []
        new = fix_edits(fixed, fixes) if fixes else None
        return self.edit_to(doc, state, new) if new is not None else None

    async def notebook_fix_all(self, data: dict) -> Optional[t.WorkspaceEdit]:
        from .edits import text_edits
        from .notebooks import fix_pass

        notebook = self.notebook(data["notebook"])
        if notebook is None or notebook.version != data.get("version"):
            return None  # the notebook changed: the editor asks again
        state = await self.notebook_state_of(notebook)
        codes = tuple(sorted({f.diagnostic.code for f in state.analysis.findings})) if state.analysis else ()
        fixed = await self.notebook_fixes_for(state, codes) if codes else None
        if fixed is None:
            return None
        # what hub-dist-fix applies (safe fixes unless unsafe-fixes; none moving code across cells)
        sources = fix_pass(fixed, fixed.config)[0]
        per_cell = {key: text_edits(fixed.texts[key], new) for key, new in sources.items()}
        return self.cells_edit(state, per_cell) if per_cell else None


def register_features(server: HubDistLintServer) -> None:
    @server.feature(t.INITIALIZED)
    async def initialized(ls: HubDistLintServer, params: t.InitializedParams):
        # Editors send didSave only for Python files: to see configuration edits,
        # ask to be told when pyproject.toml or setup.cfg change on disk.
        watched = getattr(getattr(ls.client_capabilities, "workspace", None),
                          "did_change_watched_files", None)
        if not getattr(watched, "dynamic_registration", False):
            return
        # ... and when Python files and notebooks change (a checkout, another editor): an
        # open document's findings may have read them
        options = t.DidChangeWatchedFilesRegistrationOptions(
            watchers=[t.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES + WATCHED_SOURCES])
        try:
            await ls.client_register_capability_async(t.RegistrationParams(registrations=[
                t.Registration(id="hub-dist-lint-config-files",
                               method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                               register_options=options)]))
        except Exception as exc:  # the client may refuse; configuration is re-read on each lint
            log.info("client did not register file watchers: %s", exc)

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: HubDistLintServer, params: t.DidOpenTextDocumentParams):
        ls.schedule(params.text_document.uri, 0)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: HubDistLintServer, params: t.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE, t.SaveOptions(include_text=False))
    async def did_save(ls: HubDistLintServer, params: t.DidSaveTextDocumentParams):
        uri = params.text_document.uri
        if uri.rsplit("/", 1)[-1] in CONFIG_NAMES:
            ls.relint_all()  # the settings of every open file may have changed
        else:
            ls.schedule(uri, 0)
            await ls.relint_dependents()

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: HubDistLintServer, params: t.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        ls.forget(uri)
        ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # pygls keeps the notebooks and their cells' text documents; a notebook is linted whole
    async def notebook_opened_or_saved(ls: HubDistLintServer, params):
        ls.schedule(params.notebook_document.uri, 0)
        await ls.relint_dependents()  # a saved notebook may import an open script

    server.feature(t.NOTEBOOK_DOCUMENT_DID_OPEN)(notebook_opened_or_saved)
    server.feature(t.NOTEBOOK_DOCUMENT_DID_SAVE)(notebook_opened_or_saved)

    @server.feature(t.NOTEBOOK_DOCUMENT_DID_CHANGE)
    async def notebook_did_change(ls: HubDistLintServer, params: t.DidChangeNotebookDocumentParams):
        ls.schedule(params.notebook_document.uri, ls.debounce)

    @server.feature(t.NOTEBOOK_DOCUMENT_DID_CLOSE)
    async def notebook_did_close(ls: HubDistLintServer, params: t.DidCloseNotebookDocumentParams):
        ls.close_notebook(params.notebook_document.uri, [c.uri for c in params.cell_text_documents])

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: HubDistLintServer, params: t.DidChangeWatchedFilesParams):
        if any(c.uri.rsplit("/", 1)[-1] in CONFIG_NAMES for c in params.changes):
            ls.relint_all()
        else:
            await ls.relint_dependents()

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
        code_action_kinds=[t.CodeActionKind.QuickFix, FIX_ALL_KIND, NOTEBOOK_FIX_ALL_KIND],
        resolve_provider=True))
    async def code_action(ls: HubDistLintServer, params: t.CodeActionParams):
        return await ls.code_actions(params)

    @server.feature(t.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: HubDistLintServer, action: t.CodeAction):
        return await ls.resolve_fix_all(action) or action


def _span(r) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    return (r.start.line, r.start.character), (r.end.line, r.end.character)


def _cell_place(finding) -> tuple:
    """What identifies a finding across two analyses of the same cells."""
    diag = finding.diagnostic
    return finding.cell, diag.code, finding.line, finding.column, diag.message


def _overlaps(a, b) -> bool:
    """Touching counts: a cursor at either end of a diagnostic asks for its fix."""
    return not (a[1] < b[0] or b[1] < a[0])
