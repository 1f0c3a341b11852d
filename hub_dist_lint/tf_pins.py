"""The TensorFlow release a requirement installs: the target when none is configured.

pip installs the newest release a requirement allows, so that release is the one the
code will meet (as ruff reads `requires-python`). A notebook's own `!pip install
tensorflow==2.15.1` cell is such a requirement.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from .files import DirectoryNames, nearest_upward

# Distributions that install the `tensorflow` package (tf-nightly is no release).
TENSORFLOW_DISTRIBUTIONS = frozenset({
    "tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-intel", "tensorflow-macos",
    "tensorflow-aarch64", "tensorflow-cpu-aws",
})
# pip options that take a value (the value is not a requirement)
_VALUED = frozenset({"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i",
                     "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
                     "--prefix", "--root", "--src", "--upgrade-strategy", "--platform",
                     "--python-version", "--implementation", "--abi", "--progress-bar",
                     "--cache-dir", "--log", "--trusted-host", "--proxy", "--timeout", "--retries"})
_PIP = re.compile(r"(?:^|[\s;&|])(?:\S*python[\d.]*\s+-m\s+pip|\{sys\.executable\}\s+-m\s+pip|"
                  r"\S*pip[\d.]*)\s+install\s+(?P<args>[^;&|#\n]*)")
_TF_VERSION_MAGIC = re.compile(r"^\s*%tensorflow_version\s+(?P<major>\d)\.x", re.M)


@dataclass(frozen=True)
class Pin:
    """What a requirement says of the target release."""

    requirement: str  # as written
    target: Optional[str]  # the release it installs, None when the data covers none of them
    reason: str  # for --verbose: which release and why

    @property
    def too_old(self) -> bool:
        return self.target is None


def target_of(requirement: str) -> Optional[Pin]:
    """The pin one requirement string makes (`tensorflow<2.16`), None when it is not
    a TensorFlow requirement or pins no version."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        parsed = Requirement(requirement)
    except InvalidRequirement:
        return None
    if _normalized(parsed.name) not in TENSORFLOW_DISTRIBUTIONS or not str(parsed.specifier):
        return None
    from . import apimap  # only for a file that pins TensorFlow: not on a warm run

    spec = parsed.specifier
    known = apimap.releases()
    for release in reversed(known):
        if any(spec.contains(v, prereleases=True) for v in _versions_of(release)):
            return Pin(requirement, release, f"TF {release}, the newest release `{requirement}` allows")
    older = [f"1.{minor}.{patch}" for minor in range(16) for patch in range(6)]
    older += [f"2.{minor}.{patch}" for minor in range(int(known[0].split(".")[1])) for patch in range(6)]
    if any(spec.contains(v, prereleases=True) for v in older):
        return Pin(requirement, None, f"`{requirement}` installs a TensorFlow older than "
                                      f"{known[0]}, which the data does not cover")
    return Pin(requirement, known[-1], f"TF {known[-1]}, the newest release known "
                                       f"(`{requirement}` allows only newer ones)")


def _versions_of(release: str) -> Iterable[str]:
    yield from (f"{release}.{patch}" for patch in range(10))
    yield from (f"{release}.0rc{n}" for n in range(4))


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pin_in_commands(text: str) -> Optional[Pin]:
    """The last TensorFlow pin of the `pip install` commands (or `%tensorflow_version
    1.x`) in a notebook cell's text, if any."""
    found = _last_pin(text, target_of)
    magic = _TF_VERSION_MAGIC.search(text)
    if magic and magic.group("major") == "1":
        found = Pin(magic.group(0).strip(), None, "`%tensorflow_version 1.x` selects TensorFlow 1")
    return found


def _last_pin(text: str, pin_of) -> Optional[Pin]:
    """The last pin `pin_of` finds in the requirements of the `pip install` commands."""
    found = None
    text = re.sub(r"\\\r?\n", " ", text)  # a command continued on the next line
    for match in _PIP.finditer(text):
        for requirement in _requirements(match.group("args")):
            pin = pin_of(requirement)
            if pin is not None:
                found = pin
    return found


