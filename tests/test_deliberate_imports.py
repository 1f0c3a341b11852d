"""Deliberate imports (analysis/deliberate_imports.py): one notion for every import family.
An import whose failure the file handles, one in a branch gated on the TensorFlow or Keras
release, a fallback that never runs on the target, or one of the file's own package is not
reported by HDL1xx, HDL4xx or HDL503; the counter-examples still are."""

import ast
import textwrap

import pytest

from conftest import run_cli

from hub_dist_lint.analysis.deliberate_imports import DeliberateImports, own_package
from hub_dist_lint.config import Config
from hub_dist_lint.docs import DELIBERATE_IMPORTS
from hub_dist_lint.rules import CHECKERS
from hub_dist_lint.engine import analyze, lint

IMPORT_CODES = ("HDL1", "HDL4", "HDL503")


def found(source, path="a.py", target=None):
    """(line, code) of every import-family finding."""
    config = Config(target_tf=target)
    return sorted((d.line, d.code) for d in lint(textwrap.dedent(source), path, config)
                  if d.code.startswith(IMPORT_CODES))


def lines(source, path="a.py"):
    return sorted({line for line, _ in found(source, path)})


# -- handled ------------------------------------------------------------------------------

@pytest.mark.parametrize("caught", ["ImportError", "ModuleNotFoundError", "Exception",
                                    "(ImportError, AttributeError)", "(ValueError, Exception)",
                                    "ImportError as error", "builtins.ImportError"])
def test_an_import_whose_failure_is_caught_is_not_reported(caught):
    source = f"""\
    try:
        from tensorflow.contrib import slim
        from tensorflow.python.keras.engine import base_layer
        from keras.src.engine import training
    except {caught}:
        slim = base_layer = training = None
    """
    assert found(source) == []


def test_a_bare_except_and_contextlib_suppress_handle_too():
    assert found("""\
    import contextlib
    try:
        import tensorflow.contrib.slim as slim
    except:
        slim = None
    with contextlib.suppress(ImportError):
        from tensorflow.gfile import GFile
    """) == []


def test_a_caught_error_of_another_kind_does_not_handle():
    assert lines("""\
    try:
        from tensorflow.contrib import slim
    except ValueError:
        slim = None
    """) == [2]


def test_a_handler_that_raises_again_words_the_failure_but_does_not_handle_it():
    assert lines("""\
    import sys
    try:
        from tensorflow.contrib import slim
    except ImportError:
        raise ImportError("this needs TensorFlow 1.x")
    try:
        from tensorflow.gfile import GFile
    except ImportError:
        print("TensorFlow 1.x is needed")
        sys.exit(1)
    """) == [3, 7]


def test_an_import_binding_an_empty_package_is_reported_even_when_handled():
    # it succeeds: no `except ImportError` sees the AttributeError that follows
    assert found("""\
    try:
        from tensorflow.distribute import experimental
    except ImportError:
        experimental = None
    """) == [(2, "HDL402")]


def test_imports_after_the_try_or_in_its_else_and_finally_are_not_handled():
    assert lines("""\
    try:
        import tensorflow as tf
    except ImportError:
        tf = None
    else:
        from tensorflow.contrib import slim
    finally:
        from tensorflow.gfile import GFile
    from tensorflow.contrib import layers
    """) == [6, 8, 9]


def test_a_function_defined_in_a_try_is_not_guarded_by_it():
    assert lines("""\
    try:
        def load():
            from tensorflow.contrib import slim
            return slim
    except ImportError:
        load = None
    """) == [3]
    assert found("""\
    try:
        class Layers:  # a class body runs at once, inside the try
            from tensorflow.contrib import layers
    except ImportError:
        Layers = None
    """) == []


# -- fallbacks ----------------------------------------------------------------------------

def test_a_fallback_that_never_runs_on_the_target_is_not_reported():
    # tensorflow.keras.layers.Dense works on TF 2.21: the handler is dead code there
    assert found("""\
    try:
        from tensorflow.keras.layers import Dense
    except ImportError:
        from keras.layers.core import Dense
    """) == []


