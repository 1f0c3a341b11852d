"""`hub-dist-lint lsp`: a Language Server over stdio, built on pygls (lsp_server.py).

A thin front end like the others: the findings come from engine.analyze, the
rewrites from the fix plans the engine attached to them (fixing.apply_fixes),
the settings from the nearest pyproject.toml / setup.cfg of the file's folder
(config.Resolver). `# noqa` is honoured because the engine honours it.

- publishes diagnostics on open and save at once, on change after a short
  pause in typing (debounced), never for a stale version of the document;
- offers a quick fix for each fixable diagnostic, and a
  `source.fixAll.hub-dist-lint` action applying every fix in the file;
- lints Jupyter notebooks sent as LSP 3.17 notebook documents as their kernel runs
  them (the code cells in order, one module, IPython syntax kept: notebooks.py), with
  diagnostics and fixes per cell;
- lints in one worker thread, so the protocol never waits on a lint; nothing
  it runs imports TensorFlow.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from . import __version__


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hub-dist-lint lsp",
        description="Language Server Protocol server over standard input/output "
        "(diagnostics, quick fixes, fix-all; Python files and Jupyter notebooks). "
        "Needs pygls: pip install 'hub-dist-lint[lsp]'.")
    parser.add_argument("--stdio", action="store_true",
                        help="accepted for editors that pass it; stdio is the only transport")
    parser.add_argument("--debounce", type=float, default=0.3, metavar="SECONDS",
                        help="pause in typing before a changed document is linted (default 0.3)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(list(argv))
    if args.debounce < 0:
        print("error: --debounce must be >= 0", file=sys.stderr)
        return 2
    try:
        import pygls  # noqa: F401
        import lsprotocol  # noqa: F401
    except ImportError:
        print("error: `hub-dist-lint lsp` needs pygls, which is not installed: "
              "pip install 'hub-dist-lint[lsp]'", file=sys.stderr)
        return 2
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="hub-dist-lint lsp: %(levelname)s: %(message)s")
    server = create_server(args.debounce)
    server.start_io()
    return 0


def create_server(debounce: float = 0.3):
    """The pygls server (lsp_server.py), imported only here: pygls is optional."""
    from .lsp_server import HubDistLintServer, register_features

    server = HubDistLintServer(debounce)
    register_features(server)
    return server


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