def _requirements(args: str) -> Iterable[str]:
    try:
        words = shlex.split(args.rstrip("\\"))
    except ValueError:
        return
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            skip = word in _VALUED
            continue
        if "{" in word or "$" in word:  # interpolated by IPython or the shell: unknown
            continue
        yield word


# -- a project's requirements -----------------------------------------------------------

REQUIREMENT_FILES = ("pyproject.toml", "setup.cfg")
_REQUIREMENTS_TXT = re.compile(r"^requirements[\w.-]*\.(?:txt|in)$")
# a directory holding one of these is a project's root: the search stops there
_ROOT_MARKERS = (".git", ".hg", ".svn")


def project_pin(directory: str, combine=None, memo: Optional[Dict[str, Optional["FoundPin"]]] = None,
                names: Optional[DirectoryNames] = None) -> Optional["FoundPin"]:
    """The TensorFlow pin of the nearest project files at or above `directory`
    (pyproject.toml's [project] dependencies, setup.cfg's install_requires,
    requirements*.txt), up to the repository's root; None when they pin no TensorFlow.
    `combine` reads another package's pin from the same files (`combined_hub_pin`).
    `memo`: answers already found for directories, of one `combine`, within one run (a
    walk asks about every directory under the same few project directories); `names`: the
    run's directory listings."""
    return nearest_upward(directory, lambda d: _pin_in_directory(d, combine or combined_pin, names),
                          lambda d: _is_repository_root(d, names), memo)


def _is_repository_root(directory: str, names: Optional[DirectoryNames] = None) -> bool:
    listed = names.listed(directory) if names is not None else None
    return any(os.path.exists(os.path.join(directory, m)) for m in _ROOT_MARKERS
               if listed is None or m in listed)


# directory -> (its mtime, the requirement files it holds): every file of a walk asks about
# the same few directories (and a large /tmp above them); adding or removing a file changes
# the mtime, and the files themselves are read afresh
_REQUIREMENT_FILES_IN: Dict[str, Tuple[int, Tuple[str, ...]]] = {}


def _requirement_files(directory: str, names: Optional[DirectoryNames] = None
                       ) -> Optional[Tuple[str, ...]]:
    listed = names.listed(directory) if names is not None else None
    if listed is not None:
        return _requirement_names(listed)
    try:
        mtime = os.stat(directory).st_mtime_ns
        cached = _REQUIREMENT_FILES_IN.get(directory)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        listed = os.listdir(directory)
    except OSError:
        return None
    found = _requirement_names(listed)
    if len(_REQUIREMENT_FILES_IN) > 4096:
        _REQUIREMENT_FILES_IN.clear()
    _REQUIREMENT_FILES_IN[directory] = (mtime, found)
    return found


def _requirement_names(names: Iterable[str]) -> Tuple[str, ...]:
    """The requirement files among a directory's names, in the order they are read."""
    names = sorted(names)
    return tuple([n for n in REQUIREMENT_FILES if n in names] + [n for n in names if _REQUIREMENTS_TXT.match(n)])


@dataclass(frozen=True)
class FoundPin:
    path: str  # the file that says it
    pin: Pin


def _pin_in_directory(directory: str, combine, names: Optional[DirectoryNames] = None
                      ) -> Optional[FoundPin]:
    candidates = _requirement_files(directory, names)
    if candidates is None:
        return None
    for name in candidates:
        path = os.path.join(directory, name)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if b"tensorflow" not in data.lower():
            continue
        text = data.decode("utf-8", "replace")
        requirements = (_pyproject_requirements(text) if name == "pyproject.toml" else
                        _setup_cfg_requirements(text) if name == "setup.cfg" else
                        _requirements_txt(text))
        pin = combine(requirements)
        if pin is not None:
            return FoundPin(path, pin)
    return None


