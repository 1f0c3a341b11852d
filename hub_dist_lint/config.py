"""Run settings shared by every front end, and the configuration files they come from.

`[tool.hub-dist-lint]` in pyproject.toml or `[hub-dist-lint]` in setup.cfg, the
nearest one upward from the linted path (as ruff does, a pyproject.toml without
the table does not count and the search goes on upward); command-line flags win.

    [tool.hub-dist-lint]
    select = ["HDL"]                 # codes or prefixes; default: every HDL rule except
                                     # the opt-in ones (HDL105), which need their own code
    extend-select = []               # added to select
    ignore = ["HDL104"]
    exclude = [".git", "build"]      # replaces the default excludes ...
    extend-exclude = ["generated/"]  # ... this adds to them
    target-tf = "2.21"
    per-file-ignores = {"tests/*" = ["HDL1"]}
    fixable = ["HDL"]                # codes or prefixes hub-dist-fix may fix (default: all)
    unfixable = ["HDL501"]           # ... and those it leaves alone (the most specific wins)
    unsafe-fixes = false             # apply unsafe fixes too (as --unsafe-fixes does)
    legacy-keras = false             # the project runs with TF_USE_LEGACY_KERAS=1 set (its
                                     # entry point or environment): tf.keras is tf-keras

In setup.cfg the same keys take comma- or newline-separated values, and
per-file-ignores is flake8's `glob: codes` one per line.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Dict, FrozenSet, Iterable, List, Optional, Tuple

if TYPE_CHECKING:
    import configparser

from .files import DEFAULT_EXCLUDE, DirectoryNames, nearest_upward, toml_module  # DEFAULT_EXCLUDE: directories nobody wants linted
from .rule_codes import CODES, OPT_IN  # the rules' codes as data: settings never import the rules

CONFIG_FILES = ("pyproject.toml", "setup.cfg")
KEYS = ("select", "extend-select", "ignore", "exclude", "extend-exclude", "per-file-ignores",
        "target-tf", "fixable", "unfixable", "unsafe-fixes", "legacy-keras")
_FLAGS = ("unsafe-fixes", "legacy-keras")
_CODE_LISTS = ("select", "extend-select", "ignore", "fixable", "unfixable")
_CODE = re.compile(r"[A-Z]+[0-9]*")

PatternCodes = Tuple[Tuple[str, Tuple[str, ...]], ...]


def _prefix_len(code: str, prefixes: Tuple[str, ...]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def opt_in_codes() -> FrozenSet[str]:
    """Rules off by default (`Rule.opt_in`): on only where selected by their full code."""
    return OPT_IN


def _selecting_len(code: str, prefixes: Tuple[str, ...]) -> int:
    """How specifically `prefixes` select `code` (-1: not at all); an opt-in rule is
    selected only by its own code, never by a prefix such as HDL or HDL1."""
    if code in opt_in_codes():
        return len(code) if code in prefixes else -1
    return _prefix_len(code, prefixes)


@dataclass(frozen=True)
class Config:
    """What the engine needs to know to check one file."""

    select: Tuple[str, ...] = ("HDL",)
    ignore: Tuple[str, ...] = ()
    # TF release whose public names fixes use; None means the newest in the map.
    target_tf: Optional[str] = None
    # Why that release when the project's requirements chose it (None: configured, or the
    # default); a notebook's own `!pip install tensorflow==...` overrides such a choice.
    target_reason: Optional[str] = None
    # The tensorflow-hub release the project (or a notebook's `!pip install`) pins, and why;
    # None: the one pip installs beside target_tf; "": a release older than the hub data.
    target_hub: Optional[str] = None
    target_hub_reason: Optional[str] = None
    # per-file-ignores matching this file: these codes are off whatever select says.
    per_file_ignore: Tuple[str, ...] = ()
    # which findings' fixes hub-dist-fix applies (ruff's fixable/unfixable/unsafe-fixes)
    fixable: Tuple[str, ...] = ("HDL",)
    unfixable: Tuple[str, ...] = ()
    unsafe_fixes: bool = False
    # the project runs with TF_USE_LEGACY_KERAS=1 (set by its entry point or environment):
    # tf.keras is tf-keras in every file, as HDL5xx read it
    legacy_keras: bool = False

    def is_selected(self, code: str) -> bool:
        """ruff's rule: the most specific matching prefix decides; a tie ignores."""
        if code.startswith(self.per_file_ignore):
            return False
        chosen = _selecting_len(code, self.select)
        return chosen >= 0 and chosen > _prefix_len(code, self.ignore)

    def is_fixable(self, code: str) -> bool:
        """Whether a fix of this code may be applied: as is_selected, over fixable/unfixable."""
        chosen = _prefix_len(code, self.fixable)
        return chosen >= 0 and chosen > _prefix_len(code, self.unfixable)


