"""The checker contract: what a rule family's checker sees of one file (`LintContext`), what
it is (`Checker`, `Gate`), and what it hands back (`Diagnostic`, or a `FixPlan`).

Below the rules and above the analyses: rules and fixes import this module, the engine
builds a `LintContext` per file and runs the checkers. Every per-file analysis is a typed,
lazily built attribute of the context, built at most once per file whichever checkers ask
(`names`, `import_uses()`, `receivers`, `value_graph`).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, ClassVar, Dict, Iterable, List, NamedTuple, Optional, Protocol, \
    Sequence, Tuple, Type

import libcst as cst

from . import apimap, hub_facts, project_reads
from .analysis.bindings import Bindings
from .analysis.deliberate_imports import DeliberateImports
from .analysis.entry_point import why_not_entry_point
from .analysis.import_uses import ImportUses
from .analysis.keras_models import ModelScan
from .analysis.names import Names
from .analysis.receivers import StrategyReceivers
from .cst_walk import walk
from .diagnostics import Diagnostic, Ensure, Fix
from .import_scan import ScannedImport, scan_imports
from .hub_facts import HubTarget
from .imports import ImportedName, collect_imports, import_statements_in_order
from .positions import Locator, Span
from .tf_alias import TensorflowAlias

if TYPE_CHECKING:
    from .config import Config
    from .rules.base import Rule


class FixPlan(NamedTuple):
    """A planned fix, or why there is none (`fix` None, `reason` the why; both None:
    fixes were not asked for)."""

    fix: Optional[Fix]
    reason: Optional[str]


NO_PLAN = FixPlan(None, None)


class LintContext:
    """What a checker sees of one file. Expensive views are built on first use, once."""

    # fixes are planned on this context itself (an `ImportScan` may settle that none exist)
    settles_fixes = False

    def __init__(self, text: str, module: cst.Module, path: str, config: "Config",
                 want_fixes: bool, tree: Optional[ast.Module] = None, source_kind: str = "file"):
        self.text = text
        # "file", or "notebook": a notebook's code cells, run by a kernel from its start
        # (so the module is what first imports TensorFlow: a program's entry point)
        self.source_kind = source_kind
        self.module = module
        self.path = path
        self.config = config
        # the TensorFlow release whose API fixes and messages use
        self.target: str = config.target_tf or apimap.latest_release()
        self.want_fixes = want_fixes
        self.locator = Locator(text, module, tree)
        self._imports: Optional[List[ImportedName]] = None
        self._import_statements: Optional[List[cst.CSTNode]] = None
        self._import_uses: Optional[ImportUses] = None
        self._import_uses_built = False
        self._bindings: Optional[Bindings] = None
        self._bindings_built = False
        self._names: Optional[Names] = None
        self._receivers: Optional[StrategyReceivers] = None
        self._value_graph: Optional[ModelScan] = None
        self._tensorflow_alias: Optional[TensorflowAlias] = None
        self._deliberate_imports: Optional[DeliberateImports] = None

    @property
    def target_hub(self) -> Optional[HubTarget]:
        """The tensorflow_hub release messages are for: the file's pin, else what pip
        installs beside the TensorFlow target; None when the file pins one older than the
        hub data (nothing can be said of it)."""
        pinned = self.config.target_hub
        if pinned is None:
            return hub_facts.for_tensorflow(self.target)
        if not pinned:
            return None
        return HubTarget(pinned, self.config.target_hub_reason or f"tensorflow-hub {pinned} (configured)")

    def not_entry_point(self) -> Optional[str]:
        """None when the file is proven what first imports TensorFlow in the programs that
        run it (a notebook; a .py file: analysis/entry_point.py), else why not."""
        if self.source_kind == "notebook":
            return None
        return why_not_entry_point(self.path)

    # -- the file ----------------------------------------------------------------------
    @property
    def imports(self) -> List[ImportedName]:
        """The file's imports (a statement walk: free)."""
        if self._imports is None:
            self._imports = collect_imports(self.module)
        return self._imports

    def _import_statements_in_order(self) -> List[cst.CSTNode]:
        if self._import_statements is None:
            self._import_statements = [s for s, _ in import_statements_in_order(self.module)]
        return self._import_statements

    def import_span(self, imported: ImportedName) -> Span:
        return self.locator.import_span(imported.statement, imported.ordinal,
                                        self._import_statements_in_order())

    def span(self, node: cst.CSTNode) -> Span:
        """Where a node of this file is (line/column found once per file)."""
        return self.locator.span(node)

    # -- analyses, each built once per file ------------------------------------------------
    def bindings(self) -> Optional[Bindings]:
        """Python's scoping of the file, from `ast`; None when `ast` cannot read it."""
        if not self._bindings_built:
            self._bindings_built = True
            tree = self.locator.ast_tree()
            if tree is not None:
                try:
                    self._bindings = Bindings(tree)
                except RecursionError:  # nesting deeper than the walk goes
                    pass
        return self._bindings

    def import_uses(self) -> Optional[ImportUses]:
        """Where the names the file imports are read (Python's scoping, from `ast`: for
        fixes). None when `ast` cannot read the file: then nothing is rewritten."""
        if not self._import_uses_built:
            self._import_uses_built = True
            bindings = self.bindings()
            paired = self.locator.ast_imports(self._import_statements_in_order())
            if bindings is not None and paired is not None:
                self._import_uses = ImportUses(self.module, bindings, paired)
        return self._import_uses

    @property
    def names(self) -> Names:
        """The one name resolver: which binding a name read gets, what it holds, the
        import path a dotted name spells."""
        if self._names is None:
            self._names = Names(self.imports, self.import_uses())
        return self._names

    @property
    def receivers(self) -> StrategyReceivers:
        """Is this receiver a `tf.distribute` strategy (proven, likely, contradicted)."""
        if self._receivers is None:
            self._receivers = StrategyReceivers(self.module, self.names)
        return self._receivers

    @property
    def value_graph(self) -> ModelScan:
        """Where values (hub models, Keras models and layers) are made and used, relative to
        strategy scopes: one walk of the module."""
        if self._value_graph is None:
            graph = ModelScan(self.names, self.receivers)
            walk(self.module, graph)
            self._value_graph = graph
        return self._value_graph

    @property
    def tensorflow_alias(self) -> TensorflowAlias:
        """The name fixes spell `tf.*` names with, and the import binding it."""
        if self._tensorflow_alias is None:
            self._tensorflow_alias = TensorflowAlias(self)
        return self._tensorflow_alias

    @property
    def deliberate_imports(self) -> DeliberateImports:
        """Which imports the file handles, gates to other releases or makes of its own
        package (one notion for every import family): from `ast`, once."""
        if self._deliberate_imports is None:
            self._deliberate_imports = DeliberateImports(self.locator.ast_tree, self.path,
                                                         self.target)
        return self._deliberate_imports

    def adopt(self, scan: "LintContext") -> None:
        """Take over what a scan of this very file built from its `ast` tree (the same for
        a libcst tree of the whole file or of a skeleton of it): where its imports stand."""
        if scan.locator.parsed_tree() is self.locator.parsed_tree() and scan.target == self.target \
                and scan.path == self.path and self._deliberate_imports is None:
            self._deliberate_imports = scan._deliberate_imports

    def deliberate(self, imported: ImportedName, broken: bool, raises: bool = True) -> Optional[str]:
        """Why this import is deliberate (not to be reported), or None. `broken`: it fails
        or is missing on the target; `raises`: a failure of it would raise ImportError."""
        deliberate = self.deliberate_imports
        own = deliberate.own(imported.path)  # no tree needed
        if own is not None:
            return own
        statements = self.locator.ast_imports(self._import_statements_in_order())
        statement = statements[imported.ordinal] if statements else None
        return deliberate.reason(statement, imported.path, broken, raises)

    # -- reporting ---------------------------------------------------------------------
    def fix_extent(self, imp: ImportedName, reads: Sequence[cst.CSTNode] = (),
                   ensures: Sequence[Ensure] = ()) -> Dict[str, object]:
        """`Fix` fields saying where a fix of `imp`'s statement, of names `import_uses()`
        found, and of imports put before `ensures`' anchors acts ({}: unknown)."""
        top_level = imp.site.body is self.module.body and not reads
        if top_level and all(any(e.anchor is s for s in self.module.body) for e in ensures):
            return {"within": frozenset([imp.site.line, *(e.anchor for e in ensures)])}
        uses = self.import_uses()
        return uses.extent(imp, reads, ensures) if uses is not None else {}

    def diagnostic(self, rule: Type["Rule"], message: str, span: Span, fix: Optional[Fix] = None,
                   no_fix_reason: Optional[str] = None) -> Diagnostic:
        line, col, end_line, end_col = span
        return Diagnostic(rule.code, message, line, col, end_line, end_col, fix, no_fix_reason)


