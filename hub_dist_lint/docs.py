"""Rule documentation, written once on each rule and rendered from there."""

from __future__ import annotations

from .rules import all_rules

FIX_AVAILABILITY = {"always": "always available", "sometimes": "sometimes available", "never": "none"}

# One notion shared by every import family (analysis/deliberate_imports.py); its examples
# run in tests/test_deliberate_imports.py.
DELIBERATE_IMPORTS = """\
## Deliberate imports

The import rules (HDL101-HDL105, HDL401-HDL403, HDL503) share one notion of an import the
file has already dealt with, and do not report it:

- **handled**: inside `try:` whose `except` catches `ImportError`, `ModuleNotFoundError`,
  `Exception` or `BaseException` (bare, or in a tuple), or inside
  `with contextlib.suppress(ImportError):`. Nothing fails there. A handler that ends in
  `raise` (or `sys.exit()`) rewords the failure but does not handle it, and an import after
  the `try` block, or in its `else:` or `finally:`, is not handled: both are reported.
  (`from tensorflow.distribute import experimental` succeeds and binds an empty package, so
  HDL402 reports it even there: no `except ImportError` sees what follows.)
- **a fallback that never runs on the target**: an import in the `except ImportError:`
  handler of a `try` whose own imports all work on the target release. Where they fail on
  the target, the handler runs, and its imports are judged like any other.
- **gated**: an import that fails on the target (for a private one: missing there) in a
  branch of an `if` whose test reads the TensorFlow or Keras release: `tf.__version__`,
  `tf.version.VERSION`, `keras.__version__`, `hasattr(tf, ...)`, a module-level name or
  function that reads one (`TF_VERSION`, `is_tf2()`), a name that says so (`_IS_TF2`,
  `use_tf_keras`), the presence of `tf_keras` or `TF_USE_LEGACY_KERAS`; or under
  `if TYPE_CHECKING:`. Which branch runs on the target is not worked out: the failing import
  is taken to be for other releases, and an import that works on the target is judged as
  usual. `sys.version_info` and other tests that read no TensorFlow or Keras release do not
  gate.
- **the file's own package**: the file lies inside the top-level package it imports (found
  by walking up its `__init__.py` files): tf-keras's source importing `tf_keras.src`,
  Keras's importing `keras.src`, TensorFlow's importing `tensorflow.python`. A package's
  imports of itself are its own business.

Not reported:
```python
import tensorflow as tf
from packaging import version

try:
    from tensorflow.contrib import slim  # handled
except ImportError:
    slim = None

try:
    from tensorflow.keras.layers import Dense  # works on TF 2.21 ...
except ImportError:
    from keras.layers.core import Dense  # ... so this never runs there

if version.parse(tf.__version__) < version.parse("2.16"):
    from keras.engine import base_layer  # gated: for other releases
```

Reported:
```python
try:
    from tensorflow.contrib import layers
except ValueError:  # does not catch a failing import
    layers = None

try:
    from keras.src.engine import base_layer  # fails on TF 2.21 (Keras 3) ...
except ImportError:
    from keras.engine import base_layer  # ... so this runs there, and fails too

try:
    from tensorflow.contrib import slim
except ImportError:
    raise ImportError("this needs TensorFlow 1.x")  # reworded, not handled
```
"""

_DELIBERATE_NOTE = ("Deliberate imports are not reported: those the file handles (`except "
                    "ImportError`), gates on the TensorFlow or Keras release, or makes of its "
                    "own package ([Deliberate imports](#deliberate-imports)).")


def rule_markdown(rule) -> str:
    parts = [f"## {rule.code} {rule.name}", "", rule.summary + ".", "", rule.explanation, ""]
    if rule.reports_imports:
        parts += [_DELIBERATE_NOTE, ""]
    parts += [f"Fix: {FIX_AVAILABILITY[rule.fix_availability]}{_applicability(rule)}."]
    for example in rule.INVALID:
        parts += ["", "Flagged:", "```python", example.code.rstrip("\n"), "```"]
        if example.fixed is not None:
            command = "hub-dist-fix --unsafe-fixes" if example.unsafe else "hub-dist-fix"
            parts += ["", f"After `{command}`:", "```python", example.fixed.rstrip("\n"), "```"]
    for example in rule.VALID[:1]:
        parts += ["", "Not flagged:", "```python", example.rstrip("\n"), "```"]
    return "\n".join(parts) + "\n"


def _applicability(rule) -> str:
    """`; safe`, or when it is unsafe (ruff's applicability: applied with --unsafe-fixes only)."""
    if rule.fix_availability == "never":
        return ""
    if not rule.unsafe_when:
        return "; safe (hub-dist-fix applies it)"
    return f"; unsafe (applied with `--unsafe-fixes` only) when {rule.unsafe_when}, else safe"


def rules_table() -> str:
    rows = [f"{r.code}  {r.name:<32} {r.summary}" for r in all_rules()]
    return "\n".join(rows)


def fixes_help(width: int = 79) -> str:
    """What hub-dist-fix rewrites, one line per rule that has a fix."""
    import textwrap

    lines = ["fixes (safe ones proven to keep or repair every program that runs the file; "
             "unsafe ones, marked (unsafe: ...), applied with --unsafe-fixes only):"]
    for rule in all_rules():
        if rule.fix_availability != "never":
            text = rule.fix_summary + (f" (unsafe: {rule.unsafe_when})" if rule.unsafe_when else "")
            lines.append(textwrap.fill(text, width, initial_indent=f"  {rule.code}  ",
                                       subsequent_indent=" " * 10))
    without = ", ".join(r.code for r in all_rules() if r.fix_availability == "never")
    lines.append(textwrap.fill(f"Findings without a fix ({without}, and those a fix could not prove "
                               f"safe) are listed, with the reason.", width))
    return "\n".join(lines)


def rules_document() -> str:
    """docs/rules.md; a test fails when the checked-in copy drifts from this."""
    head = ["# Rules", "",
            "Generated from the rules' own documentation by `python -m hub_dist_lint.docs`; "
            "do not edit by hand.", "",
            "| code | name | summary | fix |", "| --- | --- | --- | --- |"]
    head += [f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.summary} | "
             f"{FIX_AVAILABILITY[r.fix_availability]} |" for r in all_rules()]
    return "\n".join(head) + "\n\n" + DELIBERATE_IMPORTS + "\n" + "\n".join(
        rule_markdown(r) for r in all_rules())


def rule_codes_module() -> str:
    """hub_dist_lint/rule_codes.py: the rules' codes as data, for what must not import
    the rules (settings, a run answered from the cache); a test fails when it drifts."""
    codes = "".join(f'    "{r.code}",  # {r.name}\n' for r in all_rules())
    opt_in = ", ".join(f'"{r.code}"' for r in all_rules() if r.opt_in)
    return ('"""Every rule\'s code, in the registry\'s order, and the opt-in ones: generated from the\n'
            "rules by `python -m hub_dist_lint.docs`; do not edit by hand. Settings and a run answered\n"
            'from the cache read these without importing the rules (and libcst with them)."""\n\n'
            f"CODES = (\n{codes})\nOPT_IN = frozenset({{{opt_in}}})\n")


if __name__ == "__main__":
    from pathlib import Path

    package = Path(__file__).resolve().parent
    for target, text in ((package.parent / "docs" / "rules.md", rules_document()),
                         (package / "rule_codes.py", rule_codes_module())):
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
