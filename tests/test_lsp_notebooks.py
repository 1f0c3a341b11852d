"""`hub-dist-lint lsp` on Jupyter notebooks (LSP 3.17 notebook documents), end to end: a
real LSP client (pytest-lsp, on pygls) sends notebookDocument/* notifications as VS Code
does, and the server in a subprocess publishes diagnostics and offers fixes per cell."""

import asyncio
from pathlib import Path
from typing import Dict, List

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types as t  # noqa: E402

from test_lsp import FIX_ALL, lsp_session, offset  # noqa: E402

CODE, MARKUP = t.NotebookCellKind.Code, t.NotebookCellKind.Markup
SETUP = ("!pip install tensorflow-hub\n"
         "%matplotlib inline\n"
         "import tensorflow as tf\n"
         "import tensorflow_hub as hub\n"
         "from tensorflow.python.framework import ops\n")
MODEL = 'model = tf.keras.Sequential([hub.KerasLayer("m"), tf.keras.layers.Dense(1)])\n'
CONVERT = "x = ops.convert_to_tensor([1.0])\n"


def vscode_capabilities() -> t.ClientCapabilities:
    """VS Code's capabilities (as pytest-lsp recorded them) with its notebook support
    (1.70 on), which pytest-lsp's recording (1.65) predates."""
    caps = pytest_lsp.client_capabilities("visual-studio-code")
    caps.notebook_document = t.NotebookDocumentClientCapabilities(
        synchronization=t.NotebookDocumentSyncClientCapabilities(
            dynamic_registration=True, execution_summary_support=True))
    return caps


class Notebook:
    """A notebook as an editor keeps it and tells the server about it: every change
    bumps the notebook's version, a text change the cell's too."""

    def __init__(self, client, path: Path, cells):
        self.client, self.path = client, path
        self.uri = path.as_uri()
        self.version = 1
        self.made = 0
        self.cells: List[t.TextDocumentItem] = []
        self.kinds: Dict[str, t.NotebookCellKind] = {}
        for kind, text in cells:
            self.cells.append(self.new_cell(kind, text))

    def new_cell(self, kind, text) -> t.TextDocumentItem:
        # VS Code's form: the notebook's path, a fragment naming the cell (`=` quoted)
        uri = f"vscode-notebook-cell:{self.path.as_posix()}#W{self.made}sZmlsZQ%3D%3D"
        self.made += 1
        self.kinds[uri] = kind
        return t.TextDocumentItem(uri=uri, language_id="python" if kind == CODE else "markdown",
                                  version=1, text=text)

    def uri_of(self, index: int) -> str:
        return self.cells[index].uri

    def code_uris(self) -> List[str]:
        return [c.uri for c in self.cells if self.kinds[c.uri] == CODE]

    def texts(self) -> List[str]:
        return [c.text for c in self.cells]

    def nb_cell(self, cell: t.TextDocumentItem) -> t.NotebookCell:
        return t.NotebookCell(kind=self.kinds[cell.uri], document=cell.uri)

    def open(self):
        self.client.notebook_document_did_open(t.DidOpenNotebookDocumentParams(
            notebook_document=t.NotebookDocument(
                uri=self.uri, notebook_type="jupyter-notebook", version=self.version,
                cells=[self.nb_cell(c) for c in self.cells]),
            cell_text_documents=list(self.cells)))

    def change(self, structure=None, text_content=None):
        self.version += 1
        self.client.notebook_document_did_change(t.DidChangeNotebookDocumentParams(
            notebook_document=t.VersionedNotebookDocumentIdentifier(version=self.version, uri=self.uri),
            change=t.NotebookDocumentChangeEvent(cells=t.NotebookDocumentCellChanges(
                structure=structure, text_content=text_content))))

    def text_change(self, index: int, changes: List[t.TextDocumentContentChangePartial]):
        """`changes` (applied one after the other, as LSP says) to cell `index`; the new
        text is computed here as the editor would."""
        cell = self.cells[index]
        text = cell.text
        for change in changes:
            text = text[:offset(text, change.range.start)] + change.text + text[offset(text, change.range.end):]
        self.cells[index] = t.TextDocumentItem(uri=cell.uri, language_id=cell.language_id,
                                               version=cell.version + 1, text=text)
        return t.NotebookDocumentCellContentChanges(
            document=t.VersionedTextDocumentIdentifier(uri=cell.uri, version=cell.version + 1),
            changes=changes)

    def insert(self, index: int, kind, text: str) -> str:
        cell = self.new_cell(kind, text)
        self.cells.insert(index, cell)
        return cell.uri

    def apply(self, edit: t.WorkspaceEdit) -> Dict[str, str]:
        """Apply a WorkspaceEdit to the cells as VS Code does, telling the server; the new
        texts of the cells it changed."""
        assert edit.changes is None
        by_uri = {c.uri: i for i, c in enumerate(self.cells)}
        contents = []
        for change in edit.document_changes:
            index = by_uri[change.text_document.uri]
            assert change.text_document.version == self.cells[index].version  # not stale
            # one change after the other: the last edit in the cell first keeps the others' ranges
            ordered = sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character),
                             reverse=True)
            contents.append(self.text_change(index, [t.TextDocumentContentChangePartial(
                range=e.range, text=e.new_text) for e in ordered]))
        self.change(text_content=contents)
        return {c.text_document.uri: self.cells[by_uri[c.text_document.uri]].text
                for c in edit.document_changes}

    def close(self):
        self.client.notebook_document_did_close(t.DidCloseNotebookDocumentParams(
            notebook_document=t.NotebookDocumentIdentifier(uri=self.uri),
            cell_text_documents=[t.TextDocumentIdentifier(uri=c.uri) for c in self.cells]))


