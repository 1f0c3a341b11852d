"""Text gates only skip files that cannot have a finding: with the gates off, the
same findings come out of the fixtures and examples."""


import re

import pytest

from conftest import EXAMPLES, FIXTURES
from hub_dist_lint import engine
from hub_dist_lint.gates import AllOf, AnyOf, line_matches
from hub_dist_lint.rules import CHECKERS

FILES = sorted(FIXTURES.rglob("*.py")) + sorted(EXAMPLES.glob("*.py"))


class _Open:
    def search(self, text, package=None):
        return True


def test_gates_do_not_change_findings(monkeypatch):
    gated = {p: engine.lint(p.read_bytes(), str(p)) for p in FILES}
    for checker in CHECKERS:
        monkeypatch.setattr(type(checker), "gate", _Open())
    for path in FILES:
        assert engine.lint(path.read_bytes(), str(path)) == gated[path], path.name


@pytest.mark.parametrize("line", ["import tensorflow.compat.v1 as tf", "import tensorflow.compat.v2",
                                  "import tensorflow.compat.v2 as tf  # noqa"])
def test_compat_lines_alone_are_not_parsed(line):
    assert not engine.analyze(line + "\n").parsed


LINE_TEXTS = [
    "",
    "import keras",
    "x = 1\nimport keras\n",
    "from keras import (a,\nfrom tf_keras.src import b)\nfrom keras.src import c\n",
    "  from keras.src import x; import keras.src.a\nimport os  # keras\n\timport tf_keras.src.b",
    "import keras\r\nimport keras.src\rimport keras\n",
    "s = 'keras'\nfrom keras import (\n  a,\n  b)  # keras\nfrom keras import c",
    "from . import (x,\nimport keras)\nimport os\nfrom .m import y",
]


# the shapes gates use: anchored at a line's start, one of them running on in parentheses
# (the word each may match only on a line of)
LINE_PATTERNS = [
    (re.compile(r"^[ \t]*from[ \t]+((?:keras|tf_keras)(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M),
     "keras"),
    (re.compile(r"^[ \t]*import[ \t]+([^\n]*\b(?:keras|tf_keras)\b[^\n]*)", re.M), "keras"),
    (re.compile(r"^(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^#\n;]*)|import[ \t]+([\w. \t,]+))",
                re.M), "import"),
]


@pytest.mark.parametrize("text", LINE_TEXTS)
@pytest.mark.parametrize("pattern, word", LINE_PATTERNS)
def test_line_matches_are_finditers_matches(pattern, word, text):
    assert [m.span() for m in line_matches(pattern, text, word)] == \
        [m.span() for m in pattern.finditer(text)]


def test_any_of_and_all_of():
    assert AnyOf("a", "b").search("xb") and not AnyOf("a", "b").search("xyz")
    assert AllOf("a", "b").search("ba") and not AllOf("a", "b").search("bb")


@pytest.mark.parametrize("text, names", [
    ("layer = hub.KerasLayer(h)", True),
    ("from tensorflow_hub import KerasLayer as KL", True),
    ("KerasLayer", True),
    ("net = test_utils.KerasLayersNet(layers)", False),
    ("class MyKerasLayer(Layer): pass", False),
    ("KerasLayer_v2 = 1", False),
    ("KerasLayersNet(); hub.KerasLayer(h)", True),
    ("hub.KerasLayeré", True),  # a non-ASCII neighbour: let through (never less)
])
def test_names_identifier(text, names):
    from hub_dist_lint.gates import names_identifier

    assert names_identifier(text, "KerasLayer") is names
    assert names_identifier(text.encode(), b"KerasLayer") is names


def test_a_longer_identifier_does_not_open_the_keras3_gate():
    # tf_agents' tests build networks with test_utils.KerasLayersNet: no hub layer
    from hub_dist_lint.rules.keras3 import Keras3Checker

    assert not Keras3Checker().admits("net = test_utils.KerasLayersNet(layers)\n", "<stdin>")
    assert Keras3Checker().admits("layer = hub.KerasLayer(h)\n", "<stdin>")
