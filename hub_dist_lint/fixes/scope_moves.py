"""Moving statements into a `with <strategy>.scope():` block: the HDL2xx fixes.

Which strategy (the one whose scope uses the value), whether moving is safe (not when
a scope also calls the value directly), and the edit (wrap the run of statements, or
merge it into an adjacent scope block).
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

import libcst as cst

from ..analysis.deliberate import value_use
from ..analysis.scoped_values import ScopedValue, ScopeProof, ValueGraph
from ..analysis.strategies import scope_receiver
from ..checking import FixPlan
from ..diagnostics import Fix

# Comments that start a notebook cell in a script (jupytext/VS Code/Spyder percent
# format, `jupyter nbconvert --to script`, the old IPython format, Databricks): a
# scope block never spans one, so each cell stays runnable on its own.
_CELL_MARKER = re.compile(r"#\s*(%%|In\[[\s\d]*\]:|<codecell>|COMMAND -{3,})")


class ScopePlan:
    """Which strategy's scope the value's making belongs in, or why none can be chosen."""

    def __init__(self, strategy: Optional[str], reason: Optional[str] = None):
        self.strategy = strategy
        self.reason = reason


def plan_scope_fix(value: ScopedValue, graph: ValueGraph, proof: ScopeProof,
                   hub_uses: bool = True) -> ScopePlan:
    """The strategy whose scope uses the value, created earlier in the same function.
    `hub_uses`: also refuse where a hub model made in the scope would then fail (called
    directly in the scope, trained outside it); Keras objects have no such uses."""
    plan = _choose_strategy(value, graph)
    if not hub_uses:
        return plan
    use = value_use(value, graph, proof)
    if plan.reason is None and use.runs_in_scope:
        return ScopePlan(plan.strategy, "the value is also called directly inside the scope; "
                         "made inside it, that call fails (TF 2.21: 'executing a graph generated "
                         "from the cross-replica context in an in-replica context')")
    if plan.reason is None and use.trains_plainly:
        return ScopePlan(plan.strategy, "its variables are also trained outside the strategy; "
                         "made inside the scope, that fails (TF 2.21: 'tuple indices must be "
                         "integers or slices, not MirroredVariable')")
    return plan


def _choose_strategy(value: ScopedValue, graph: ValueGraph) -> ScopePlan:
    unit = value.unit
    if not unit.creations:
        return ScopePlan(None, "the strategy is not in this function: enter its scope around "
                               f"the calls of {unit.name}()")
    usable = [c.name for c in unit.creations
              if c.order < value.order and (c.block is None or c.block in value.blocks)]
    used_in = {read.scope for read in graph.reads_of(unit, value.target, value.order)
               if read.scope is not None} if value.target else set()
    names = set(usable)
    if len(used_in) == 1 and used_in <= {c.name for c in unit.creations}:
        chosen = next(iter(used_in))
    elif not used_in and len({c.name for c in unit.creations}) == 1:
        chosen = unit.creations[0].name
    elif not used_in and len(names) == 1:
        chosen = next(iter(names))  # the only strategy that exists at the call
    else:
        return ScopePlan(None, "more than one strategy here, and the file does not show which "
                               "scope uses this value: wrap it in the right one by hand")
    if chosen not in names:
        return ScopePlan(chosen, f"`{chosen}` is created after this call (or in another branch): "
                                 "move the call below its creation, inside its scope")
    if not isinstance(value.block, (cst.IndentedBlock, cst.Module)) or value.statement is None:
        return ScopePlan(chosen, "the call is on a one-line block")
    return ScopePlan(chosen)


def scope_fixes(flagged: List[ScopedValue], plans: Dict[int, ScopePlan]) -> Dict[int, FixPlan]:
    """Wrap runs of adjacent flagged statements of one body, or merge them into an adjacent
    `with <strategy>.scope():` block."""
    out: Dict[int, FixPlan] = {}
    groups: Dict[Tuple[int, str], List[ScopedValue]] = {}
    for hub in flagged:
        plan = plans[id(hub)]
        if plan.reason is None:
            groups.setdefault((id(hub.block), plan.strategy), []).append(hub)
    for (_, strategy), hubs in groups.items():
        body = list(hubs[0].block.body)
        index = {id(s): i for i, s in enumerate(body)}
        rows = sorted({index[id(h.statement)] for h in hubs if id(h.statement) in index})
        for run in _runs(rows, body):
            statements = tuple(body[i] for i in run)
            before = body[run[0] - 1] if run[0] > 0 and not _starts_cell(statements[0]) else None
            after = body[run[-1] + 1] if run[-1] + 1 < len(body) else None
            fix = _wrap_or_merge(statements, before, after, strategy)
            moved = {id(s) for s in statements}
            for hub in hubs:
                if id(hub.statement) in moved:
                    out[id(hub)] = FixPlan(fix, None)
    return out


def _runs(rows: List[int], body) -> List[List[int]]:
    """Adjacent rows of `body`; a notebook cell marker starts a new run."""
    runs: List[List[int]] = []
    for row in rows:
        if runs and runs[-1][-1] == row - 1 and not _starts_cell(body[row]):
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def _wrap_or_merge(statements, before, after, strategy: str) -> Fix:
    header = f"{strategy}.scope()"
    if _is_scope_with(after, strategy) and not _starts_cell(after):
        return Fix(f"move into the following `with {header}:` block",
                   merge=((statements, after, True),))
    if _is_scope_with(before, strategy):
        return Fix(f"move into the preceding `with {header}:` block",
                   merge=((statements, before, False),))
    return Fix(f"wrap in `with {header}:`", wrap=((statements, header),))


def _starts_cell(statement: cst.CSTNode) -> bool:
    return any(line.comment is not None and _CELL_MARKER.match(line.comment.value)
               for line in getattr(statement, "leading_lines", ()))


def _is_scope_with(node, strategy: str) -> bool:
    if not isinstance(node, cst.With) or len(node.items) != 1:
        return False
    receiver = scope_receiver(node.items[0].item)
    return isinstance(receiver, cst.Name) and receiver.value == strategy and not node.asynchronous
