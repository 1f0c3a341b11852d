"""An `.ipynb` file as its cells, and the same file with some cells' sources replaced.

Only the `source` values of changed cells are rewritten, in place in the file's text:
everything else (outputs, execution counts, ids, metadata, other cells, the file's
indentation, key order, escaping and final newline) stays byte for byte. Reading finds
where each cell's source lies with the json module's own scanner (C speed on outputs).
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_SCAN = json.scanner.make_scanner(_DECODER)


class NotebookError(Exception):
    """Not a notebook this tool can read; str() is the reason."""


@dataclass
class NotebookCell:
    number: int  # 1-based position in the notebook, every kind of cell counted
    kind: str  # "code", "markdown", "raw"
    source: str
    span: Tuple[int, int]  # where the `source` value lies in the file's text
    is_list: bool  # the source as a list of lines (nbformat's usual form) or a string
    # offsets of the list's strings: found when first asked (Notebook.element_starts)
    element_starts: Optional[List[int]] = None


@dataclass
class Notebook:
    text: str
    cells: List[NotebookCell]
    language: Optional[str]  # the kernel's language, when the metadata says

    @property
    def is_python(self) -> bool:
        return self.language is None or self.language.lower() in ("python", "python3", "ipython")

    def code_cells(self) -> List[NotebookCell]:
        return [c for c in self.cells if c.kind == "code"]

    def element_starts(self, cell: NotebookCell) -> List[int]:
        """Where each string of a cell's source list starts in the file's text (read
        again when first asked: linting needs the source alone, which `json`'s C
        scanner reads whole)."""
        if cell.element_starts is None:
            starts: List[int] = []
            if cell.is_list:
                def element(index: int, at: int) -> int:
                    starts.append(at)
                    return _SCAN(self.text, at)[1]

                _array(self.text, cell.span[0], element)
            cell.element_starts = starts
        return cell.element_starts

    def file_line(self, number: int, line: int) -> int:
        """The line of the file holding line `line` (1-based) of cell `number`'s source:
        where a reader of the raw file (a code-scanning view) finds it."""
        cell = self.cells[number - 1]
        starts = self.element_starts(cell)
        if cell.is_list and starts:
            offset = starts[min(max(line, 1), len(starts)) - 1]
        else:
            offset = cell.span[0]
        # counted for each finding: listing every newline of megabytes of outputs costs more
        return self.text.count("\n", 0, offset) + 1


def read(data: bytes) -> Notebook:
    """Parse a notebook file (nbformat 4). Raises NotebookError with the reason."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"not a notebook: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        raise NotebookError(_not_json(text))
    cells: List[NotebookCell] = []
    fields: Dict[str, object] = {}
    try:
        end = _object(text, pos, lambda key, at: _top_member(text, key, at, cells, fields))
    except (ValueError, StopIteration, IndexError) as exc:
        raise NotebookError(_not_json(text, exc)) from None
    if _skip(text, end) != len(text):
        raise NotebookError("not a notebook: text after the JSON object")
    version = fields.get("nbformat")
    if "cells" not in fields:
        if isinstance(version, int) and version < 4:
            raise NotebookError(f"nbformat {version} notebook: only nbformat 4 is read (convert it: "
                                "jupyter nbconvert --to notebook --nbformat 4)")
        raise NotebookError("not a notebook: no \"cells\" list")
    if not isinstance(version, int) or version != 4:
        raise NotebookError(f"not a notebook this tool reads: nbformat {version!r} (4 is read)")
    return Notebook(text, cells, _language(fields.get("metadata")))


def _not_json(text: str, exc: Optional[Exception] = None) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not a notebook: invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})"
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"not a notebook: invalid JSON at line {error.lineno} column {error.colno} ({error.msg})"
    return "not a notebook: the JSON is not a notebook's"


def _language(metadata) -> Optional[str]:
    if not isinstance(metadata, dict):
        return None
    info = metadata.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("name"), str):
        return info["name"]
    spec = metadata.get("kernelspec")
    if isinstance(spec, dict) and isinstance(spec.get("language"), str):
        return spec["language"]
    return None


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()


def _object(text: str, pos: int, member) -> int:
    """Walk the object at `pos`, calling member(key, value offset) -> value end."""
    if text[pos] != "{":
        raise ValueError("object expected")
    pos = _skip(text, pos + 1)
    if text[pos] == "}":
        return pos + 1
    while True:
        if text[pos] != '"':
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
        key, pos = json.decoder.scanstring(text, pos + 1)
        pos = _skip(text, pos)
        if text[pos] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
        pos = member(key, _skip(text, pos + 1))
        pos = _skip(text, pos)
        if text[pos] == "}":
            return pos + 1
        if text[pos] != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _skip(text, pos + 1)


def _array(text: str, pos: int, element) -> int:
    """Walk the array at `pos`, calling element(index, offset) -> element end."""
    if text[pos] != "[":
        raise ValueError("array expected")
    pos = _skip(text, pos + 1)
    if text[pos] == "]":
        return pos + 1
    index = 0
    while True:
        pos = _skip(text, element(index, pos))
        index += 1
        if text[pos] == "]":
            return pos + 1
        if text[pos] != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _skip(text, pos + 1)