class ConfigError(Exception):
    """A configuration file (or flag) that cannot be used; str() is one line naming it."""

    def __init__(self, path: str, reason: str, key: Optional[str] = None):
        self.path, self.key, self.reason = path, key, reason
        where = f"{path}: error: " + (f"{key}: " if key else "")
        super().__init__(where + reason)


# ---------------------------------------------------------------------------
# values


def check_codes(values: Iterable[str]) -> Tuple[str, ...]:
    """Validate rule codes or prefixes (HDL, HDL1, HDL101); raises ValueError."""
    known = CODES
    out = []
    for value in values:
        code = value.strip().upper()
        if not code:
            continue
        if not _CODE.fullmatch(code) or not any(k.startswith(code) for k in known):
            raise ValueError(f"unknown rule code or prefix {value.strip()!r} "
                             "(see `hub-dist-lint rule --all`)")
        out.append(code)
    return tuple(out)


def check_target(value: object) -> str:
    from . import apimap

    if not isinstance(value, str):
        raise ValueError(f"must be a string such as \"{apimap.latest_release()}\" "
                         f"(got {value!r}; a TOML number loses digits: 2.10 reads as 2.1)")
    if value not in apimap.releases():
        raise ValueError(f"unknown TensorFlow release {value!r} (known: {', '.join(apimap.releases())})")
    return value


def split_list(text: str) -> List[str]:
    """`a, b` or one per line, as flake8 reads list options."""
    return [item for item in re.split(r"[,\s]+", text) if item]


