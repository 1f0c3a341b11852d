"""tensorflow_hub's own API history (hub_facts, from the hub wheels) and HDL305.

The tf-marked test at the end checks the data against the tensorflow_hub installed here
(0.16.1): every name the data gives 0.16.1 exists, every other one raises AttributeError.
"""

import json
import subprocess
import sys
import textwrap

import pytest

from conftest import run_cli
from hub_dist_lint import hub_facts, tf_pins
from hub_dist_lint.config import Config
from hub_dist_lint.engine import lint
from hub_dist_lint.notebooks import analyze_notebook

TF1_NAMES = {"Module", "ModuleSpec", "load_module_spec", "create_module_spec", "add_signature",
             "text_embedding_column", "image_embedding_column", "LatestModuleExporter"}


def codes(source, **config):
    return [(d.line, d.code) for d in lint(textwrap.dedent(source), "x.py", Config(**config))
            if d.code == "HDL305"]


def messages(source, **config):
    return [d.message for d in lint(textwrap.dedent(source), "x.py", Config(**config))
            if d.code == "HDL305"]


# -- the data ------------------------------------------------------------------------------


def test_releases_read_from_the_wheels():
    assert hub_facts.releases()[0] == "0.7.0" and hub_facts.latest_release() == "0.16.1"
    assert set(hub_facts.names_at("0.16.1")) == {"KerasLayer", "load", "resolve", "__version__"}
    assert TF1_NAMES <= set(hub_facts.names_at("0.15.0"))
    assert "text_embedding_column_v2" not in hub_facts.names_at("0.7.0")  # came in 0.8.0


def test_a_name_history():
    module = hub_facts.name("hub.Module")
    assert module == hub_facts.name("tensorflow_hub.Module") == hub_facts.name("Module")
    assert module.releases.text() == "0.7.0\u20130.15.0"
    assert module.removed_in("0.16.1") == "0.16.0" and module.in_release("0.12.0")
    assert module.home == "tensorflow_hub.module.Module" and module.kind == "class"
    assert "hub.load()" in module.note  # the wheel's own deprecation warning
    assert module.successor.startswith("hub.load(handle)")
    assert hub_facts.name("hub.KerasLayer").guarded[0] == ("0.7.0", "try (except ImportError)")
    assert hub_facts.name("hub.nothing_like_it") is None


def test_modules_and_star_import_facts():
    assert "0.15.0" in hub_facts.module_releases("tensorflow_hub.feature_column")
    assert "0.16.1" not in hub_facts.module_releases("tensorflow_hub.feature_column")
    assert "0.16.1" in hub_facts.module_releases("tensorflow_hub.resolver")
    assert hub_facts.star_import_missing("0.16.1")[0] == "LatestModuleExporter"
    assert hub_facts.star_import_missing("0.15.0") == ()


def test_the_hub_release_pip_installs_beside_every_tensorflow():
    """hub 0.16.1 requires tf-keras>=2.14.1, and tf-keras 2.14.1 requires no TensorFlow:
    pip installs hub 0.16.1 beside any TF release."""
    data = hub_facts.data()
    assert data["tf_keras_requires"]["2.14.1"] == []
    assert any(r.startswith("tf-keras") for r in data["requires"]["0.16.1"])
    for tf_release in ("2.2", "2.10", "2.15", "2.16", "2.21"):
        target = hub_facts.for_tensorflow(tf_release)
        assert target.release == "0.16.1" and f"beside TF {tf_release}" in target.reason


# -- pins ------------------------------------------------------------------------------------


def test_hub_pins():
    assert tf_pins.hub_target_of("tensorflow-hub==0.12").target == "0.12.0"
    assert tf_pins.hub_target_of("tensorflow_hub<0.16").target == "0.15.0"
    assert tf_pins.hub_target_of("tensorflow-hub") is None  # no version: not a pin
    assert tf_pins.hub_target_of("tensorflow==2.4") is None
    assert tf_pins.hub_target_of("tensorflow-hub==0.5.0").too_old
    assert tf_pins.hub_pin_in_commands("!pip install -q tensorflow==2.15 tensorflow-hub==0.9.0").target == "0.9.0"
    both = tf_pins.combined_hub_pin(["tensorflow-hub>=0.9", "tensorflow-hub<0.13", "numpy"])
    assert both.target == "0.12.0"


def test_a_project_pin_decides_the_hub_release(tmp_path):
    (tmp_path / "train.py").write_text("import tensorflow_hub as hub\nm = hub.Module('h')\n")
    found = run_cli("--select", "HDL305", "--exit-zero", "train.py", cwd=tmp_path)
    assert "HDL305 hub.Module: removed in tensorflow_hub 0.16.0" in found.stdout.decode()
    (tmp_path / "requirements.txt").write_text("tensorflow==2.15.1\ntensorflow-hub==0.12.0\n")
    assert run_cli("--select", "HDL305", "train.py", cwd=tmp_path).returncode == 0
    (tmp_path / "requirements.txt").write_text("tensorflow-hub>=0.15\n")
    out = run_cli("--select", "HDL305", "--exit-zero", "train.py", cwd=tmp_path).stdout.decode()
    assert "tensorflow-hub 0.16.1, the newest release `tensorflow-hub>=0.15` allows" in out


