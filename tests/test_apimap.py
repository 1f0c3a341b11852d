"""Facts the generated API map must give (fast; never imports TensorFlow)."""

import gzip
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hub_dist_lint import apimap

ALL = tuple(f"2.{i}" for i in range(2, 22))
DATA = Path(apimap.__file__).parent / "data"


def span(first, last):
    return ALL[ALL.index(first): ALL.index(last) + 1]


# --- releases ---------------------------------------------------------------

def test_releases():
    assert apimap.releases() == ALL
    assert len(apimap.releases()) == 20
    assert apimap.latest_release() == "2.21"


def test_data_files_are_small():
    assert (DATA / "api_map.json.gz").stat().st_size < 2_000_000
    assert (DATA / "symbol_history.json.gz").stat().st_size < 2_000_000


def test_data_format():
    with gzip.open(DATA / "api_map.json.gz") as fh:
        d = json.load(fh)
    assert d["format"] == 1 and d["releases"] == list(ALL)
    assert d["versions"]["2.21"]["tensorflow-cpu"] == "2.21.0"
    with gzip.open(DATA / "symbol_history.json.gz") as fh:
        h = json.load(fh)
    assert h["releases"] == list(ALL)
    assert set(h["parse_failures"]) == set(ALL)


# --- public_name_for --------------------------------------------------------

def test_mirrored_strategy():
    p = "tensorflow.python.distribute.mirrored_strategy.MirroredStrategy"
    assert apimap.public_name_for(p) == "tf.distribute.MirroredStrategy"
    assert apimap.public_name_for(p, "2.2") == "tf.distribute.MirroredStrategy"
    assert apimap.public_names(p) == {"tf.distribute.MirroredStrategy": ALL}


def test_tpu_strategy_v2_public_since_2_3():
    p = "tensorflow.python.distribute.tpu_strategy.TPUStrategyV2"
    assert apimap.public_name_for(p) == "tf.distribute.TPUStrategy"
    assert apimap.public_names(p)["tf.distribute.TPUStrategy"] == span("2.3", "2.21")
    assert apimap.private_homes("tf.distribute.TPUStrategy") == {p: span("2.3", "2.21")}
    assert not apimap.public_exists("tf.distribute.TPUStrategy", "2.2")
    assert apimap.public_exists("tf.distribute.experimental.TPUStrategy", "2.2")


def test_keras_layers_dense_via_package_reexport():
    p = "tensorflow.python.keras.layers.Dense"
    assert apimap.canonical(p) == "tensorflow.python.keras.layers.core.Dense"
    # exported as tf.keras.layers.Dense only while tf.keras lived in TF (2.2-2.5) ...
    names = apimap.public_names(p)
    assert names["tf.keras.layers.Dense"] == span("2.2", "2.5")
    # ... but the public name still exists (from the keras packages)
    assert apimap.public_exists("tf.keras.layers.Dense", "2.21")
    assert apimap.public_name_for(p) == "tf.keras.layers.Dense"
    assert apimap.public_name_for("tensorflow.python.keras.layers.core.Dense") == "tf.keras.layers.Dense"


def test_canonical_trailing_attributes():
    assert (apimap.canonical("tensorflow.python.keras.layers.Dense.call")
            == "tensorflow.python.keras.layers.core.Dense.call")
    assert apimap.canonical("no.such.thing") == "no.such.thing"
    assert apimap.canonical("tensorflow.python.distribute.values.AutoPolicy") == \
        "tensorflow.python.distribute.values.AutoPolicy"


def test_canonical_module_alias_then_attribute():
    # keras/layers/__init__ imports the `core` submodule's names; a module alias
    # followed by an attribute chain resolves through both.
    assert apimap.is_module("tensorflow.python.framework.ops")
    assert apimap.is_module("tensorflow.python.keras.layers")
    assert not apimap.is_module("tensorflow.python.keras.layers.Dense")
    # module alias (ops imports tensor as tensor_lib) followed by an attribute chain
    assert apimap.canonical("tensorflow.python.framework.ops.tensor_lib.Tensor.shape") == \
        "tensorflow.python.framework.tensor.Tensor.shape"
    # ops.Tensor was the home of tf.Tensor until 2.13, then an alias of
    # tensor.Tensor, and is not bound in ops at all in 2.21 (a stale alias is
    # not followed); the raw path's own exports still give the public name.
    assert apimap.canonical("tensorflow.python.framework.ops.Tensor") == \
        "tensorflow.python.framework.ops.Tensor"
    assert apimap.public_names("tensorflow.python.framework.ops.Tensor")["tf.Tensor"] == \
        span("2.2", "2.13")
    assert apimap.public_name_for("tensorflow.python.framework.ops.Tensor") == "tf.Tensor"