def parse_per_file_ignores(text: str) -> PatternCodes:
    """flake8's form: `glob[, glob]: CODE[, CODE]`, one mapping per line; raises ValueError."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        patterns, sep, codes = line.rpartition(":")
        if not sep or not patterns.strip():
            raise ValueError(f"{line!r} is not `glob: codes`")
        checked = check_codes(split_list(codes))
        if not checked:
            raise ValueError(f"{line!r} names no codes")
        for pattern in re.split(r"[,\s]+", patterns.strip()):
            if pattern:
                out.append((pattern, checked))
    return tuple(out)


# ---------------------------------------------------------------------------
# files


@dataclass(frozen=True)
class Options:
    """What a configuration file or the command line can set (None: not set there)."""

    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Optional[Tuple[str, ...]] = None
    exclude: Optional[Tuple[str, ...]] = None
    extend_exclude: Tuple[str, ...] = ()
    per_file_ignores: PatternCodes = ()
    target_tf: Optional[str] = None
    fixable: Optional[Tuple[str, ...]] = None
    unfixable: Optional[Tuple[str, ...]] = None
    unsafe_fixes: Optional[bool] = None
    legacy_keras: Optional[bool] = None


@dataclass(frozen=True)
class FileConfig(Options):
    """The validated hub-dist-lint section of one configuration file."""

    path: str = ""

    @property
    def root(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))


def _validated(path: str, items, section: str, parse_value) -> FileConfig:
    """Check each key of a section, then its value with `parse_value(key, value)`."""
    values = {}
    for raw_key, value in items:
        key = raw_key.replace("_", "-")
        where = f"[{section}] {raw_key}"
        if key not in KEYS:
            raise ConfigError(path, f"unknown key (known: {', '.join(KEYS)})", where)
        try:
            values[key] = parse_value(key, value)
        except ValueError as exc:
            raise ConfigError(path, str(exc), where) from None
    return _file_config(path, values)


def _toml_value(key: str, value):
    """One value of a TOML table (pyproject.toml)."""
    if key in _CODE_LISTS or key in ("exclude", "extend-exclude"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"must be a list of strings, e.g. [\"HDL1\"] (got {value!r})")
        return tuple(value) if "exclude" in key else check_codes(value)
    if key in _FLAGS:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false (got {value!r})")
        return value
    if key == "per-file-ignores":
        if not isinstance(value, dict):
            raise ValueError("must be a table of glob = [codes], e.g. {\"tests/*\" = [\"HDL1\"]}")
        mapping = []
        for pattern, codes in value.items():
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise ValueError(f"{pattern!r}: must be a list of codes (got {codes!r})")
            mapping.append((pattern, check_codes(codes)))
        return tuple(mapping)
    return check_target(value)


def _ini_value(key: str, value: str):
    """One value of an INI section (setup.cfg)."""
    if key in ("exclude", "extend-exclude"):
        return tuple(i.strip() for i in re.split(r"[,\n]", value) if i.strip())
    if key in _CODE_LISTS:
        return check_codes(split_list(value))
    if key == "per-file-ignores":
        return parse_per_file_ignores(value)
    if key in _FLAGS:
        return check_flag(value)
    return check_target(value.strip())


def check_flag(value: str) -> bool:
    """An INI boolean as configparser reads one (true/false, yes/no, on/off, 1/0)."""
    lowered = value.strip().lower()
    import configparser  # only where a configuration file is read: not on a warm run

    if lowered not in configparser.ConfigParser.BOOLEAN_STATES:
        raise ValueError(f"must be true or false (got {value.strip()!r})")
    return configparser.ConfigParser.BOOLEAN_STATES[lowered]


def _table_values(path: str, table: dict, section: str) -> FileConfig:
    return _validated(path, table.items(), section, _toml_value)


def _section_values(path: str, section: configparser.SectionProxy, name: str) -> FileConfig:
    return _validated(path, section.items(), name, _ini_value)


def _file_config(path: str, values: dict) -> FileConfig:
    return FileConfig(path=path, **{k.replace("-", "_"): v for k, v in values.items()})


def load_file(path: str) -> Optional[FileConfig]:
    """The hub-dist-lint section of pyproject.toml or setup.cfg; None when it has none.

    Raises ConfigError (one line naming the file and key) for anything unusable.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from None
    if b"hub-dist-lint" not in data and b"hub_dist_lint" not in data:
        return None  # not ours: never fail on someone else's broken file
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"cannot decode as UTF-8: {exc}") from None
    if path.endswith(".toml"):
        tomllib = toml_module()
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(path, f"invalid TOML: {exc}") from None
        table = document.get("tool", {})
        if not isinstance(table, dict) or "hub-dist-lint" not in table:
            return None
        if not isinstance(table["hub-dist-lint"], dict):
            raise ConfigError(path, "must be a table", "[tool] hub-dist-lint")
        return _table_values(path, table["hub-dist-lint"], "tool.hub-dist-lint")
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        reason = " ".join(str(exc).split())
        raise ConfigError(path, f"invalid INI: {reason}") from None
    if not parser.has_section("hub-dist-lint"):
        return None
    return _section_values(path, parser["hub-dist-lint"], "hub-dist-lint")


_FILE_CACHE: Dict[str, Tuple[Tuple[int, int], Optional[FileConfig]]] = {}