def test_a_fallback_that_runs_on_the_target_and_fails_is_reported():
    # keras.src.engine is gone in Keras 3 (TF 2.16+): the handler runs, and fails too
    assert found("""\
    try:
        from keras.src.engine import base_layer
    except ImportError:
        from keras.engine import base_layer
    """) == [(4, "HDL503")]


def test_a_private_fallback_is_judged_by_the_history_of_the_private_path():
    # tensorflow.python.trackable exists on 2.21: the old path in the handler never runs
    assert found("""\
    try:
        from tensorflow.python.trackable import data_structures
    except ImportError:
        from tensorflow.python.training.tracking import data_structures
    """) == []
    # the other way round, the old path (gone since 2.14) fails and the handler runs there
    assert found("""\
    try:
        from tensorflow.python.training.tracking import data_structures
    except ImportError:
        from tensorflow.python.trackable import data_structures
    """) == [(4, "HDL103")]


def test_nested_fallbacks():
    source = """\
    try:
        from keras.saving.legacy import serialization
    except ImportError:
        try:
            from tensorflow.keras.saving import legacy_serialization
        except ImportError:
            from tensorflow.contrib.keras import serialization
    """
    # line 2 and line 5 are handled; line 7 runs on 2.21 (both tries fail there) and fails
    assert lines(source) == [7]


def test_a_fallback_inside_an_outer_try_catching_import_error_is_handled():
    assert found("""\
    try:
        try:
            from keras.src.engine import base_layer
        except ImportError:
            from keras.engine import base_layer
    except ImportError:
        base_layer = None
    """) == []


# -- gated --------------------------------------------------------------------------------

@pytest.mark.parametrize("test", [
    'tf.__version__.startswith("2.12.")',
    'version.parse(tf.__version__) < version.parse("2.16")',
    'LooseVersion(tf.VERSION) < LooseVersion("1.15")',
    "int(tf.version.VERSION.split('.')[0]) < 2",
    "keras.__version__ < '3'",
    "not is_tf2()",
    "TF_VERSION < (2, 0)",
    "_IS_KERAS_3",
    "hasattr(tf, 'contrib')",
    "importlib.util.find_spec('tf_keras') is not None",
    'os.environ.get("TF_USE_LEGACY_KERAS") == "1"',
    "tf2.enabled()",
])
def test_an_import_failing_on_the_target_in_a_release_gated_branch_is_not_reported(test):
    source = f"""\
    import importlib.util
    import os
    import keras
    import tensorflow as tf
    from packaging import version
    from distutils.version import LooseVersion
    from tensorflow.python import tf2

    def is_tf2():
        return tf.__version__.startswith("2")

    TF_VERSION = tuple(int(p) for p in tf.__version__.split(".")[:2])
    _IS_KERAS_3 = keras.__version__.startswith("3")

    if {test}:
        from tensorflow.contrib import slim
        from keras.engine import base_layer
    elif os.name == "nt":
        from tensorflow.gfile import GFile
    else:
        from tensorflow.tools.graph_transforms import TransformGraph
    """
    assert [(line, code) for line, code in found(source) if line > 14] == []


def test_a_gate_reaches_through_a_module_level_name():
    assert found("""\
    import tensorflow as tf

    def legacy():
        return int(tf.__version__[0]) < 2

    USE_CONTRIB = legacy()

    if USE_CONTRIB:
        from tensorflow.contrib import slim
    """) == []


def test_a_private_import_that_works_on_the_target_is_reported_in_a_gated_branch():
    # which branch runs on the target is not worked out: only a failing import is taken
    # to be for other releases
    assert found("""\
    import tensorflow as tf
    if tf.__version__ >= "2.13":
        from tensorflow.python.framework import ops
    """) == [(3, "HDL103")]


@pytest.mark.parametrize("test", ["sys.version_info < (3, 8)", "six.PY2", "FLAGS.use_tpu",
                                  "np.__version__ < '2'"])
def test_tests_that_do_not_read_a_tensorflow_release_do_not_gate(test):
    assert lines(f"""\
    import sys
    import six
    import numpy as np
    if {test}:
        from tensorflow.contrib import slim
    """) == [5]


