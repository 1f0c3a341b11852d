"""Code cells as one Python module the engine reads, and the module's text back as cells.

A kernel runs a notebook's code cells top to bottom in one namespace, so they are
analysed as one module. IPython's own syntax is not Python; each construct becomes
Python that keeps every line where it was, and comes back verbatim when a fixed module
is split into cells again:

- a line magic, a shell escape or a help request (`%pip ...`, `!ls`, `obj?`) at the
  start of a logical line becomes a placeholder statement at the same indentation
  (lines continued with a backslash stay lines of that statement);
- `files = !ls` / `x = %sx ls` keep their targets: `files = <placeholder>`;
- a cell magic whose body runs in the kernel as Python (`%%time`, `%%capture`, ...)
  becomes a placeholder comment, its body is linted; any other (`%%bash`, `%%html`)
  leaves the cell out; `%%writefile x.py`, `%%python` bodies are programs of their
  own, analysed as separate modules.

Cells are joined with a marker comment line between them (none before the first), so
that a fixed module splits back at the markers.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Dict, Hashable, List, Optional, Sequence, Tuple

# ruff's list (ruff_notebook::cell): cell magics whose body is Python run in the kernel.
KERNEL_PYTHON_CELL_MAGICS = frozenset({"capture", "debug", "prun", "time", "timeit"})
# Cell magics whose body is a Python program run on its own (not in the kernel).
PROGRAM_CELL_MAGICS = frozenset({"python", "python3", "pypy"})

_HELP = re.compile(r"^(?:\?{1,2}[\w.*]+|%{0,2}[A-Za-z_*][\w*]*(?:\.[A-Za-z_*][\w*]*)*\?{1,2})\s*$")
# IPython's assign_from_system / assign_from_magic: `a, b = !cmd`, `x = %magic ...`
_ASSIGN = re.compile(r"^(?P<lhs>[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*(?P<rhs>[!%].*)$", re.S)
_CELL_MAGIC = re.compile(r"^%%(?P<name>\w+)(?P<args>[^\n]*)")
# IPython's automagic: line magics written without `%` (`ls ./data`, `cd /content`,
# `pip install x`), taken as magics only where the line is not Python
_AUTOMAGIC = re.compile(r"^(?:ls|cd|pwd|pip|conda|cat|env|set_env|mkdir|rmdir|rm|cp|mv|less|more|"
                        r"man|clear|history|who|whos|load_ext|matplotlib|time|timeit|tensorboard|"
                        r"alias|pushd|popd|dirs|sx|system|reset|run|pinfo)"
                        r"(?:\s+(?=[\w/~.$'\"{-])(?P<path>[/~-]|\.{1,2}/)?(?!=).*)?$")


@dataclass(frozen=True)
class Cell:
    """One code cell's text, known by `key` (its 1-based number in the notebook, or an
    editor's cell URI)."""

    key: Hashable
    text: str


@dataclass
class WrittenModule:
    """A cell whose body is a program of its own (`%%writefile x.py`, `%%python`)."""

    key: Hashable
    text: str  # the body, as Python
    first_line: int  # the body's first line in the cell (2: after the magic line)
    header: str  # the magic line, with its newline


@dataclass
class CellModule:
    """Code cells joined as one module, with what it takes to map positions and text back."""

    text: str
    cells: List[Cell]  # the cells in the module, in order
    # per module line (0-based index): (index into `cells`, 1-based line in the cell),
    # or None for a marker line between cells
    lines: List[Optional[Tuple[int, int]]]
    bodies: List[str]  # per cell: its text as the module holds it
    restore: Dict[str, str]  # placeholder -> the IPython text it stands for
    marker: str
    # per cell: the indentation IPython strips from a cell whose first line is indented
    # (its columns in the module are that much to the left)
    indents: List[str] = field(default_factory=list)

    def indent_of(self, key: Hashable) -> str:
        for cell, indent in zip(self.cells, self.indents):
            if cell.key == key:
                return indent
        return ""

    def position(self, line: int) -> Optional[Tuple[Hashable, int]]:
        """(cell key, line in the cell) of a 1-based module line; None for a marker.
        The line after the module's last is the line after its last cell's last."""
        if line == len(self.lines) + 1 and self.lines and self.lines[-1] is not None:
            index, in_cell = self.lines[-1]
            return self.cells[index].key, in_cell + 1
        if not 1 <= line <= len(self.lines) or self.lines[line - 1] is None:
            return None
        index, in_cell = self.lines[line - 1]
        return self.cells[index].key, in_cell

    def split(self, text: str) -> Optional[Dict[Hashable, str]]:
        """The cells' texts (IPython syntax restored) of a rewritten module; None when
        the markers are not all there, in order, at the start of a line."""
        found = list(re.finditer(rf"^{re.escape(self.marker)}(\d+)\n", text, re.M))
        if [int(m.group(1)) for m in found] != list(range(1, len(self.cells))):
            return None
        if text.count(self.marker) != len(found):
            return None
        out: Dict[Hashable, str] = {}
        starts = [0] + [m.end() for m in found]
        ends = [m.start() for m in found] + [len(text)]
        for index, (start, end) in enumerate(zip(starts, ends)):
            body = text[start:end]
            cell = self.cells[index]
            if body == self.bodies[index]:
                out[cell.key] = cell.text
                continue
            restored = self._restore(body)
            if restored is None:
                return None
            if self.indents and self.indents[index]:
                restored = _indented(restored, self.indents[index])
            out[cell.key] = _unjoined(restored, cell.text)
        return out

    def _restore(self, body: str) -> Optional[str]:
        for placeholder in set(re.findall(r"__hdl_ipy_\w+?__", body)):
            original = self.restore.get(placeholder)
            if original is None:
                return None
            body, count = re.subn(rf"^# {placeholder}$|\({placeholder}\s*\)|"
                                  rf"{placeholder}{re.escape(_switch_arguments(original))}|{placeholder}",
                                  lambda _: original, body, flags=re.M)
            if count != 1:
                return None
        return body