def test_autopolicy_never_public():
    p = "tensorflow.python.distribute.values.AutoPolicy"
    assert apimap.public_name_for(p) is None
    assert apimap.public_names(p) == {}
    assert apimap.symbol_releases(p) == ("2.3", "2.4")


def test_central_storage_stays_experimental():
    p = "tensorflow.python.distribute.central_storage_strategy.CentralStorageStrategy"
    assert apimap.public_name_for(p) == "tf.distribute.experimental.CentralStorageStrategy"


def test_preference_order():
    # exported as tf.Tensor and tf.compat.v1.Tensor (and an experimental alias)
    assert apimap.public_name_for("tensorflow.python.framework.tensor.Tensor") == "tf.Tensor"
    # StrategyExtendedV2 is exported under another name
    assert (apimap.public_name_for("tensorflow.python.distribute.distribute_lib.StrategyExtendedV2")
            == "tf.distribute.StrategyExtended")


def test_compat_v1_only_names():
    # a v1-only symbol still gets its compat.v1 spelling
    p = "tensorflow.python.framework.ops.get_default_graph"
    assert apimap.public_name_for(p) == "tf.compat.v1.get_default_graph"


def test_unknown_release_rejected():
    with pytest.raises(ValueError):
        apimap.public_exists("tf.Tensor", "1.15")


# --- public side ------------------------------------------------------------

def test_public_exists_and_modules():
    assert apimap.public_exists("tf.distribute.cluster_resolver", "2.21")
    assert apimap.public_exists("tf.distribute", "2.2")
    assert apimap.public_releases("tf.distribute.MirroredStrategy") == ALL
    assert apimap.public_exists("tf.keras.layers.Dense", "2.10")
    assert apimap.public_exists("tf.losses.Huber", "2.21")          # alias of tf.keras.losses
    assert apimap.public_exists("tf.compat.v2.distribute.MirroredStrategy", "2.21")
    assert not apimap.public_exists("tf.distribute.NoSuchStrategy", "2.21")
    assert apimap.public_releases("tf.estimator") == span("2.2", "2.15")


def test_private_homes_of_keras_name_span_packages():
    homes = apimap.private_homes("tf.keras.layers.Dense")
    assert homes["tensorflow.python.keras.layers.core.Dense"] == span("2.2", "2.5")
    assert "keras.src.layers.core.dense.Dense" in homes
    assert "tf_keras.src.layers.core.dense.Dense" in homes
    covered = {r for rels in homes.values() for r in rels}
    assert covered == set(ALL)


# --- counterparts -----------------------------------------------------------

def test_convert_to_tensor_counterpart():
    cp = apimap.counterpart("tensorflow.python.framework.ops.convert_to_tensor")
    assert cp["public"] == "tf.convert_to_tensor"
    assert cp["private_params"]["args"][:2] == ["value", "dtype"]
    assert cp["public_params"]["args"] == ["value", "dtype", "dtype_hint", "name"]
    for side in ("private_params", "public_params"):
        assert set(cp[side]) >= {"args", "kwonly", "varargs", "varkw"}
    assert "2.2" in cp["releases"]


def test_no_counterpart_for_exported_or_unknown():
    assert apimap.counterpart("tensorflow.python.distribute.mirrored_strategy.MirroredStrategy") is None
    assert apimap.counterpart("tensorflow.python.distribute.values.AutoPolicy") is None


def test_counterparts_are_same_name_variants():
    for path, cp in apimap._api()["counterparts"].items():
        f = path.rpartition(".")[2]
        assert cp["public"].rpartition(".")[2] == f, path
        g = cp["public_home"].rpartition(".")[2]
        assert g.startswith(f) and g != f, path


# --- history ----------------------------------------------------------------

def test_module_and_symbol_history():
    assert apimap.module_releases("tensorflow.python.keras") == ALL
    assert apimap.module_releases("tensorflow.python.framework.tensor") == span("2.13", "2.21")
    assert apimap.symbol_releases("tensorflow.python.distribute.mirrored_strategy.MirroredStrategy") == ALL
    assert apimap.symbol_releases("tensorflow.python.nothing.here") == ()


# --- laziness / no TensorFlow -----------------------------------------------

