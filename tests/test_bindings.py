"""analysis.bindings: which binding a read gets, by Python's scoping rules (for fixes)."""

import ast

from hub_dist_lint.analysis.bindings import Bindings


def _reads(code: str, name: str):
    """Lines of the reads of `name` that get the module's binding, and whether unsure."""
    bindings = Bindings(ast.parse(code))
    reads, unsure = bindings.reads(name, bindings.module)
    return sorted(node.lineno for node in reads), unsure


def test_function_locals_parameters_and_lambdas_shadow():
    code = ("import m\n"
            "def f(m):\n    return m\n"          # parameter
            "def g():\n    m = 1\n    return m\n"  # a local
            "h = lambda m: m\n"
            "def k():\n    return m\n")           # the module's
    assert _reads(code, "m") == ([9], False)


def test_comprehension_variables_and_the_first_iterable():
    code = "import m\nxs = [m for m in m]\nys = {m: 1 for _ in m}\n"
    # `for m in m`: the iterable is read in the module scope; `m` in the element is the
    # comprehension's; in `ys` both reads are the module's
    assert _reads(code, "m") == ([2, 3, 3], False)


def test_walrus_in_a_comprehension_binds_in_the_function():
    code = "import m\ndef f(xs):\n    [(m := x) for x in xs]\n    return m\n"
    assert _reads(code, "m") == ([], False)


def test_global_and_nonlocal_declarations():
    code = ("import m\n"
            "def f():\n    global m\n    m = 2\n"
            "def g():\n    m = 1\n    def h():\n        nonlocal m\n        return m\n    return h\n")
    bindings = Bindings(ast.parse(code))
    assert len(bindings.module.bindings["m"]) == 2  # the import and f's global assignment
    assert _reads(code, "m") == ([], False)


def test_a_class_body_that_binds_the_name_it_reads_is_unsure():
    code = "import m\nclass A:\n    x = m\n    m = 1\n    def f(self):\n        return m\n"
    assert _reads(code, "m") == ([6], True)


def test_except_match_and_del_bind():
    code = ("import m\n"
            "def f():\n    try:\n        pass\n    except ValueError as m:\n        return m\n"
            "def g(v):\n    match v:\n        case [m]:\n            return m\n"
            "def h():\n    del m\n")
    assert _reads(code, "m") == ([], False)


def test_names_used_and_string_annotations():
    bindings = Bindings(ast.parse("import tf_keras as k\ndef f(x: 'ops.Tensor') -> None:\n    y = z\n"))
    assert not bindings.is_free("k") and not bindings.is_free("z") and not bindings.is_free("y")
    assert bindings.is_free("tf")
    assert bindings.in_string_annotation("ops") and not bindings.in_string_annotation("op")


def test_a_function_that_rebinds_a_name_reads_its_own():
    """Where libcst's scope analysis counted module reads (tensorflow/addons' sparsemax_loss,
    horovod's test_spark): a parameter or local rebound in the function is the function's."""
    code = ("from m import sparsemax\n"
            "def loss(sparsemax):\n    sparsemax = convert(sparsemax)\n    return sparsemax * 2\n"
            "def store():\n    sparsemax = create()\n    assert isinstance(sparsemax, int)\n"
            "def use(x):\n    return sparsemax(x)\n")
    assert _reads(code, "sparsemax") == ([9], False)
