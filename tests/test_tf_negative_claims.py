"""Every "no public name in TF 2.21" claim (HDL102) checked under real TensorFlow 2.21.

For each private name that exists in 2.21 (a top-level name of a private module, by the
shipped history, or an import binding the map records) and for which the data has no
public name and no counterpart, the private object is imported for real and looked
for, by identity, among everything the generated public API packages bind
(`tensorflow._api.v2.**`: the `tf.*` names, `tf.compat.v1.*` included; not internals
reachable through them such as `tf.dtensor.python`). A hit is a false claim. Values
whose identity means nothing (numbers, strings, None, tuples, modules) are skipped.
The report (printed with -s) gives the miss rate; the goal, asserted, is 0.
"""

import json

import pytest

from tf_support import ROOT, run_python

pytestmark = pytest.mark.tf

SCRIPT = r'''
import importlib, json, os, pkgutil, sys, types, warnings
warnings.simplefilter("ignore")
from hub_dist_lint import apimap, history
from hub_dist_lint.rules.private_imports import is_private
import tensorflow as tf

RELEASE = "2.21"
TRIVIAL = (int, float, complex, str, bytes, bool, type(None), tuple, frozenset, types.ModuleType)

# --- everything the public API packages bind
api_root = "tensorflow._api.v2"
public = {}
api = importlib.import_module(api_root)
for info in pkgutil.walk_packages(api.__path__, api_root + "."):
    try:
        importlib.import_module(info.name)
    except Exception:
        pass
api_modules = [("tf", tf)] + [("tf" + name[len(api_root):], module)
                              for name, module in list(sys.modules.items())
                              if module is not None and name.startswith(api_root + ".")]
for spelled, module in api_modules:
    if "__internal__" in spelled.split("."):
        continue  # generated for TensorFlow's own packages, not API (never suggested)
    for attr, value in list(vars(module).items()):
        if attr.startswith("_") or isinstance(value, TRIVIAL):
            continue
        public.setdefault(id(value), (spelled + "." + attr, value))

# --- the claims
symbols = apimap._history()["symbols"]
aliases = apimap._api()["aliases"]
paths = set()
for mod in set(symbols) | set(aliases):
    if not is_private(mod) or RELEASE not in history.exists_in(mod):
        continue
    for name in set(symbols.get(mod, ())) | set(aliases.get(mod, ())):
        path = mod + "." + name
        if RELEASE in history.exists_in(path):
            paths.add(path)
claimed = sorted(p for p in paths
                 if apimap.public_name_for(p, RELEASE) is None and apimap.counterpart(p) is None)

checked, trivial, not_loaded, misses = 0, 0, 0, []
for path in claimed:
    mod, _, name = path.rpartition(".")
    try:
        with open(os.devnull, "w") as null:
            old = sys.stdout; sys.stdout = null
            try:
                module = importlib.import_module(mod)
            finally:
                sys.stdout = old
        value = getattr(module, name)
    except BaseException:
        not_loaded += 1
        continue
    if isinstance(value, TRIVIAL):
        trivial += 1
        continue
    checked += 1
    hit = public.get(id(value))
    if hit is not None and hit[1] is value:
        misses.append((path, hit[0]))

print(json.dumps({"private_names_present": len(paths), "claimed_no_public_name": len(claimed),
                  "checked": checked, "skipped_trivial": trivial, "not_loaded": not_loaded,
                  "public_objects": len(public), "misses": len(misses),
                  "miss_rate": len(misses) / checked if checked else None,
                  "examples": misses[:40]}))
'''


def test_no_public_name_claims_hold_under_tf_2_21():
    pytest.importorskip("tensorflow")
    result = run_python("-c", SCRIPT, cwd=ROOT, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps(report, indent=1))
    assert report["checked"] > 3000, report
    assert report["misses"] == 0, report["examples"]
