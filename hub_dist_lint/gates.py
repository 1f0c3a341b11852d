"""Cheap tests on a file's text, run on every file before anything is parsed.

A checker's gate (`checking.Gate`) rules a file out when its text cannot hold a finding;
on a user tree most files stop there, so these run on every file and their cost is paid
in full. Python's `re` finds a literal fast, but tries an alternation (`a|b`) or a
`^`-anchored MULTILINE pattern at every character: about ten times a substring test on
the 2,029-file user tree. The helpers here give the same answers at the substring's cost.
"""

from __future__ import annotations

import re
from typing import AnyStr, Iterator, Tuple


class AllOf:
    """A gate: every word is in the text."""

    def __init__(self, *words: str):
        self.words = words

    def search(self, text: str) -> bool:
        return all(word in text for word in self.words)


class AnyOf:
    """A gate: some word is in the text (`re.compile("a|b").search`, by substring tests),
    or some of `identifiers` stands in it as a whole identifier (`names_identifier`)."""

    def __init__(self, *words: str, identifiers: Tuple[str, ...] = ()):
        self.words = words
        self.identifiers = identifiers

    def search(self, text: str) -> bool:
        return any(word in text for word in self.words) or \
            any(names_identifier(text, name) for name in self.identifiers)


def names_identifier(text: AnyStr, name: AnyStr) -> bool:
    """Does `name` stand in the text (str, or bytes of a source) as a whole identifier, not
    inside a longer one (`KerasLayer`, not `KerasLayersNet`)? A substring test, then a look
    at the characters around each hit. Only an ASCII letter, digit or underscore counts as
    part of a longer identifier, so a text using other identifier characters next to the
    name passes (the gate lets through more, never less)."""
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if not (at and _continues(text[at - 1:at])) and not _continues(text[end:end + 1]):
            return True
        at = text.find(name, end)
    return False


def _continues(char: AnyStr) -> bool:
    """An ASCII letter, digit or underscore (`char`: one character of a str or bytes, or none)."""
    if not char or not char.isascii():
        return False
    return char.isalnum() or char == (b"_" if isinstance(char, bytes) else "_")


def line_matches(pattern: "re.Pattern[str]", text: str, word: str) -> Iterator["re.Match[str]"]:
    """`pattern.finditer(text)`, for a MULTILINE pattern that can match only at the start
    of a line holding `word` (`^[ \\t]*import ...keras...`): tried at those lines alone.
    Like `finditer`, a line that starts inside the previous match is not tried."""
    end = 0
    at = text.find(word)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        if start >= end:
            match = pattern.match(text, start)
            if match:
                yield match
                end = match.end()
        line_end = text.find("\n", at)
        if line_end < 0:
            return
        at = text.find(word, line_end + 1)