def test_type_checking_imports_never_run():
    assert found("""\
    from typing import TYPE_CHECKING
    if TYPE_CHECKING:
        from tensorflow.contrib import slim
    """) == []


# -- the file's own package ---------------------------------------------------------------

def _package(tmp_path, *parts):
    directory = tmp_path
    for part in parts:
        directory = directory / part
        directory.mkdir()
        (directory / "__init__.py").write_text("")
    return directory


def test_a_package_importing_itself_is_its_own_business(tmp_path):
    src = _package(tmp_path, "tf_keras", "src")
    path = src / "x.py"
    source = ("from tf_keras.src.engine import base_layer\n"
              "from tf_keras.engine import training\n"
              "import tf_keras.src as keras\n"
              "from keras.src.engine import base_layer as other\n")
    path.write_text(source)
    assert own_package(str(path)) == "tf_keras"
    # keras.src is another package: still reported
    assert found(source, str(path)) == [(4, "HDL503")]
    # outside the package, the same lines are another package's private (and old) paths
    assert found(source, str(tmp_path / "y.py")) == [(1, "HDL503"), (2, "HDL403"), (3, "HDL503"),
                                                     (4, "HDL503")]


def test_tensorflows_own_source_importing_tensorflow_python(tmp_path):
    path = _package(tmp_path, "tensorflow", "python", "ops") / "x.py"
    source = "from tensorflow.python.framework import ops\nfrom tensorflow.contrib import slim\n"
    assert found(source, str(path)) == []


def test_the_gates_skip_files_importing_only_their_own_package(tmp_path):
    path = _package(tmp_path, "tf_keras", "src") / "x.py"
    source = "from tf_keras.src.engine import base_layer\nimport tf_keras.src as keras\n"
    assert not any(c.admits(source, str(path)) for c in CHECKERS)
    assert any(c.admits(source, str(tmp_path / "y.py")) for c in CHECKERS)


def test_the_cache_keeps_the_same_text_in_and_outside_its_package_apart(tmp_path):
    source = "from tf_keras.src.engine import base_layer\nfrom tensorflow.python.framework import ops\n"
    inside = _package(tmp_path, "tf_keras", "src") / "x.py"
    outside = tmp_path / "y.py"
    inside.write_text(source)
    outside.write_text(source)
    cache = tmp_path / "cache"
    for _ in range(2):  # cold, then from the cache
        first = run_cli("--cache-dir", cache, "--format", "json", inside).stdout.decode()
        second = run_cli("--cache-dir", cache, "--format", "json", outside).stdout.decode()
        assert "HDL503" not in first and "HDL103" in first
        assert "HDL503" in second and "HDL103" in second


def test_no_package_for_stdin_or_a_file_outside_packages(tmp_path):
    assert own_package("<stdin>") is None
    assert own_package(str(tmp_path / "a.py")) is None


# -- the analysis on its own --------------------------------------------------------------

def test_the_verdict_is_looked_up_by_statement_position():
    source = textwrap.dedent("""\
    import tensorflow as tf
    try:
        import tensorflow.contrib.slim as slim
    except ImportError:
        slim = None
    if tf.__version__ < "2":
        from tensorflow.contrib import layers
    """)
    tree = ast.parse(source)
    deliberate = DeliberateImports(tree, "a.py", "2.21")
    assert deliberate.placement(3, 4).handled == "except ImportError"
    assert deliberate.placement(7, 4).gated == 'tf.__version__ < "2"'.replace('"', "'")
    assert deliberate.placement(1, 0).handled is None
    statements = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert deliberate.reason(statements[0], "tensorflow", broken=False) is None


# -- the documentation's examples ---------------------------------------------------------

def _blocks(after):
    text = DELIBERATE_IMPORTS.split(after, 1)[1]
    return text.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_documented_examples_hold():
    assert found(_blocks("Not reported:")) == []
    reported = _blocks("Reported:")
    assert lines(reported) == [2, 9, 12], found(reported)
