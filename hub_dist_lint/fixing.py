"""Apply fix plans to a module, and write fixed files safely."""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
import warnings
from dataclasses import replace
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import libcst as cst

from .cst_walk import TRIVIA, walk
from .diagnostics import DISPLAY_ONLY, UNSAFE, Diagnostic, Ensure, Fix, LintError
from .edits import apply_edits, local_edits, text_edits
from .fix_skeleton import PartialTreeMiss


# Directives that apply to the line they end: on a line of their own they would apply to
# the rest of the block (pylint) or mean something else, so a removed line drops them.
_PRAGMA = re.compile(r"^\s*(pylint\s*:|noqa\b|type\s*:\s*ignore|pytype\s*:|nolint|pragma\b|"
                     r"fmt\s*:|isort\s*:|mypy\s*:|pyright\s*:)", re.I)


def _without_pragmas(comment: Optional[cst.Comment]) -> Optional[cst.Comment]:
    """`# pylint: disable=x  # TF internal` -> `# TF internal`; None if nothing is left."""
    if comment is None:
        return None
    parts = [p.strip() for p in comment.value.split("#")[1:]]
    kept = [p for p in parts if p and not _PRAGMA.match(p)]
    return cst.Comment("# " + "  # ".join(kept)) if kept else None


_STATEMENT = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
# What the applier's leave hooks act on: a statement it enters has these entered too. The
# rest (expressions, names, whitespace) is entered only on the way to a node a fix
# replaces or removes: libcst rebuilds every node it enters, and a fix rewriting one name
# in a long statement (a decorator's table of test cases) would rebuild all of it.
_STRUCTURE = (cst.Module, cst.BaseSuite, cst.BaseStatement, cst.BaseSmallStatement,
              cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)
# node type -> (is a statement, is structure, is a suite): isinstance against libcst's
# abstract bases goes through ABCMeta, and the applier asks for every node it meets
_KINDS: Dict[type, Tuple[bool, bool, bool]] = {}


def _kind(node: cst.CSTNode) -> Tuple[bool, bool, bool]:
    kind = type(node)
    known = _KINDS.get(kind)
    if known is None:
        known = _KINDS[kind] = (issubclass(kind, _STATEMENT), issubclass(kind, _STRUCTURE),
                                issubclass(kind, cst.BaseSuite))
    return known


class _Parents(cst.CSTVisitor):
    """Each node's parent, in the statements walked so far (a statement's nested bodies
    are their own statements', walked when a fix enters them)."""

    def __init__(self, module: cst.Module):
        super().__init__()
        self.module = module
        self.of: Dict[cst.CSTNode, cst.CSTNode] = {}
        self.walked: set = set()
        self._stack: List[cst.CSTNode] = []

    def add(self, statements: Iterable[cst.CSTNode]) -> None:
        for statement in statements:
            if statement not in self.walked:
                self.walked.add(statement)
                walk(statement, self)

    def on_visit(self, node) -> bool:
        if self._stack:
            self.of[node] = self._stack[-1]
        self._stack.append(node)
        return len(self._stack) == 1 or not _kind(node)[2]

    def on_leave(self, original_node) -> None:
        self._stack.pop()


_last_parents: Optional[_Parents] = None


def _parents_in(module: cst.Module, statements: Iterable[cst.CSTNode]) -> _Parents:
    """The parents in these statements of `module`, kept for the module's next fix (the
    JSON report applies each finding's fix on its own)."""
    global _last_parents
    if _last_parents is None or _last_parents.module is not module:
        _last_parents = _Parents(module)
    _last_parents.add(statements)
    return _last_parents


