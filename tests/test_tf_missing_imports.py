"""HDL403 (and the other import rules) against real TensorFlow 2.21: every import form in
the fixtures, run alone in a fresh interpreter, fails exactly when a rule says so.

A form is one import statement of one name, as a fixture spells it. Forms of private
paths (HDL1xx reports those for being private, whether or not they import) and of
packages other than tensorflow / keras / tf_keras are left out. "Works" means works
with TF_USE_LEGACY_KERAS unset or set to 1 (the rules report only what fails in both),
and a reported failure must raise the error the message names.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import libcst as cst
import pytest

from conftest import FIXTURES
from hub_dist_lint.engine import lint
from hub_dist_lint.imports import collect_imports
from hub_dist_lint.rules.private_imports import is_private
from tf_support import LEGACY_ENV, run_python

pytestmark = pytest.mark.tf
tf = pytest.importorskip("tensorflow")

IMPORT_RULES = ("HDL401", "HDL402", "HDL403", "HDL304")
ROOTS = ("tensorflow", "keras", "tf_keras")


def fixture_forms():
    forms = set()
    for path in sorted(FIXTURES.rglob("*.py")):
        if path.name.endswith(".out.py"):
            continue
        for imp in collect_imports(cst.parse_module(path.read_text("utf-8"))):
            if imp.path.split(".")[0] not in ROOTS or is_private(imp.path):
                continue
            if isinstance(imp.statement, cst.Import):
                alias = " as bound_name" if imp.alias.asname else ""
                forms.add(f"import {imp.path}{alias}")
            elif imp.is_star:
                forms.add(f"from {imp.path} import *")
            else:
                module, _, name = imp.path.rpartition(".")
                if not is_private(module):
                    forms.add(f"from {module} import {name}")
    return sorted(forms)


FORMS = fixture_forms()


def _run(statement, legacy):
    result = run_python("-c", statement, env=LEGACY_ENV if legacy else None)
    lines = result.stderr.strip().splitlines()
    return result.returncode == 0, lines[-1] if lines and result.returncode else ""


def _outcome(statement):
    works, error = _run(statement, legacy=False)
    if not works and "keras" in statement:
        works_legacy, _ = _run(statement, legacy=True)
        works = works or works_legacy
    return statement, works, error


def test_there_are_forms_of_every_kind():
    assert len(FORMS) > 40
    assert any(f.startswith("from tensorflow.compat.v1.python") for f in FORMS)
    assert any(f.startswith(("import tensorflow.contrib", "from tensorflow.contrib")) for f in FORMS)
    assert any(f.startswith("from keras") for f in FORMS)


def test_every_fixture_import_fails_exactly_when_reported():
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(_outcome, FORMS))
    wrong = []
    checked = {"reported": 0, "working": 0}
    for statement, works, error in outcomes:
        everything = lint(statement + "\n")
        if any(d.code == "HDL503" for d in everything):
            continue  # a private Keras import: HDL503 reports it, with its public name
        found = [d for d in everything if d.code in IMPORT_RULES]
        placeholder = [d for d in found if "binds the empty package" in d.message]
        if placeholder:
            continue  # imports fine and binds a placeholder (tests/test_tf_distribute_changes.py)
        if works == bool(found):
            wrong.append((statement, "works" if works else error, [d.code for d in found]))
            continue
        checked["reported" if found else "working"] += 1
        for d in found:
            if d.code == "HDL403":
                claimed = d.message.split(": ", 1)[1].split(";")[0]
                # Python names the module by its __name__ ('keras._tf_keras.keras.layers'
                # for tensorflow.keras.layers): compare up to the module
                if claimed.split(" from ")[0] not in error:
                    wrong.append((statement, error, "claimed " + claimed))
    print(checked)
    assert not wrong, wrong
    assert checked["reported"] >= 20 and checked["working"] >= 20, checked
