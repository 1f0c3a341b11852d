"""`hub-dist-lint lsp` end to end: a real LSP client (pytest-lsp, on pygls) talks to
the server in a subprocess over stdio, as an editor would."""

import asyncio
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types as t  # noqa: E402

BAD = (
    "from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy\n"
    "from tensorflow.python.framework import ops as tf_ops\n"
    "\n"
    "strategy = MirroredStrategy()\n"
    "x = tf_ops.convert_to_tensor([1.0])\n"
)
FIX_ALL = "source.fixAll.hub-dist-lint"


@contextlib.asynccontextmanager
async def lsp_session(workspace: Path, client_name="visual-studio-code", tripwire=None,
                      capabilities=None):
    """Start `hub-dist-lint lsp` in a subprocess and initialize a session with it, as the
    client `client_name` (or one with these `capabilities`)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tripwire or ""), str(ROOT),
                                                       env.get("PYTHONPATH", "")]))
    client = pytest_lsp.make_test_lsp_client()
    registrations = []

    @client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def register(params: t.RegistrationParams):
        registrations.extend(params.registrations)

    await client.start_io(sys.executable, "-m", "hub_dist_lint", "lsp", "--debounce", "0.2",
                          cwd=str(workspace), env=env)
    client.registrations = registrations
    try:
        result = await client.initialize_session(t.InitializeParams(
            capabilities=capabilities or pytest_lsp.client_capabilities(client_name),
            root_uri=workspace.as_uri(),
            workspace_folders=[t.WorkspaceFolder(uri=workspace.as_uri(), name="ws")]))
        client.init_result = result
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


def open_doc(client, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri, language_id="python", version=version, text=text)))
    return uri


async def diagnostics_for(client, uri, timeout=30.0):
    """Wait for the next publishDiagnostics for `uri`; return its diagnostics."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        assert remaining > 0, f"no diagnostics for {uri}"
        params = await asyncio.wait_for(
            client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), remaining)
        if params.uri == uri:
            return list(params.diagnostics)


def offset(text: str, pos: t.Position) -> int:
    """LSP position (UTF-16 units) -> index into text."""
    lines = text.splitlines(True)
    if pos.line >= len(lines):
        return len(text)
    start = sum(len(l) for l in lines[:pos.line])
    line = lines[pos.line]
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return start + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(line.rstrip("\r\n"))


def apply_edit(text: str, uri: str, edit: t.WorkspaceEdit) -> str:
    """Apply a WorkspaceEdit as an editor does: all ranges refer to the original text."""
    if edit.document_changes:
        (change,) = edit.document_changes
        assert change.text_document.uri == uri
        edits = change.edits
    else:
        edits = edit.changes[uri]
    spans = sorted(((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits),
                   reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def change_doc(client, uri, version, text):
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))


@pytest.mark.asyncio
async def test_diagnostics_quick_fix_and_clear(tmp_path):
    path = tmp_path / "a.py"
    path.write_text(BAD)
    async with lsp_session(tmp_path) as client:
        caps = client.init_result.capabilities
        assert FIX_ALL in caps.code_action_provider.code_action_kinds
        assert caps.text_document_sync.save
        uri = open_doc(client, path, BAD)
        diags = await diagnostics_for(client, uri)
        assert [(d.code, d.range.start.line, d.source) for d in diags] == [
            ("HDL101", 0, "hub-dist-lint"), ("HDL103", 1, "hub-dist-lint")]
        first = diags[0]
        assert first.range.start.character == 0
        assert "tf.distribute.MirroredStrategy" in first.message

        actions = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), range=first.range,
            context=t.CodeActionContext(diagnostics=[first])))
        quick = [a for a in actions if a.kind == t.CodeActionKind.QuickFix]
        assert len(quick) == 1 and quick[0].title.startswith("Fix HDL101")
        assert quick[0].diagnostics[0].code == "HDL101"
        text = apply_edit(BAD, uri, quick[0].edit)
        assert "strategy = tf.distribute.MirroredStrategy()" in text
        assert "tf_ops.convert_to_tensor" in text  # only the one fix

        change_doc(client, uri, 2, text)
        diags = await diagnostics_for(client, uri)
        assert [d.code for d in diags] == ["HDL103"]

        actions = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), range=diags[0].range,
            context=t.CodeActionContext(diagnostics=diags)))
        text = apply_edit(text, uri, [a for a in actions if a.kind == t.CodeActionKind.QuickFix][0].edit)
        change_doc(client, uri, 3, text)
        assert await diagnostics_for(client, uri) == []
        assert text == "import tensorflow as tf\n\nstrategy = tf.distribute.MirroredStrategy()\n" \
                       "x = tf.convert_to_tensor([1.0])\n"