class _Applier(cst.CSTTransformer):
    def __init__(self, fixes: Sequence[Fix], module: Optional[cst.Module] = None):
        super().__init__()
        self.replace: Dict[cst.CSTNode, cst.CSTNode] = {}
        self.remove = set()
        ensures: List[Ensure] = []
        # Statement moves: wrapped runs keyed by their first statement, merges by target.
        self.wrap_group: Dict[int, Tuple[int, str]] = {}  # id(stmt) -> (id(first), header)
        self.merge_into: Dict[int, Tuple[int, bool]] = {}  # id(stmt) -> (id(with), at start)
        self.tracked = set()
        # statements no fix reaches are not entered (None: some fix may act anywhere)
        self.within = None if any(f.within is None for f in fixes) else \
            frozenset().union(*(f.within for f in fixes))
        for fix in fixes:
            self.replace.update(fix.replace)
            self.remove.update(fix.remove)
            ensures.extend(fix.ensure)
            for statements, header in fix.wrap:
                for statement in statements:
                    self.wrap_group[id(statement)] = (id(statements[0]), header)
                    self.tracked.add(id(statement))
            for statements, target, at_start in fix.merge:
                for statement in statements:
                    self.merge_into[id(statement)] = (id(target), at_start)
                    self.tracked.add(id(statement))
                self.tracked.add(id(target))
        # updated statement -> id(original); keyed by the node itself so that it stays
        # alive (an id() of a discarded node can be reused by a new one)
        self._original_of: Dict[cst.CSTNode, int] = {}
        self.ensure_at = _dedupe_ensures(ensures)
        self._doomed = set()  # placeholder lines to drop, keeping their comments
        self._prepend: Dict[cst.CSTNode, List[cst.SimpleStatementLine]] = {}
        # id(new small statement) -> (the statement it replaces, its index, how many replace it)
        self._made_from: Dict[int, Tuple[cst.CSTNode, int, int]] = {}
        for original, new in self.replace.items():
            nodes = list(new.nodes) if isinstance(new, cst.FlattenSentinel) else [new]
            for index, node in enumerate(nodes):
                self._made_from[id(node)] = (original, index, len(nodes))
        # ids of the nodes below statement level to enter (None: all), the targets found
        # on the way to them, and those the visit reached
        self.enter: Optional[set] = None
        self.targets: set = set()
        self.reached: set = set()
        if module is not None and self.within is not None:
            self._paths_to_targets(module)

    def _paths_to_targets(self, module: cst.Module) -> None:
        targets = [*self.replace, *self.remove]
        if any(isinstance(t, TRIVIA) for t in targets):
            return  # the walk does not see whitespace and punctuation
        parents = _parents_in(module, self.within).of
        enter = set()
        for target in targets:
            if target not in parents:
                continue  # a statement (always entered), or in no statement a fix enters
            self.targets.add(target)
            enter.add(id(target))  # targets inside it are replaced first, as when unpruned
            node = parents[target]
            while not _kind(node)[1]:
                enter.add(id(node))
                node = parents[node]
        self.enter = enter

    def on_visit(self, node) -> bool:
        if self.within is not None:
            statement, structure, _ = _kind(node)
            if statement and node not in self.within:
                return False
            if self.enter is not None and not structure and id(node) not in self.enter:
                return False
        return super().on_visit(node)

    # Replacements are matched on the original node, whatever its children became.
    def on_leave(self, original_node, updated_node):
        if original_node in self.targets:
            self.reached.add(original_node)
        if original_node in self.replace:
            return self.replace[original_node]
        result = super().on_leave(original_node, updated_node)
        if id(original_node) in self.tracked and isinstance(result, cst.CSTNode):
            self._original_of[result] = id(original_node)
        return result

    def leave_Import(self, original_node, updated_node):
        return self._drop_names(original_node, updated_node)

    def leave_ImportFrom(self, original_node, updated_node):
        return self._drop_names(original_node, updated_node)

    def _drop_names(self, original, updated):
        if original in self.remove:
            return cst.RemoveFromParent()
        if isinstance(original.names, cst.ImportStar):
            return updated
        keep = [new for old, new in zip(original.names, updated.names) if old not in self.remove]
        if not keep:
            return cst.RemoveFromParent()
        if len(keep) == len(original.names):
            return updated
        # The new last name takes the old last name's comma: none outside parentheses.
        last_comma = original.names[-1].comma if getattr(updated, "lpar", None) else cst.MaybeSentinel.DEFAULT
        keep[-1] = keep[-1].with_changes(comma=last_comma)
        return updated.with_changes(names=keep)

    def leave_SimpleStatementLine(self, original_node, updated_node):
        lines = _statement_lines(self.ensure_at.get(original_node, ()))
        if not updated_node.body:
            if lines:
                # the last ensured line takes the emptied line's place (and its comments)
                *lines, last = lines
                updated_node = updated_node.with_changes(body=last.body)
                if lines:
                    self._prepend[updated_node] = lines
                return updated_node
            placeholder = updated_node.with_changes(body=[cst.Pass()])
            self._doomed.add(placeholder)
            return placeholder
        result = [updated_node]
        made = [self._made_from.get(id(small)) for small in updated_node.body]
        if any(m is not None and (m[2] > 1 or _import_comments(m[0], m[2]) is not None) for m in made):
            # a fix made one statement several, or replaced an import whose names had comments
            result = _one_statement_per_line(updated_node, made)
        if lines:
            self._prepend[result[0]] = lines
        return result[0] if len(result) == 1 else cst.FlattenSentinel(result)

    def leave_SimpleStatementSuite(self, original_node, updated_node):
        if not updated_node.body:
            lines = _statement_lines(self.ensure_at.get(original_node, ()))
            body = [small for line in lines for small in line.body] or [cst.Pass()]
            return updated_node.with_changes(body=body)
        return updated_node

    def leave_IndentedBlock(self, original_node, updated_node):
        body, footer = self._rebuild(updated_node.body, updated_node.footer)
        if not body:
            body = [cst.SimpleStatementLine([cst.Pass()], leading_lines=footer)]
            footer = []
        return updated_node.with_changes(body=body, footer=footer)

    def leave_Module(self, original_node, updated_node):
        body, footer = self._rebuild(updated_node.body, updated_node.footer)
        return updated_node.with_changes(body=body, footer=footer)

    def _rebuild(self, body, footer):
        """Drop emptied lines (their comments move down) and insert ensured imports."""
        out: List[cst.CSTNode] = []
        carry: List[cst.EmptyLine] = []
        for stmt in body:
            if stmt in self._doomed:
                carry.extend(stmt.leading_lines)
                comment = _without_pragmas(stmt.trailing_whitespace.comment)
                if comment is not None:
                    carry.append(cst.EmptyLine(comment=comment))
                continue
            extra = self._prepend.get(stmt)
            if carry:
                stmt = stmt.with_changes(leading_lines=_joined_lines(carry, stmt.leading_lines))
                carry = []
            if extra:
                out.append(extra[0].with_changes(
                    leading_lines=[*stmt.leading_lines, *extra[0].leading_lines]))
                out.extend(extra[1:])
                stmt = stmt.with_changes(leading_lines=[])
            out.append(stmt)
        if self.tracked:
            out = self._move_statements(out)
        while carry and carry[-1].comment is None:
            carry.pop()  # blank lines of a dropped last statement would end the block
        return out, [*carry, *footer]

    def _move_statements(self, body):
        """Apply wraps and merges among the statements of one body."""
        origin = [self._original_of.get(s) for s in body]
        moved: Dict[int, List[Tuple[bool, cst.CSTNode]]] = {}
        for stmt, orig in zip(body, origin):
            if orig in self.merge_into:
                target, at_start = self.merge_into[orig]
                moved.setdefault(target, []).append((at_start, stmt))
        out: List[cst.CSTNode] = []
        index = 0
        while index < len(body):
            stmt, orig = body[index], origin[index]
            if orig in self.merge_into:
                index += 1
                continue
            if orig in moved and isinstance(stmt, cst.With):
                first = [s for at_start, s in moved[orig] if at_start]
                last = [s for at_start, s in moved[orig] if not at_start]
                inner = list(stmt.body.body)
                if first:  # comments above the moved statements stay above the block
                    stmt = stmt.with_changes(leading_lines=[*first[0].leading_lines, *stmt.leading_lines])
                    first[0] = first[0].with_changes(leading_lines=[])
                stmt = stmt.with_changes(body=stmt.body.with_changes(body=[*first, *inner, *last]))
            elif orig in self.wrap_group:
                group, header = self.wrap_group[orig]
                run = []
                while index < len(body) and origin[index] in self.wrap_group and \
                        self.wrap_group[origin[index]][0] == group:
                    run.append(body[index])
                    index += 1
                leading = run[0].leading_lines
                run[0] = run[0].with_changes(leading_lines=[])
                out.append(cst.With(
                    items=[cst.WithItem(cst.parse_expression(header))],
                    body=cst.IndentedBlock(body=run),
                    leading_lines=leading))
                continue
            out.append(stmt)
            index += 1
        return out