def _leading_indent(text: str) -> str:
    """What IPython strips from every line when a cell's first line is indented
    (its leading_indent transform, after leading blank lines)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first[:len(first) - len(first.lstrip(" \t"))]


def _dedented(text: str, indent: str) -> str:
    return "".join(line[len(indent):] if line.startswith(indent) else line
                   for line in text.splitlines(True))


def _indented(text: str, indent: str) -> str:
    return "".join(indent + line if line.strip() else line for line in text.splitlines(True))


def _unjoined(body: str, original: str) -> str:
    """A cell's text from its part of the module: without the newline joining added."""
    if not original.endswith("\n") and body.endswith("\n"):
        body = body[:-1]
    return body


class _Joiner:
    def __init__(self, texts: Sequence[str]):
        nonce = secrets.token_hex(3)
        while any(nonce in t for t in texts):
            nonce = secrets.token_hex(3)
        self.nonce = nonce
        self.count = 0
        self.restore: Dict[str, str] = {}

    def placeholder(self, original: str) -> str:
        self.count += 1
        name = f"__hdl_ipy_{self.nonce}_{self.count}__"
        self.restore[name] = original
        return name


def cell_magic(text: str) -> Optional[Tuple[str, str]]:
    """(name, arguments) of the cell magic on a cell's first line, if any."""
    stripped = text.lstrip("\n")
    match = _CELL_MAGIC.match(stripped)
    return (match.group("name"), match.group("args").strip()) if match else None


def written_path(args: str) -> Optional[str]:
    """The Python file a `%%writefile` writes (not in append mode), else None."""
    words = args.split()
    if not words or any(w in ("-a", "--append") for w in words):
        return None
    path = words[-1].strip("'\"")
    return path if path.endswith(".py") else None


def to_module(cells: Sequence[Cell]) -> Tuple[CellModule, List[WrittenModule]]:
    """The kernel's module of these code cells (in order), and the programs cells write."""
    joiner = _Joiner([c.text for c in cells])
    marker = f"# hub-dist-lint cell {joiner.nonce} "
    kept: List[Cell] = []
    bodies: List[str] = []
    indents: List[str] = []
    written: List[WrittenModule] = []
    for cell in cells:
        indent = _leading_indent(cell.text)
        text = _dedented(cell.text, indent) if indent else cell.text
        magic = cell_magic(text)
        if magic is not None:
            name, args = magic
            head, newline, rest = text.lstrip("\n").partition("\n")
            skipped = len(text) - len(text.lstrip("\n"))
            if name in PROGRAM_CELL_MAGICS or (name == "writefile" and written_path(args)):
                written.append(WrittenModule(cell.key, rest, skipped + 2, head + newline))
                continue
            if name not in KERNEL_PYTHON_CELL_MAGICS:
                continue  # %%bash, %%html, %%writefile data.csv, ...: not Python
            text = "\n" * skipped + "# " + joiner.placeholder(head) + newline + rest
        kept.append(cell)
        indents.append(indent)
        bodies.append(_python_lines(text, joiner))
    lines: List[Optional[Tuple[int, int]]] = []
    parts: List[str] = []
    for index, body in enumerate(bodies):
        if index:
            parts.append(f"{marker}{index}\n")
            lines.append(None)
        if body and not body.endswith("\n"):
            body += "\n"
        bodies[index] = body
        parts.append(body)
        lines.extend((index, n) for n in range(1, body.count("\n") + 1))
    return CellModule("".join(parts), kept, lines, bodies, joiner.restore, marker, indents), written


