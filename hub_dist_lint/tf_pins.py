"""The TensorFlow release a requirement installs: the target when none is configured.

pip installs the newest release a requirement allows, so that release is the one the
code will meet (as ruff reads `requires-python`). A notebook's own `!pip install
tensorflow==2.15.1` cell is such a requirement.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Iterable, Optional

from . import apimap

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
    found = None
    text = re.sub(r"\\\r?\n", " ", text)  # a command continued on the next line
    for match in _PIP.finditer(text):
        for requirement in _requirements(match.group("args")):
            pin = target_of(requirement)
            if pin is not None:
                found = pin
    magic = _TF_VERSION_MAGIC.search(text)
    if magic and magic.group("major") == "1":
        found = Pin(magic.group(0).strip(), None, "`%tensorflow_version 1.x` selects TensorFlow 1")
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