def _one_statement_per_line(line: cst.SimpleStatementLine, made) -> List[cst.SimpleStatementLine]:
    """`a; b  # c` as a formatter writes it: `a` and `b  # c` on lines of their own.

    `made[i]` is (replaced statement, index, count) for a statement a fix made, else
    None: the comments of an import's names go to the lines made from those names.
    """
    lines = []
    for small, origin in zip(line.body, made):
        leading, trailing = [], None
        if origin is not None:
            comments = _import_comments(origin[0], origin[2])
            if comments is not None:
                leading, trailing = comments[origin[1]]
        lines.append(cst.SimpleStatementLine(
            [small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)], leading_lines=leading,
            trailing_whitespace=cst.TrailingWhitespace(cst.SimpleWhitespace("  "), trailing)
            if trailing else cst.TrailingWhitespace()))
    lines[0] = lines[0].with_changes(leading_lines=[*line.leading_lines, *lines[0].leading_lines])
    last = lines[-1]
    if line.trailing_whitespace.comment is not None and last.trailing_whitespace.comment is not None:
        # the line's own comment ends it; the last name's comment goes above
        last = last.with_changes(leading_lines=[*last.leading_lines,
                                                cst.EmptyLine(comment=last.trailing_whitespace.comment)])
    if line.trailing_whitespace.comment is not None or last.trailing_whitespace.comment is None:
        last = last.with_changes(trailing_whitespace=line.trailing_whitespace)
    lines[-1] = last
    return lines


