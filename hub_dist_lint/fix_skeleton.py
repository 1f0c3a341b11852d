"""A file cut down to what an import fix reads and touches, for a libcst parse that costs
a fraction of the file's.

Planning a fix of an import (HDL1xx's rewrites of every use, HDL4xx's attribute
bindings) reads the import statements, the statements that read the names those imports
bind, `__all__`, and Python's scoping of the whole file (from `ast`, which the scan has
already). Every other statement is blanked: its first line becomes `pass` at its own
indentation and its other lines empty, so each statement list keeps its length and every
kept line its number and text. A compound statement holding something kept keeps its
header lines and has its bodies cut the same way; its decorators that read none of the
names stand as `@_` (a test method's table of cases is parsed for nothing otherwise).

Fixes planned on the skeleton are rendered as edits of the skeleton's text (`edits.py`);
an edit that reaches a blanked line could not be applied to the file, so `applies`
refuses it and the caller plans on the whole file instead (`PartialTreeMiss`).
"""

from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass
from typing import AbstractSet, FrozenSet, List, Optional, Sequence

from .ast_nodes import parse_quietly
from .positions import statement_bodies


class PartialTreeMiss(Exception):
    """A fix planned on a skeleton reaches lines the skeleton blanked: plan it on the
    whole file."""


@dataclass(frozen=True)
class Skeleton:
    text: str  # what libcst parses: the file's lines, blanked ones replaced
    blanked: FrozenSet[int]  # 1-based numbers of the lines that differ from the file's

    def applies(self, edits: Sequence[dict]) -> bool:
        """Whether line edits of the skeleton's text are the same edits of the file's: they
        replace no blanked line and insert before none."""
        return not any(line in self.blanked for edit in edits
                       for line in range(edit["line"], max(edit["end_line"], edit["line"] + 1)))


def skeleton(text: str, tree: ast.Module, names: AbstractSet[str]) -> Optional[Skeleton]:
    """`text` with every statement blanked whose lines spell neither `import` nor one of
    `names` (a word search: a mention in a string or comment keeps a statement, which is
    only less blanked), and every decorator of a kept statement that reads none of `names`,
    or None when nothing would be blanked or the lines cannot be cut
    (`str.splitlines` would number them otherwise than Python does)."""
    lines = text.splitlines(True)
    if "\r" in text or len(lines) != text.count("\n") + (0 if text.endswith("\n") else 1):
        return None  # \r, form feeds, \v...: lines Python does not split; keep it simple
    words = re.compile(r"\b(?:%s)\b" % "|".join(["import", *map(re.escape, sorted(names))]))
    kept = [number for number, line in enumerate(lines, 1) if words.search(line)]
    blanked: List[int] = []
    passes = set()  # the first lines of the statements that became `pass`
    out = list(lines)

    def keeps(first: int, last: int) -> bool:
        at = bisect.bisect_left(kept, first)
        return at < len(kept) and kept[at] <= last

    def cut_bodies(statement: ast.stmt) -> None:
        for inner in statement_bodies(statement):
            if isinstance(statement, ast.If) and inner is statement.orelse and len(inner) == 1 \
                    and isinstance(inner[0], ast.If) \
                    and lines[inner[0].lineno - 1].lstrip().startswith("elif"):
                cut_bodies(inner[0])  # an `elif` is the rest's header: never blanked
            else:
                cut(inner)

    def cut_decorators(statement: ast.stmt) -> None:
        """Blank the decorators of a kept statement that read none of `names` (a table of
        test cases often is one): each stands as `@_`, its other lines empty. Decided from
        `ast` names, not words: a read is what pairs a CST name with its binding."""
        if "_" in names:
            return  # `_` would then be read where the file does not read it
        for decorator in getattr(statement, "decorator_list", ()):
            first, last = decorator.lineno, decorator.end_lineno or decorator.lineno
            line = lines[first - 1]
            indent = line[:len(line) - len(line.lstrip(" \t"))]
            if not line.startswith("@", len(indent)) or any(
                    isinstance(node, ast.Name) and node.id in names for node in ast.walk(decorator)):
                continue  # `@` on a line before it (a backslash), or a read to keep
            out[first - 1] = indent + "@_\n"
            for number in range(first, last):
                out[number] = "\n"
            blanked.extend(range(first, last + 1))

    def cut(body: Sequence[ast.stmt]) -> None:
        for statement in body:
            first = _first_line(statement)
            last = statement.end_lineno or statement.lineno
            if keeps(first, last):
                cut_decorators(statement)
                cut_bodies(statement)
                continue
            if not _alone_on_its_lines(lines, statement, first, last):
                continue
            line = lines[first - 1]
            indent = line[:len(line) - len(line.lstrip(" \t"))]
            out[first - 1] = indent + "pass\n"
            for number in range(first, last):
                out[number] = "\n"
            blanked.extend(range(first, last + 1))
            passes.add(first)

    cut(tree.body)
    if not blanked:
        return None
    text = "".join(out)
    cut_tree = parse_quietly(text)
    if cut_tree is None:
        return None
    # fix planning pairs `ast` statements with the skeleton's CST ones by position in
    # each statement list: a blanked statement must stand as one `pass` where it stood
    if not _same_shape(tree.body, cut_tree.body, frozenset(passes)):
        return None
    return Skeleton(text, frozenset(blanked))


def _same_shape(original: Sequence[ast.stmt], cut: Sequence[ast.stmt], passes: FrozenSet[int]) -> bool:
    """Every statement list of the skeleton lists its file's statements at the same lines:
    kept ones of the same type, blanked ones as `pass`."""
    if len(original) != len(cut):
        return False
    for old, new in zip(original, cut):
        if _first_line(old) in passes:
            if not isinstance(new, ast.Pass) or new.lineno != _first_line(old):
                return False
        elif type(old) is not type(new) or old.lineno != new.lineno \
                or _decorator_lines(old) != _decorator_lines(new):
            return False
        else:
            inner_old, inner_new = list(statement_bodies(old)), list(statement_bodies(new))
            if len(inner_old) != len(inner_new) or not all(
                    _same_shape(a, b, passes) for a, b in zip(inner_old, inner_new)):
                return False
    return True


def _decorator_lines(statement: ast.stmt) -> List[int]:
    return [decorator.lineno for decorator in getattr(statement, "decorator_list", ())]


def _first_line(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", None)
    return decorators[0].lineno if decorators else statement.lineno


def _alone_on_its_lines(lines: Sequence[str], statement: ast.stmt, first: int, last: int) -> bool:
    """Nothing but indentation before the statement on its first line, and nothing but
    a comment after it on its last (no `a; b`, no `if x: b`)."""
    start = lines[first - 1].encode("utf-8")
    if first == statement.lineno:
        before = start[:statement.col_offset]
    else:  # decorated: the line of its first `@`
        before = start[:start.index(b"@")] if b"@" in start else b"x"
    if before.strip():
        return False
    end = lines[last - 1].encode("utf-8")
    after = end[statement.end_col_offset:].strip() if statement.end_col_offset is not None else b"x"
    return not after or after.startswith(b"#")