@pytest.mark.asyncio
async def test_fix_all_source_action(tmp_path):
    path = tmp_path / "b.py"
    async with lsp_session(tmp_path, client_name="neovim") as client:
        uri = open_doc(client, path, BAD)
        assert len(await diagnostics_for(client, uri)) == 2
        whole = t.Range(start=t.Position(0, 0), end=t.Position(5, 0))
        actions = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), range=whole,
            context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.SourceFixAll])))
        assert [a.kind for a in actions] == [FIX_ALL]
        action = actions[0]
        if action.edit is None:  # computed only when picked: codeAction/resolve
            action = await client.code_action_resolve_async(action)
        text = apply_edit(BAD, uri, action.edit)
        assert "tensorflow.python" not in text
        change_doc(client, uri, 2, text)
        assert await diagnostics_for(client, uri) == []
        # nothing left to fix: no actions at all
        none = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), range=whole,
            context=t.CodeActionContext(diagnostics=[])))
        assert not none
        only_refactor = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), range=whole,
            context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.Refactor])))
        assert not only_refactor


@pytest.mark.asyncio
async def test_noqa_config_and_save(tmp_path):
    project = tmp_path / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.hub-dist-lint]\nignore = ["HDL103"]\n')
    path = project / "pkg" / "c.py"
    text = BAD.replace("MirroredStrategy\n", "MirroredStrategy  # noqa: HDL101\n", 1) + \
        "from tensorflow.python.eager import context\nprint(context.executing_eagerly())\n"
    async with lsp_session(tmp_path) as client:
        uri = open_doc(client, path, text)
        diags = await diagnostics_for(client, uri)
        # HDL101 silenced by # noqa, HDL103 by the folder's pyproject.toml
        assert [d.code for d in diags] == []
        # a configuration change on disk is picked up: the server asked to watch the files
        assert any(r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in client.registrations)
        (project / "pyproject.toml").write_text('[tool.hub-dist-lint]\nselect = ["HDL1"]\n')
        client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[
            t.FileEvent(uri=(project / "pyproject.toml").as_uri(), type=t.FileChangeType.Changed)]))
        diags = await diagnostics_for(client, uri)
        assert [(d.code, d.range.start.line) for d in diags] == [("HDL103", 1), ("HDL103", 5)]
        # save lints too
        client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
        assert len(await diagnostics_for(client, uri)) == 2
        # a bad configuration: one error message naming the file and key, defaults used
        (project / "pyproject.toml").write_text('[tool.hub-dist-lint]\nselct = ["HDL1"]\n')
        client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
        diags = await diagnostics_for(client, uri)
        assert [d.code for d in diags] == ["HDL103", "HDL103"]  # HDL101 still # noqa'd
        shown = [m.message for m in client.messages if m.type == t.MessageType.Error]
        assert any("pyproject.toml: error: [tool.hub-dist-lint] selct: unknown key" in m for m in shown), shown


@pytest.mark.asyncio
async def test_debounced_changes_and_positions_in_utf16(tmp_path):
    path = tmp_path / "d.py"
    async with lsp_session(tmp_path) as client:
        uri = open_doc(client, path, "x = 1\n")
        assert await diagnostics_for(client, uri) == []
        # a burst of typing: only the last version is linted and published
        version = 1
        for i in range(5):
            version += 1
            change_doc(client, uri, version, "x = 1\n" * i)
        final = "s = '😋'; from tensorflow.python.framework import ops\nops.name_scope\n"
        version += 1
        change_doc(client, uri, version, final)
        params = await asyncio.wait_for(client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
        assert params.version == version
        (diag,) = params.diagnostics
        # the emoji is 2 UTF-16 code units: `from` starts at character 10, not 9
        assert diag.code == "HDL103" and diag.range.start == t.Position(0, 10)
        # a syntax error clears the diagnostics rather than leaving stale ones
        change_doc(client, uri, version + 1, final + "def f(:\n")
        assert await diagnostics_for(client, uri) == []
        assert any("not checked: syntax error" in m.message for m in client.log_messages)
        client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
        assert await diagnostics_for(client, uri) == []


@pytest.mark.asyncio
async def test_never_imports_tensorflow(tmp_path):
    # A `tensorflow` package that records being imported comes first on the path.
    tripwire = tmp_path / "tripwire"
    (tripwire / "tensorflow").mkdir(parents=True)
    marker = tmp_path / "tensorflow-was-imported"
    (tripwire / "tensorflow" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nraise ImportError('hub-dist-lint lsp must not import TF')\n")
    async with lsp_session(tmp_path, tripwire=tripwire) as client:
        uri = open_doc(client, tmp_path / "e.py", BAD)
        assert len(await diagnostics_for(client, uri)) == 2
        actions = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=t.Range(start=t.Position(0, 0), end=t.Position(5, 0)),
            context=t.CodeActionContext(diagnostics=[])))
        assert actions
    assert not marker.exists()


