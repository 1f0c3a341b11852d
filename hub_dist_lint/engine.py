"""The one engine: `lint(source) -> diagnostics (+ fixes)`.

The CLI, the flake8 plugin, the fixer, the language server and the tests all
come through `analyze`/`lint`, so their findings cannot drift apart.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import symtable
import tokenize
import warnings
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from .ast_nodes import all_nodes, parse_quietly
from .config import Config
from .diagnostics import Diagnostic, Fix, LintError
from .checking import ImportScan, LintContext
from .fix_skeleton import PartialTreeMiss, Skeleton, skeleton
from .rules import CHECKERS, all_rules, rule_by_code
from .rules.base import Checker, Rule

# flake8's own pattern (flake8.defaults.NOQA_INLINE_REGEX), so both routes agree:
# `# noqa`, `# noqa: HDL101,E501`, `# noqa:HDL1` (a prefix). A list that is not
# codes (`# noqa: HDL`, `# noqa : X`) makes it a blanket `# noqa`, as in flake8.
_NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.I)


def decode_source(data: bytes) -> str:
    """Decode as Python does (BOM, coding cookie, else UTF-8)."""
    if b"\0" in data:
        raise LintError("binary file (contains NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # unknown codec in the cookie
        raise LintError(f"cannot decode: {exc.msg}") from None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise LintError(f"cannot decode as {encoding}: {exc}") from None


@dataclass
class Analysis:
    path: str
    text: Optional[str]
    module: Optional[cst.Module]
    diagnostics: List[Diagnostic] = field(default_factory=list)
    # files no checker's gate let through are never parsed
    parsed: bool = False
    # the `ast` tree, when an analysis parsed one (fix rendering reuses its line numbers)
    tree: Optional[ast.Module] = None
    config: Config = field(default_factory=Config)  # the settings it was checked with
    # `module` was parsed from this cut-down text, not from `text` (fix_skeleton.py)
    skeleton: Optional[Skeleton] = None


def _wanted(checker: Checker, config: Config) -> bool:
    return any(config.is_selected(rule.code) for rule in checker.rules)


_last_selected: Tuple[Optional[Config], List[Checker]] = (None, [])


def _selected_checkers(config: Config) -> List[Checker]:
    """The checkers with a rule selected in `config` (a frozen Config): worked out once
    per Config object, which a run's files under the same settings share."""
    global _last_selected
    if _last_selected[0] is not config:
        _last_selected = (config, [c for c in CHECKERS if _wanted(c, config)])
    return _last_selected[1]


def analyze(source: Union[bytes, str], path: str = "<stdin>", config: Optional[Config] = None,
            fixes: bool = False, tree: Optional[ast.Module] = None,
            noqa: bool = True, module: Optional[cst.Module] = None,
            source_kind: str = "file",
            known_module: Optional[Callable[[], Optional[cst.Module]]] = None,
            partial: bool = False, fix_reasons: bool = True) -> Analysis:
    """Lint one file's source. Raises LintError for a file that cannot be checked.

    `tree`: the `ast` parse of this very source, when the caller has it (flake8 has).
    `module`: a libcst parse of it, to check every rule on (the libcst route, whatever
    the scan could decide). `known_module`: gives a libcst tree whose code is this
    source, or None (the fixer's previous pass made it): asked instead of parsing, only
    where a tree is needed.
    `source_kind`: "notebook" for the code cells of a notebook (notebooks.py).
    `partial`: import fixes may be planned on a skeleton of the file (fix_skeleton.py),
    for a caller that renders them with `fixing` and lints again with `partial` False
    where that raises `PartialTreeMiss`.
    `fix_reasons`: False for a caller that shows fixes but not why a finding has none
    (JSON, SARIF, an editor): a finding `ast` proves to have no fix is not planned on a
    libcst tree (`Diagnostic.fix_settled`). hub-dist-fix prints the reasons."""
    config = config or Config()
    text = decode_source(source) if isinstance(source, bytes) else source
    checkers = [c for c in _selected_checkers(config) if c.admits(text, path)]
    if not checkers:
        if tree is None:  # a caller's tree (flake8's) already proves the syntax
            check_syntax(text, path)
        return Analysis(path, text, None, config=config)
    settled: List[Diagnostic] = []  # findings the scan decided, needing no libcst tree
    scan: Optional[ImportScan] = None
    cut: Optional[Skeleton] = None
    if module is None and all(c.reads_imports for c in checkers):
        # Import findings need no libcst tree: decide them from `ast`, and parse with
        # libcst only when the code needs a closer look or there is something to fix.
        scanned_tree = tree if tree is not None else parse_quietly(text)
        if scanned_tree is not None:
            scan = ImportScan(text, scanned_tree, path, config, source_kind,
                              settles_fixes=fixes and not fix_reasons)
            if all(c.decides_from_imports(scan) for c in checkers):
                by_checker = {c: _findings(c, scan, config) for c in checkers}
                found = _finish([d for ds in by_checker.values() for d in ds], scan, text, noqa)
                if not (fixes and any(_may_have_fix(d) for d in found)):
                    return Analysis(path, text, None, found, tree=scanned_tree, config=config)
                # Only a checker with a finding to plan a fix for runs on the libcst
                # tree; the others' findings are the scan's (the same, without a walk).
                checkers = [c for c, ds in by_checker.items() if any(map(_may_have_fix, ds))]
                settled = [d for c, ds in by_checker.items() if c not in checkers for d in ds]
                if partial and all(c.plans_fixes_on_skeleton(text) for c in checkers):
                    cut = _import_fix_skeleton(source, text, scan, {d.line for c in checkers
                                                                   for d in by_checker[c]})
            tree = scanned_tree
    if module is None and cut is not None:
        try:
            module = cst.parse_module(cut.text)
        except (cst.ParserSyntaxError, RecursionError):
            cut = None
    if module is None:
        module = (known_module() if known_module else None) or parse(source, text, path)
    ctx = LintContext(text, module, path, config, fixes, tree, source_kind)
    if scan is not None:
        ctx.adopt(scan)
    found = _finish(settled + [d for c in checkers for d in _findings(c, ctx, config)], ctx, text, noqa)
    return Analysis(path, text, module, found, parsed=True, tree=ctx.locator.parsed_tree(),
                    config=config, skeleton=cut)


