"""HDL503 on private Keras package names that re-export a public object
(data/keras_reexports.json.gz, read from the src packages' __init__.py in the wheels);
tests/test_tf_keras_reexports.py checks under the real packages that they are the same object."""

import pytest

from hub_dist_lint.config import Config
from hub_dist_lint.engine import lint
from hub_dist_lint.fixing import fix_source
from hub_dist_lint.keras_facts import keras3_has, reexported_from

REEXPORTS = [
    # (import, target, message part, fixed import or None)
    ("from tf_keras.src.utils import to_categorical", "2.21",
     "a re-export of tf_keras.src.utils.np_utils.to_categorical (where "
     "tf.keras.utils.to_categorical was defined in TF 2.16–2.21); use tf_keras.utils.to_categorical",
     "from tf_keras.utils import to_categorical"),
    ("from keras.src.utils import to_categorical", "2.21",
     "a re-export of keras.src.utils.numerical_utils.to_categorical", "from keras.utils import to_categorical"),
    ("from keras.src.layers import Dense as D", "2.21", "use keras.layers.Dense",
     "from keras.layers import Dense as D"),
    # Keras 2.15's keras.src re-exports from its own modules
    ("from keras.src.utils import to_categorical", "2.15",
     "a re-export of keras.src.utils.np_utils.to_categorical", "from keras.utils import to_categorical"),
    # no tf-keras goes with TF 2.15: the data says nothing for it
    ("from tf_keras.src.utils import to_categorical", "2.15", "no public name", None),
]


@pytest.mark.parametrize("line,target,part,fixed_line", REEXPORTS)
def test_reexported_private_names(line, target, part, fixed_line):
    config = Config(select=("HDL503",), target_tf=target)
    [found] = lint(line + "\n", config=config)
    assert part in found.message, found.message
    new, _, _ = fix_source((line + "\n").encode(), config=config)
    assert new.decode() == (fixed_line + "\n" if fixed_line else line + "\n")


def test_a_hub_file_gets_tf_keras_as_an_unsafe_fix():
    source = ("import tensorflow_hub as hub\nfrom keras.src.utils import to_categorical\n\n"
              "layer = hub.KerasLayer('u')\n")
    config = Config(select=("HDL503",))
    [found] = lint(source, config=config)
    assert found.message.endswith("; use tf_keras.utils.to_categorical"), found.message
    assert fix_source(source.encode(), config=config)[0].decode() == source  # another Keras's object
    unsafe = Config(select=("HDL503",), unsafe_fixes=True)
    assert "from tf_keras.utils import to_categorical\n" in fix_source(source.encode(), config=unsafe)[0].decode()


def test_chains_stay_in_their_package():
    assert reexported_from("tf_keras.src.utils.to_categorical", "2.21") == \
        "tf_keras.src.utils.np_utils.to_categorical"
    assert reexported_from("tf_keras.src.utils.np_utils.to_categorical", "2.21") is None
    assert reexported_from("keras.src.utils.no_such_name", "2.21") is None
    assert reexported_from("keras.src.utils.to_categorical", "2.12") is None  # no keras.src then
    # keras/src/__init__.py re-exports keras.src.layers.Input, itself a re-export
    assert reexported_from("keras.src.Input", "2.21") == "keras.src.layers.core.input_layer.Input"


def test_only_tf_keras_layout_names_get_no_keras_spelling():
    # tf.keras (keras._tf_keras.keras) has it at 2.21; Keras 3's own keras.* API does not
    line = "from keras.src.legacy.preprocessing.image import ImageDataGenerator\n"
    config = Config(select=("HDL503",))
    [found] = lint(line, config=config)
    assert found.message.endswith(
        "; the public name is tf.keras.preprocessing.image.ImageDataGenerator: Keras 3's own API "
        "has no keras.preprocessing.image.ImageDataGenerator in TF 2.21"), found.message
    assert fix_source(line.encode(), config=config)[0].decode() == line
    assert keras3_has("keras.utils.to_categorical", "2.21")
    assert not keras3_has("keras.preprocessing.image.ImageDataGenerator", "2.21")
    assert not keras3_has("keras.utils.to_categorical", "2.15")  # Keras 2: not this data's


def test_no_public_name_is_guessed_from_the_packages_above_a_src_module():
    # keras.src.backend.jax.core.Variable is the JAX backend's class, not keras.Variable
    from hub_dist_lint.engine import lint

    found = lint("from keras.src.backend.jax.core import Variable\n", "x.py")
    assert [d.code for d in found] == ["HDL503"]
    assert "use " not in found[0].message and "knows no public name" in found[0].message