def _load_cached(path: str) -> Optional[FileConfig]:
    """load_file, re-read when the file changes (the language server runs for hours)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _FILE_CACHE.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    loaded = load_file(path)
    _FILE_CACHE[path] = (stamp, loaded)
    return loaded


def find_config(directory: str, memo: Optional[Dict[str, Optional[FileConfig]]] = None,
                names: Optional[DirectoryNames] = None) -> Optional[FileConfig]:
    """The nearest configuration upward from `directory` (pyproject.toml before setup.cfg).
    `memo`: answers already found for directories within one run; `names`: the run's
    directory listings."""
    return nearest_upward(directory, lambda d: _config_in(d, names), memo=memo)


def _config_in(directory: str, names: Optional[DirectoryNames] = None) -> Optional[FileConfig]:
    listed = names.listed(directory) if names is not None else None
    for name in CONFIG_FILES:
        if listed is not None and name not in listed:
            continue
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            found = _load_cached(candidate)
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------------------
# file settings + command-line flags


@dataclass(frozen=True)
class Overrides(Options):
    """Command-line flags: each one given replaces the configuration file's value."""

    config_file: Optional[str] = None  # --config: this file, no search
    isolated: bool = False  # --isolated: no configuration files at all


def _posix_rel(path: str, root: str) -> Optional[str]:
    rel = os.path.relpath(path, root)
    if rel == os.curdir or rel.startswith(os.pardir + os.sep) or rel == os.pardir:
        return None
    return rel.replace(os.sep, "/")


def _glob_match(pattern: str, path: str, root: str) -> bool:
    """ruff's reading: a bare name matches any file or directory so named; a pattern
    with a slash matches the path relative to the configuration's directory."""
    pattern = pattern.rstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if not pattern:
        return False
    if "/" not in pattern:
        return fnmatch.fnmatchcase(os.path.basename(path), pattern)
    rel = _posix_rel(path, root)
    if rel is not None and fnmatch.fnmatchcase(rel, pattern):
        return True
    return fnmatch.fnmatchcase(path.replace(os.sep, "/"), pattern)


@lru_cache(maxsize=64)
def _name_globs(patterns: Tuple[str, ...]) -> Tuple[Optional["re.Pattern[str]"], Tuple[str, ...]]:
    """The bare-name globs among `patterns` as one regex on a file's name (as
    `_glob_match` reads them; a walk asks every file and directory about every pattern),
    and the others."""
    names, others = [], []
    for pattern in patterns:
        bare = pattern.rstrip("/")
        bare = bare[2:] if bare.startswith("./") else bare
        if bare and "/" not in bare:
            names.append(fnmatch.translate(bare))
        else:
            others.append(pattern)
    return (re.compile("|".join(names)) if names else None), tuple(others)


@dataclass(frozen=True)
class Settings:
    """Everything in force for the files under one configuration file."""

    source: Optional[str]  # the configuration file, None for defaults
    root: str  # relative globs are read from here
    config: Config
    exclude: Tuple[str, ...]
    # (directory the glob is relative to, glob, codes)
    per_file_ignores: Tuple[Tuple[str, str, Tuple[str, ...]], ...] = field(default=())

    def config_for(self, path: str) -> Config:
        """The engine's Config for one file: per-file-ignores applied."""
        if not self.per_file_ignores or path.startswith("<"):
            return self.config
        absolute = os.path.abspath(path)
        codes: List[str] = []
        for root, pattern, ignored in self.per_file_ignores:
            if _glob_match(pattern, absolute, root):
                codes.extend(ignored)
        if not codes:
            return self.config
        return replace(self.config, per_file_ignore=tuple(dict.fromkeys(codes)))

    def is_excluded(self, path: str) -> bool:
        names, others = _name_globs(self.exclude)
        name = os.path.basename(path)
        if name in ("", ".", ".."):
            name = os.path.basename(os.path.abspath(path))
        if names is not None and names.match(name):
            return True
        if not others:
            return False
        absolute = os.path.abspath(path)
        return any(_glob_match(p, absolute, self.root) for p in others)

    def is_excluded_with_parents(self, path: str) -> bool:
        """For files named on the command line (--force-exclude): the file, or any
        directory between it and the project root, excluded."""
        absolute = os.path.abspath(path)
        rel = _posix_rel(absolute, self.root)
        if rel is None:
            return self.is_excluded(absolute)
        parts = rel.split("/")
        return any(self.is_excluded(os.path.join(self.root, *parts[:i]))
                   for i in range(1, len(parts) + 1))