def _import_fix_skeleton(source: Union[bytes, str], text: str, scan: ImportScan,
                         lines: Set[int]) -> Optional[Skeleton]:
    """The skeleton fixes of the imports on these lines are planned on: what reads the
    names those statements bind, `__all__`, and every import. None where the findings are
    not all on import statements, or the file is not plain UTF-8 (the skeleton's module
    is written back as UTF-8)."""
    if isinstance(source, bytes) and text.encode("utf-8") != source:
        return None
    statements = {id(imp.statement): imp.statement for imp in scan.imports
                  if imp.statement.lineno in lines}.values()
    if {s.lineno for s in statements} != lines:
        return None
    names = {"__all__"} | {(alias.asname or alias.name).split(".")[0]
                           for s in statements for alias in s.names}
    return skeleton(text, scan.tree, names)


def _may_have_fix(diag: Diagnostic) -> bool:
    """Could the libcst route plan a fix for this finding? Not for a rule that never has
    one (a private import without a public name, a star import), nor for one the scan
    proved to have none: its file needs no libcst tree for fixes either."""
    return diag.code not in _NEVER_FIXED and not diag.fix_settled


# codes whose rules never have a fix (Rule.fix_availability)
_NEVER_FIXED = frozenset(rule.code for rule in all_rules() if rule.fix_availability == "never")


def _findings(checker: Checker, ctx: LintContext, config: Config) -> List[Diagnostic]:
    """One checker's selected findings on one file."""
    return [d for d in checker.check(ctx) if config.is_selected(d.code)]


def _finish(found: List[Diagnostic], ctx: LintContext, text: str, noqa: bool) -> List[Diagnostic]:
    """The file's findings, not suppressed by `# noqa`, in order."""
    if noqa and found and _NOQA.search(text) and _noqa_may_apply(found, text, ctx.locator.parsed_tree()):
        lines = _noqa_lines(text)
        found = [d for d in found if not _suppressed(d, lines)]
    found.sort(key=lambda d: d.sort_key)
    return found


