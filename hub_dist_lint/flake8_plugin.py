"""flake8 front end: `flake8 --select HDL`. Same engine, flake8's reporting and noqa."""

from __future__ import annotations

from typing import Iterator, Tuple

from . import __version__


class HubDistLintChecker:
    name = "hub-dist-lint"
    version = __version__

    def __init__(self, tree, filename: str, lines):
        self._tree = tree
        self._filename = filename
        self._lines = lines

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        from .diagnostics import LintError
        from .engine import analyze

        source = "".join(self._lines)
        try:
            # flake8 has already parsed the file with ast: reuse it for positions,
            # and leave selection and `# noqa` to flake8 itself.
            analysis = analyze(source, self._filename, tree=self._tree, noqa=False)
        except LintError:
            return  # flake8 reports syntax errors itself (E999)
        for diag in analysis.diagnostics:
            yield diag.line, diag.column - 1, f"{diag.code} {diag.message}", type(self)