def _import_comments(statement, count: int):
    """For `from m import (A,  # a\n B)` replaced by `count` statements, one per name:
    per name, (own-line comments to put before its line, the comment to end it).
    None when the import has no comment among its names."""
    if not isinstance(statement, cst.ImportFrom) or statement.lpar is None \
            or isinstance(statement.names, cst.ImportStar) or len(statement.names) != count:
        return None
    per_name = [([], None) for _ in range(count)]
    found = False

    def take(whitespace, index, own_line_to):
        nonlocal found
        if not isinstance(whitespace, cst.ParenthesizedWhitespace):
            return
        leading, trailing = per_name[index]
        comment = whitespace.first_line.comment
        if comment is not None:
            found = True
            if trailing is None and index == own_line_to:
                trailing = comment
            else:
                leading = [*leading, cst.EmptyLine(comment=comment)]
        per_name[index] = (leading, trailing)
        after = [cst.EmptyLine(comment=line.comment) for line in whitespace.empty_lines
                 if line.comment is not None]
        if after:
            found = True
            target = min(own_line_to + 1, count - 1)
            per_name[target] = ([*per_name[target][0], *after], per_name[target][1])

    take(statement.lpar.whitespace_after, 0, -1)  # `(  # c`: above the first line
    for index, name in enumerate(statement.names):
        if isinstance(name.comma, cst.Comma):
            take(name.comma.whitespace_after, index, index)
    take(statement.rpar.whitespace_before, count - 1, count - 1)
    return per_name if found else None


def _joined_lines(carried, leading):
    """A dropped statement's lines before the next one's; blank lines do not pile up."""
    if any(line.comment is not None for line in carried):
        return [*carried, *leading]
    return list(leading) if len(leading) >= len(carried) else list(carried)


def _statement_lines(texts: Sequence[str]) -> List[cst.SimpleStatementLine]:
    """The statement lines of ensured texts (a text may hold several lines, and comments
    before them), in order, each statement once."""
    lines, seen = [], set()
    for text in texts:
        parsed = cst.parse_module(text)
        for index, line in enumerate(parsed.body):
            bare = cst.Module(body=[line.with_changes(leading_lines=[])]).code
            if bare in seen:
                continue
            seen.add(bare)
            if index == 0 and parsed.header:  # comments before the first statement
                line = line.with_changes(leading_lines=[*parsed.header, *line.leading_lines])
            lines.append(line)
    return lines


def _dedupe_ensures(ensures: Iterable[Ensure]) -> Dict[cst.CSTNode, List[str]]:
    """One copy per statement text: the first module-level anchor, else first per scope.
    Several texts for one anchor all go before it, in the order the fixes ask for them."""
    chosen: Dict[cst.CSTNode, List[str]] = {}
    by_text: Dict[str, List[Ensure]] = {}
    for item in ensures:
        by_text.setdefault(item.statement, []).append(item)
    for text, items in by_text.items():
        items.sort(key=lambda e: e.order)
        module_level = [e for e in items if isinstance(e.scope, cst.Module)]
        first_module = module_level[0] if module_level else None
        seen_scopes = set()
        for item in items:
            if first_module is not None and item is not first_module:
                if isinstance(item.scope, cst.Module) or item.order[0] > first_module.order[0]:
                    continue
            if item.scope in seen_scopes:
                continue
            seen_scopes.add(item.scope)
            chosen.setdefault(item.anchor, []).append(text)
    return chosen


