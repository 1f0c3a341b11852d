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

from . import apimap
from .analysis.bindings import Bindings
from .analysis.entry_point import why_not_entry_point
from .analysis.import_uses import ImportUses
from .analysis.keras_models import ModelScan
from .analysis.names import Names
from .analysis.receivers import StrategyReceivers
from .diagnostics import Diagnostic, Ensure, Fix
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
        self._names: Optional[Names] = None
        self._receivers: Optional[StrategyReceivers] = None
        self._value_graph: Optional[ModelScan] = None
        self._tensorflow_alias: Optional[TensorflowAlias] = None
        # findings that read the project around the file (other files may change them: a
        # cache keyed by this file's content must not keep them)
        self.read_project = False

    def not_entry_point(self) -> Optional[str]:
        """None when the file is proven what first imports TensorFlow in the programs that
        run it (a notebook; a .py file: analysis/entry_point.py), else why not."""
        if self.source_kind == "notebook":
            return None
        self.read_project = True
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
    def import_uses(self) -> Optional[ImportUses]:
        """Where the names the file imports are read (Python's scoping, from `ast`: for
        fixes). None when `ast` cannot read the file: then nothing is rewritten."""
        if not self._import_uses_built:
            self._import_uses_built = True
            tree = self.locator.ast_tree()
            paired = self.locator.ast_imports(self._import_statements_in_order())
            if tree is not None and paired is not None:
                try:
                    self._import_uses = ImportUses(self.module, Bindings(tree), paired)
                except RecursionError:  # nesting deeper than the walk goes
                    pass
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
            self.module.visit(graph)
            self._value_graph = graph
        return self._value_graph

    @property
    def tensorflow_alias(self) -> TensorflowAlias:
        """The name fixes spell `tf.*` names with, and the import binding it."""
        if self._tensorflow_alias is None:
            self._tensorflow_alias = TensorflowAlias(self)
        return self._tensorflow_alias

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
    # The file text must match this for the checker to run: files that cannot
    # contain a finding are never parsed.
    gate: ClassVar[Gate] = re.compile("")

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        raise NotImplementedError
