"""Output formats of `hub-dist-lint --format`: text, json, sarif, github.

Reporters only render what the engine found; they never look at code. The CLI
feeds each one findings (`Record`) and the files it could not check (`Failure`),
then calls `finish()`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import IO, Dict, List, Optional
from urllib.parse import quote

from . import __version__
from .diagnostics import where

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


@dataclass(frozen=True)
class Record:
    """One finding, as the JSON format prints it (1-based lines and columns, end exclusive)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    message: str
    # None, or {"description": str, "edits": [{line, column, end_line, end_column, content}]}
    # (in a notebook each edit also names its "cell", and its lines are the cell's)
    fix: Optional[dict] = None
    # In a notebook: the cell's number (every cell counted, from 1); line and column are
    # then in the cell (ruff's convention). None for a Python file.
    cell: Optional[int] = None
    # In a notebook: the line of the .ipynb file that holds the reported line (for
    # viewers that show the file itself: SARIF, GitHub annotations)
    file_line: Optional[int] = None
    # When fixes were planned: "applies" (hub-dist-fix applies it with these settings),
    # "unsafe" (it would with --unsafe-fixes), "no" (display-only or unfixable); None: no fix
    fix_status: Optional[str] = None

    @property
    def where(self) -> str:
        """`path:line:col`, or `path:cell N:line:col` in a notebook."""
        return self.path + where(self.line, self.column, self.cell)

    def as_json(self) -> dict:
        """The JSON format's object (file_line is for the formats that need it)."""
        out = asdict(self)
        del out["file_line"], out["fix_status"]
        return out


@dataclass(frozen=True)
class Failure:
    """A file that could not be checked."""

    path: str
    reason: str
    line: Optional[int] = None
    column: Optional[int] = None
    cell: Optional[int] = None  # a notebook's cell number (line and column in it)


class Reporter:
    # Whether records need their fix edits (computing them re-runs the fixer).
    needs_fixes = False

    def __init__(self, out: IO[str]):
        self.out = out

    def finding(self, record: Record) -> None:
        raise NotImplementedError

    def failure(self, failure: Failure) -> None:
        """Failures always go to stderr as `path:line: error: reason` (the CLI does
        that); a format may carry them in its output as well."""

    def finish(self) -> None:
        pass


class TextReporter(Reporter):
    """`path:line:col: CODE message`, as flake8 and ruff print."""

    def finding(self, record: Record) -> None:
        marker = "[*] " if record.fix_status == "applies" else ""  # ruff's: hub-dist-fix fixes it
        self.out.write(f"{record.where}: {record.code} {marker}{record.message}\n")


