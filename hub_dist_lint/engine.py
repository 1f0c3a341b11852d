"""The one engine: `lint(source) -> diagnostics (+ fixes)`.

The CLI, the flake8 plugin, the fixer, the language server and the tests all
come through `analyze`/`lint`, so their findings cannot drift apart.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

import libcst as cst

from .config import Config
from .diagnostics import Diagnostic, Fix, LintError
from .analysis.bindings import Bindings
from .analysis.import_uses import ImportUses
from .imports import ImportedName, collect_imports, import_statements_in_order
from .positions import Locator, Span
from . import apimap
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


class LintContext:
    """What a checker sees of one file. Expensive views are built on demand."""

    def __init__(self, text: str, module: cst.Module, path: str, config: Config,
                 want_fixes: bool, tree: Optional[ast.Module] = None, source_kind: str = "file"):
        self.text = text
        # "file", or "notebook": a notebook's code cells, run by a kernel from its start
        # (so the module is what first imports TensorFlow: a program's entry point)
        self.source_kind = source_kind
        self.module = module
        self.path = path
        self.config = config
        # the TensorFlow release whose API fixes and messages use
        self.target = config.target_tf or apimap.latest_release()
        self.want_fixes = want_fixes
        self.locator = Locator(text, module, tree)
        self._imports: Optional[List[ImportedName]] = None
        self._import_statements = None
        self._import_uses: Optional[ImportUses] = None
        self.cache: Dict[str, object] = {}  # per-file memo for checkers (built on first use)

    @property
    def imports(self) -> List[ImportedName]:
        if self._imports is None:
            self._imports = collect_imports(self.module)
        return self._imports

    def _import_statements_in_order(self):
        if self._import_statements is None:
            self._import_statements = [s for s, _ in import_statements_in_order(self.module)]
        return self._import_statements

    def import_span(self, imported: ImportedName) -> Span:
        return self.locator.import_span(imported.statement, imported.ordinal,
                                        self._import_statements_in_order())

    def span(self, node: cst.CSTNode) -> Span:
        """Where a node of this file is (line/column found once per file)."""
        return self.locator.span(node)

    def import_uses(self) -> Optional[ImportUses]:
        """Where the names the file imports are read (Python's scoping, from `ast`: for
        fixes). None when `ast` cannot read the file: then nothing is rewritten."""
        if self._import_uses is None:
            tree = self.locator.ast_tree()
            paired = self.locator.ast_imports(self._import_statements_in_order())
            self._import_uses = False  # type: ignore[assignment]
            if tree is not None and paired is not None:
                try:
                    self._import_uses = ImportUses(self.module, Bindings(tree), paired)
                except RecursionError:  # nesting deeper than the walk goes
                    pass
        return self._import_uses or None

    def fix_extent(self, imp: ImportedName, reads=(), ensures=()) -> Dict[str, object]:
        """`Fix` fields saying where a fix of `imp`'s statement, of names `import_uses()`
        found, and of imports put before `ensures`' anchors acts ({}: unknown)."""
        top_level = imp.site.body is self.module.body and not reads
        if top_level and all(any(e.anchor is s for s in self.module.body) for e in ensures):
            return {"within": frozenset([imp.site.line, *(e.anchor for e in ensures)])}
        uses = self.import_uses()
        return uses.extent(imp, reads, ensures) if uses is not None else {}

    def diagnostic(self, rule: type, message: str, span: Span, fix: Optional[Fix] = None,
                   no_fix_reason: Optional[str] = None) -> Diagnostic:
        line, col, end_line, end_col = span
        return Diagnostic(rule.code, message, line, col, end_line, end_col, fix, no_fix_reason)


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


def _wanted(checker: Checker, config: Config) -> bool:
    return any(config.is_selected(rule.code) for rule in checker.rules)


def analyze(source: Union[bytes, str], path: str = "<stdin>", config: Optional[Config] = None,
            fixes: bool = False, tree: Optional[ast.Module] = None,
            noqa: bool = True, module: Optional[cst.Module] = None,
            source_kind: str = "file") -> Analysis:
    """Lint one file's source. Raises LintError for a file that cannot be checked.

    `tree` and `module`: the `ast` and libcst parses of this very source, when the
    caller has them (flake8 has the tree; the language server keeps both per version).
    `source_kind`: "notebook" for the code cells of a notebook (notebooks.py)."""
    config = config or Config()
    text = decode_source(source) if isinstance(source, bytes) else source
    checkers = [c for c in CHECKERS if _wanted(c, config) and c.gate.search(text)]
    if not checkers:
        if tree is None:  # a caller's tree (flake8's) already proves the syntax
            check_syntax(text, path)
        return Analysis(path, text, None, config=config)
    if module is None:
        module = parse(source, text, path)
    ctx = LintContext(text, module, path, config, fixes, tree, source_kind)
    found: List[Diagnostic] = []
    for checker in checkers:
        found.extend(d for d in checker.check(ctx) if config.is_selected(d.code))
    if noqa and found and _NOQA.search(text):
        lines = _noqa_lines(text)
        found = [d for d in found if not _suppressed(d, lines)]
    found.sort(key=lambda d: d.sort_key)
    return Analysis(path, text, module, found, parsed=True, tree=ctx.locator.parsed_tree(),
                    config=config)


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
    parses): `compile` builds no Python-level tree, about 0.6x the cost of
    `ast.parse`. Only what `ast.parse` rejects counts (compile also rejects, e.g.,
    `return` outside a function, which a parsed file is linted with), and not what
    libcst can parse (grammar newer than the running Python)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
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


__all__ = ["Analysis", "Config", "Diagnostic", "Fix", "LintError", "Rule", "analyze", "lint",
           "all_rules", "rule_by_code", "decode_source"]
