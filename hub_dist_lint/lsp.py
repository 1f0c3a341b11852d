"""`hub-dist-lint lsp`: a Language Server over stdio, built on pygls.

A thin front end like the others: the findings come from engine.analyze, the
rewrites from the fix plans the engine attached to them (fixing.apply_fixes),
the settings from the nearest pyproject.toml / setup.cfg of the file's folder
(config.Resolver). `# noqa` is honoured because the engine honours it.

- publishes diagnostics on open and save at once, on change after a short
  pause in typing (debounced), never for a stale version of the document;
- offers a quick fix for each fixable diagnostic, and a
  `source.fixAll.hub-dist-lint` action applying every fix in the file;
- lints in one worker thread, so the protocol never waits on a lint; nothing
  it runs imports TensorFlow.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Sequence, Tuple

from . import __version__

FIX_ALL_KIND = "source.fixAll.hub-dist-lint"
SOURCE = "hub-dist-lint"
CONFIG_NAMES = ("pyproject.toml", "setup.cfg")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
log = logging.getLogger("hub-dist-lint.lsp")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hub-dist-lint lsp",
        description="Language Server Protocol server over standard input/output "
        "(diagnostics, quick fixes, fix-all). Needs pygls: pip install 'hub-dist-lint[lsp]'.")
    parser.add_argument("--stdio", action="store_true",
                        help="accepted for editors that pass it; stdio is the only transport")
    parser.add_argument("--debounce", type=float, default=0.3, metavar="SECONDS",
                        help="pause in typing before a changed document is linted (default 0.3)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(list(argv))
    if args.debounce < 0:
        print("error: --debounce must be >= 0", file=sys.stderr)
        return 2
    try:
        import pygls  # noqa: F401
        import lsprotocol  # noqa: F401
    except ImportError:
        print("error: `hub-dist-lint lsp` needs pygls, which is not installed: "
              "pip install 'hub-dist-lint[lsp]'", file=sys.stderr)
        return 2
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="hub-dist-lint lsp: %(levelname)s: %(message)s")
    server = create_server(args.debounce)
    server.start_io()
    return 0


# ---------------------------------------------------------------------------
# pure helpers (no pygls): positions, linting a snapshot


def split_lines(text: str) -> List[str]:
    """Lines with their endings, split only where LSP splits (\\n, \\r\\n, \\r)."""
    return _LINE.findall(text)


def lint_snapshot(path: Optional[str], text: str, fixes: bool, cwd: Optional[str]):
    """Analyze one document's text with the settings of its folder.

    Returns (analysis or None, configuration error or None, reason it was not
    checked or None). The analysis is None when the file is excluded by its
    configuration or cannot be checked (a syntax error while typing, ...). With
    a broken configuration the file is linted with the defaults, so the editor
    still shows something, and the error is returned to be shown.
    """
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
    try:
        return analyze(text, name, config, fixes=fixes), config_error, None
    except LintError as exc:
        where = f"{name}:{exc.line}" if exc.line else name
        return None, config_error, f"{where}: not checked: {exc.reason}"


def fixed_text(analysis, fixes) -> Optional[str]:
    """The document with these fixes applied; None if the result would not parse
    (the same guard hub-dist-fix applies before writing)."""
    from .edits import fixed_code

    new = fixed_code(analysis, fixes)
    try:
        compile(new, analysis.path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        log.error("fix for %s does not re-parse; not offered", analysis.path)
        return None
    return new


def kind_allowed(kind: str, only: Optional[Sequence[str]]) -> bool:
    """LSP code action kinds are hierarchical: `source` admits `source.fixAll.x`."""
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


# ---------------------------------------------------------------------------
# the server


def create_server(debounce: float = 0.3):
    from lsprotocol import types as t
    from pygls.lsp.server import LanguageServer

    class HubDistLintServer(LanguageServer):
        def __init__(self):
            super().__init__(SOURCE, __version__,
                             text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
            self.debounce = debounce
            self.pending: Dict[str, asyncio.Task] = {}
            self.linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-dist-lint")
            self.problems_shown: set = set()

        # -- helpers -------------------------------------------------------
        def cwd(self) -> Optional[str]:
            try:
                return self.workspace.root_path
            except Exception:  # no workspace before initialize
                return None

        def document(self, uri: str):
            if uri not in self.workspace.text_documents:
                return None
            return self.workspace.get_text_document(uri)

        def wanted(self, doc) -> bool:
            if doc.language_id and doc.language_id != "python":
                return False
            if not doc.language_id and not (doc.path or "").endswith((".py", ".pyi")):
                return False
            return True

        @staticmethod
        def fs_path(doc) -> Optional[str]:
            return doc.path if doc.uri.startswith("file:") else None

        def position(self, doc, lines: List[str], line: int, char: int) -> t.Position:
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

        async def analyze(self, doc, text: str, fixes: bool):
            loop = asyncio.get_running_loop()
            analysis, config_error, not_checked = await loop.run_in_executor(
                self.linter, lint_snapshot, self.fs_path(doc), text, fixes, self.cwd())
            if config_error:
                self.window_log_message(t.LogMessageParams(type=t.MessageType.Error, message=config_error))
                if config_error not in self.problems_shown:  # say it once where the user looks
                    self.problems_shown.add(config_error)
                    self.window_show_message(t.ShowMessageParams(type=t.MessageType.Error,
                                                                 message=config_error))
            if not_checked:
                self.window_log_message(t.LogMessageParams(type=t.MessageType.Info, message=not_checked))
            return analysis

        # -- diagnostics ---------------------------------------------------
        def schedule(self, uri: str, delay: float) -> None:
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
                text, version = doc.source, doc.version
                analysis = await self.analyze(doc, text, fixes=False)
                current = self.document(uri)
                if current is None or current.version != version:
                    return  # a newer change has its own lint coming
                lines = split_lines(text)
                found = [self.lsp_diagnostic(doc, lines, d) for d in analysis.diagnostics] if analysis else []
                self.text_document_publish_diagnostics(
                    t.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version))
            except asyncio.CancelledError:
                pass
            except Exception:  # a bug must not take the editor's server down
                log.exception("linting %s failed", uri)
            finally:
                if self.pending.get(uri) is asyncio.current_task():
                    del self.pending[uri]

        def relint_all(self) -> None:
            for uri in list(self.workspace.text_documents):
                self.schedule(uri, 0)

        # -- code actions --------------------------------------------------
        def workspace_edit(self, doc, version, edits: List[t.TextEdit]) -> t.WorkspaceEdit:
            caps = self.client_capabilities
            workspace = getattr(caps, "workspace", None)
            edit_caps = getattr(workspace, "workspace_edit", None)
            if getattr(edit_caps, "document_changes", False):
                return t.WorkspaceEdit(document_changes=[t.TextDocumentEdit(
                    text_document=t.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=version),
                    edits=edits)])
            return t.WorkspaceEdit(changes={doc.uri: edits})

        def text_edits(self, doc, lines, old: str, new: str) -> List[t.TextEdit]:
            from .edits import text_edits

            return [t.TextEdit(
                range=t.Range(self.position(doc, lines, e["line"] - 1, 0),
                              self.position(doc, lines, e["end_line"] - 1, 0)),
                new_text=e["content"]) for e in text_edits(old, new)]

        async def code_actions(self, params: t.CodeActionParams) -> Optional[List[t.CodeAction]]:
            doc = self.document(params.text_document.uri)
            if doc is None or not self.wanted(doc):
                return None
            only = params.context.only
            quick = kind_allowed(t.CodeActionKind.QuickFix, only)
            fix_all = kind_allowed(FIX_ALL_KIND, only)
            if not (quick or fix_all):
                return None
            text, version = doc.source, doc.version
            analysis = await self.analyze(doc, text, fixes=True)
            if analysis is None:
                return None
            fixable = [d for d in analysis.diagnostics if d.fix is not None]
            if not fixable:
                return None
            lines = split_lines(text)
            actions: List[t.CodeAction] = []
            if quick:
                want = _span(params.range)
                sent = {(d.code, _span(d.range)): d for d in params.context.diagnostics
                        if d.source == SOURCE}
                for diag in fixable:
                    ours = self.lsp_diagnostic(doc, lines, diag)
                    key = (diag.code, _span(ours.range))
                    if key not in sent and not _overlaps(_span(ours.range), want):
                        continue
                    new = fixed_text(analysis, [diag.fix])
                    if new is None:
                        continue
                    actions.append(t.CodeAction(
                        title=f"Fix {diag.code}: {diag.fix.description}",
                        kind=t.CodeActionKind.QuickFix,
                        diagnostics=[sent.get(key, ours)],
                        is_preferred=True,
                        edit=self.workspace_edit(doc, version, self.text_edits(doc, lines, text, new))))
            if fix_all:
                new = fixed_text(analysis, [d.fix for d in fixable])
                if new is not None:
                    actions.append(t.CodeAction(
                        title="hub-dist-lint: fix all auto-fixable problems",
                        kind=FIX_ALL_KIND,
                        edit=self.workspace_edit(doc, version, self.text_edits(doc, lines, text, new))))
            return actions or None

    server = HubDistLintServer()

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
        except Exception as exc:  # the client may refuse; configuration is re-read on each lint anyway
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
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: HubDistLintServer, params: t.DidChangeWatchedFilesParams):
        if any(c.uri.rsplit("/", 1)[-1] in CONFIG_NAMES for c in params.changes):
            ls.relint_all()

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
        code_action_kinds=[t.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False))
    async def code_action(ls: HubDistLintServer, params: t.CodeActionParams):
        return await ls.code_actions(params)

    return server


def _span(r) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    return (r.start.line, r.start.character), (r.end.line, r.end.character)


def _overlaps(a, b) -> bool:
    """Touching counts: a cursor at either end of a diagnostic asks for its fix."""
    return not (a[1] < b[0] or b[1] < a[0])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
