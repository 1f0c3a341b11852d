"""flake8 front end: `flake8 --select HDL`. Same engine, flake8's reporting and noqa."""

from __future__ import annotations

import os
import sys
from typing import Dict, Iterable, Iterator, Tuple

from . import __version__


class HubDistLintChecker:
    name = "hub-dist-lint"
    version = __version__

    def __init__(self, tree, filename: str, lines):
        self._tree = tree
        self._filename = filename
        self._lines = lines

    @classmethod
    def parse_options(cls, option_manager, options, paths) -> None:
        """Once per flake8 run: name each broken configuration the run's files would
        use (flake8 then lints them with our defaults, as `_config` does)."""
        import multiprocessing

        if multiprocessing.parent_process() is not None:
            return  # a flake8 worker started afresh (spawn) parses the options again
        from flake8.discover_files import expand_paths

        files = expand_paths(paths=paths, stdin_display_name=options.stdin_display_name,
                             filename_patterns=options.filename,
                             exclude=(*options.exclude, *options.extend_exclude))
        for error in broken_configurations(files).values():
            print(f"hub-dist-lint (flake8 plugin): {error}; its files are checked with the "
                  f"default settings", file=sys.stderr)

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        for line, column, code, message in self._findings():
            yield line, column - 1, f"{code} {message}", type(self)

    def _config(self):
        """flake8 selects codes; from our configuration the target release and legacy-keras apply, and
        the opt-in codes it enables (flake8 cannot tell an opt-in code from the rest)."""
        from .config import Config, ConfigError, Resolver, opt_in_codes

        try:
            ours = Resolver().config_for(os.path.abspath(self._filename))
        except ConfigError:
            return Config()  # `hub-dist-lint` reports a bad configuration; flake8 goes on
        opted = tuple(sorted(c for c in opt_in_codes() if ours.is_selected(c)))
        return Config(select=("HDL",) + opted, target_tf=ours.target_tf,
                      legacy_keras=ours.legacy_keras)

    def _findings(self):
        from . import project_reads
        from .files import own_package
        from .runner import Cache, default_cache_dir

        source = "".join(self._lines)
        config = self._config()
        # flake8 has no cache of its own: ours (the CLI's, keyed by content) makes a
        # second flake8 run over unchanged files cost nothing extra.
        cache = None
        if not os.environ.get("HUB_DIST_LINT_NO_CACHE"):
            cache = Cache(os.environ.get("HUB_DIST_LINT_CACHE_DIR") or default_cache_dir())
            # findings depend on the file's own package (deliberate imports) too
            settings = f"flake8{config!r} package={own_package(self._filename)}"
            key = cache.key(source.encode("utf-8", "surrogatepass"), settings, False)
            hit = cache.get(key)
            where = os.path.abspath(self._filename)
            # findings other files decided hold for this very file while those look the same
            if hit is not None and (not hit["project"] or (hit["project"][0] == where and
                                                           project_reads.still_holds(hit["project"][1]))):
                return [tuple(f) for f in hit["found"]]
        with project_reads.recording() as reads:
            found = self._analyze(source, config)
        if cache is not None and reads.trusted:
            probes = reads.probes()
            cache.put(key, {"found": found, "project": [where, probes] if probes else None})
        return found

    def _analyze(self, source: str, config):
        from .diagnostics import LintError
        from .engine import analyze

        try:
            # flake8 has already parsed the file with ast: reuse it for positions,
            # and leave selection and `# noqa` to flake8 itself.
            analysis = analyze(source, self._filename, config, tree=self._tree, noqa=False)
        except LintError:
            return []  # flake8 reports syntax errors itself (E999)
        return [(d.line, d.column, d.code, d.message) for d in analysis.diagnostics]


def broken_configurations(files: Iterable[str]) -> Dict[str, str]:
    """{configuration file: its one-line error} for the configurations `files` use."""
    from .config import ConfigError, find_config

    broken: Dict[str, str] = {}
    for directory in sorted({os.path.dirname(os.path.abspath(f)) for f in files}):
        try:
            find_config(directory)
        except ConfigError as exc:
            broken.setdefault(exc.path, str(exc))
    return broken
