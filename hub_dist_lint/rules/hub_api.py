"""HDL305: tensorflow_hub names the target hub release does not have.

tensorflow_hub 0.16 (what pip installs beside any TensorFlow 2 today: its requirements
allow every release) removed the TF 1 API: `hub.Module`, `hub.load_module_spec`,
`hub.text_embedding_column`, ... raise `AttributeError`. Which releases bind a name comes
from the hub wheels (`hub_facts`, generated data); what replaces it from the hub migration
docs (a hand-written table: semantics, not in any wheel). No fix: none of the successors
means the same.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, List, Optional, Set, Tuple

import libcst as cst

from .. import hub_facts
from ..checking import ImportScan, LintContext
from ..cst_walk import walk
from ..diagnostics import Diagnostic
from ..hub_facts import HubTarget
from .base import Checker, Invalid, Rule

_HUB = "import tensorflow_hub as hub\n"


class RemovedHubApi(Rule):
    code = "HDL305"
    name = "removed-hub-api"
    summary = "A tensorflow_hub name the target tensorflow-hub release does not have"
    explanation = """\
tensorflow_hub 0.16 removed its TF 1 API (`hub.Module`, `hub.ModuleSpec`,
`hub.load_module_spec`, `hub.create_module_spec`, `hub.add_signature`,
`hub.text_embedding_column`, `hub.image_embedding_column`, `hub.LatestModuleExporter`,
...): the attribute raises `AttributeError: module 'tensorflow_hub' has no attribute
'Module'`, and `from tensorflow_hub import Module` or `import tensorflow_hub.module`
fail to import. The names each hub release binds are read from its wheel (0.7.0–0.16.1).