def test_import_is_lazy_and_never_imports_tensorflow():
    code = textwrap.dedent("""
        import sys, time
        t = time.perf_counter()
        from hub_dist_lint import apimap
        assert apimap._cache == {}, apimap._cache
        assert not any(m == "tensorflow" or m.startswith("tensorflow.") for m in sys.modules)
        apimap.public_name_for("tensorflow.python.distribute.mirrored_strategy.MirroredStrategy")
        assert "api" in apimap._cache and "history" not in apimap._cache
        apimap.symbol_releases("tensorflow.python.distribute.values.AutoPolicy")
        assert "history" in apimap._cache
        assert not any(m == "tensorflow" or m.startswith("tensorflow.") for m in sys.modules)
        assert not any(m == "keras" or m.startswith(("keras.", "tf_keras")) for m in sys.modules)
    """)
    root = Path(apimap.__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_api_map_load_time():
    import time
    apimap._cache.clear()
    t = time.perf_counter()
    apimap.releases()
    elapsed = time.perf_counter() - t
    assert elapsed < 0.5, f"api_map.json.gz took {elapsed * 1000:.0f} ms to load"


def test_keras_wheels_per_release():
    assert apimap.wheel_version("keras", "2.15").startswith("2.")
    assert apimap.wheel_version("keras", "2.16").startswith("3.")
    assert apimap.wheel_version("tf-keras", "2.21") == "2.21.0"
    assert apimap.wheel_version("tf-keras", "2.15") is None
    assert apimap.wheel_version("keras", "2.5") is None  # keras lived in tensorflow/python


def test_alias_target():
    assert apimap.alias_target("tf.optimizers.Adam") == "tf.keras.optimizers.Adam"
    assert apimap.alias_target("tf.losses") == "tf.keras.losses"
    assert apimap.alias_target("tf.lossesx.y") == "tf.lossesx.y"
    assert apimap.alias_target("tf.nn.relu") == "tf.nn.relu"


def test_tf_keras_exports():
    for name in ("tf.keras", "tf.keras.layers", "tf.keras.Sequential", "tf.keras.layers.Dense",
                 "tf.keras.optimizers.legacy.Adam", "tf.keras.layers.experimental.preprocessing"):
        assert apimap.tf_keras_exports(name, "2.21"), name
        assert not apimap.tf_keras_exports(name, "2.15"), name  # no tf-keras wheel before 2.16
    for keras3_only in ("tf.keras.ops", "tf.keras.ops.add", "tf.keras.random", "tf.keras.config",
                        "tf.keras.layers.TFSMLayer"):
        assert not apimap.tf_keras_exports(keras3_only, "2.21"), keras3_only


# --- protobuf modules: members from the serialized descriptors ----------------

def test_protobuf_members_come_from_the_descriptor():
    from hub_dist_lint import history

    tensor_proto = "tensorflow.core.framework.tensor_pb2.TensorProto"
    assert history.exists_in(tensor_proto) == ALL  # bound at run time by newer protoc output
    assert history.exists_in("tensorflow.core.framework.tensor_pb2.NoSuchMessage") == ()
    # a top-level enum binds its values at module level
    assert "2.21" in history.exists_in("tensorflow.core.framework.types_pb2.DT_FLOAT")
    saver_def = "tensorflow.core.protobuf.saver_pb2.SaverDef"
    # exported from tensorflow.python.training.training, which imports this very class
    assert apimap.public_name_for(saver_def) == "tf.compat.v1.train.SaverDef"
    assert apimap.public_name_at(saver_def, "2.21") == "tf.compat.v1.train.SaverDef"


def test_tf2_bindings_resolve_as_tf2_runs_them():
    # `if tf2.enabled(): X = XV2 else: X = XV1`
    assert apimap.public_name_for("tensorflow.python.data.ops.readers.TFRecordDataset") == \
        "tf.data.TFRecordDataset"
    assert apimap.public_name_for("tensorflow.python.framework.device.DeviceSpec") == "tf.DeviceSpec"
    assert apimap.public_name_for("tensorflow.python.data.experimental.ops.counter.Counter") == \
        "tf.data.experimental.Counter"
    # `zero = zeros = Zeros`
    assert apimap.public_name_for("tensorflow.python.ops.init_ops_v2.zeros") == "tf.zeros_initializer"
    # set by a module TensorFlow imports: `execute.record_gradient = record_gradient`
    # (its only export is tf.__internal__.record_gradient, which is not API)
    assert apimap.private_homes("tf.__internal__.record_gradient")
    assert apimap.public_name_at("tensorflow.python.eager.execute.record_gradient", "2.21") is None
