"""Fixed modules as text edits, for tools that apply edits themselves (JSON, editors)
and for writing fixed files without generating them whole.

Generating the whole fixed module and diffing it against the file costs a full code
generation per finding (it made `--format json` five times slower than the lint). A
transform that only entered the statements a fix touches (`Fix.within`) leaves the rest
as the very same objects, so the changed statements are found by identity, placed by
`ast` line numbers, and only they are generated. Each region's original text is
generated too and compared with the file: a line count that does not add up gives
None (the caller takes the whole-module route), never a wrong edit.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import operator
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from .positions import statement_units


# compound statements with one body, entered to find what changed inside them
_ENTERED = (cst.FunctionDef, cst.ClassDef, cst.With, cst.If, cst.For, cst.While)


def text_edits(old: str, new: str, first_line: int = 1) -> List[dict]:
    """Line-granular replacements turning `old` into `new` (1-based, end exclusive);
    `old` starts on line `first_line` of the file."""
    a, b = old.splitlines(True), new.splitlines(True)
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        edits.append({"line": i1 + first_line, "column": 1, "end_line": i2 + first_line,
                      "end_column": 1, "content": "".join(b[j1:j2])})
    return edits


def apply_edits(text: str, edits: Sequence[dict]) -> str:
    """`text` with line-granular edits (as `text_edits` makes them) applied."""
    lines = text.splitlines(True)
    for edit in sorted(edits, key=lambda e: e["line"], reverse=True):
        lines[edit["line"] - 1:edit["end_line"] - 1] = [edit["content"]]
    return "".join(lines)


def local_edits(old: cst.Module, new: cst.Module, text: str, tree: Optional[ast.Module]
                ) -> Optional[List[dict]]:
    """The edits turning `text` (the file `old` was parsed from, `tree` its `ast`) into
    `new`, found from the statements that are not the very same objects in both (a
    transform that did not enter a statement returns it as is); None when unsure."""
    if tree is None:
        return None
    if not (_same_lines(old.footer, new.footer) and _same_lines(old.header, new.header)):
        return None
    renderer = _Renderer(old, new, text)
    end = len(renderer.lines) - len(old.footer)
    if not renderer.body(old.body, new.body, tree.body, end, ""):
        return None
    return _joined(renderer.edits, renderer.lines)


def _joined(edits: List[dict], lines: Sequence[str]) -> List[dict]:
    """Edits in line order; those that touch are diffed again as one, as one diff of the
    text they span gives them (a removed import whose comment lines now lead the class
    below it: only the import's line goes)."""
    groups: List[List[dict]] = []
    for edit in sorted(edits, key=lambda e: (e["line"], e["end_line"])):
        if groups and groups[-1][-1]["end_line"] == edit["line"]:
            groups[-1].append(edit)
        else:
            groups.append([edit])
    out: List[dict] = []
    for group in groups:
        if len(group) == 1:
            out.extend(group)
            continue
        first, end = group[0]["line"], group[-1]["end_line"]
        out.extend(text_edits("".join(lines[first - 1:end - 1]),
                              "".join(e["content"] for e in group), first))
    return out


class _Original:
    """The file's side of every rendering of fixes of one module: its lines, and the code
    of each region checked against them (the JSON report renders each finding's fix on
    its own, and they meet the same statements)."""

    def __init__(self, module: cst.Module, text: str):
        self.module, self.text = module, text
        self.lines = text.splitlines(True)
        self._codes: Dict[Tuple[Tuple[int, ...], str, bool], str] = {}

    def code(self, statements: Sequence[cst.CSTNode], indent: str, header: bool = False) -> str:
        # keyed by identity: `module` holds these nodes, so no id is reused while it is kept
        key = (tuple(map(id, statements)), indent, header)
        if key not in self._codes:
            self._codes[key] = _header_code(self.module, statements[0], indent) if header \
                else _code(self.module, statements, indent)
        return self._codes[key]


_last_original: Optional[_Original] = None


def _original(module: cst.Module, text: str) -> _Original:
    global _last_original
    if _last_original is None or _last_original.module is not module or _last_original.text is not text:
        _last_original = _Original(module, text)
    return _last_original


class _Renderer:
    def __init__(self, old: cst.Module, new: cst.Module, text: str):
        self.old, self.new = old, new
        self.original = _original(old, text)
        self.lines = self.original.lines
        self.edits: List[dict] = []

    def body(self, old: Sequence[cst.CSTNode], new: Sequence[cst.CSTNode],
             ast_body: Sequence[ast.stmt], end: int, indent: str) -> bool:
        """Edits for one statement list (`end`: its last line). False when unsure."""
        if old is new:
            return True
        firsts = _first_ast_statements(old, ast_body)
        regions = _regions(old, new)
        if firsts is None or regions is None:
            return False
        starts = [_first_line(node) - len(s.leading_lines) for s, node in zip(old, firsts)]

        def lines(i0: int, i1: int) -> Tuple[int, int]:  # first and last line of old[i0:i1]
            return (starts[i0] if i0 < len(old) else end + 1,
                    starts[i1] - 1 if i1 < len(old) else end)

        for i0, i1, k0, k1 in regions:
            # A compound statement changed on both sides is entered, also at the ends of a
            # longer run (a removed import above a class whose body a fix changed): only
            # what changed in it is generated, not the whole class.
            pairs = []
            while i1 - i0 > 0 and k1 - k0 > 0 and self._enterable(old[i0], new[k0]):
                pairs.append((i0, k0))
                i0, k0 = i0 + 1, k0 + 1
            while i1 - i0 > 0 and k1 - k0 > 0 and self._enterable(old[i1 - 1], new[k1 - 1]):
                i1, k1 = i1 - 1, k1 - 1
                pairs.append((i1, k1))
            if i1 > i0 or k1 > k0:
                if not self.region(old[i0:i1], new[k0:k1], *lines(i0, i1), indent):
                    return False
            for i, k in pairs:
                first, last = lines(i, i + 1)
                mark = len(self.edits)
                if not self.compound(old[i], new[k], firsts[i], first, last, indent):
                    del self.edits[mark:]  # what it found so far: generated whole instead
                    if not self.region([old[i]], [new[k]], first, last, indent):
                        return False
        return True

    def _enterable(self, old: cst.CSTNode, new: cst.CSTNode) -> bool:
        return (type(old) is type(new) and isinstance(old, _ENTERED)
                and isinstance(old.body, cst.IndentedBlock) and isinstance(new.body, cst.IndentedBlock)
                and getattr(old, "orelse", None) is None and getattr(new, "orelse", None) is None
                and old.body.indent == new.body.indent
                and _same_lines(old.body.footer, new.body.footer))

    def compound(self, old, new, node: ast.stmt, first: int, last: int, indent: str) -> bool:
        """Edits in a compound statement: of its header (its leading lines, decorators and
        the lines up to its colon, generated without the body, which may be a whole
        class), then inside its body."""
        if not _same_header(old, new) and not self.header(old, new, first, indent):
            return False
        block = old.body
        inner = indent + (block.indent if block.indent is not None else self.old.default_indent)
        return self.body(block.body, new.body.body, node.body, last - len(block.footer), inner)

    def header(self, old, new, first: int, indent: str) -> bool:
        """Edits of a compound statement's header, which starts on line `first`."""
        old_text = self.original.code([old], indent, header=True)
        text = "".join(self.lines[first - 1:first - 1 + len(old_text.splitlines(True))])
        if old_text != text:
            return False  # the line numbers do not add up
        self.edits.extend(text_edits(text, _header_code(self.new, new, indent), first))
        return True

    def region(self, old, new, first: int, last: int, indent: str) -> bool:
        text = "".join(self.lines[first - 1:last])
        if self.original.code(old, indent) != text:
            return False  # the line numbers do not add up: take the whole-module route
        self.edits.extend(text_edits(text, _code(self.new, new, indent), first))
        return True


def _code(module: cst.Module, statements: Sequence[cst.CSTNode], indent: str) -> str:
    if not statements:
        return ""
    if not indent:
        return "".join(module.code_for_node(s) for s in statements)
    block = cst.IndentedBlock(body=statements, indent=indent)
    return module.code_for_node(block)[len(module.default_newline):]  # without the header newline


def _header_code(module: cst.Module, statement: cst.CSTNode, indent: str) -> str:
    """A compound statement's code without its body: generated with an empty block (which
    libcst writes as one `pass` line), that line dropped."""
    empty = statement.body.with_changes(body=(), footer=())
    lines = _code(module, [statement.with_changes(body=empty)], indent).splitlines(True)
    return "".join(lines[:-1])


def _same_header(old: cst.CSTNode, new: cst.CSTNode) -> bool:
    """Every part of a compound statement but its body is the very object it was (the
    transform entered none of them): its header is unchanged, and is not generated."""
    for field in dataclasses.fields(old):
        if field.name == "body":
            continue
        a, b = getattr(old, field.name), getattr(new, field.name)
        if a is not b and not (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list))
                               and len(a) == len(b) and all(map(operator.is_, a, b))):
            return False
    return True


