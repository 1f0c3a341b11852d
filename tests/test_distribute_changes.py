"""The HDL3xx/HDL4xx table: every claim checked against the generated API map and wheels.

Nothing here is typed twice: the JSON is generated (generate_distribute_changes.py),
the public-name facts come from the API map; these tests re-derive each claim.
"""

import json
import tempfile
from pathlib import Path

import pytest

from hub_dist_lint import apimap, changes
from hub_dist_lint.data import generate_api_map, generate_distribute_changes
from hub_dist_lint.engine import lint

LATEST = "2.21"
DATA = changes.data()


def test_releases_match_the_api_map():
    assert tuple(DATA["releases"]) == apimap.releases()


def test_deprecated_symbols_exist_where_deprecated():
    assert set(DATA["deprecated_symbols"]) == {
        "tf.distribute.experimental.TPUStrategy",
        "tf.distribute.experimental.MultiWorkerMirroredStrategy",
        "tf.distribute.experimental.CollectiveHints",
    }
    for name, entry in DATA["deprecated_symbols"].items():
        for release in changes.rels(entry["releases"]):
            assert apimap.public_exists(name, release), (name, release)


def test_symbol_replacements_against_the_map():
    # "public since 2.3/2.4/2.8" (issue 5) is what the map says, and what messages print
    since = {new: apimap.public_releases(new)[0] for new in DATA["symbol_fixes"].values()}
    assert since == {"tf.distribute.TPUStrategy": "2.3",
                     "tf.distribute.MultiWorkerMirroredStrategy": "2.4",
                     "tf.distribute.ParameterServerStrategy": "2.8",
                     "tf.distribute.experimental.CommunicationOptions": "2.4"}
    for old, new in DATA["symbol_fixes"].items():
        assert apimap.public_exists(old, LATEST) and apimap.public_exists(new, LATEST)
        assert changes.deprecated_symbol(new) is None
    # an alias of the stable name, never deprecated: in the table, never reported
    assert changes.deprecated_symbol("tf.distribute.experimental.ParameterServerStrategy") is None
    assert apimap.private_homes("tf.distribute.experimental.ParameterServerStrategy")[
        "tensorflow.python.distribute.parameter_server_strategy_v2.ParameterServerStrategyV2"][-1] == LATEST
    # no non-experimental name: stays
    assert not apimap.public_releases("tf.distribute.CentralStorageStrategy")


def test_contrib_is_absent_from_every_release_and_replacements_exist():
    for name, new in DATA["contrib_distribute"].items():
        assert apimap.public_releases(f"tf.contrib.distribute.{name}") == ()
        assert apimap.public_exists(new, LATEST), new
    assert apimap.public_releases("tf.contrib") == ()


def test_experimental_set_strategy_is_current_and_not_flagged():
    assert apimap.public_exists("tf.distribute.experimental_set_strategy", LATEST)
    assert "tf.distribute.experimental_set_strategy" not in DATA["deprecated_symbols"]


def test_method_claims():
    m = DATA["strategy_methods"]
    # the claims, re-derived from the per-release masks
    assert changes.removed_in(m["experimental_run_v2"]["any_v2"], LATEST) == "2.4"
    assert changes.rels(m["experimental_run_v2"]["v2_deprecated"])[0] == "2.2"
    assert changes.first_since(m["experimental_distribute_datasets_from_function"]["v2_deprecated"],
                               LATEST) == "2.4"
    assert changes.removed_in(m["experimental_make_numpy_dataset"]["any_v2"], LATEST) == "2.4"
    assert changes.has(m["experimental_make_numpy_dataset"]["v1"], LATEST)  # TF 1 strategies keep it
    # current experimental_* methods are API: present, not deprecated
    for name in ("experimental_local_results", "experimental_distribute_dataset",
                 "experimental_distribute_values_from_function"):
        assert changes.has(m[name]["v2"], LATEST) and not changes.has(m[name]["v2_deprecated"], LATEST)
    # TPUStrategy's logical-device methods left the base class, not TPUStrategy
    assert changes.has(m["experimental_split_to_logical_devices"]["any_v2"], LATEST)
    # every fix targets a current, non-deprecated method with the same parameters
    for name, entry in m.items():
        fix = entry.get("fix")
        if not fix:
            continue
        new = fix["replacement"].split(".")[-1] if fix["how"] == "extended" else fix["replacement"]
        if fix["how"] == "rename":
            assert changes.has(m[new]["v2"], LATEST) and not changes.has(m[new]["v2_deprecated"], LATEST)
            assert entry["params"]["args"] == m[new]["params"]["args"], name


def test_flagged_methods_are_exactly_the_removed_or_deprecated_ones():
    flagged = {n for n, e in DATA["strategy_methods"].items()
               if not changes.has(e["any_v2"], LATEST) or changes.has(e["v2_deprecated"], LATEST)}
    assert flagged == {"experimental_run_v2", "experimental_make_numpy_dataset",
                       "experimental_distribute_datasets_from_function", "unwrap",
                       "colocate_vars_with", "experimental_run", "configure"}


def test_namespace_placeholders():
    assert DATA["api_dir_appended"] == (1 << len(DATA["releases"])) - 1
    distribute = DATA["namespace_packages"]["tensorflow.distribute"]
    assert changes.rels(distribute["releases"])[0] == "2.7" and distribute["empty"] == distribute["releases"]
    assert changes.resolve_module("tensorflow.distribute.cluster_resolver", LATEST) == (
        "missing", "tensorflow.distribute")
    assert changes.resolve_module("tensorflow.distribute.cluster_resolver", "2.6") == ("api", None)
    assert changes.resolve_module("tensorflow.distribute.experimental", LATEST) == ("wheel", None)
    assert changes.resolve_module("tensorflow.data.experimental", LATEST) == ("api", None)
    assert changes.resolve_module("tensorflow.compat.v2", LATEST) == ("api", None)
    assert changes.resolve_module("tensorflow.keras.layers", LATEST) == ("unknown", None)


def test_messages_say_since_when():
    code = ("import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n"
            "strategy.experimental_run_v2(print)\n"
            "from tensorflow.distribute import MirroredStrategy\n")
    messages = [d.message for d in lint(code)]
    assert "removed in TF 2.4" in messages[0] and "AttributeError on TF 2.21" in messages[0]
    assert "since TF 2.7" in messages[1]


def test_older_target_release():
    from hub_dist_lint.config import Config

    code = "from tensorflow.distribute import MirroredStrategy\n"
    assert [d.code for d in lint(code)] == ["HDL402"]
    assert lint(code, config=Config(target_tf="2.6")) == []
    run_v2 = ("import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n"
              "strategy.experimental_run_v2(print)\n")
    assert [d.code for d in lint(run_v2, config=Config(target_tf="2.3"))] == ["HDL302"]


def _wheels_cached():
    return all(any(generate_api_map.DEFAULT_WHEEL_DIR.glob(f"tensorflow_cpu-{v}-*.whl"))
               for _, v, _ in generate_api_map.RELEASES)


@pytest.mark.skipif(not _wheels_cached(), reason="TensorFlow wheels not in the cache")
def test_checked_in_data_matches_the_wheels():
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "d.json"
        generate_distribute_changes.main(["--out", str(out)])
        assert json.loads(out.read_text()) == DATA