def test_a_tensorflow_1_project_has_no_known_hub_release(tmp_path):
    """pip installs tensorflow-hub 0.16.1 beside TF 2 only: beside TF 1.15 (Python <= 3.7,
    where tf-keras cannot be installed) it takes an older hub, so nothing is reported."""
    (tmp_path / "train.py").write_text("import tensorflow_hub as hub\nm = hub.Module('h')\n")
    (tmp_path / "requirements.txt").write_text("tensorflow==1.15.5\n")
    assert run_cli("--select", "HDL305", "train.py", cwd=tmp_path).returncode == 0
    (tmp_path / "requirements.txt").write_text("tensorflow==1.15.5\ntensorflow-hub==0.16.1\n")
    assert run_cli("--select", "HDL305", "train.py", cwd=tmp_path).returncode == 1


def test_a_notebook_pin_decides_the_hub_release():
    def notebook(install):
        cells = [install, "import tensorflow_hub as hub\nembed = hub.Module('h')\n"]
        return json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                                      "execution_count": None, "source": c} for c in cells],
                           "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()

    def found(install):
        return [f.diagnostic.message for f in analyze_notebook(notebook(install), "n.ipynb").findings
                if f.diagnostic.code == "HDL305"]

    assert found("!pip install tensorflow-hub==0.12.0\n") == []
    assert found("!pip install tensorflow-hub==0.4.0\n") == []  # older than the data: unknown
    [message] = found("!pip install tensorflow-hub\n")
    assert "tensorflow-hub 0.16.1, what pip installs beside TF 2.21" in message


# -- the rule ----------------------------------------------------------------------------------


def test_names_resolve_through_the_imports():
    assert codes("""\
        import tensorflow_hub as tfhub
        from tensorflow_hub import Module as HubModule
        m = tfhub.Module("h")
        def f():
            import tensorflow_hub as th
            return th.load_module_spec("h")
        """) == [(2, "HDL305"), (3, "HDL305"), (6, "HDL305")]


def test_what_is_not_tensorflow_hub_is_not_reported():
    assert codes("""\
        import tensorflow_hub
        hub = make_hub()
        m = hub.Module("h")
        def f(hub):
            return hub.Module("h")
        class A:
            hub = None
            def g(self):
                return self.hub.text_embedding_column("x", "h")
        """) == []


def test_current_names_and_unknown_names_are_not_reported():
    assert codes("""\
        import tensorflow_hub as hub
        layer = hub.KerasLayer("h")
        model = hub.load("h")
        path = hub.resolve("h")
        resolver = hub.resolver  # a module 0.16.1 ships
        new = hub.SomethingNewer  # no release in the data binds it: nothing is known
        """) == []


def test_guarded_reads_and_imports_are_not_reported():
    assert codes("""\
        import tensorflow_hub as hub
        try:
            from tensorflow_hub import text_embedding_column
        except ImportError:
            text_embedding_column = None
        try:
            m = hub.Module("h")
        except (AttributeError, RuntimeError):
            m = hub.load("h")
        """) == []
    assert codes("""\
        import tensorflow_hub as hub
        try:
            m = hub.Module("h")
        except RuntimeError:
            m = None
        """) == [(3, "HDL305")]


def test_removed_modules():
    found = messages("""\
        import tensorflow_hub.feature_column
        from tensorflow_hub.module import Module
        from tensorflow_hub import native_module
        import tensorflow_hub.resolver
        """)
    assert [m.split(":")[0] for m in found] == [
        "import of tensorflow_hub.feature_column", "import of tensorflow_hub.module.Module",
        "import of tensorflow_hub.native_module"]
    assert "ModuleNotFoundError" in found[0] and "ImportError" in found[2]


def test_the_message_says_the_history_and_the_successor():
    [message] = messages("import tensorflow_hub as hub\nc = hub.text_embedding_column('s', 'h')\n")
    assert message.startswith("hub.text_embedding_column: removed in tensorflow_hub 0.16.0 "
                              "(it is in 0.7.0\u20130.15.0): AttributeError with tensorflow-hub "
                              "0.16.1, what pip installs beside TF 2.21; instead: hub.KerasLayer")
    [star] = messages("from tensorflow_hub import *\n")
    assert "has no attribute 'LatestModuleExporter'" in star
    assert messages("from tensorflow_hub import *\n", target_hub="0.15.0") == []


def test_the_pinned_release_decides():
    source = "import tensorflow_hub as hub\nc = hub.text_embedding_column_v2('s', 'h')\n"
    assert codes(source, target_hub="0.12.0") == []
    [message] = messages(source, target_hub="0.7.0")
    assert "not in tensorflow_hub 0.7.0 (it is in 0.8.0\u20130.15.0)" in message
    assert codes(source, target_hub="") == []  # pinned older than the data


def test_no_fix_is_offered():
    from hub_dist_lint.fixing import fix_source

    source = b"import tensorflow_hub as hub\nm = hub.Module('h')\n"
    new, fixed, left = fix_source(source, "x.py", Config())
    assert new == source and fixed == []


