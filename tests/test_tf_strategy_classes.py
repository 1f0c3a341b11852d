"""HDL303's class claims under real TensorFlow 2.21, for every renamed tf.distribute class
the rule knows (the fixer's `symbol_fixes`, from the data, not a hand list): the rule calls
the stable name "another class" (no constructor rewrite, class checks reported) exactly
when `isinstance` tells the two apart in one direction or the other; and the data's
`isinstance_both_ways` (read from the classes' source) is exactly the pairs of two classes
where it holds both ways. An object of each class is made without its constructor (`object.__new__`):
isinstance looks only at its type."""

import json

import pytest

from hub_dist_lint import apimap, changes
from hub_dist_lint.rules import removed_apis
from hub_dist_lint import tf_tables
from tf_support import run_python

pytestmark = pytest.mark.tf

CHECK = r'''
import json, sys
import tensorflow as tf

def resolve(public):
    value = tf
    for part in public.split(".")[1:]:
        value = getattr(value, part)
    return value

out = {}
for old, new in json.loads(sys.argv[1]):
    old_class, new_class = resolve(old), resolve(new)
    new_object, old_object = object.__new__(new_class), object.__new__(old_class)
    out[old] = [isinstance(new_object, old_class), isinstance(old_object, new_class)]
print(json.dumps(out))
'''


def test_the_rule_calls_another_class_exactly_what_isinstance_tells_apart():
    pairs = sorted(changes.data()["symbol_fixes"].items())
    assert len(pairs) >= 3
    done = run_python("-c", CHECK, json.dumps(pairs))
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    wrong = []
    for old, new in pairs:
        new_is_old, old_is_new = measured[old]
        apart = not (new_is_old and old_is_new)
        if removed_apis.isinstance_tells_apart(old, new, "2.21") != apart and old != new:
            wrong.append((old, new, measured[old], "rule"))
        same_class = apimap.home_at(old, "2.21") == apimap.home_at(new, "2.21")
        if not same_class and tf_tables.isinstance_both_ways(old, new, "2.21") != (not apart):
            wrong.append((old, new, measured[old], "data"))
    assert not wrong, wrong
    # the pairs the issue names: TPUStrategy is told apart, MultiWorkerMirroredStrategy is not
    assert measured["tf.distribute.experimental.TPUStrategy"] == [False, False]
    assert measured["tf.distribute.experimental.MultiWorkerMirroredStrategy"] == [True, True]