def apply_fixes(module: cst.Module, fixes: Sequence[Fix]) -> cst.Module:
    if not fixes:
        return module
    applier = _Applier(fixes, module)
    fixed = module.visit(applier)
    if applier.reached != applier.targets:  # the walk and libcst's visit disagree
        fixed = module.visit(_Applier(fixes))
    return fixed


def fixed_text(analysis, fixes: Sequence[Fix]) -> Tuple[str, List[dict]]:
    """The file with these fixes applied, and the line edits that make it."""
    _, new, edits = _fixed(analysis, fixes)
    return new, edits


def _fixed(analysis, fixes: Sequence[Fix]) -> Tuple[cst.Module, str, List[dict]]:
    """The fixed module, its text (generated only where it changed) and the edits."""
    new_module = apply_fixes(analysis.module, fixes)
    cut = analysis.skeleton  # the module was parsed from it: edits are of its text
    if fixes and all(f.within is not None for f in fixes):
        found = local_edits(analysis.module, new_module, cut.text if cut else analysis.text,
                            analysis.tree)
        if found is not None and (cut is None or cut.applies(found)):
            return new_module, apply_edits(analysis.text, found), found
    if cut is not None:
        raise PartialTreeMiss(analysis.path)
    new = new_module.code
    return new_module, new, text_edits(analysis.module.code, new)


def fix_as_json(analysis, diag) -> Optional[dict]:
    """One finding's fix as JSON: its description, applicability and own line edits."""
    if diag.fix is None:
        return None
    return {"description": diag.fix.description, "applicability": diag.fix.applicability,
            "edits": fixed_text(analysis, [diag.fix])[1]}


# As ruff does: apply the fixes that do not overlap, lint the result again, repeat.
FIXPOINT_PASSES = 10


def not_applied_because(diag: Diagnostic, config) -> Optional[str]:
    """None when hub-dist-fix applies this finding's fix under `config`, else why not."""
    fix = diag.fix
    if fix is None:
        return diag.no_fix_reason
    if not config.is_fixable(diag.code):
        return f"{diag.code} is unfixable in the configuration"
    if fix.applicability == DISPLAY_ONLY:
        return f"a fix is shown, never applied: {fix.caveat}"
    if fix.applicability == UNSAFE and not config.unsafe_fixes:
        return f"unsafe fix, applied with --unsafe-fixes: {fix.caveat}"
    return None


def choose_fixes(items: Sequence, config, diagnostic=lambda item: item,
                 with_reason=lambda diag, why: replace(diag, no_fix_reason=why)):
    """The fixes one pass applies together: in the findings' order, each applicable fix
    that touches no node a fix chosen before it touches (a later pass plans the others
    afresh). `items` are diagnostics, or what `diagnostic(item)` gives one of. Returns
    (fixes, the items they fix, the items left: `with_reason(item, why)` says why a fix
    was not applied, when that is its applicability or the configuration)."""
    chosen: List[Fix] = []
    claimed: set = set()
    fixed: list = []
    left: list = []
    for item in items:
        diag = diagnostic(item)
        why = not_applied_because(diag, config)
        if diag.fix is None or why is not None:
            left.append(item if why == diag.no_fix_reason else with_reason(item, why))
            continue
        if any(_same_effect(diag.fix, fix) for fix in chosen):  # one plan fixing several findings
            fixed.append(item)
            continue
        footprint = _footprint(diag.fix)
        if footprint & claimed:
            left.append(with_reason(item, "its fix overlaps another one; run hub-dist-fix again"))
            continue
        chosen.append(diag.fix)
        claimed |= footprint
        fixed.append(item)
    return chosen, fixed, left


def _same_effect(a: Fix, b: Fix) -> bool:
    """Whether two plans do the very same thing (two findings of one problem, such as two
    hub values of one model moved into one scope, get a plan each)."""
    if a is b:
        return True

    def moves(fix):
        return ({(tuple(map(id, statements)), header) for statements, header in fix.wrap},
                {(tuple(map(id, statements)), id(target), at_start)
                 for statements, target, at_start in fix.merge},
                {(id(e.anchor), e.statement) for e in fix.ensure}, set(map(id, fix.remove)))

    if moves(a) != moves(b) or len(a.replace) != len(b.replace):
        return False
    theirs = {id(old): new for old, new in b.replace}
    return all(id(old) in theirs and _same_node(new, theirs[id(old)]) for old, new in a.replace)