def _layer(enabled: Tuple[str, ...], select: Optional[Tuple[str, ...]], extend: Tuple[str, ...],
           ignore: Tuple[str, ...]) -> Tuple[str, ...]:
    """ruff's layering of rule selection: the rule codes enabled after one layer
    (defaults, then the configuration file, then the flags).

    A layer with `select` starts afresh; one without keeps what the layer below
    enabled and adds its extend-select and removes its ignore. Within a layer the
    most specific matching code or prefix decides, and a tie ignores.
    """
    positive = extend if select is None else select + extend
    out = []
    for code in CODES:
        on = _selecting_len(code, positive)
        off = _prefix_len(code, ignore)
        if on < 0 and off < 0:
            keep = select is None and code in enabled
        else:
            keep = on > off
        if keep:
            out.append(code)
    return tuple(out)


class Resolver:
    """Settings for any path: the nearest configuration file upward, plus the flags.

    Cheap to make; the language server makes one per lint so that edits to the
    configuration files are seen (parsed files are cached by mtime).
    """

    def __init__(self, overrides: Optional[Overrides] = None, cwd: Optional[str] = None):
        self.overrides = overrides or Overrides()
        self.cwd = os.path.abspath(cwd or os.getcwd())
        self._by_dir: Dict[str, Settings] = {}
        self._by_source: Dict[Optional[str], Settings] = {}
        self._explicit: Optional[FileConfig] = None
        # directory -> the configuration file, TensorFlow pin and hub pin found at or above
        # it (this resolver's lifetime only: the language server makes one per lint)
        self._configs: Dict[str, Optional[FileConfig]] = {}
        self._tf_pins: Dict[str, object] = {}
        self._hub_pins: Dict[str, object] = {}
        self.seen = DirectoryNames()  # what the run's walk listed (discover fills it)
        self._by_parent: Dict[str, Settings] = {}  # a walked path's dirname, as given
        if self.overrides.config_file and not self.overrides.isolated:
            path = self.overrides.config_file
            if not os.path.isfile(path):
                raise ConfigError(path, "no such configuration file")
            self._explicit = load_file(path)
            if self._explicit is None:
                section = "[tool.hub-dist-lint]" if path.endswith(".toml") else "[hub-dist-lint]"
                raise ConfigError(path, f"has no {section} section")

    def settings_for_dir(self, directory: str) -> Settings:
        directory = os.path.abspath(directory)
        settings = self._by_dir.get(directory)
        if settings is None:
            if self.overrides.isolated:
                found = None
            elif self._explicit is not None:
                found = self._explicit
            else:
                found = find_config(directory, self._configs, self.seen)
            settings = self._settings(found)
            if settings.config.target_tf is None and not self.overrides.isolated:
                settings = _with_project_pin(settings, directory, self._tf_pins, self.seen)
            if not self.overrides.isolated:
                settings = _with_project_hub_pin(settings, directory, self._hub_pins, self.seen)
            self._by_dir[directory] = settings
        return settings

    def settings_for(self, path: str) -> Settings:
        """Settings of a file (or `<stdin>`: the current directory's)."""
        if path.startswith("<"):
            return self.settings_for_dir(self.cwd)
        absolute = os.path.abspath(path)
        directory = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        return self.settings_for_dir(directory)

    def config_for(self, path: str) -> Config:
        return self.settings_for(path).config_for(path)

    def excluded(self, path: str) -> bool:
        """For walking directories: is this file or directory excluded?"""
        parent = os.path.dirname(path)  # a walk gives every entry of a directory in turn
        settings = self._by_parent.get(parent)
        if settings is None:
            settings = self._by_parent[parent] = self.settings_for_dir(
                os.path.dirname(os.path.abspath(path)))
        return settings.is_excluded(path)

    def _settings(self, found: Optional[FileConfig]) -> Settings:
        key = found.path if found else None
        settings = self._by_source.get(key)
        if settings is not None:
            return settings
        o = self.overrides
        base = found or FileConfig(path="")
        enabled = _layer((), ("HDL",), (), ())
        enabled = _layer(enabled, base.select, base.extend_select, base.ignore or ())
        enabled = _layer(enabled, o.select, o.extend_select, o.ignore or ())
        exclude = o.exclude if o.exclude is not None else (
            base.exclude if base.exclude is not None else DEFAULT_EXCLUDE)
        exclude = exclude + base.extend_exclude + o.extend_exclude
        root = base.root if found else self.cwd
        per_file = tuple((root, p, c) for p, c in base.per_file_ignores)
        per_file += tuple((self.cwd, p, c) for p, c in o.per_file_ignores)
        config = Config(select=enabled, ignore=(), target_tf=o.target_tf or base.target_tf,
                        fixable=_first(o.fixable, base.fixable, ("HDL",)),
                        unfixable=_first(o.unfixable, base.unfixable, ()),
                        unsafe_fixes=_first(o.unsafe_fixes, base.unsafe_fixes, False),
                        legacy_keras=_first(o.legacy_keras, base.legacy_keras, False))
        settings = Settings(found.path if found else None, root, config, exclude, per_file)
        self._by_source[key] = settings
        return settings