class ImportScan(LintContext):
    """What a checker that decides from imports alone (`Checker.decides_from_imports`) sees of
    a file linted without fixes: its imports read from `ast`, no libcst tree. The engine
    uses it when every checker the file admits is such a checker; the findings are those
    the libcst walk gives (`import_scan`), at a fraction of the parse.

    `settles_fixes`: the caller wants fixes but not why a finding has none (JSON, an
    editor): a checker may mark a finding `fix_settled` where `ast` proves that planning
    it on a libcst tree would give no fix."""

    def __init__(self, text: str, tree: ast.Module, path: str, config: "Config",
                 source_kind: str = "file", settles_fixes: bool = False):
        super().__init__(text, None, path, config, False, tree, source_kind)  # type: ignore[arg-type]
        self.tree = tree
        self.settles_fixes = settles_fixes
        self._scanned: Optional[List[ScannedImport]] = None

    @property
    def imports(self) -> List[ScannedImport]:  # type: ignore[override]
        if self._scanned is None:
            self._scanned = scan_imports(self.tree)
        return self._scanned

    def import_span(self, imported: ScannedImport) -> Span:  # type: ignore[override]
        return self.locator.span_of_ast(imported.statement)

    def deliberate(self, imported: ScannedImport, broken: bool,  # type: ignore[override]
                   raises: bool = True) -> Optional[str]:
        return self.deliberate_imports.reason(imported.statement, imported.path, broken, raises)