def _specifier_of(requirements: Iterable[str], distributions) -> Tuple["SpecifierSet", List[str]]:
    """The specifiers of the requirements naming one of these distributions, intersected
    (pip must satisfy all of them), and those requirements as written."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import SpecifierSet

    spec, written = SpecifierSet(), []
    for text in requirements:
        try:
            parsed = Requirement(text)
        except InvalidRequirement:
            continue
        if _normalized(parsed.name) in distributions and str(parsed.specifier):
            spec &= parsed.specifier
            written.append(text.strip())
    return spec, written


def combined_pin(requirements: Iterable[str]) -> Optional[Pin]:
    """The pin of every TensorFlow requirement among these, taken together (their
    specifiers intersected: pip must satisfy all of them)."""
    spec, written = _specifier_of(requirements, TENSORFLOW_DISTRIBUTIONS)
    if not written:
        return None
    pin = target_of(f"tensorflow{spec}")
    if pin is None:
        return None
    shown = ", ".join(f"`{w}`" for w in written)
    reason = pin.reason.replace(f"`tensorflow{spec}`", shown)
    return Pin(", ".join(written), pin.target, reason)


def _pyproject_requirements(text: str) -> List[str]:
    from .files import toml_module

    tomllib = toml_module()
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return []
    out = list(project.get("dependencies", []) or [])
    for extra in (project.get("optional-dependencies", {}) or {}).values():
        out.extend(extra or [])
    return [r for r in out if isinstance(r, str)]


def _setup_cfg_requirements(text: str) -> List[str]:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    out = []
    if parser.has_option("options", "install_requires"):
        out += parser.get("options", "install_requires").splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            out += value.splitlines()
    return [line.split("#", 1)[0].strip() for line in out if line.split("#", 1)[0].strip()]


def _requirements_txt(text: str) -> List[str]:
    out = []
    for line in re.sub(r"\\\r?\n", " ", text).splitlines():
        line = re.split(r"\s+#|\s+--?[a-z]", line, 1)[0].strip()  # comments, per-line options
        if line and not line.startswith(("#", "-")):
            out.append(line)
    return out


# -- tensorflow-hub ---------------------------------------------------------------------------
# The hub release a file meets is the one its project (or notebook) pins, else the one pip
# installs beside the TensorFlow target (hub_facts.for_tensorflow).

HUB_DISTRIBUTIONS = frozenset({"tensorflow-hub"})


def hub_target_of(requirement: str) -> Optional[Pin]:
    """The hub release one requirement installs (`tensorflow-hub==0.12.0` -> 0.12.0), None
    when it is not a tensorflow-hub requirement or pins no version."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        parsed = Requirement(requirement)
    except InvalidRequirement:
        return None
    if _normalized(parsed.name) not in HUB_DISTRIBUTIONS or not str(parsed.specifier):
        return None
    return _hub_pin(parsed.specifier, f"`{requirement}`", requirement)


def _hub_pin(spec, shown: str, written: str) -> Pin:
    from . import hub_facts

    known = hub_facts.releases()
    release = hub_facts.release_allowed(spec)
    if release is not None:
        return Pin(written, release, f"tensorflow-hub {release}, the newest release {shown} allows")
    older = [f"0.{minor}.{patch}" for minor in range(int(known[0].split(".")[1])) for patch in range(4)]
    if any(spec.contains(v, prereleases=True) for v in older):
        return Pin(written, None, f"{shown} installs a tensorflow-hub older than {known[0]}, "
                                  "which the data does not cover")
    return Pin(written, known[-1], f"tensorflow-hub {known[-1]}, the newest release known "
                                   f"({shown} allows only newer ones)")


def hub_pin_in_commands(text: str) -> Optional[Pin]:
    """The last tensorflow-hub pin of the `pip install` commands in a notebook cell's text."""
    return _last_pin(text, hub_target_of)


def combined_hub_pin(requirements: Iterable[str]) -> Optional[Pin]:
    """The pin of every tensorflow-hub requirement among these, taken together."""
    spec, written = _specifier_of(requirements, HUB_DISTRIBUTIONS)
    if not written:
        return None
    return _hub_pin(spec, ", ".join(f"`{w}`" for w in written), ", ".join(written))


def project_hub_pin(directory: str, memo: Optional[Dict[str, Optional[FoundPin]]] = None,
                    names: Optional[DirectoryNames] = None) -> Optional[FoundPin]:
    """The tensorflow-hub pin of the nearest project files at or above `directory`."""
    return project_pin(directory, combined_hub_pin, memo, names)