def _with_project_pin(settings: Settings, directory: str, memo: dict,
                      names: Optional[DirectoryNames] = None) -> Settings:
    """As ruff reads requires-python: with no target-tf, the release the project's
    TensorFlow requirement installs (pip takes the newest it allows)."""
    from .tf_pins import project_pin

    found = project_pin(directory, memo=memo, names=names)
    if found is not None and found.pin.too_old:
        # a TensorFlow older than the data: the default target, as before; but not the
        # hub release pip installs beside TF 2 (TF 1.15 runs on Pythons tf-keras, which
        # hub 0.16 requires, does not: pip takes an older hub), unless hub is pinned too
        return replace(settings, config=replace(settings.config, target_hub=""))
    if found is None:
        return settings
    where = os.path.relpath(found.path) if not os.path.relpath(found.path).startswith("..") else found.path
    config = replace(settings.config, target_tf=found.pin.target,
                     target_reason=f"{found.pin.reason} ({where})")
    return replace(settings, config=config)


def _with_project_hub_pin(settings: Settings, directory: str, memo: dict,
                          names: Optional[DirectoryNames] = None) -> Settings:
    """The tensorflow-hub release the project's requirements install, if they pin one."""
    from .tf_pins import project_hub_pin

    found = project_hub_pin(directory, memo, names)
    if found is None:
        return settings
    where = os.path.relpath(found.path) if not os.path.relpath(found.path).startswith("..") else found.path
    config = replace(settings.config, target_hub=found.pin.target or "",
                     target_hub_reason=f"{found.pin.reason} ({where})")
    return replace(settings, config=config)


def _first(*values):
    """The flag's value if given, else the file's, else the default."""
    return next(v for v in values if v is not None)


__all__ = ["Config", "ConfigError", "DEFAULT_EXCLUDE", "FileConfig", "Overrides", "Resolver",
           "Settings", "check_codes", "check_target", "find_config", "load_file",
           "opt_in_codes", "parse_per_file_ignores", "split_list"]
