"""Fix safety (issue 11): runnable programs, each run before and after `hub-dist-fix`.

Every program in tests/programs/fixsafety/ (a file, or a directory with main.py) runs
with plain `python3` under real TF 2.21 on 2 logical CPUs, gets `python3 -m hub_dist_lint
fix --unsafe-fixes` on a copy (each program is the entry point it is run as, which is what
the unsafe fixes assume), and the fixed copy runs again. Its header says what must hold:

    # hdl-expect: keep      the original runs; the fixed one runs with the same stdout
    # hdl-expect: repair    the original fails; the fix changes it and the fixed one runs
    # hdl-expect: report    the original fails; the fix may leave it, or must make it run
    # hdl-expect: unfixed   the fix leaves the program byte-identical
    # hdl-findings: HDL201 HDL202 | none    the exact codes linting the original reports

The safe fixes alone (hub-dist-fix's default, what pre-commit applies unattended) are
applied to another copy: where they give another program than all fixes do, it runs too,
and a program that ran before must run after them with the same output.

Each program gets argv[1]: the path of a tiny local SavedModel (make_hub_model.py), and
finds the modules of fixsafety/_support/ next to it (by hand: PYTHONPATH=_support).
All programs are run once, two at a time, when the session starts; each test checks
one program's outcome. Known fixer bugs are in KNOWN_FIX_FAILURES / KNOWN_FINDING_FAILURES
(strict xfail: remove the entry when the bug is fixed).
"""

from __future__ import annotations

import filecmp
import importlib.util
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional

import pytest

from conftest import run_cli
from tf_support import run_python

pytestmark = pytest.mark.tf
# Found, not imported: the programs import TensorFlow in their own processes.
if any(importlib.util.find_spec(name) is None for name in ("tensorflow", "tensorflow_hub", "tf_keras")):
    pytest.skip("needs tensorflow, tensorflow_hub and tf_keras", allow_module_level=True)

CORPUS = Path(__file__).resolve().parent / "programs" / "fixsafety"
SUPPORT = CORPUS / "_support"  # modules the programs import; never fixed, never a program
EXPECTATIONS = ("keep", "repair", "report", "unfixed")
HEADER = re.compile(r"#\s*hdl-(expect|findings):\s*(.*?)\s*$")
FINDING = re.compile(r":\d+:\d+: (HDL\d+) ")

# Programs whose fix (or lint) is known to break the promise today, and why.
KNOWN_FIX_FAILURES: Dict[str, str] = {}
KNOWN_FINDING_FAILURES: Dict[str, str] = {
    "issue11_01d_load_outside_updated_per_replica":
        "issue 11 item 1: no HDL201 for the silent fault (hand-written assign_sub on the loaded "
        "model's variables in strategy.run: each replica updates the one plain variable); "
        "only optimizer training (trainable_variables) is recognised",
}


@dataclass(frozen=True)
class Program:
    name: str
    source: Path  # the file, or the directory holding main.py
    main: str  # file name of the entry point inside the program's copy
    expect: str
    findings: Optional[FrozenSet[str]]  # None: not declared


def read_header(path: Path):
    declared = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADER.match(line)
        if not match:
            break
        declared[match.group(1)] = match.group(2)
    return declared


def discover() -> List[Program]:
    programs = []
    for source in sorted(CORPUS.iterdir()):
        if source.name.startswith((".", "_")):
            continue
        main = "main.py" if source.is_dir() else source.name
        header = read_header(source / main if source.is_dir() else source)
        findings = header.get("findings")
        if findings is not None:
            findings = frozenset() if findings == "none" else frozenset(findings.split())
        programs.append(Program(source.name.removesuffix(".py"), source, main,
                                header.get("expect", ""), findings))
    return programs


PROGRAMS = discover()


@dataclass
class Outcome:
    original: Optional[subprocess.CompletedProcess]  # None: not run (unfixed programs)
    fix: subprocess.CompletedProcess
    changed: bool
    fixed: Optional[subprocess.CompletedProcess]  # None: unchanged, nothing new to run
    # the program after the safe fixes only, when that differs from both the original
    # and the program after all fixes (None: nothing new to run)
    safe_fixed: Optional[subprocess.CompletedProcess] = None


def place(program: Program, root: Path) -> Path:
    """A copy of the program under root; returns the directory holding it."""
    home = root / program.name
    if program.source.is_dir():
        shutil.copytree(program.source, home)
    else:
        home.mkdir(parents=True)
        shutil.copy2(program.source, home / program.main)
    for module in SUPPORT.glob("*.py"):
        shutil.copy2(module, home / module.name)
    return home


def own_files(program: Program, home: Path) -> List[Path]:
    """The program's files in its copy, all in one run (not the support modules)."""
    if program.source.is_dir():
        return sorted(home / path.relative_to(program.source) for path in program.source.rglob("*.py"))
    return [home / program.main]


def same_tree(left: Path, right: Path) -> bool:
    compared = filecmp.dircmp(left, right)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    return not mismatch and not errors and all(
        same_tree(left / sub, right / sub) for sub in compared.common_dirs)


