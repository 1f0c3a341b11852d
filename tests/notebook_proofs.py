"""Helpers to prove a fixed notebook: its code cells exported as the script a kernel runs,
and a notebook file compared with its fixed copy outside the sources the fix rewrote.

The comparison reads the JSON itself (a small scanner, independent of
hub_dist_lint.notebook_file) so that it checks the tool rather than repeats it.
"""

from __future__ import annotations

import json
import json.decoder
import re
from typing import Dict, List, Optional, Sequence, Tuple

import nbformat

from hub_dist_lint.ipython_syntax import Cell, to_module

PLACEHOLDER = re.compile(r"__hdl_ipy_[0-9a-f]+_\d+__")


# -- a notebook as the script a kernel runs ------------------------------------------


def export_script(notebook_text: str) -> str:
    """The code cells of a notebook as one Python script, run top to bottom as a fresh
    kernel runs them: `%%time`/`%%capture` bodies kept, line magics and shell escapes
    made `pass` (they are not run: no network here), `x = !cmd` made `x = None`, and the
    cells that are not kernel Python (`%%writefile`, `%%bash`, ...) left out. Each
    IPython line is kept as a comment after its stand-in, for a reader of the script."""
    nb = nbformat.reads(notebook_text, as_version=4)
    cells = [Cell(n, cell.source) for n, cell in enumerate(nb.cells, 1) if cell.cell_type == "code"]
    module, _programs = to_module(cells)

    def stand_in(match: re.Match, statement: bool) -> str:
        original = " ".join(module.restore[match.group(0)].split())
        return ("pass" if statement else "None") + f"  # {original}"

    out: List[str] = []
    for line in module.text.splitlines(True):
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        stripped = body.lstrip()
        indent = body[:len(body) - len(stripped)]
        if stripped.startswith("#"):  # a cell magic's line, or the marker between cells
            out.append(PLACEHOLDER.sub(lambda m: module.restore[m.group(0)], line))
        elif PLACEHOLDER.fullmatch(stripped):  # `%magic`, `!cmd`, `obj?`
            out.append(indent + stand_in(PLACEHOLDER.match(stripped), True) + ending)
        elif PLACEHOLDER.search(stripped):  # `x = !cmd`, or a continued `(placeholder`
            match = PLACEHOLDER.search(body)
            out.append(body[:match.start()] + stand_in(match, False) + ending)
        else:
            out.append(line)
    return "".join(out)


# -- where each cell's source lies in the file ------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SCANSTRING = json.decoder.scanstring


class _Spans:
    """Recursive descent over a JSON text recording the span of every cell's `source`.
    With repeated keys the last member counts, as json.loads and nbformat read it."""

    def __init__(self, text: str):
        self.text = text
        self.sources: Dict[int, Tuple[int, int]] = {}

    def value(self, pos: int, path: Tuple) -> int:
        text = self.text
        char = text[pos]
        if char == "{":
            pos = _WS.match(text, pos + 1).end()
            if text[pos] == "}":
                return pos + 1
            while True:
                key, pos = _SCANSTRING(text, pos + 1)
                pos = _WS.match(text, pos).end()
                assert text[pos] == ":", pos
                pos = _WS.match(text, pos + 1).end()
                start = pos
                pos = self.value(pos, path + (key,))
                if len(path) == 2 and path[0] == "cells" and key == "source":
                    self.sources[path[1]] = (start, pos)
                pos = _WS.match(text, pos).end()
                if text[pos] == "}":
                    return pos + 1
                assert text[pos] == ",", pos
                pos = _WS.match(text, pos + 1).end()
        if char == "[":
            pos = _WS.match(text, pos + 1).end()
            if text[pos] == "]":
                return pos + 1
            index = 0
            while True:
                pos = self.value(pos, path + (index,))
                index += 1
                pos = _WS.match(text, pos).end()
                if text[pos] == "]":
                    return pos + 1
                assert text[pos] == ",", pos
                pos = _WS.match(text, pos + 1).end()
        if char == '"':
            return _SCANSTRING(text, pos + 1)[1]
        for word in ("true", "false", "null"):
            if text.startswith(word, pos):
                return pos + len(word)
        match = _NUMBER.match(text, pos)
        assert match and match.end() > pos, pos
        return match.end()


def source_spans(text: str) -> Dict[int, Tuple[int, int]]:
    """{cell index (0-based): (start, end) of its `source` value} in a notebook's text."""
    spans = _Spans(text)
    spans.value(_WS.match(text, 0).end(), ())
    return spans.sources


def masked(text: str, cells: Sequence[int]) -> str:
    """The text with the `source` values of these cells replaced by a mark."""
    spans = source_spans(text)
    out, last = [], 0
    for index in sorted(cells):
        start, end = spans[index]
        out.append(text[last:start])
        out.append(f"<source of cell {index + 1}>")
        last = end
    out.append(text[last:])
    return "".join(out)


def layout(source_text: str) -> Tuple[str, Optional[str], str]:
    """How a `source` value is laid out: (whitespace after `[`, the separator between
    elements, whitespace before `]`); a string source is ("", None, "")."""
    if not source_text.startswith("["):
        return "", None, ""
    inner = source_text[1:-1]
    head = _WS.match(inner).group(0)
    tail = inner[len(inner.rstrip(" \t\r\n")):]
    separator = re.search(r'",([ \t\r\n]*)"', inner)
    return head, separator.group(1) if separator else None, tail


def compare_fixed(before: str, after: str) -> List[str]:
    """What a fix changed beyond code cells' sources (empty when nothing): every cell's
    other fields and the notebook's top-level fields equal, the same cells, the bytes
    outside the changed sources equal, the changed sources laid out as the file lays
    them out."""
    problems: List[str] = []
    old, new = json.loads(before), json.loads(after)
    if set(old) != set(new) or any(old[k] != new[k] for k in old if k != "cells"):
        problems.append("top-level fields differ")
    if len(old["cells"]) != len(new["cells"]):
        return problems + ["cell count differs"]
    changed = []
    for index, (a, b) in enumerate(zip(old["cells"], new["cells"])):
        if {k: v for k, v in a.items() if k != "source"} != {k: v for k, v in b.items() if k != "source"}:
            problems.append(f"cell {index + 1}: fields other than source differ")
        text_a = "".join(a["source"]) if isinstance(a["source"], list) else a["source"]
        text_b = "".join(b["source"]) if isinstance(b["source"], list) else b["source"]
        if a["source"] != b["source"]:
            changed.append(index)
            if a.get("cell_type") != "code":
                problems.append(f"cell {index + 1}: a {a.get('cell_type')} cell's source changed")
            if text_a == text_b:
                problems.append(f"cell {index + 1}: the source's lines were split differently")
    if masked(before, changed) != masked(after, changed):
        problems.append("bytes outside the changed sources differ")
    spans_a, spans_b = source_spans(before), source_spans(after)
    for index in changed:
        la = layout(before[slice(*spans_a[index])])
        lb = layout(after[slice(*spans_b[index])])
        if la[0] != lb[0] or la[2] != lb[2] or (la[1] is not None and lb[1] is not None and la[1] != lb[1]):
            problems.append(f"cell {index + 1}: the source is laid out differently {la!r} -> {lb!r}")
    return problems


def changed_cells(before: str, after: str) -> List[int]:
    """1-based numbers of the cells whose source differs."""
    old, new = json.loads(before)["cells"], json.loads(after)["cells"]
    return [n for n, (a, b) in enumerate(zip(old, new), 1) if a["source"] != b["source"]]