def _same_node(a, b) -> bool:
    if isinstance(a, cst.FlattenSentinel) or isinstance(b, cst.FlattenSentinel):
        return (isinstance(a, cst.FlattenSentinel) and isinstance(b, cst.FlattenSentinel)
                and len(a.nodes) == len(b.nodes) and all(map(_same_node, a.nodes, b.nodes)))
    if isinstance(a, cst.RemovalSentinel) or isinstance(b, cst.RemovalSentinel):
        return a is b
    return a.deep_equals(b)


def _footprint(fix: Fix) -> set:
    """ids of every node a fix replaces, removes or moves, and of the nodes inside them."""
    roots = [*(old for old, _ in fix.replace), *fix.remove,
             *(s for statements, _ in fix.wrap for s in statements),
             *(s for statements, target, _ in fix.merge for s in (*statements, target))]
    seen, stack = set(), list(roots)
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            stack.extend(node.children)
    return seen


def to_fixpoint(source, one_pass, not_fixed, passes: int = FIXPOINT_PASSES):
    """Run `one_pass(source) -> (new source, fixed, left)` until a pass fixes nothing
    (at most `passes` times). Returns (source, everything fixed, what is left);
    `not_fixed(item, reason)` marks what still had a fix when the passes ran out."""
    fixed_all: list = []
    for _ in range(passes):
        new, fixed, left = one_pass(source)
        if not fixed or new == source:
            return source, fixed_all, left
        fixed_all.extend(fixed)
        source = new
    _, still, left = one_pass(source)
    reason = f"still fixable after {passes} passes of hub-dist-fix"
    return source, fixed_all, left + [not_fixed(item, reason) for item in still]


def fix_source(source: bytes, path: str = "<stdin>", config=None, passes: int = FIXPOINT_PASSES):
    """Fix one file's bytes to a fixpoint. Returns (new bytes, diagnostics fixed on the
    way, diagnostics left: their no_fix_reason says why).

    Each pass's result is compiled before the next pass or anyone may write it: a fix
    that produced code which does not compile is a bug, reported as a LintError,
    never written.
    """
    from .config import Config

    config = config or Config()
    trees: Dict[bytes, Callable] = {}  # a pass's result -> its libcst tree, for the next pass
    return to_fixpoint(source, lambda data: _fix_pass(data, path, config, trees),
                       lambda diag, reason: replace(diag, no_fix_reason=reason), passes)


def _fix_pass(source: bytes, path: str, config, trees: Dict[bytes, Callable]):
    from .engine import analyze

    known = trees.pop(source, None)
    try:
        return _fix_pass_on(analyze(source, path, config, fixes=True, known_module=known,
                                    partial=True), source, path, config, trees)
    except PartialTreeMiss:  # planned on a skeleton, the fixes reach beyond it
        return _fix_pass_on(analyze(source, path, config, fixes=True, known_module=known),
                            source, path, config, trees)


def _fix_pass_on(analysis, source: bytes, path: str, config, trees: Dict[bytes, Callable]):
    fixes, fixed, left = choose_fixes(analysis.diagnostics, config)
    if not fixes:
        return source, [], left
    encoding = analysis.module.encoding
    if analysis.text.encode(encoding) == source:
        new_module, new_text, _ = _fixed(analysis, fixes)
        new_bytes = new_text.encode(encoding)
    elif analysis.skeleton is not None:
        raise PartialTreeMiss(path)
    else:  # the text does not give back these bytes: let libcst write them
        new_module = apply_fixes(analysis.module, fixes)
        new_text, new_bytes = new_module.code, new_module.bytes
    try:
        # Python must compile the result (libcst generated every changed statement)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(new_text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise LintError(f"internal error: the fix does not re-parse ({exc}); file left unchanged")
    # the next pass reads this tree if it needs one, instead of parsing the text again
    # (generating the module to compare costs less than a parse; most passes need neither)
    if analysis.skeleton is None:  # a skeleton's fixed module is not the fixed file's
        trees[new_bytes] = lambda: new_module if new_module.code == new_text else None
    return new_bytes, fixed, left


def unified_diff(old: bytes, new: bytes, path: str, encoding: str = "utf-8") -> str:
    a = old.decode(encoding, "replace").splitlines(True)
    b = new.decode(encoding, "replace").splitlines(True)
    return "".join(difflib.unified_diff(a, b, path, path))


def write_atomically(path: str, data: bytes) -> None:
    """Replace `path` with `data` in one rename, keeping its permission bits. Through a
    symlink its target is replaced (the temporary file beside it): the link stays a link."""
    path = os.path.realpath(path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".hub-dist-fix-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