def exercise(program: Program, work: Path, model: Path) -> Outcome:
    original_home, fixed_home = place(program, work / "original"), place(program, work / "fixed")
    original = None if program.expect == "unfixed" else \
        run_python(program.main, model, cwd=original_home, timeout=300)
    fix = run_cli("--isolated", "--unsafe-fixes", *own_files(program, fixed_home), fix=True)
    changed = not same_tree(original_home, fixed_home)
    fixed = run_python(program.main, model, cwd=fixed_home, timeout=300) if changed else None
    safe_home = place(program, work / "safe")
    run_cli("--isolated", *own_files(program, safe_home), fix=True)
    safe_fixed = None
    if not same_tree(original_home, safe_home) and not same_tree(safe_home, fixed_home):
        safe_fixed = run_python(program.main, model, cwd=safe_home, timeout=300)
    return Outcome(original, fix, changed, fixed, safe_fixed)


def lint_codes(work: Path, names: List[str]) -> Dict[str, FrozenSet[str]]:
    """The codes linting each program's original reports, from one CLI run over all of them."""
    files = []
    for program in PROGRAMS:
        if program.name in names:
            files += own_files(program, place(program, work / "lint"))
    result = run_cli("--isolated", *files, cwd=work / "lint")
    assert result.returncode in (0, 1), result.stderr.decode()[-2000:]
    codes = {name: set() for name in names}
    for line in result.stdout.decode().splitlines():
        match = FINDING.search(line)
        if match:
            codes[Path(line.split(":", 1)[0]).resolve().relative_to(work / "lint").parts[0]].add(
                match.group(1))
    return {name: frozenset(found) for name, found in codes.items()}


def selected(session, fixture_name: str) -> List[Program]:
    """The programs of the tests this session runs that use the fixture."""
    names = {item.callspec.params["program"].name for item in session.items
             if hasattr(item, "callspec") and "program" in item.callspec.params
             and fixture_name in item.fixturenames}
    return [p for p in PROGRAMS if p.name in names]


@pytest.fixture(scope="session")
def fixsafety_work(tmp_path_factory):
    return tmp_path_factory.mktemp("fixsafety")


@pytest.fixture(scope="session")
def outcomes(request, fixsafety_work, hub_model):
    """Every selected program run before and after the fix, two at a time, started at once."""
    pool = ThreadPoolExecutor(2)
    request.addfinalizer(lambda: pool.shutdown(cancel_futures=True))
    return {p.name: pool.submit(exercise, p, fixsafety_work, hub_model)
            for p in selected(request.session, "outcomes")}


@pytest.fixture(scope="session")
def findings(request, fixsafety_work):
    names = [p.name for p in selected(request.session, "findings")]
    return lint_codes(fixsafety_work, names)


def param(program: Program, known: Dict[str, str]):
    marks = [pytest.mark.xfail(strict=True, reason=known[program.name])] if program.name in known else []
    return pytest.param(program, id=program.name, marks=marks)


def tail(completed: Optional[subprocess.CompletedProcess]) -> str:
    if completed is None:
        return "(not run)"
    return (f"exit {completed.returncode}\nstdout:\n{completed.stdout[-1500:]}\n"
            f"stderr:\n{completed.stderr[-2500:]}")


def test_corpus_is_large_enough():
    assert len(PROGRAMS) >= 40


@pytest.mark.parametrize("program", [param(p, {}) for p in PROGRAMS])
def test_header_matches_the_original(program, outcomes):
    assert program.expect in EXPECTATIONS, f"{program.name}: bad or missing `# hdl-expect:`"
    if program.expect == "report":
        assert program.findings, "a `report` program declares the findings it must get"
    outcome: Outcome = outcomes[program.name].result()
    if program.expect == "keep":
        assert outcome.original.returncode == 0, tail(outcome.original)
    elif program.expect in ("repair", "report"):
        assert outcome.original.returncode != 0, tail(outcome.original)


@pytest.mark.parametrize("program", [param(p, KNOWN_FIX_FAILURES) for p in PROGRAMS])
def test_fix_keeps_its_promise(program, outcomes):
    outcome: Outcome = outcomes[program.name].result()
    fix_says = outcome.fix.stdout.decode() + outcome.fix.stderr.decode()
    assert outcome.fix.returncode in (0, 1), fix_says
    if program.expect == "unfixed":
        assert not outcome.changed, f"the fix changed an unfixed program:\n{fix_says}"
        return
    if program.expect == "repair":
        assert outcome.changed, f"the fix did not change a program it must repair:\n{fix_says}"
    if not outcome.changed:
        return
    assert outcome.fixed.returncode == 0, f"{fix_says}\nfixed program:\n{tail(outcome.fixed)}"
    if program.expect == "keep":
        assert outcome.fixed.stdout == outcome.original.stdout, (
            f"{fix_says}\noriginal:\n{tail(outcome.original)}\nfixed:\n{tail(outcome.fixed)}")


@pytest.mark.parametrize("program", [param(p, {}) for p in PROGRAMS])
def test_safe_fixes_alone_keep_a_running_program(program, outcomes):
    outcome: Outcome = outcomes[program.name].result()
    if outcome.safe_fixed is None or outcome.original is None or outcome.original.returncode:
        return  # nothing of its own to run, or the program failed before any fix
    assert outcome.safe_fixed.returncode == 0, tail(outcome.safe_fixed)
    assert outcome.safe_fixed.stdout == outcome.original.stdout, (
        f"original:\n{tail(outcome.original)}\nsafe fixes only:\n{tail(outcome.safe_fixed)}")


@pytest.mark.parametrize("program", [param(p, KNOWN_FINDING_FAILURES) for p in PROGRAMS
                                     if p.findings is not None])
def test_lint_reports_the_declared_findings(program, findings):
    assert findings[program.name] == program.findings