def _noqa_may_apply(found: List[Diagnostic], text: str, tree: Optional[ast.Module]) -> bool:
    """Whether a `# noqa` comment lies in a statement holding a finding: only then is the
    file tokenized for flake8's logical lines (in Python, a tokenize of a large file costs
    more than its `ast` parse). A finding's logical line lies within the innermost
    statement holding it, with the statements that share its lines (`a = (1,\n 2); b`).
    True, to be exact, where no `ast` tree is at hand."""
    if tree is None:
        return True
    breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    noqa = {bisect.bisect_right(breaks, m.start()) + 1 for m in _NOQA.finditer(text)}
    extent = {}  # statement -> (first line, decorators included; last line)
    for node in all_nodes(tree):
        if isinstance(node, ast.stmt):
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
            extent[node] = (first, node.end_lineno or node.lineno)
    for line in {d.line for d in found}:
        around, body = set(), tree.body  # the statements holding the line, outermost first
        innermost = None
        while body:
            holding = next((s for s in body if extent[s][0] <= line <= extent[s][1]), None)
            if holding is None:
                break
            around.add(holding)
            innermost = holding
            body = [s for s in ast.iter_child_nodes(holding) if isinstance(s, ast.stmt)]
        if innermost is None:
            return True  # not in a statement (cannot be): the exact route
        low, high = extent[innermost]
        grown = True
        while grown:  # statements sharing lines with it, except those around it
            grown = False
            for statement, (start, end) in extent.items():
                if start <= high and end >= low and (start < low or end > high) \
                        and statement not in around:
                    low, high, grown = min(low, start), max(high, end), True
        if any(low <= n <= high for n in noqa):
            return True
    return False


def parse(source: Union[bytes, str], text: str, path: str) -> cst.Module:
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise (python_syntax_error(text, path)
               or LintError(f"syntax error: {exc.message}", exc.raw_line, exc.raw_column + 1)) from None
    except (UnicodeDecodeError, LookupError) as exc:
        raise LintError(f"cannot decode: {exc}") from None


def python_syntax_error(text: str, path: str = "<stdin>") -> Optional[LintError]:
    """The syntax error Python itself reports for this text (its line, column and
    message), or None when Python's parser accepts it."""
    try:
        with warnings.catch_warnings():  # the user's code warnings are not ours to print
            warnings.simplefilter("ignore")
            ast.parse(text, path)
    except SyntaxError as exc:
        return LintError(f"syntax error: {exc.msg}", exc.lineno, exc.offset or None)
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def check_syntax(text: str, path: str = "<stdin>") -> None:
    """Raise LintError for a file Python cannot parse, cheaply (for files no rule
    parses): Python's parser and symbol table (`symtable`) build no Python-level tree
    and no bytecode, about 0.6x the cost of `ast.parse` (`compile` adds its code
    generation: 1.1-1.3x the symbol table on user trees). Only what `ast.parse` rejects
    counts (the symbol table also rejects, e.g., `nonlocal` at module level, which a
    parsed file is linted with), and not what libcst can parse (grammar newer than the
    running Python)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            symtable.symtable(text, path, "exec")
        return
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    error = python_syntax_error(text, path)
    if error is None:
        return
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        raise error from None


def lint(source: Union[bytes, str], path: str = "<stdin>", config: Optional[Config] = None,
         fixes: bool = False) -> List[Diagnostic]:
    return analyze(source, path, config, fixes).diagnostics


def _noqa_lines(text: str) -> Dict[int, str]:
    """Line number -> the text in which flake8 looks for `# noqa` for a finding on it:
    all the physical lines of the logical line holding it, so that a `# noqa` on any
    line of a multi-line statement or string covers all of them (flake8's
    FileProcessor._noqa_line_mapping, from the same tokens); else the line itself."""
    lines = re.split(r"\r\n|\r|\n", text)  # as Python numbers lines (not \f, \u2028)
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    mapping = dict(enumerate(lines, 1))
    line_iter = iter(lines)
    try:
        tokens = list(tokenize.generate_tokens(lambda: next(line_iter)))
    except (tokenize.TokenError, SyntaxError):
        return mapping
    min_line, max_line = len(lines) + 2, -1
    for kind, _, (start, _), (end, _), _ in tokens:
        if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        min_line, max_line = min(min_line, start), max(max_line, end)
        if kind in (tokenize.NL, tokenize.NEWLINE):
            mapping.update(dict.fromkeys(range(min_line, max_line + 1),
                                         "".join(lines[min_line - 1:max_line])))
            min_line, max_line = len(lines) + 2, -1
    return mapping


def _suppressed(diag: Diagnostic, lines: Dict[int, str]) -> bool:
    """`# noqa` for the reported line, read as flake8 reads it (Violation.is_inline_ignored)."""
    line = lines.get(diag.line, "")
    if "#" not in line:
        return False
    match = _NOQA.search(line)
    if not match:
        return False
    codes = match.group("codes")
    if codes is None:
        return True
    listed = tuple(c for c in re.split(r"[,\s]", codes) if c)
    return diag.code in listed or diag.code.startswith(listed)


__all__ = ["Analysis", "Config", "Diagnostic", "Fix", "LintContext", "LintError", "PartialTreeMiss",
           "Rule", "analyze", "lint",
           "all_rules", "rule_by_code", "decode_source"]
