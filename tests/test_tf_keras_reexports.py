"""Under the installed Keras 3 and tf-keras (TF 2.21): every private package name the shipped
re-export data gives a public name through HDL503 is the same object as that public name."""

import gzip
import json
import re
from pathlib import Path

import pytest

import hub_dist_lint
from hub_dist_lint.config import Config
from hub_dist_lint.engine import lint
from tf_support import run_python

REEXPORTS = Path(hub_dist_lint.__file__).parent / "data" / "keras_reexports.json.gz"

pytestmark = pytest.mark.tf

CHECK = r"""
import importlib, json, sys
different, missing = [], []
for private, public in json.load(sys.stdin):
    module, _, name = private.rpartition(".")
    public_module, _, public_name = public.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as error:  # another backend's package: jax, torch, openvino
        missing.append(error.name)
        continue
    if found is not getattr(importlib.import_module(public_module), public_name):
        different.append([private, public])
print(json.dumps([different, sorted(set(missing))]))
"""


def _reexported_paths(target):
    with gzip.open(REEXPORTS, "rb") as fh:
        table = json.loads(fh.read())["reexports"]
    return sorted(path for path, sources in table.items()
                  if any(target in releases for _, releases in sources))


def test_reexports_with_a_public_name_are_that_object():
    paths = _reexported_paths("2.21")
    source = "".join(f"from {path.rpartition('.')[0]} import {path.rpartition('.')[2]}\n"
                     for path in paths)
    pairs = []
    for found in lint(source, config=Config(select=("HDL503",), target_tf="2.21")):
        use = re.search(r"; use ([\w.]+)", found.message)
        if use and ", a re-export of " in found.message:
            pairs.append([paths[found.line - 1], use.group(1)])
    # (figures when written: 1171 re-exports at TF 2.21, most of them with a public name)
    assert len(pairs) > 300, len(pairs)
    assert {p[0].split(".")[0] for p in pairs} == {"keras", "tf_keras"}
    ran = run_python("-c", CHECK, input=json.dumps(pairs))
    assert ran.returncode == 0, ran.stderr[-3000:]
    different, missing = json.loads(ran.stdout.strip().splitlines()[-1])
    assert different == []
    assert set(missing) <= {"jax", "torch", "openvino"}, missing


API = r"""
import functools, importlib, json, sys
missing = []
for name in json.load(sys.stdin):
    parts = name.split(".")
    try:
        functools.reduce(getattr, parts[1:], importlib.import_module(parts[0]))
    except AttributeError:
        missing.append(name)
print(json.dumps(missing))
"""


def test_keras3_api_names_exist_in_the_installed_keras():
    with gzip.open(REEXPORTS, "rb") as fh:
        api = json.loads(fh.read())["keras3_api"]
    names = sorted(name for name, releases in api.items() if "2.21" in releases)
    ran = run_python("-c", API, input=json.dumps(names))
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert json.loads(ran.stdout.strip().splitlines()[-1]) == []