def program_module(program: WrittenModule) -> CellModule:
    """A written program as a module of its own, its lines numbered in its cell."""
    module, _ = to_module([Cell(program.key, program.text)])
    offset = program.first_line - 1
    module.lines = [None if owner is None else (owner[0], owner[1] + offset) for owner in module.lines]
    return module


# -- IPython lines -> Python lines ------------------------------------------------


def _python_lines(text: str, joiner: _Joiner) -> str:
    """The cell with each IPython construct replaced by Python of the same lines."""
    lines = text.splitlines(True)
    if not any(_may_be_ipython(line) for line in lines):
        return text
    out: List[str] = []
    scanner = _Scanner()
    index = 0
    while index < len(lines):
        line = lines[index]
        if scanner.at_statement_start:
            stripped = line.lstrip(" \t")
            indent = line[:len(line) - len(stripped)]
            if _is_ipython(stripped):
                end = index
                while end + 1 < len(lines) and lines[end].rstrip("\r\n").endswith("\\"):
                    end += 1
                out.append(_placeholder(indent, lines[index:end + 1], joiner))
                index = end + 1
                continue
        scanner.feed(line)
        out.append(line)
        index += 1
    return "".join(out)


def _may_be_ipython(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(("%", "!", "?")) or stripped.endswith("?") or "= !" in line \
        or "=!" in line or "= %" in line or "=%" in line or bool(_AUTOMAGIC.match(stripped))


def _is_ipython(stripped: str) -> bool:
    body = stripped.rstrip("\r\n")
    if body.startswith(("%", "!", "?")):
        return True
    if _HELP.match(body):
        return True
    if _ASSIGN.match(body):
        return True
    match = _AUTOMAGIC.match(body)
    # `cd /content` and `ls -l` parse as arithmetic: a path or an option is the magic's
    return bool(match) and (bool(match.group("path")) or not _is_python(body))


def _is_python(line: str) -> bool:
    try:
        compile(line, "<cell>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _placeholder(indent: str, lines: List[str], joiner: _Joiner) -> str:
    """Python for one IPython construct spanning `lines`: as many lines, same endings."""
    original = (lines[0][len(indent):] + "".join(lines[1:])).rstrip("\r\n")
    prefix = ""
    assign = None if original.startswith(("%", "!", "?")) else _ASSIGN.match(original)
    if assign:  # `files=!ls`: the target and its spacing stay as written
        prefix = original[:assign.start("rhs")]
        original = assign.group("rhs")
    name = joiner.placeholder(original)
    last_ending = lines[-1][len(lines[-1].rstrip("\r\n")):]
    if len(lines) == 1 and "TF_USE_LEGACY_KERAS" in original:
        # `%env TF_USE_LEGACY_KERAS=1`: the rules must see that the notebook sets it
        # (a setting they cannot read: they then say nothing of tf.keras)
        return f"{indent}{prefix}{name}{_switch_arguments(original)}{last_ending}"
    if len(lines) == 1:
        return f"{indent}{prefix}{name}{last_ending}"
    # `(name` + one empty line per continued line + `)`: the same line count
    endings = "".join(line[len(line.rstrip("\r\n")):] for line in lines[:-1])
    return f"{indent}{prefix}({name}{endings}){last_ending}"


def _switch_arguments(original: str) -> str:
    """`("TF_USE_LEGACY_KERAS", '%env TF_USE_LEGACY_KERAS=1')`: the variable's name as a
    string of its own, which is how the rules find a setting of it."""
    return f'("TF_USE_LEGACY_KERAS", {original!r})'


class _Scanner:
    """Just enough of Python's tokenizer to know where logical lines start: brackets,
    strings (triple-quoted ones span lines), comments and backslash continuations."""

    def __init__(self):
        self.depth = 0
        self.quote: Optional[str] = None  # the open string's delimiter
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return not self.depth and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        self.continued = False
        i, n = 0, len(line.rstrip("\r\n"))
        body = line[:n]
        while i < n:
            if self.quote is not None:
                if body[i] == "\\":
                    i += 2
                    continue
                if body.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                    continue
                i += 1
                continue
            char = body[i]
            if char == "#":
                break
            if char in "\"'":
                triple = body[i:i + 3]
                self.quote = triple if triple in ('"""', "'''") else char
                i += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char == "\\" and i == n - 1:
                self.continued = True
            i += 1
        if self.quote is not None and len(self.quote) == 1:
            # a one-line string ends with its line unless a backslash continues it
            if body.endswith("\\"):
                return
            self.quote = None
