"""Every hint HDL403 gives ("TF 2.21 has X") names, under real TensorFlow 2.21, the object
the failing import meant or its documented successor.

The sample: every failing import of the fixtures, every tf.* name of an older release that
2.21 lacks (imported as `from tensorflow.<module> import <name>` and as a module), every TF 1
name of TensorFlow's upgrade table and `tensorflow.compat.v1.` spellings of private paths.
For each hint, in a fresh interpreter: the hint is the very object (`is`) that one of the
import's own spellings names in 2.21 (the path without `compat.vN`, a public name that was
that object; the same function beneath TensorFlow's decorators, such as a deprecated
endpoint's warning), or it is the successor TensorFlow's own table gives
(`tensorflow.tools.compatibility.all_renames_v2.symbol_renames`, imported there). Hints
written "(only with TF_USE_LEGACY_KERAS=1)" are checked with that setting, the others without.
"""

import json
import random
from pathlib import Path

import libcst as cst
import pytest

from conftest import FIXTURES
from hub_dist_lint import apimap, import_failures, tf_tables
from hub_dist_lint.imports import collect_imports
from tf_support import ENV, LEGACY_ENV, run_python

pytestmark = pytest.mark.tf

TARGET = "2.21"
LEGACY = " (only with TF_USE_LEGACY_KERAS=1)"

CHECK = r'''
import importlib, json, sys, warnings
warnings.simplefilter("ignore")
import tensorflow as tf
from tensorflow.tools.compatibility import all_renames_v2
from tensorflow.python.util import tf_decorator

MISSING = object()

def resolve(spelled):
    if spelled.startswith("tf."):
        value = tf
        for part in spelled.split(".")[1:]:
            value = getattr(value, part, MISSING)
            if value is MISSING:
                return MISSING
        return value
    parts = spelled.split(".")
    for k in range(len(parts), 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:k]))
        except Exception:
            continue
        for part in parts[k:]:
            value = getattr(value, part, MISSING)
            if value is MISSING:
                return MISSING
        return value
    return MISSING

def same(a, b):
    """The same object, or the same function under TensorFlow's decorators (a deprecated
    endpoint's warning, dispatch): what tf_decorator.unwrap finds beneath both."""
    if a is b:
        return True
    return callable(a) and callable(b) and tf_decorator.unwrap(a)[1] is tf_decorator.unwrap(b)[1]

out = []
for full, hint, references, tf1_names in json.load(sys.stdin):
    value = resolve(hint)
    if value is MISSING:
        out.append([full, hint, "the hint does not exist"])
        continue
    if any(all_renames_v2.symbol_renames.get(name) == hint for name in tf1_names):
        continue
    if any(same(resolve(ref), value) for ref in references if ref != hint) or hint in references:
        continue
    out.append([full, hint, "another object than " + ", ".join(references)])
print(json.dumps(out))
'''


def hint_claims(fulls):
    """(import path, hint, what it must be, TF 1 names) for every hint of these imports."""
    claims = []
    for full in sorted(set(fulls)):
        for hint in import_failures.alternatives(full, TARGET, limit=10):
            bare = hint.replace(" (private)", "").replace(LEGACY, "")
            found = import_failures.origin(full)
            tf1 = [p for p in (import_failures.public_spelling(path) for path in found.paths)
                   if p and tf_tables.successor(p)]
            claims.append((full, bare, LEGACY in hint,
                           list(found.paths) + list(found.publics), tf1))
    return claims


def sample_paths():
    fulls = set()
    for path in sorted(FIXTURES.rglob("*.py")):
        for imp in collect_imports(cst.parse_module(path.read_text("utf-8"))):
            fulls.add(imp.path)
    order = apimap.releases()
    older = [p for p in apimap.all_public_names()
             if not apimap.public_exists(p, TARGET) and apimap.is_api_name(p)]
    rng = random.Random(21)
    fulls.update("tensorflow" + p[2:] for p in rng.sample(sorted(older), min(1500, len(older))))
    fulls.update("tensorflow" + p[2:] for p in tf_tables.upgrade_renames())
    homes = sorted(h for h in apimap.export_homes() if apimap.is_private(h))
    fulls.update("tensorflow.compat.v1" + h[len("tensorflow"):]
                 for h in rng.sample(homes, min(300, len(homes))))
    return [f for f in fulls if import_failures.fails(*_split(f), TARGET)]


def _split(full):
    module, _, name = full.rpartition(".")
    return (module, name) if module else (full, None)


def check(claims, legacy):
    wanted = [[full, hint, refs, tf1] for full, hint, needs_legacy, refs, tf1 in claims
              if needs_legacy == legacy]
    result = run_python("-c", CHECK, env=LEGACY_ENV if legacy else ENV, input=json.dumps(wanted))
    assert result.returncode == 0, result.stderr[-3000:]
    return wanted, json.loads(result.stdout.strip().splitlines()[-1])


def test_every_hint_names_the_same_object_or_its_documented_successor():
    claims = hint_claims(sample_paths())
    assert len(claims) >= 200, len(claims)
    for legacy in (False, True):
        wanted, false = check(claims, legacy)
        print(f"{len(wanted)} hints checked (legacy={legacy}), {len(false)} false")
        assert not false, false[:30]


def test_the_tables_are_what_the_installed_tensorflow_holds():
    """data/tf_tables.json, generated again from the installed TensorFlow 2.21's own files."""
    import importlib.util

    from hub_dist_lint.data import generate_tf_tables as generator

    package = Path(importlib.util.find_spec("tensorflow").submodule_search_locations[0])
    shipped = json.loads(generator.OUT_FILE.read_text("utf-8"))
    again = generator.build(generator.read_sources(None, package), TARGET, shipped["read_from"])
    assert again == shipped
    assert again["upgrade_renames"]["tf.gfile.GFile"] == "tf.io.gfile.GFile"
    assert "tf.compat.v1.nn.rnn_cell" in again["keras_lazy_modules"]