def _value(text: str, pos: int):
    return _SCAN(text, pos)


def _top_member(text: str, key: str, pos: int, cells: List[NotebookCell], fields: dict) -> int:
    if key != "cells":
        value, end = _value(text, pos)
        fields[key] = value
        return end
    fields["cells"] = True
    cells.clear()  # a repeated key: the last one counts, as json.loads reads it
    if text[pos] != "[":
        raise NotebookError('not a notebook: "cells" is not a list')
    return _array(text, pos, lambda index, at: _cell(text, at, cells))


def _cell(text: str, pos: int, cells: List[NotebookCell]) -> int:
    found: Dict[str, object] = {}

    def member(key: str, at: int) -> int:
        if key == "source":
            return _source(text, at, found)
        value, end = _value(text, at)
        found[key] = value
        return end

    if text[pos] != "{":
        raise NotebookError(f"not a notebook: cell {len(cells) + 1} is not an object")
    end = _object(text, pos, member)
    number = len(cells) + 1
    kind = found.get("cell_type")
    if not isinstance(kind, str) or "source" not in found:
        raise NotebookError(f"not a notebook: cell {number} has no cell_type or source")
    cells.append(NotebookCell(number, kind, found["source"], found["span"], found["is_list"]))
    return end


def _source(text: str, pos: int, found: dict) -> int:
    value, end = _value(text, pos)
    if isinstance(value, list):
        if not all(isinstance(part, str) for part in value):
            raise NotebookError("not a notebook: a cell source holds a non-string")
        found.update(source="".join(value), is_list=True)
    elif isinstance(value, str):
        found.update(source=value, is_list=False)
    else:
        raise NotebookError("not a notebook: a cell source is neither a string nor a list")
    found.update(span=(pos, end))
    return end


# -- writing -------------------------------------------------------------------------


def with_sources(notebook: Notebook, sources: Dict[int, str]) -> str:
    """The file's text with these cells' sources (by cell number) replaced, written
    as the file writes them; the rest of the text unchanged."""
    text = notebook.text
    style = _Style(ascii_only=_escapes_non_ascii(text), html_safe=_escapes_html(text))
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    out, last = [], 0
    for cell in notebook.cells:
        new = sources.get(cell.number)
        if new is None or new == cell.source:
            continue
        start, end = cell.span
        out.append(text[last:start])
        out.append(_source_json(notebook, cell, new, style, newline))
        last = end
    out.append(text[last:])
    return "".join(out)


def _escapes_non_ascii(text: str) -> bool:
    """Whether the file writes non-ASCII text as \\uXXXX (json's ensure_ascii)."""
    if any(ord(c) > 127 for c in text):
        return False
    return bool(re.search(r"(?<!\\)(?:\\\\)*\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])[0-9a-fA-F]{2}", text))


@dataclass(frozen=True)
class _Style:
    ascii_only: bool  # non-ASCII as \uXXXX (json's ensure_ascii)
    html_safe: bool  # <, > and & as \u003c, \u003e, \u0026 (older Colab files)

    def dump(self, value: str) -> str:
        text = json.dumps(value, ensure_ascii=self.ascii_only)
        if self.html_safe:
            text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return text


def _escapes_html(text: str) -> bool:
    """Whether the file writes <, > and & escaped (more often than not)."""
    escaped = len(re.findall(r"\\u00(?:3[cCeE]|26)", text))
    return escaped > 0 and escaped >= sum(text.count(c) for c in "<>&")


def _source_json(notebook: Notebook, cell: NotebookCell, new: str, style: _Style,
                 newline: str) -> str:
    dump = style.dump

    if not cell.is_list:
        return dump(new)
    lines = new.splitlines(True)
    if not lines:
        return "[]"
    item_indent, close_indent = _list_layout(notebook, cell)
    if item_indent is None:  # written on one line: keep it so
        return "[" + ", ".join(dump(line) for line in lines) + "]"
    body = ("," + newline).join(item_indent + dump(line) for line in lines)
    return "[" + newline + body + newline + close_indent + "]"


def _list_layout(notebook: Notebook, cell: NotebookCell) -> Tuple[Optional[str], str]:
    """(indentation of the list's items, of its closing bracket); (None, "") for a list
    written on one line."""
    text = notebook.text
    start, end = cell.span
    inside = text[start:end]
    starts = notebook.element_starts(cell)
    if "\n" in inside and starts:
        first = starts[0]
        item = text[text.rfind("\n", start, first) + 1:first]
        close = text[text.rfind("\n", start, end - 1) + 1:end - 1]
        return item, close
    if inside != "[]":
        return None, ""
    # an empty list: the indentation of the `"source"` key line, one level deeper
    line_start = text.rfind("\n", 0, start) + 1
    key_indent = re.match(r"[ \t]*", text[line_start:]).group()
    return key_indent + _indent_unit(text), key_indent


def _indent_unit(text: str) -> str:
    match = re.search(r'\{\r?\n([ \t]+)"', text)
    return match.group(1) if match else " "
