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

from . import apimap, history, import_layout, tf_tables

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


@dataclass(frozen=True)
class Origin:
    """What a failing import meant, from the data: the paths it spells (a
    `tensorflow.compat.vN` path of a private tree also as that tree's path), the public
    names that were that object, the homes those had, and the TF 2 names TensorFlow
    documents as the successors of its TF 1 names."""

    paths: Tuple[str, ...]
    publics: Tuple[str, ...]
    homes: Tuple[str, ...]
    successors: Tuple[str, ...]


def public_spelling(dotted: str) -> Optional[str]:
    """The tf.* spelling of a path of TensorFlow's or Keras's API (`keras.layers.Dense` is
    tf.keras.layers.Dense's Keras); None for other roots."""
    root = dotted.split(".")[0]
    if root == "tensorflow":
        return "tf" + dotted[len("tensorflow"):]
    if root == "keras":
        return "tf." + dotted
    if root == "tf_keras":
        return "tf.keras" + dotted[len("tf_keras"):]
    return None


@lru_cache(maxsize=1024)
def origin(full: str) -> Origin:
    parts = full.split(".")
    paths = [full]
    if parts[0] == "tensorflow" and parts[1:2] == ["compat"] and parts[2:3] in (["v1"], ["v2"]):
        mirrored = ".".join(["tensorflow"] + parts[3:])
        if parts[2] == "v2" or apimap.is_private(mirrored):
            paths.append(mirrored)  # compat.vN mirrors tf: the path without it is what was meant
    everything = apimap.all_public_names()
    spelled: List[str] = []  # public names the import spells: whatever they held is meant
    tf1: List[str] = []
    for path in paths:
        public = public_spelling(path)
        if public in everything:
            spelled.append(public)
        elif public and path.startswith("tensorflow.") and not public.startswith("tf.compat."):
            tf1.append(public)  # no TF 2 release has it: a TF 1 name, kept as tf.compat.v1.*
            if "tf.compat.v1." + public[3:] in everything:
                spelled.append("tf.compat.v1." + public[3:])
    publics = spelled + [p for path in paths for p in apimap.public_names(path)]
    homes = {apimap.canonical(path) for path in paths}
    for public in spelled:
        homes.update(apimap.canonical(home) for home in apimap.private_homes(public))
    # the table is for TF 1 code: a name TF 2 also has may be another object there
    successors = [s for s in (tf_tables.successor(n) for n in tf1) if s]
    return Origin(tuple(paths), tuple(dict.fromkeys(publics)), tuple(sorted(homes)),
                  tuple(dict.fromkeys(successors)))


def names_the_same(candidate: str, full: str, target: str) -> bool:
    """Whether a hint (a tf.* name, or a dotted path) names, in ``target``, the object the
    import ``full`` meant or its documented successor: the same path or public name
    (Keras's public names across Keras 2 and 3 included), a public name whose home is one
    of the origin's homes, or the successor TensorFlow's upgrade table names."""
    found = origin(full)
    public = candidate if candidate.startswith("tf.") else public_spelling(candidate)
    if candidate in found.paths or apimap.canonical(candidate) in found.homes:
        return True
    if public is None:
        return False
    if public in found.publics or public in found.successors:
        return candidate.startswith("tf.") or candidate.split(".")[0] == full.split(".")[0]
    home = apimap.home_at(public, target)
    return home is not None and home in found.homes


def _hint_text(candidate: str, target: str) -> Optional[str]:
    """How a hint is written; None where the target lacks it in a default environment, or
    where `import tensorflow` binds Keras's module in place of the one the data read
    (tf.compat.v1.nn.rnn_cell); a tf.keras name only tf-keras provides is written with
    that condition."""
    missing = apimap.keras_name_missing(candidate, target)
    if missing is None:
        lazy = tf_tables.keras_lazy_module(candidate, target)
        # what import tensorflow binds there is Keras's, not what the API files import
        return None if lazy and not lazy.endswith("keras") else candidate
    if "only with TF_USE_LEGACY_KERAS=1" in missing:
        return f"{candidate} (only with TF_USE_LEGACY_KERAS=1)"
    return None


def alternatives(full: str, target: str, limit: int = 3) -> List[str]:
    """What ``target`` has for the object the import meant, and only that (the same object
    or its documented successor, :func:`names_the_same`): its public name, tf.* names ending
    in the same path (`gfile.GFile` -> tf.io.gfile.GFile), the same last name in an enclosing
    module (`keras.layers.core.Dense` -> keras.layers.Dense), the path without `compat.vN`,
    the TF 2 successor of a TF 1 name."""
    parts = full.split(".")
    out: List[str] = []
    found = origin(full)
    for path in found.paths[1:]:
        public = apimap.public_name_for(path, target)
        if public:
            out.append(public)
    out += [s for s in found.successors if apimap.public_exists(s, target)]
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
        bare = name[:-len(" (private)")] if name.endswith(" (private)") else name
        if name in seen or name == _spelled(full, target) or not names_the_same(bare, full, target):
            continue
        text = _hint_text(bare, target)
        if text is not None and (name if text == bare else text) not in seen:
            seen.append(name if text == bare else text)
    return seen[:limit]


def message(failure: Failure, target: str) -> str:
    text = f"{failure_text(failure, target)}; {worked_text(failure)}"
    found = alternatives(failure.full, target)
    if found:
        text += f"; TF {target} has {', '.join(found)}"
    return text
