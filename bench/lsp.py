"""Benchmark the language server with a real LSP client, as an editor uses it.

    python bench/lsp.py [FILE]

FILE defaults to tf_keras/src/engine/training.py of the installed tf_keras (4,476
lines). Ratios are against the libcst parse of the same file in this process (best of
3). Measured: diagnostics after didOpen (the first document of a fresh server, which
is still loading what it needs), and after an edit once it is warm; a quick-fix request on a line with a finding
(first and repeated, same document version); one on a line without a finding; the
fix-all action offered, then resolved.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _default_file() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("tf_keras")  # located, not imported (that loads TF)
    return Path(spec.origin).parent / "src" / "engine" / "training.py"


def _parse_seconds(text: str) -> float:
    import libcst as cst

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        cst.parse_module(text)
        best = min(best, time.perf_counter() - start)
    return best


async def _measure(path: Path) -> dict:
    import pytest_lsp
    from lsprotocol import types as t

    text = path.read_text("utf-8")
    client = pytest_lsp.make_test_lsp_client()

    @client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def register(params):  # the server asks to watch configuration files
        return None
    launched = time.perf_counter()
    await client.start_io(sys.executable, "-m", "hub_dist_lint", "lsp", "--debounce", "0",
                          cwd=str(path.parent))
    await client.initialize_session(t.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        root_uri=path.parent.as_uri()))
    uri = path.as_uri()
    times = {}
    try:
        start = time.perf_counter()
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=uri, language_id="python", version=1, text=text)))
        params = await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        times["diagnostics after didOpen (fresh server)"] = time.perf_counter() - start
        times["launch to first diagnostics"] = time.perf_counter() - launched
        found = params.diagnostics
        lines_with = {d.range.start.line for d in found}
        finding_line = min(lines_with)
        empty_line = next(n for n in range(len(text.splitlines())) if n not in lines_with)

        async def quick(line):
            begin = time.perf_counter()
            await client.text_document_code_action_async(t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                range=t.Range(start=t.Position(line, 0), end=t.Position(line, 0)),
                context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.QuickFix])))
            return time.perf_counter() - begin

        times["codeAction, line without a finding"] = await quick(empty_line)
        times["codeAction on a finding, first"] = await quick(finding_line)
        times["codeAction on a finding, repeated"] = min([await quick(finding_line)
                                                          for _ in range(3)])
        begin = time.perf_counter()
        actions = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=t.Range(start=t.Position(0, 0), end=t.Position(0, 0)),
            context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.SourceFixAll])))
        times["fix-all offered"] = time.perf_counter() - begin
        if actions:
            begin = time.perf_counter()
            await client.code_action_resolve_async(actions[0])
            times["fix-all resolved"] = time.perf_counter() - begin
        # Warm: the server has loaded what it needs; an edit (the whole text again, a
        # new version) is linted afresh, as while typing.
        for version in (2, 3, 4):
            begin = time.perf_counter()
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            elapsed = time.perf_counter() - begin
            key = "diagnostics after didChange (warm)"
            times[key] = min(times.get(key, elapsed), elapsed)
        client.text_document_did_close(t.DidCloseTextDocumentParams(
            text_document=t.TextDocumentIdentifier(uri=uri)))
        begin = time.perf_counter()
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=uri, language_id="python", version=5, text=text)))
        while (await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)).version != 5:
            pass  # closing the document cleared its diagnostics first
        times["diagnostics after didOpen (server loaded)"] = time.perf_counter() - begin
        times["findings"] = len(found)
    finally:
        await client.shutdown_session()
        await client.stop()
    return times


def main() -> int:
    path = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else _default_file()
    text = path.read_text("utf-8")
    parse = _parse_seconds(text)
    times = asyncio.run(_measure(path))
    findings = times.pop("findings")
    print(f"{path} ({len(text.splitlines())} lines, {findings} findings); libcst parse "
          f"{parse:.3f} s")
    print(f"{'':<38}{'seconds':>9}{'x parse':>9}")
    for name, seconds in times.items():
        print(f"{name:<38}{seconds:9.3f}{seconds / parse:9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
