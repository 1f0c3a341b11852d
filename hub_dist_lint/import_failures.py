"""Imports of `tensorflow...`, `keras...`, `tf_keras...` that fail in a release, in words.

The verdicts come from :mod:`hub_dist_lint.import_layout` (the wheels' layout); this
module turns one into the sentence HDL403 prints: the error Python raises, the Keras
release it holds for, the releases in which the import worked, and what the target
release has under the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Tuple

from . import apimap, history, import_layout

ROOTS = ("tensorflow", "keras", "tf_keras")


@dataclass(frozen=True)
class Failure:
    statement: str         # "from tensorflow.gfile import GFile"
    error: str             # "No module named 'tensorflow.gfile'"
    full: str              # the dotted path the statement reaches: "tensorflow.gfile.GFile"
    worked: Tuple[str, ...]  # releases in which the statement works
    known: Tuple[str, ...]   # releases the layout decides (the others are unknown)


def _status(module: str, name: Optional[str], release: str) -> str:
    if name is None:
        return import_layout.resolve(module, release).status
    return import_layout.from_import(module, name, release)


def fails(module: str, name: Optional[str], release: str) -> bool:
    """The layout says the import fails in ``release`` (False when it cannot tell)."""
    return module.split(".")[0] in ROOTS and release in import_layout.releases() and \
        _status(module, name, release) == import_layout.MISSING


def check(module: str, name: Optional[str], target: str) -> Optional[Failure]:
    """A Failure if ``import module`` (name None) or ``from module import name`` fails
    in ``target`` by the layout; None if it works or the layout cannot tell."""
    if not fails(module, name, target):
        return None
    res = import_layout.resolve(module, target)
    if res.status == import_layout.MISSING:
        error = f"No module named '{res.failed_at}'"
        if res.not_a_package:
            error += f"; '{res.not_a_package}' is not a package"
    else:
        error = f"cannot import name '{name}' from '{module}'"
    statement = f"import {module}" if name is None else f"from {module} import {name}"
    statuses = {r: _status(module, name, r) for r in import_layout.releases()}
    return Failure(statement, error, module if name is None else f"{module}.{name}",
                   tuple(r for r, s in statuses.items() if s == import_layout.OK),
                   tuple(r for r, s in statuses.items() if s != import_layout.UNKNOWN))


def check_imported(path: str, module_import: bool, target: str) -> Optional[Failure]:
    """The Failure of the statement that imports ``path``: ``import path`` when
    ``module_import``, else ``from <module> import <last name>``; None if it works or the
    layout cannot tell."""
    if module_import:
        return check(path, None, target)
    module, _, name = path.rpartition(".")
    return check(module, name, target) if module else None


def failure_text(failure: Failure, target: str) -> str:
    """"from keras.utils import tf_utils fails on TF 2.21 with keras 3.15.1: No module
    named ...": the verdict alone, for messages that say something else first."""
    return (f"{failure.statement} fails on TF {target}{keras_note(failure.full, target)}: "
            f"{failure.error}")


def keras_note(path: str, target: str) -> str:
    """" with keras 3.15.1" where the verdict depends on the Keras wheels read."""
    versions = import_layout.versions(target)
    top = path.split(".")[0]
    if top == "keras" and "keras" in versions:
        return f" with keras {versions['keras']}"
    if top == "tf_keras" and "tf-keras" in versions:
        return f" with tf-keras {versions['tf-keras']}"
    if path.startswith("tensorflow.keras") and "keras" in versions:
        if "tf-keras" in versions:
            return (f" with keras {versions['keras']} or (TF_USE_LEGACY_KERAS=1) "
                    f"tf-keras {versions['tf-keras']}")
        return f" with keras {versions['keras']}"
    return ""


def worked_text(failure: Failure) -> str:
    keras = failure.full.split(".")[0] in ("keras", "tf_keras")
    if failure.worked:
        return f"it works with {'the Keras of ' if keras else ''}TF " \
               f"{history.release_ranges(failure.worked)}"
    known = history.release_ranges(failure.known)
    return f"the Keras of TF {known} never had it" if keras else f"no release of TF {known} has it"


def _spelled(dotted: str, target: str) -> str:
    """`tensorflow.io.gfile` as tf.io.gfile when public; private paths say so."""
    if apimap.is_private(dotted):
        return f"{dotted} (private)"
    public = "tf" + dotted[len("tensorflow"):]
    if dotted.startswith("tensorflow.") and apimap.public_exists(public, target):
        return public
    return dotted


@lru_cache(maxsize=256)
def _public_with_suffix(suffix: str, target: str) -> Tuple[str, ...]:
    found = [n for n in apimap.all_public_names()
             if n.endswith("." + suffix) and apimap.public_exists(n, target)]
    return tuple(apimap.by_preference(found))


def _works(dotted: str, target: str) -> bool:
    module, _, name = dotted.rpartition(".")
    return bool(module) and (import_layout.resolve(dotted, target).status == import_layout.OK
                             or import_layout.from_import(module, name, target) == import_layout.OK)


def alternatives(full: str, target: str, limit: int = 3) -> List[str]:
    """What ``target`` has under the same name: tf.* names ending in the same path
    (`gfile.GFile` -> tf.io.gfile.GFile), the same last name in an enclosing module
    (`keras.layers.core.Dense` -> keras.layers.Dense), the path without `compat.vN`."""
    parts = full.split(".")
    out: List[str] = []
    if parts[0] == "tensorflow" and len(parts) > 1:
        out += _public_with_suffix(".".join(parts[1:]), target)
    for k in range(len(parts) - 2, 0, -1):
        candidate = ".".join(parts[:k] + parts[-1:])
        if _works(candidate, target):
            out.append(_spelled(candidate, target))
            break
    for k in range(1, len(parts) - 2):
        if parts[k] == "compat" and parts[k + 1] in ("v1", "v2"):
            candidate = ".".join(parts[:k] + parts[k + 2:])
            if _works(candidate, target):
                out.append(_spelled(candidate, target))
    seen: List[str] = []
    for name in out:
        if name not in seen and name != _spelled(full, target):
            seen.append(name)
    return seen[:limit]


def message(failure: Failure, target: str) -> str:
    text = f"{failure_text(failure, target)}; {worked_text(failure)}"
    found = alternatives(failure.full, target)
    if found:
        text += f"; TF {target} has {', '.join(found)}"
    return text