def _clean(path: str) -> str:
    """`./pkg/a.py` -> `pkg/a.py`: annotations name files relative to the checkout."""
    return path if path.startswith("<") else os.path.normpath(path).replace(os.sep, "/")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: each finding becomes an annotation."""

    def finding(self, record: Record) -> None:
        if record.cell is None:
            place, message = f"line={record.line},col={record.column}", record.message
        else:  # the annotation on the .ipynb line holding the code; the message says the cell
            place = f"line={record.file_line}"
            message = f"cell {record.cell}:{record.line}:{record.column}: {record.message}"
        self.out.write(f"::error file={_escape_property(_clean(record.path))},{place},"
                       f"title={_escape_property(record.code)}::{_escape_data(message)}\n")

    def failure(self, failure: Failure) -> None:
        line = f",line={failure.line}" if failure.line and failure.cell is None else ""
        if line and failure.column:
            line += f",col={failure.column}"
        self.out.write(f"::error file={_escape_property(_clean(failure.path))}{line},"
                       f"title=hub-dist-lint::{_escape_data('cannot check: ' + _cell_prefix(failure) + failure.reason)}\n")


class JsonReporter(Reporter):
    """A JSON list of findings: path, line, column, end_line, end_column, code, message, fix."""

    needs_fixes = True

    def __init__(self, out: IO[str]):
        super().__init__(out)
        self.records: List[Record] = []

    def finding(self, record: Record) -> None:
        self.records.append(record)

    def finish(self) -> None:
        json.dump([r.as_json() for r in self.records], self.out, indent=2)
        self.out.write("\n")


class SarifReporter(JsonReporter):
    """SARIF 2.1.0, as GitHub code scanning and other viewers read it."""

    def __init__(self, out: IO[str], cwd: Optional[str] = None):
        super().__init__(out)
        self.failures: List[Failure] = []
        self.cwd = os.path.abspath(cwd or os.getcwd())

    def failure(self, failure: Failure) -> None:
        self.failures.append(failure)

    def finish(self) -> None:
        json.dump(self.document(), self.out, indent=2)
        self.out.write("\n")

    def _location(self, path: str) -> dict:
        """A relative path is relative to %SRCROOT% (the directory the tool ran in)."""
        if path.startswith("<"):
            return {"uri": quote(path)}
        absolute = os.path.abspath(path)
        rel = os.path.relpath(absolute, self.cwd)
        if rel.startswith(os.pardir):
            return {"uri": _file_uri(absolute)}
        return {"uri": quote(rel.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}

    def document(self) -> dict:
        from .docs import rule_markdown, FIX_AVAILABILITY
        from .rules import all_rules

        rules = list(all_rules())
        index: Dict[str, int] = {rule.code: i for i, rule in enumerate(rules)}
        results = []
        for record in self.records:
            result = {
                "ruleId": record.code,
                "level": "error",
                "message": {"text": record.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": self._location(record.path),
                    "region": {"startLine": record.line, "startColumn": record.column,
                               "endLine": record.end_line, "endColumn": record.end_column},
                }}],
            }
            if record.cell is not None:
                # the region is the .ipynb line holding the code (what a viewer of the file
                # shows); the cell and in-cell position go in the message and properties
                result["message"]["text"] = f"cell {record.cell}:{record.line}:{record.column}: {record.message}"
                result["locations"][0]["physicalLocation"]["region"] = {"startLine": record.file_line}
                result["properties"] = {"cell": record.cell, "cellLine": record.line,
                                        "cellColumn": record.column}
            if record.code in index:
                result["ruleIndex"] = index[record.code]
            if record.fix and record.cell is None:
                result["fixes"] = [{
                    "description": {"text": record.fix["description"]},
                    "artifactChanges": [{
                        "artifactLocation": self._location(record.path),
                        "replacements": [{
                            "deletedRegion": {"startLine": e["line"], "startColumn": e["column"],
                                              "endLine": e["end_line"], "endColumn": e["end_column"]},
                            "insertedContent": {"text": e["content"]},
                        } for e in record.fix["edits"]],
                    }],
                }]
            results.append(result)
        notifications = []
        for failure in self.failures:
            location: dict = {"artifactLocation": self._location(failure.path)}
            if failure.line and failure.cell is None:
                location["region"] = {"startLine": failure.line}
                if failure.column:
                    location["region"]["startColumn"] = failure.column
            notifications.append({"level": "error", "message": {"text": _cell_prefix(failure) + failure.reason},
                                  "locations": [{"physicalLocation": location}]})
        invocation: dict = {"executionSuccessful": not self.failures}
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "hub-dist-lint",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": [{
                        "id": rule.code,
                        "name": rule.name,
                        "shortDescription": {"text": rule.summary},
                        "fullDescription": {"text": rule.explanation},
                        "help": {"text": rule_markdown(rule), "markdown": rule_markdown(rule)},
                        "defaultConfiguration": {"level": "error"},
                        "properties": {"fix": FIX_AVAILABILITY[rule.fix_availability]},
                    } for rule in rules],
                }},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": _file_uri(self.cwd) + "/"}},
                "columnKind": "unicodeCodePoints",
                "invocations": [invocation],
                "results": results,
            }],
        }


def _cell_prefix(failure: Failure) -> str:
    """`cell 3:2:5: ` for a failure inside a notebook cell (its lines are the cell's)."""
    return f"cell {failure.cell}{where(failure.line, failure.column)}: " if failure.cell else ""


def _file_uri(absolute: str) -> str:
    return "file://" + quote(absolute.replace(os.sep, "/"))


def make_reporter(name: str, out: IO[str]) -> Reporter:
    return {"text": TextReporter, "json": JsonReporter, "sarif": SarifReporter,
            "github": GithubReporter}[name](out)