def context_of_file(path: str, config: "Config", target: str,
                    text: Optional[str] = None) -> Optional[LintContext]:
    """A context for another file of the project (read, not linted: a rule asks what it
    defines); None when it cannot be read or parsed. `text`: the file's, already read."""
    text = project_reads.read_source(path) if text is None else text
    if text is None:
        return None
    try:
        module = cst.parse_module(text)
    except (SyntaxError, ValueError, cst.ParserSyntaxError):
        return None
    ctx = LintContext(text, module, path, config, want_fixes=False)
    ctx.target = target
    return ctx


class Gate(Protocol):
    """A cheap test on a file's text: a false answer means the checker cannot report
    anything in it (a compiled regex is one; gates built from data on first use too)."""

    def search(self, text: str) -> object: ...


class Checker:
    """One analysis that reports for a family of rules.

    The contract: `check(ctx)` yields `ctx.diagnostic(Rule, message, ctx.span(node), fix,
    no_fix_reason)`; `ctx` gives the parsed module, the imports, the target release, the
    file's text and its analyses. A checker whose gate does not match never runs.
    """

    rules: ClassVar[Tuple[Type["Rule"], ...]]
    # Its findings may be decided from the file's imports alone (`ctx.imports`,
    # `import_span`, `deliberate`, the `ast` tree, the text): where `decides_from_imports`
    # says so for a file linted without fixes, it runs on an `ImportScan`, no libcst tree.
    reads_imports: ClassVar[bool] = False
    # The file text must match this for the checker to run: files that cannot
    # contain a finding are never parsed.
    gate: ClassVar[Gate] = re.compile("")

    def admits(self, text: str, path: str) -> bool:
        """May this file have a finding? The gate on its text; a checker whose findings
        depend on where the file lies (its own package) may read `path` too."""
        return bool(self.gate.search(text))

    def decides_from_imports(self, scan: ImportScan) -> bool:
        """For a checker that `reads_imports`: are this file's findings decided by its
        imports, `ast` tree and text (then `check` runs on the scan and reads nothing
        else)? The import families always are; others only where the scan rules their
        code checks out."""
        return self.reads_imports

    def plans_fixes_on_skeleton(self, text: str) -> bool:
        """May this file's fixes be planned on a skeleton of it (fix_skeleton.py)? Only
        where the plans read nothing but the imports, the statements reading the names
        the fixed imports bind, `__all__`, the `ast` tree and the text."""
        return False

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        raise NotImplementedError