The hub release checked against is the one the project pins (`tensorflow-hub==0.12` in
requirements*.txt, pyproject.toml, setup.cfg, or a notebook's `!pip install`), else
the one pip installs beside the TensorFlow target: 0.16.1 for every TF release (its
requirement `tf-keras>=2.14.1` is met by tf-keras 2.14.1 and 2.15.0, which require no
TensorFlow). Names are resolved through the file's imports: `import tensorflow_hub as
tfhub` is followed, a local `hub = ...` is not. Reads guarded by a `try` that catches
the error are left alone.

The message gives the hub releases that had the name and its successor from the
tensorflow_hub migration guide: `hub.load(handle)` or `hub.KerasLayer(handle)` for
`hub.Module` (with `.signatures["sig"]` for a signature), a `hub.KerasLayer` on the
feature for the feature columns. No automatic fix: none of them takes the same
arguments or returns the same kind of object."""
    fix_availability = "never"
    VALID = (
        _HUB + "layer = hub.KerasLayer('https://tfhub.dev/google/nnlm-en-dim50/2')\n",
        _HUB + "model = hub.load(handle)\n",
        "hub = object()\nm = hub.Module  # not tensorflow_hub\n",
        _HUB + "try:\n    embed = hub.Module(handle)\nexcept AttributeError:\n"
               "    embed = hub.load(handle)\n",
    )
    INVALID = (
        Invalid(_HUB + "embed = hub.Module('https://tfhub.dev/google/nnlm-en-dim50/1')\n"),
        Invalid(_HUB + "column = hub.text_embedding_column('sentence', handle)\n"),
        Invalid("from tensorflow_hub import load_module_spec\n"),
        Invalid("import tensorflow_hub as tfhub\nspec = tfhub.create_module_spec(module_fn)\n"),
    )


_CATCHES = {"ImportError": {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"},
            "AttributeError": {"AttributeError", "Exception", "BaseException"}}


def _catches(handler: cst.ExceptHandler, error: str) -> bool:
    if handler.type is None:
        return True
    types = ([e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple)
             else [handler.type])
    names = {t.value if isinstance(t, cst.Name) else t.attr.value
             for t in types if isinstance(t, (cst.Name, cst.Attribute))}
    return bool(names & _CATCHES[error])


class _HubReads(cst.CSTVisitor):
    """Every attribute read, with whether a `try` around it catches AttributeError."""

    def __init__(self):
        self.reads: List[Tuple[cst.Attribute, bool]] = []
        self._guarding: Set[int] = set()
        self._depth = 0

    def visit_Try(self, node: cst.Try) -> None:
        if any(_catches(h, "AttributeError") for h in node.handlers):
            self._guarding.add(id(node.body))

    def visit_IndentedBlock(self, node) -> None:
        if id(node) in self._guarding:
            self._depth += 1

    def leave_IndentedBlock(self, node) -> None:
        if id(node) in self._guarding:
            self._depth -= 1

    def visit_SimpleStatementSuite(self, node) -> None:
        self.visit_IndentedBlock(node)

    def leave_SimpleStatementSuite(self, node) -> None:
        self.leave_IndentedBlock(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.reads.append((node, self._depth > 0))

    def visit_Import(self, node) -> bool:
        return False  # its dotted names are what it imports (reported with the import)

    def visit_ImportFrom(self, node) -> bool:
        return False


def _where(hub: HubTarget) -> str:
    return f"with {hub.reason}"


def name_message(spelled: str, public: str, hub: HubTarget, error: str) -> Optional[str]:
    """Why `tensorflow_hub.<public>` fails on the target hub release, or None if it works
    there (or the data knows nothing of it)."""
    found = hub_facts.name(public)
    release = hub.release
    if found is not None:
        if found.in_release(release):
            return None
        gone = found.removed_in(release)
        history = (f"removed in tensorflow_hub {gone} (it is in {found.releases.text()})" if gone
                   else f"not in tensorflow_hub {release} (it is in {found.releases.text()})")
        text = f"{spelled}: {history}: {error} {_where(hub)}"
        return text + (f"; instead: {found.successor}" if found.successor else "")
    module = f"{hub_facts.PACKAGE}.{public}"
    shipped = hub_facts.module_releases(module)
    if shipped and release not in shipped:
        return module_message(spelled, module, hub, error)
    return None


def module_message(spelled: str, module: str, hub: HubTarget, error: str) -> Optional[str]:
    shipped = hub_facts.module_releases(module)
    if not shipped or hub.release in shipped:
        return None
    gone = shipped.removed_in(hub.release)
    history = (f"the module {module} was removed in tensorflow_hub {gone} (it is in "
               f"{shipped.text()})" if gone else
               f"no module {module} in tensorflow_hub {hub.release} (it is in {shipped.text()})")
    return f"{spelled}: {history}: {error} {_where(hub)}; instead: the public hub.* names"


@lru_cache(maxsize=1)
def _spelled() -> re.Pattern:
    """`.Module`, `.feature_column`, ...: a name some hub release lacks, read as an attribute
    (an attribute walk costs about a parse: skipped where none is spelled)."""
    return re.compile(r"\.[\s\\]*(?:" + "|".join(hub_facts.changing_names()) + r")\b")


class HubApiChecker(Checker):
    rules = (RemovedHubApi,)
    gate = re.compile(r"tensorflow_hub")
    reads_imports = True

    def decides_from_imports(self, scan: ImportScan) -> bool:
        return not _reads_to_check(_hub_imports(scan), scan.text)

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        hub = ctx.target_hub
        if hub is None:
            return  # a pinned release older than the data: nothing is known of it
        if hub_facts.PACKAGE in re.split(r"[\\/]", ctx.path)[:-1]:
            return  # tensorflow_hub's own source tree has every module its wheels left out
        package = hub_facts.PACKAGE
        imports = _hub_imports(ctx)
        if not imports:
            return
        for imp in imports:
            if imp.path == package and not imp.is_star:
                continue
            message = self._import_message(imp, hub)
            if message and not ctx.deliberate(imp, broken=True):  # e.g. a handled fallback
                yield ctx.diagnostic(RemovedHubApi, message, ctx.import_span(imp))
        if not _reads_to_check(imports, ctx.text):
            return  # nothing to read from the package, or no name a release lacks is spelled
        reads = _HubReads()
        walk(ctx.module, reads)
        names = ctx.names
        for node, guarded in reads.reads:
            if guarded:
                continue
            path = names.path_of(node)
            if not path or path.count(".") != 1 or not path.startswith(package + "."):
                continue
            spelled = f"{_dotted(node.value)}.{node.attr.value}"
            message = name_message(spelled, path.split(".", 1)[1], hub, "AttributeError")
            if message:
                yield ctx.diagnostic(RemovedHubApi, message, ctx.span(node))

    @staticmethod
    def _import_message(imp, hub: HubTarget) -> Optional[str]:
        package = hub_facts.PACKAGE
        if imp.is_star:
            if imp.path != package:
                return None
            missing = hub_facts.star_import_missing(hub.release)
            if not missing:
                return None
            return (f"from {package} import *: the __all__ of tensorflow_hub {hub.release} still "
                    f"lists {len(missing)} names it removed: AttributeError: module "
                    f"'{package}' has no attribute '{missing[0]}' {_where(hub)}; import the "
                    "names you use")
        parts = imp.path.split(".")
        if imp.alias is not None and not imp.is_plain_import and len(parts) == 2:
            return name_message(f"import of {imp.path}", parts[1], hub, "ImportError")
        for cut in range(2, len(parts) + 1):  # the first module on the path that is gone
            module = ".".join(parts[:cut])
            message = module_message(f"import of {imp.path}", module, hub, "ModuleNotFoundError")
            if message:
                return message
        return None


def _hub_imports(ctx: LintContext) -> list:
    package = hub_facts.PACKAGE
    return [imp for imp in ctx.imports if imp.path == package or imp.path.startswith(package + ".")]


def _reads_to_check(imports, text: str) -> bool:
    """A module import of the package, and a name some release lacks spelled in the text."""
    return any(imp.is_plain_import for imp in imports) and bool(_spelled().search(text))


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return "..."
