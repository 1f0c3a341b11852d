"""HDL503 says an import of a private Keras path fails on the target exactly when it does:
each statement below is linted for TF 2.21 and run, all in one fresh interpreter under real
TensorFlow 2.21 (Keras 3, the default; the keras package is Keras 3 whatever
TF_USE_LEGACY_KERAS says), and the error the message quotes is the one Python raises."""

import json

import pytest

from hub_dist_lint.config import Config
from hub_dist_lint.engine import lint
from tf_support import run_python

pytestmark = pytest.mark.tf

STATEMENTS = (
    "from keras.utils import tf_utils",
    "from keras.utils import layer_utils",
    "from keras.layers import preprocessing",
    "import keras.utils.tf_utils",
    "from keras.engine.training import Model",
    "from keras.engine import base_layer",
    "from keras.layers.core import Dense",
    "from keras.src.layers.core.dense import Dense",
    "from keras.src.engine.base_layer import Layer",
    "from keras.src.utils import tf_utils",
    "import keras.src.utils",
    "from tf_keras.src.engine.training import Model",
    "from tf_keras.src.utils import tf_utils",
    "from tensorflow.keras.layers.experimental import preprocessing",
)

RUN = r'''
import json, sys, warnings
warnings.simplefilter("ignore")
outcomes = {}
for statement in json.loads(sys.argv[1]):
    try:
        exec(statement, {})
        outcomes[statement] = None
    except ImportError as error:
        outcomes[statement] = str(error)
print(json.dumps(outcomes))
'''


def test_hdl503_says_fails_exactly_when_the_import_fails():
    messages = {}
    for statement in STATEMENTS:
        found = [d.message for d in lint(statement + "\n", config=Config(select=("HDL503",), target_tf="2.21")) if d.code == "HDL503"]
        if found:
            messages[statement] = found[0]
    assert len(messages) >= 10, messages
    result = run_python("-c", RUN, json.dumps(sorted(messages)))
    assert result.returncode == 0, result.stderr[-2000:]
    outcomes = json.loads(result.stdout.strip().splitlines()[-1])
    wrong = []
    for statement, message in messages.items():
        error = outcomes[statement]
        said = f"{statement} fails on TF 2.21" in message
        if said != (error is not None) or (error is not None and error.split(" (")[0] not in message):
            wrong.append((statement, message, error))
    assert not wrong, wrong
    assert sum(e is not None for e in outcomes.values()) >= 5, outcomes
