"""The pygls language server behind `hub-dist-lint lsp` (lsp.py reads the command line
and imports this module, which needs pygls, only then). Its first part holds the pure
helpers (lines, linting a snapshot, warming up, fix edits); then the server.

Costs are paid where an editor needs them:
- diagnostics: one analysis without fixes per document version, kept with the version;
- quick fixes: only for the findings under the cursor, with the analysis narrowed to
  their codes, cached per (version, codes): repeated requests as the cursor moves
  cost nothing, and a range with no finding costs nothing at all;
- fix-all: offered without its edit, computed by `codeAction/resolve` when the user
  picks it (eagerly only for clients that cannot resolve edits).
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

from . import __version__

FIX_ALL_KIND = "source.fixAll.hub-dist-lint"
SOURCE = "hub-dist-lint"
CONFIG_NAMES = ("pyproject.toml", "setup.cfg")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
log = logging.getLogger("hub-dist-lint.lsp")
_FIXES_KEPT = 8  # fix analyses kept per document version (one per set of codes asked for)


# -- pure helpers: lines, linting a snapshot, applying fixes ----------------------


def split_lines(text: str) -> List[str]:
    """Lines with their endings, split only where LSP splits (\\n, \\r\\n, \\r)."""
    return _LINE.findall(text)


def lint_snapshot(path: Optional[str], text: str, fixes: bool, cwd: Optional[str],
                  codes: Optional[Sequence[str]] = None, parsed=None):
    """Analyze one document's text with the settings of its folder.

    Returns (analysis or None, configuration error or None, reason it was not
    checked or None). The analysis is None when the file is excluded by its
    configuration or cannot be checked (a syntax error while typing, ...). With
    a broken configuration the file is linted with the defaults, so the editor
    still shows something, and the error is returned to be shown. `codes` narrows
    the run to those rules (quick fixes for the findings under the cursor: the
    other families' fix planning is not paid). `parsed`: an analysis of this same
    text, whose parse trees are reused.
    """
    import dataclasses

    from .config import ConfigError, Overrides, Resolver
    from .diagnostics import LintError
    from .engine import analyze

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
        reuse = {"module": parsed.module, "tree": parsed.tree} if parsed is not None else {}
        return analyze(text, name, config, fixes=fixes, **reuse), config_error, None
    except LintError as exc:
        return None, config_error, f"{name}{exc.where}: not checked: {exc.reason}"


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


class HubDistLintServer(LanguageServer):
    def __init__(self, debounce: float = 0.3):
        super().__init__(SOURCE, __version__,
                         text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
        self.debounce = debounce
        self.pending: Dict[str, asyncio.Task] = {}
        self.states: Dict[str, DocumentState] = {}
        self.linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-dist-lint")
        self.linter.submit(warm_up)  # while the editor initializes, before any document
        self.problems_shown: set = set()

    # -- documents -------------------------------------------------------------
    def cwd(self) -> Optional[str]:
        try:
            return self.workspace.root_path
        except Exception:  # no workspace before initialize
            return None

    def document(self, uri: str):
        if uri not in self.workspace.text_documents:
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

    def lsp_diagnostic(self, doc, lines, diag) -> t.Diagnostic:
        return t.Diagnostic(
            range=t.Range(self.position(doc, lines, diag.line - 1, diag.column - 1),
                          self.position(doc, lines, diag.end_line - 1, diag.end_column - 1)),
            message=diag.message, severity=t.DiagnosticSeverity.Warning,
            code=diag.code, source=SOURCE)

    # -- analysis ------------------------------------------------------------------
    async def analyze(self, doc, text: str, fixes: bool, codes=None, parsed=None):
        loop = asyncio.get_running_loop()
        analysis, config_error, not_checked = await loop.run_in_executor(
            self.linter, lint_snapshot, self.fs_path(doc), text, fixes, self.cwd(), codes, parsed)
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
            text, version = doc.source, doc.version
            analysis = await self.analyze(doc, text, fixes=False)
            state = DocumentState(version, text, split_lines(text), analysis)
            current = self.document(doc.uri)
            if current is not None and current.version == version:
                self.states[doc.uri] = state
        return state

    async def fixes_for(self, doc, state: DocumentState, codes: Tuple[str, ...]):
        """The analysis with fixes for these codes, once per document version."""
        found = state.fixes.get(codes)
        if found is None:
            parsed = state.analysis if state.analysis is not None and state.analysis.parsed else None
            found = await self.analyze(doc, state.text, fixes=True, codes=codes, parsed=parsed)
            if len(state.fixes) >= _FIXES_KEPT:
                state.fixes.clear()
            state.fixes[codes] = found
        return found

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
            doc = self.document(uri)
            if doc is None or not self.wanted(doc):
                return
            state = await self.state_of(doc)
            current = self.document(uri)
            if current is None or current.version != state.version:
                return  # a newer change has its own lint coming
            found = ([self.lsp_diagnostic(doc, state.lines, d) for d in state.analysis.diagnostics]
                     if state.analysis else [])
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=state.version))
        except asyncio.CancelledError:
            pass
        except Exception:  # a bug must not take the editor's server down
            log.exception("linting %s failed", uri)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def relint_all(self) -> None:
        self.states.clear()  # the settings may have changed
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    # -- code actions ----------------------------------------------------------------
    def workspace_edit(self, doc, version, edits: List[t.TextEdit]) -> t.WorkspaceEdit:
        workspace = getattr(self.client_capabilities, "workspace", None)
        edit_caps = getattr(workspace, "workspace_edit", None)
        if getattr(edit_caps, "document_changes", False):
            return t.WorkspaceEdit(document_changes=[t.TextDocumentEdit(
                text_document=t.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=version),
                edits=edits)])
        return t.WorkspaceEdit(changes={doc.uri: edits})

    def edit_to(self, doc, state: DocumentState, line_edits: List[dict]) -> t.WorkspaceEdit:
        edits = [t.TextEdit(
            range=t.Range(self.position(doc, state.lines, e["line"] - 1, 0),
                          self.position(doc, state.lines, e["end_line"] - 1, 0)),
            new_text=e["content"]) for e in line_edits]
        return self.workspace_edit(doc, state.version, edits)

    def resolves_edits(self) -> bool:
        text_caps = getattr(self.client_capabilities, "text_document", None)
        action_caps = getattr(text_caps, "code_action", None)
        support = getattr(action_caps, "resolve_support", None)
        return "edit" in (getattr(support, "properties", None) or ())

    async def code_actions(self, params: t.CodeActionParams) -> Optional[List[t.CodeAction]]:
        doc = self.document(params.text_document.uri)
        if doc is None or not self.wanted(doc):
            return None
        only = params.context.only
        state = await self.state_of(doc)
        if state.analysis is None or not state.analysis.diagnostics:
            return None
        actions: List[t.CodeAction] = []
        if kind_allowed(t.CodeActionKind.QuickFix, only):
            actions += await self.quick_fixes(doc, state, params)
        if kind_allowed(FIX_ALL_KIND, only):
            action = t.CodeAction(title="hub-dist-lint: fix all auto-fixable problems",
                                  kind=FIX_ALL_KIND,
                                  data={"uri": doc.uri, "version": state.version})
            if not self.resolves_edits():
                action = await self.resolve_fix_all(action)
            if action is not None:
                actions.append(action)
        return actions or None

    async def quick_fixes(self, doc, state: DocumentState, params) -> List[t.CodeAction]:
        want = _span(params.range)
        sent = {(d.code, _span(d.range)): d for d in params.context.diagnostics
                if d.source == SOURCE}
        here = []
        for diag in state.analysis.diagnostics:
            ours = self.lsp_diagnostic(doc, state.lines, diag)
            key = (diag.code, _span(ours.range))
            if key in sent or _overlaps(_span(ours.range), want):
                here.append((diag, key, ours))
        if not here:
            return []  # the cursor is on no finding: nothing to plan
        codes = tuple(sorted({diag.code for diag, _, _ in here}))
        fixed = await self.fixes_for(doc, state, codes)
        by_place = {(d.code, d.line, d.column, d.message): d for d in fixed.diagnostics} if fixed else {}
        actions = []
        for diag, key, ours in here:
            planned = by_place.get((diag.code, diag.line, diag.column, diag.message))
            if planned is None or planned.fix is None:
                continue
            new = fix_edits(fixed, [planned.fix])
            if new is None:
                continue
            actions.append(t.CodeAction(
                title=f"Fix {diag.code}: {planned.fix.description}",
                kind=t.CodeActionKind.QuickFix, diagnostics=[sent.get(key, ours)],
                is_preferred=True, edit=self.edit_to(doc, state, new)))
        return actions

    async def resolve_fix_all(self, action: t.CodeAction) -> Optional[t.CodeAction]:
        data = action.data or {}
        doc = self.document(data.get("uri", ""))
        if doc is None or doc.version != data.get("version"):
            return None  # the document changed: the editor asks again
        state = await self.state_of(doc)
        codes = tuple(sorted({d.code for d in state.analysis.diagnostics})) if state.analysis else ()
        fixed = await self.fixes_for(doc, state, codes) if codes else None
        fixes = [d.fix for d in fixed.diagnostics if d.fix is not None] if fixed else []
        new = fix_edits(fixed, fixes) if fixes else None
        if new is None:
            return None
        action.edit = self.edit_to(doc, state, new)
        return action


def register_features(server: HubDistLintServer) -> None:
    @server.feature(t.INITIALIZED)
    async def initialized(ls: HubDistLintServer, params: t.InitializedParams):
        # Editors send didSave only for Python files: to see configuration edits,
        # ask to be told when pyproject.toml or setup.cfg change on disk.
        watched = getattr(getattr(ls.client_capabilities, "workspace", None),
                          "did_change_watched_files", None)
        if not getattr(watched, "dynamic_registration", False):
            return
        options = t.DidChangeWatchedFilesRegistrationOptions(
            watchers=[t.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES])
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

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: HubDistLintServer, params: t.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        ls.forget(uri)
        ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: HubDistLintServer, params: t.DidChangeWatchedFilesParams):
        if any(c.uri.rsplit("/", 1)[-1] in CONFIG_NAMES for c in params.changes):
            ls.relint_all()

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
        code_action_kinds=[t.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True))
    async def code_action(ls: HubDistLintServer, params: t.CodeActionParams):
        return await ls.code_actions(params)

    @server.feature(t.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: HubDistLintServer, action: t.CodeAction):
        return await ls.resolve_fix_all(action) or action


def _span(r) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    return (r.start.line, r.start.character), (r.end.line, r.end.character)


def _overlaps(a, b) -> bool:
    """Touching counts: a cursor at either end of a diagnostic asks for its fix."""
    return not (a[1] < b[0] or b[1] < a[0])
