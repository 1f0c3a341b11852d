"""What the `explain` and `doctor` subcommands share on the command line: a parser whose
usage error is one line, and output that a reader leaving early (`| head`) does not break."""

from __future__ import annotations

import argparse
import os
import sys

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming what is wrong (exit 2)."""

    def error(self, message):  # pragma: no cover - exercised through the CLI tests
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def write_stdout(text: str) -> None:
    """Write and flush; when the reader has left, the rest goes nowhere and the exit
    code still counts."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