def _first_ast_statements(old: Sequence[cst.CSTNode], ast_body: Sequence[ast.stmt]):
    """The first `ast` statement of each CST statement, or None if the lists do not pair."""
    units = statement_units(old)
    if len(units) != len(ast_body):
        return None
    firsts = {}
    for (node, line), statement in zip(units, ast_body):
        firsts.setdefault(id(line or node), statement)
    return [firsts[id(s)] for s in old]


def _first_line(node: ast.stmt) -> int:
    """Where a statement starts, its decorators included (its leading lines not)."""
    decorators = getattr(node, "decorator_list", None)
    return decorators[0].lineno if decorators else node.lineno


def _regions(old: Sequence[cst.CSTNode], new: Sequence[cst.CSTNode]):
    """(old start, old end, new start, new end) of each run that differs, the rest
    being the very same statement objects in the same order; None if reordered."""
    index = {id(s): i for i, s in enumerate(old)}
    anchors = [(index[id(s)], k) for k, s in enumerate(new) if id(s) in index]
    regions, previous_old, previous_new = [], -1, -1
    for at_old, at_new in anchors + [(len(old), len(new))]:
        if at_old <= previous_old:
            return None
        if at_old - previous_old > 1 or at_new - previous_new > 1:
            regions.append((previous_old + 1, at_old, previous_new + 1, at_new))
        previous_old, previous_new = at_old, at_new
    return regions


def _same_lines(a: Sequence[cst.CSTNode], b: Sequence[cst.CSTNode]) -> bool:
    """The same blank and comment lines (visited ones are equal copies)."""
    return len(a) == len(b) and all(x is y or x.deep_equals(y) for x, y in zip(a, b))