async def published(client, uris, timeout=30.0) -> Dict[str, List[t.Diagnostic]]:
    """Wait until each of `uris` has diagnostics published since they were last taken;
    take them (the server publishes all cells of a notebook version together)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not all(uri in client.diagnostics for uri in uris):
        missing = [uri for uri in uris if uri not in client.diagnostics]
        assert loop.time() < deadline, f"no diagnostics for {missing}"
        await asyncio.sleep(0.02)
    return {uri: list(client.diagnostics.pop(uri)) for uri in uris}


def summary(diagnostics: Dict[str, List[t.Diagnostic]], nb: Notebook):
    """cell index -> [(code, start line, start character, end line, end character)]"""
    index = {c.uri: i for i, c in enumerate(nb.cells)}
    return {index[uri]: [(d.code, d.range.start.line, d.range.start.character,
                          d.range.end.line, d.range.end.character) for d in found]
            for uri, found in diagnostics.items()}


async def code_actions(client, uri, line, only=None, diagnostics=()):
    return await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri),
        range=t.Range(start=t.Position(line, 0), end=t.Position(line, 0)),
        context=t.CodeActionContext(diagnostics=list(diagnostics), only=only))) or []


@pytest.mark.asyncio
async def test_diagnostics_per_cell_and_a_quick_fix_across_cells(tmp_path):
    async with lsp_session(tmp_path, capabilities=vscode_capabilities()) as client:
        sync = client.init_result.capabilities.notebook_document_sync
        (selector,) = sync.notebook_selector
        assert selector.notebook.notebook_type == "jupyter-notebook"
        assert [c.language for c in selector.cells] == ["python"] and sync.save
        nb = Notebook(client, tmp_path / "train.ipynb",
                      [(CODE, SETUP), (MARKUP, "# The model\n"), (CODE, MODEL), (CODE, CONVERT)])
        nb.open()
        found = await published(client, nb.code_uris())
        # positions are the cell's own, the magics kept in their lines
        assert summary(found, nb) == {0: [("HDL103", 4, 0, 4, 43)],
                                      2: [("HDL501", 0, 29, 0, 48)],
                                      3: []}
        assert nb.uri_of(1) not in client.diagnostics  # markdown: nothing published
        assert "Keras 3 model" in found[nb.uri_of(2)][0].message

        hdl103 = found[nb.uri_of(0)][0]
        actions = await code_actions(client, nb.uri_of(0), 4, diagnostics=[hdl103])
        (fix,) = [a for a in actions if a.kind == t.CodeActionKind.QuickFix]
        assert fix.title.startswith("Fix HDL103") and list(fix.diagnostics) == [hdl103]
        # the import goes in cell 1, the use it made is rewritten in cell 4
        assert nb.apply(fix.edit) == {
            nb.uri_of(0): SETUP.replace("from tensorflow.python.framework import ops\n", ""),
            nb.uri_of(3): "x = tf.convert_to_tensor([1.0])\n"}
        found = await published(client, nb.code_uris())
        assert summary(found, nb) == {0: [], 2: [("HDL501", 0, 29, 0, 48)], 3: []}

        # HDL501's fix sets the variable at the top of the first cell, before TensorFlow
        hdl501 = found[nb.uri_of(2)][0]
        (fix,) = await code_actions(client, nb.uri_of(2), 0, only=[t.CodeActionKind.QuickFix],
                                    diagnostics=[hdl501])
        changed = nb.apply(fix.edit)
        assert changed == {nb.uri_of(0): 'import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n    os.environ["TF_USE_LEGACY_KERAS"] = "1"\n'
                                         + SETUP.replace("from tensorflow.python.framework import ops\n", "")}
        assert summary(await published(client, nb.code_uris()), nb) == {0: [], 2: [], 3: []}
        assert not await code_actions(client, nb.uri_of(2), 0)  # nothing left to fix


@pytest.mark.asyncio
async def test_cells_added_edited_moved_and_removed(tmp_path):
    async with lsp_session(tmp_path, capabilities=vscode_capabilities()) as client:
        nb = Notebook(client, tmp_path / "n.ipynb", [(CODE, "import tensorflow as tf\n"), (CODE, "x = 1\n")])
        nb.open()
        assert summary(await published(client, nb.code_uris()), nb) == {0: [], 1: []}

        # one change: a cell added between the two, and the last cell edited to use its import
        added = nb.insert(1, CODE, "from tensorflow.python.framework import ops\n")
        edit = nb.text_change(2, [t.TextDocumentContentChangePartial(
            range=t.Range(start=t.Position(0, 0), end=t.Position(0, 5)),
            text="y = ops.convert_to_tensor([1.0])")])
        nb.change(structure=t.NotebookDocumentCellChangeStructure(
            array=t.NotebookCellArrayChange(start=1, delete_count=0, cells=[nb.nb_cell(nb.cells[1])]),
            did_open=[nb.cells[1]]), text_content=[edit])
        assert nb.texts() == ["import tensorflow as tf\n", "from tensorflow.python.framework import ops\n",
                              "y = ops.convert_to_tensor([1.0])\n"]
        found = await published(client, nb.code_uris())
        assert summary(found, nb) == {0: [], 1: [("HDL103", 0, 0, 0, 43)], 2: []}
        # its fix knows the new cell and the edited one
        (fix,) = await code_actions(client, added, 0, only=[t.CodeActionKind.QuickFix])
        assert {c.text_document.uri for c in fix.edit.document_changes} == {added, nb.uri_of(2)}

        # the added cell removed: its diagnostics are cleared
        removed = nb.cells.pop(1)
        nb.change(structure=t.NotebookDocumentCellChangeStructure(
            array=t.NotebookCellArrayChange(start=1, delete_count=1),
            did_close=[t.TextDocumentIdentifier(uri=removed.uri)]))
        found = await published(client, [removed.uri] + nb.code_uris())
        assert found == {removed.uri: [], nb.uri_of(0): [], nb.uri_of(1): []}


@pytest.mark.asyncio
async def test_cell_order_is_the_kernels_order(tmp_path):
    setting = 'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\n'
    imports = "import tensorflow as tf\nimport tensorflow_hub as hub\n"
    async with lsp_session(tmp_path, capabilities=vscode_capabilities()) as client:
        nb = Notebook(client, tmp_path / "n.ipynb", [(CODE, setting), (CODE, imports), (CODE, MODEL)])
        nb.open()
        assert summary(await published(client, nb.code_uris()), nb) == {0: [], 1: [], 2: []}
        # the setting moved after the imports: too late to matter (VS Code sends a move as
        # the cells after it, reordered; no cell opened or closed)
        nb.cells = [nb.cells[1], nb.cells[2], nb.cells[0]]
        nb.change(structure=t.NotebookDocumentCellChangeStructure(array=t.NotebookCellArrayChange(
            start=0, delete_count=3, cells=[nb.nb_cell(c) for c in nb.cells])))
        found = summary(await published(client, nb.code_uris()), nb)
        assert [code for code, *_ in found[2]] == ["HDL502"] and found[2][0][1] == 1
        assert found[0] == found[1] == []


@pytest.mark.asyncio
async def test_fix_all_the_notebook(tmp_path):
    cells = [(CODE, SETUP), (MARKUP, "text\n"), (CODE, MODEL), (CODE, CONVERT),
             (CODE, "from tensorflow.python.distribute.mirrored_strategy import MirroredStrategy\n"
                    "strategy = MirroredStrategy()\n")]
    async with lsp_session(tmp_path, capabilities=vscode_capabilities()) as client:
        nb = Notebook(client, tmp_path / "all.ipynb", cells)
        nb.open()
        found = await published(client, nb.code_uris())
        assert [d.code for uri in nb.code_uris() for d in found[uri]] == ["HDL103", "HDL501", "HDL101"]
        # asked in any cell, for the whole notebook; VS Code resolves the edit when picked
        (action,) = await code_actions(client, nb.uri_of(3), 0, only=[t.CodeActionKind.SourceFixAll])
        assert action.kind == FIX_ALL and action.edit is None
        action = await client.code_action_resolve_async(action)
        nb.apply(action.edit)
        assert nb.texts() == [
            'import os\nif "TF_USE_LEGACY_KERAS" not in os.environ:\n    os.environ["TF_USE_LEGACY_KERAS"] = "1"\n!pip install tensorflow-hub\n'
            "%matplotlib inline\nimport tensorflow as tf\nimport tensorflow_hub as hub\n",
            "text\n", MODEL, "x = tf.convert_to_tensor([1.0])\n",
            "strategy = tf.distribute.MirroredStrategy()\n"]
        assert all(found == [] for found in (await published(client, nb.code_uris())).values())

        # `notebook.codeActionsOnSave` asks for the notebook kind, once, in the first cell
        nb.change(text_content=[nb.text_change(3, [t.TextDocumentContentChangePartial(
            range=t.Range(start=t.Position(0, 0), end=t.Position(1, 0)),
            text="from tensorflow.python.framework import ops\n" + CONVERT)])])
        assert [d.code for d in (await published(client, nb.code_uris()))[nb.uri_of(3)]] == ["HDL103"]
        (action,) = await code_actions(client, nb.uri_of(0), 0, only=["notebook.source.fixAll"])
        assert action.kind == "notebook." + FIX_ALL
        action = await client.code_action_resolve_async(action)
        assert {c.text_document.uri for c in action.edit.document_changes} == {nb.uri_of(3)}


@pytest.mark.asyncio
async def test_settings_save_syntax_errors_and_close(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.hub-dist-lint]\nignore = ["HDL103"]\n')
    async with lsp_session(tmp_path, capabilities=vscode_capabilities()) as client:
        nb = Notebook(client, project / "n.ipynb", [(CODE, SETUP), (CODE, MODEL), (CODE, CONVERT)])
        nb.open()
        # the notebook's folder's settings: HDL103 ignored
        assert summary(await published(client, nb.code_uris()), nb) == {
            0: [], 1: [("HDL501", 0, 29, 0, 48)], 2: []}
        # the settings changed on disk: the notebook is linted again, as one (its first
        # cell alone, `!pip` and all, would not even parse)
        (project / "pyproject.toml").write_text('[tool.hub-dist-lint]\nselect = ["HDL1"]\n')
        client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[
            t.FileEvent(uri=(project / "pyproject.toml").as_uri(), type=t.FileChangeType.Changed)]))
        # nor when a client also opens a cell as a text document of its own
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=nb.cells[0]))
        expected = {0: [("HDL103", 4, 0, 4, 43)], 1: [], 2: []}
        assert summary(await published(client, nb.code_uris()), nb) == expected
        await asyncio.sleep(1)
        assert not client.diagnostics  # nothing else came
        # save lints again
        client.notebook_document_did_save(t.DidSaveNotebookDocumentParams(
            notebook_document=t.NotebookDocumentIdentifier(uri=nb.uri)))
        assert summary(await published(client, nb.code_uris()), nb) == expected

        # a syntax error while typing: logged with its cell, no stale diagnostics left
        nb.change(text_content=[nb.text_change(2, [t.TextDocumentContentChangePartial(
            range=t.Range(start=t.Position(1, 0), end=t.Position(1, 0)), text="def f(:\n")])])
        assert summary(await published(client, nb.code_uris()), nb) == {0: [], 1: [], 2: []}
        assert any("n.ipynb:cell 3:2:" in m.message and "not checked: syntax error" in m.message
                   for m in client.log_messages), [m.message for m in client.log_messages]

        nb.change(text_content=[nb.text_change(2, [t.TextDocumentContentChangePartial(
            range=t.Range(start=t.Position(1, 0), end=t.Position(2, 0)), text="")])])
        assert summary(await published(client, nb.code_uris()), nb) == expected
        # closing clears every cell's diagnostics
        nb.close()
        assert summary(await published(client, nb.code_uris()), nb) == {0: [], 1: [], 2: []}


@pytest.mark.asyncio
async def test_the_notebooks_own_tensorflow_pin(tmp_path):
    async with lsp_session(tmp_path, capabilities=vscode_capabilities()) as client:
        # TF 2.15 installed by the notebook: tf.keras is still Keras 2, no HDL501
        nb = Notebook(client, tmp_path / "old.ipynb", [(CODE, "!pip install tensorflow==2.15.0\n" + SETUP),
                                                       (CODE, MODEL)])
        nb.open()
        assert summary(await published(client, nb.code_uris()), nb) == {
            0: [("HDL103", 5, 0, 5, 43)], 1: []}
        # pinned to TF 1.x: not checked, and the log says why
        nb.change(text_content=[nb.text_change(0, [t.TextDocumentContentChangePartial(
            range=t.Range(start=t.Position(0, 0), end=t.Position(1, 0)),
            text="!pip install tensorflow==1.15\n")])])
        assert summary(await published(client, nb.code_uris()), nb) == {0: [], 1: []}
        assert any("old.ipynb: not checked:" in m.message for m in client.log_messages), \
            [m.message for m in client.log_messages]