def test_without_pygls_says_how_to_install(tmp_path):
    # -S: no site-packages, so no pygls; the package itself comes from the source tree.
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-S", "-m", "hub_dist_lint", "lsp"], capture_output=True,
                            cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, timeout=60)
    err = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2
    assert len(err) == 1 and "pip install 'hub-dist-lint[lsp]'" in err[0], err


@pytest.mark.asyncio
async def test_quick_fixes_only_for_findings_under_the_cursor(tmp_path):
    path = tmp_path / "c.py"
    text = BAD + "y = 1\n"
    async with lsp_session(tmp_path) as client:
        uri = open_doc(client, path, text)
        assert len(await diagnostics_for(client, uri)) == 2

        async def quick(line):
            return await client.text_document_code_action_async(t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                range=t.Range(start=t.Position(line, 0), end=t.Position(line, 0)),
                context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.QuickFix])))

        assert not await quick(5)  # `y = 1`: no finding, no action
        first = await quick(1)
        assert [a.title.split(":")[0] for a in first] == ["Fix HDL103"]
        again = await quick(1)  # same version: the same answer, from the kept analysis
        assert [a.edit for a in again] == [a.edit for a in first]


@pytest.mark.asyncio
async def test_a_path_the_uri_quotes(tmp_path):
    # `a b` is `a%20b` in the URI the editor sends
    folder = tmp_path / "a b"
    folder.mkdir()
    async with lsp_session(tmp_path) as client:
        uri = open_doc(client, folder / "x.py", BAD)
        assert "%20" in uri
        assert [d.code for d in await diagnostics_for(client, uri)] == ["HDL101", "HDL103"]


def test_warm_up_sample_passes_every_checker_gate():
    """The server warms up on a small sample so that the first real document finds every
    family loaded: a new family whose gate the sample misses fails here (extend
    lsp_server._WARM_UP with what the gate looks for)."""
    from hub_dist_lint import lsp_server
    from hub_dist_lint.rules import CHECKERS

    missed = [type(checker).__name__ for checker in CHECKERS
              if not checker.gate.search(lsp_server._WARM_UP)]
    assert missed == []


@pytest.mark.asyncio
async def test_findings_that_read_another_module_follow_its_saved_content(tmp_path):
    # HDL501 across modules (analysis/project_models.py): the other file is read from disk
    (tmp_path / "pyproject.toml").write_text("")
    models = tmp_path / "models.py"
    models.write_text("import tensorflow as tf\n\n\ndef stacked(layer):\n"
                      "    return tf.keras.Sequential([layer])\n")
    user = tmp_path / "user.py"
    text = "import tensorflow_hub as hub\nfrom models import stacked\n\nmodel = stacked(hub.KerasLayer('h'))\n"
    user.write_text(text)
    async with lsp_session(tmp_path) as client:
        uri = open_doc(client, user, text)
        diags = await diagnostics_for(client, uri)
        assert [(d.code, d.range.start.line) for d in diags] == [("HDL501", 3)]
        assert "passed to stacked() of models.py" in diags[0].message
        models.write_text("def stacked(layer):\n    return layer\n")
        os.utime(models, (1, 1))
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text + "\n")]))
        assert await diagnostics_for(client, uri) == []


@pytest.mark.asyncio
async def test_an_open_file_is_linted_again_when_a_module_it_read_changes(tmp_path):
    # user.py is not edited: the module its finding read is saved in the editor, then
    # changed on disk (a checkout), which the watched-files registration reports
    (tmp_path / "pyproject.toml").write_text("")
    models = tmp_path / "models.py"
    layered = "import tensorflow as tf\n\n\ndef stacked(layer):\n    return tf.keras.Sequential([layer])\n"
    models.write_text(layered)
    user = tmp_path / "user.py"
    text = "import tensorflow_hub as hub\nfrom models import stacked\n\nmodel = stacked(hub.KerasLayer('h'))\n"
    user.write_text(text)
    async with lsp_session(tmp_path) as client:
        uri = open_doc(client, user, text)
        assert [d.code for d in await diagnostics_for(client, uri)] == ["HDL501"]
        watched = [w for r in client.registrations if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES
                   for w in (r.register_options or {}).get("watchers", ())]
        assert {"globPattern": "**/*.py"} in watched, watched
        plain = "def stacked(layer):\n    return layer\n"
        models_uri = open_doc(client, models, plain)
        models.write_text(plain)
        os.utime(models, (1, 1))
        client.text_document_did_save(t.DidSaveTextDocumentParams(
            text_document=t.TextDocumentIdentifier(uri=models_uri)))
        assert await diagnostics_for(client, uri) == []
        models.write_text(layered)  # back, behind the editor's back
        client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[
            t.FileEvent(uri=models_uri, type=t.FileChangeType.Changed)]))
        assert [d.code for d in await diagnostics_for(client, uri)] == ["HDL501"]