# -- explain -------------------------------------------------------------------------------------


def test_explain_tells_a_hub_name_history():
    result = run_cli("explain", "hub.Module", "tensorflow_hub.Module", "hub.text_embedding_column")
    out = result.stdout.decode()
    assert result.returncode == 0, out
    assert "hub.Module  (asked: tensorflow_hub.Module)" in out
    assert "releases:   tensorflow_hub 0.7.0\u20130.15.0 (data covers tensorflow_hub 0.7.0\u20130.16.1)" in out
    assert "status:     removed in tensorflow_hub 0.16.0: AttributeError with tensorflow-hub 0.16.1" in out
    assert "instead:    hub.load(handle)" in out
    assert "instead:  hub.KerasLayer(handle) on the text feature" in out


def test_explain_json_and_modules_and_unknown_names():
    result = run_cli("explain", "--format", "json", "hub.KerasLayer", "tensorflow_hub.feature_column")
    layer, module = json.loads(result.stdout)
    assert layer["found"] and layer["removed_in"] is None and layer["releases"][-1] == "0.16.1"
    assert layer["details"]["conditional"].startswith("in tensorflow_hub 0.7.0\u20130.9.0 bound under")
    assert module["kind"] == "tensorflow_hub module" and module["removed_in"] == "0.16.0"
    missing = run_cli("explain", "hub.module")
    assert missing.returncode == 0  # tensorflow_hub.module, the module
    unknown = run_cli("explain", "hub.NoSuchThing")
    assert unknown.returncode == 1 and "not a public name or module" in unknown.stdout.decode()


# -- against the installed tensorflow_hub ------------------------------------------------------


@pytest.mark.tf
def test_the_data_matches_the_installed_tensorflow_hub():
    """In a fresh interpreter: every name the data gives the installed release exists,
    every other one raises AttributeError; the modules likewise; the star import fails
    on the name the data says."""
    program = textwrap.dedent("""\
        import importlib.util, json, sys
        import tensorflow_hub as hub
        out = {"version": hub.__version__, "has": {}, "modules": {}}
        for name in json.loads(sys.argv[1]):
            try:
                getattr(hub, name)
                out["has"][name] = True
            except AttributeError:
                out["has"][name] = False
        for module in json.loads(sys.argv[2]):
            try:
                out["modules"][module] = importlib.util.find_spec(module) is not None
            except ModuleNotFoundError:  # its parent package is not there
                out["modules"][module] = False
        try:
            exec("from tensorflow_hub import *", {})
            out["star"] = None
        except AttributeError as error:
            out["star"] = str(error)
        print(json.dumps(out))
        """)
    names = list(hub_facts.ever_names())
    modules = list(hub_facts.data()["modules"])
    result = subprocess.run([sys.executable, "-c", program, json.dumps(names), json.dumps(modules)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    release = seen["version"]
    assert release in hub_facts.releases()
    expected = set(hub_facts.names_at(release))
    assert {n for n, has in seen["has"].items() if has} == expected
    assert TF1_NAMES - expected == {n for n, has in seen["has"].items() if not has} & TF1_NAMES
    assert {m for m, has in seen["modules"].items() if has} == {
        m for m in modules if release in hub_facts.module_releases(m)}
    missing = hub_facts.star_import_missing(release)
    if missing:
        assert seen["star"] == f"module 'tensorflow_hub' has no attribute '{missing[0]}'"
    else:
        assert seen["star"] is None


FAILING_STATEMENTS = (
    "import tensorflow_hub as hub\nhub.Module",
    "import tensorflow_hub as hub\nhub.text_embedding_column",
    "import tensorflow_hub as hub\nhub.feature_column",
    "from tensorflow_hub import Module",
    "from tensorflow_hub import feature_column",
    "from tensorflow_hub.module import Module",
    "import tensorflow_hub.feature_column",
    "from tensorflow_hub import *",
)


@pytest.mark.tf
def test_each_reported_statement_raises_the_error_its_message_names():
    """Each statement runs in one fresh interpreter with the installed tensorflow_hub; the
    error HDL305 names (on the release installed) is the very exception it raises."""
    program = textwrap.dedent("""\
        import json, sys
        import tensorflow_hub
        raised = []
        for statement in json.loads(sys.argv[1]):
            try:
                exec(statement, {})
                raised.append(None)
            except Exception as error:
                raised.append(type(error).__name__)
        print(json.dumps([tensorflow_hub.__version__, raised]))
        """)
    result = subprocess.run([sys.executable, "-c", program, json.dumps(FAILING_STATEMENTS)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    release, raised = json.loads(result.stdout.strip().splitlines()[-1])
    for statement, error in zip(FAILING_STATEMENTS, raised):
        found = messages(statement + "\n", target_hub=release)
        assert len(found) == 1 and error is not None, (statement, found, error)
        named = found[0].split("): ", 1)[1].split(" ", 1)[0] if "): " in found[0] else ""
        if statement.endswith("*"):
            named = found[0].split("removed: ", 1)[1].split(":", 1)[0]
        assert named == error, (statement, found[0], error)
