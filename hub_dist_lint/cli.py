"""Command-line front ends: `hub-dist-lint` (check) and `hub-dist-fix` (rewrite).

Thin by design: reading files, choosing output, exit codes. The findings come
from engine.analyze, the rewrites from fixing.fix_source.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Sequence, Tuple

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> Tuple[str, ...]:
    from .config import split_list

    return tuple(split_list(value))


def _globs(value: str) -> Tuple[str, ...]:
    return tuple(g.strip() for g in value.split(",") if g.strip())


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories to check; - reads standard input")
    parser.add_argument("--select", type=_codes, default=None,
                        help="rule codes or prefixes to enable (default: HDL)")
    parser.add_argument("--ignore", type=_codes, default=None, help="rule codes or prefixes to disable")
    parser.add_argument("--extend-select", type=_codes, default=(),
                        help="codes or prefixes to enable on top of --select")
    parser.add_argument("--exclude", type=_globs, default=None, metavar="GLOBS",
                        help="files and directories to skip (replaces the defaults: .git, venvs, build dirs, ...)")
    parser.add_argument("--extend-exclude", type=_globs, default=(), metavar="GLOBS",
                        help="files and directories to skip, on top of the defaults")
    parser.add_argument("--force-exclude", action="store_true",
                        help="apply the excludes to files named on the command line too (as pre-commit passes them)")
    parser.add_argument("--fixable", type=_codes, default=None, metavar="CODES",
                        help="codes or prefixes whose fixes may be applied (default: HDL)")
    parser.add_argument("--unfixable", type=_codes, default=None, metavar="CODES",
                        help="codes or prefixes whose fixes are never applied")
    unsafe = parser.add_mutually_exclusive_group()
    unsafe.add_argument("--unsafe-fixes", action="store_const", const=True, dest="unsafe_fixes",
                        default=None, help="apply unsafe fixes too (right for how a file is "
                        "usually run, not proven for every program that runs it)")
    unsafe.add_argument("--no-unsafe-fixes", action="store_const", const=False, dest="unsafe_fixes",
                        help="apply safe fixes only, whatever the configuration says")
    parser.add_argument("--target-tf", metavar="RELEASE", default=None,
                        help="TF release whose public names to suggest (default: newest known, e.g. 2.21)")
    parser.add_argument("--legacy-keras", action="store_const", const=True, default=None,
                        help="the project runs with TF_USE_LEGACY_KERAS=1 (set by its entry point "
                        "or environment): tf.keras is tf-keras, as in legacy-keras = true")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="use this pyproject.toml or setup.cfg instead of the nearest one")
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    parser.add_argument("--stdin-filename", default="<stdin>",
                        help="name to report for standard input (also finds its configuration; "
                             "a name ending in .ipynb reads a notebook)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="say on stderr which TensorFlow target each file was checked "
                             "against when it is not the configured or default one")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def _resolver(args):
    """Settings from the configuration files and the flags; a bad flag value is a usage error."""
    from .config import Overrides, Resolver, check_codes, check_target

    def checked(flag, value, check):
        try:
            return check(value)
        except ValueError as exc:
            shown = ",".join(value) if isinstance(value, tuple) else value
            raise SystemExit(_usage_error(f"{flag} {shown}: {exc}")) from None

    codes = {}
    for flag in ("select", "extend_select", "ignore", "fixable", "unfixable"):
        value = getattr(args, flag)
        codes[flag] = None if value is None else checked("--" + flag.replace("_", "-"), value, check_codes)
    target = None if args.target_tf is None else checked("--target-tf", args.target_tf, check_target)
    return Resolver(Overrides(
        select=codes["select"], extend_select=codes["extend_select"] or (), ignore=codes["ignore"],
        exclude=args.exclude, extend_exclude=tuple(args.extend_exclude),
        target_tf=target, config_file=args.config, isolated=args.isolated,
        fixable=codes["fixable"], unfixable=codes["unfixable"], unsafe_fixes=args.unsafe_fixes,
        legacy_keras=args.legacy_keras))


def _usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _inputs(args, resolver) -> Tuple[List[Tuple[str, Optional[str], object]], int]:
    """(display path, file path or None for stdin, engine Config) triples; and an error count.

    Raises ConfigError before anything is linted when a configuration in play is bad.
    """
    from .files import discover

    if not args.paths:
        raise SystemExit(_usage_error("no paths given (use . for the current directory, - for stdin)"))
    items: List[Tuple[str, Optional[str], object]] = []
    real = [p for p in args.paths if p != "-"]
    if args.force_exclude:
        real = [p for p in real
                if not (os.path.exists(p) and resolver.settings_for(p).is_excluded_with_parents(p))]
    files, missing = discover(real, resolver.excluded, resolver.seen)
    for path, reason in missing:
        print(f"{path}: error: {reason}", file=sys.stderr)
    if "-" in args.paths:
        name = args.stdin_filename
        skip = (args.force_exclude and not name.startswith("<")
                and resolver.settings_for(name).is_excluded_with_parents(name))
        items.append((name, None, None if skip else resolver.config_for(name)))
    items.extend((f, f, resolver.config_for(f)) for f in files)
    if not items and not missing:
        print("warning: No Python files found under the given path(s)", file=sys.stderr)
    return items, len(missing)


def _read(file_path: Optional[str]) -> bytes:
    if file_path is None:
        return sys.stdin.buffer.read()
    from .files import read_bytes

    return read_bytes(file_path)


def _report_error(display: str, reason: str, line: Optional[int] = None,
                  column: Optional[int] = None, cell: Optional[int] = None) -> None:
    from .diagnostics import where

    print(f"{display}{where(line, column, cell)}: error: {reason}", file=sys.stderr)


# `hub-dist-lint NAME ...` runs these instead of linting: "module:function", each
# taking the remaining arguments and returning an exit code. Imported on use only,
# so linting never pays for them.
SUBCOMMANDS = {
    "rule": "hub_dist_lint.cli:rule_main",
    "explain": "hub_dist_lint.explain:main",
    "doctor": "hub_dist_lint.doctor:main",
    "lsp": "hub_dist_lint.lsp:main",
}


def _run_subcommand(name: str, argv: Sequence[str]) -> int:
    import importlib

    module_name, function = SUBCOMMANDS[name].split(":")
    return getattr(importlib.import_module(module_name), function)(list(argv))


def lint_main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        return _run_subcommand(argv[0], argv[1:])
    parser = argparse.ArgumentParser(
        prog="hub-dist-lint",
        description="Find private TensorFlow imports and distribution-strategy traps. "
        "Subcommands: " + ", ".join(SUBCOMMANDS) + " (e.g. `hub-dist-lint rule --all`).")
    _common_options(parser)
    from .reporters import FORMATS

    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), json, sarif (2.1.0) or github (workflow commands)")
    parser.add_argument("--output-file", "-o", metavar="FILE", default=None,
                        help="write the report to FILE instead of standard output")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                        help="processes to use (default: all cores)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    parser.add_argument("--cache-dir", metavar="DIR", default=None,
                        help="where cached results live (default: ~/.cache/hub-dist-lint)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar, and no summary on a terminal")
    args = parser.parse_args(argv)
    if args.jobs < 0:
        return _usage_error(f"--jobs {args.jobs}: must be 0 (all cores) or more")
    from .config import ConfigError

    try:
        resolver = _resolver(args)
        items, errors = _inputs(args, resolver)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    if args.output_file:
        try:
            out = open(args.output_file, "w", encoding="utf-8")
        except OSError as exc:
            return _usage_error(f"{args.output_file}: cannot write: {exc.strerror or exc}")
        with out:
            return _lint(args, items, errors, out)
    return _lint(args, items, errors, sys.stdout)


def _lint(args, items, errors: int, out) -> int:
    from . import runner
    from .reporters import Failure, make_reporter

    reporter = make_reporter(args.format, out)
    findings = 0
    items = [item for item in items if item[2] is not None]  # stdin of an excluded name
    stdin = sys.stdin.buffer.read() if any(path is None for _, path, _ in items) else None
    cache_dir = None if args.no_cache else (args.cache_dir or runner.default_cache_dir())
    progress = runner.Progress(len(items), enabled=not args.quiet)
    # A person at a terminal gets ruff's `[*]` marks and summary, which need the fixes
    # planned (about 1.2x a plain run); a pipe or a file gets the findings alone.
    summary = args.format == "text" and not args.quiet and _is_terminal(out)
    fixes = reporter.needs_fixes or summary
    fixable = hidden = 0
    for outcome in runner.run(items, args.jobs, fixes, cache_dir, stdin, progress):
        if args.verbose and outcome.note:
            print(f"{outcome.display}: target {outcome.note}", file=sys.stderr)
        if outcome.error is not None:
            _report_error(outcome.display, *outcome.error)
            reporter.failure(Failure(outcome.display, *outcome.error))
            errors += 1
            continue
        for record in outcome.records:
            findings += 1
            fixable += record.fix_status == "applies"
            hidden += record.fix_status == "unsafe"
            reporter.finding(record)
    reporter.finish()
    if summary:
        out.write(_summary(findings, fixable, hidden))
    if errors:
        return EXIT_ERROR
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _is_terminal(out) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def _summary(findings: int, fixable: int = 0, hidden: int = 0) -> str:
    """ruff's closing lines: `Found 4 errors.` (or `All checks passed!`), then how many
    hub-dist-fix fixes, and how many more it would with --unsafe-fixes."""
    if not findings:
        return "All checks passed!\n"
    text = f"Found {findings} error{'s' if findings != 1 else ''}.\n"
    if fixable:
        text += f"[*] {fixable} fixable with hub-dist-fix.\n"
    if hidden:
        more = f"{hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the --unsafe-fixes option"
        text += f"{more}.\n" if fixable else f"No fixes available ({more}).\n"
    return text


def fix_main(argv: Optional[Sequence[str]] = None) -> int:
    from .docs import fixes_help

    parser = argparse.ArgumentParser(
        prog="hub-dist-fix", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Apply the fixes of hub-dist-lint's rules in place (formatting, comments,\n"
                    "encoding and line endings kept).", epilog=fixes_help())
    _common_options(parser)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    mode.add_argument("--check", action="store_true", help="exit 1 if anything would change; write nothing")
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                        help="processes to use (default: all cores)")
    args = parser.parse_args(argv)
    from . import runner
    from .config import ConfigError
    from .fixing import unified_diff, write_atomically

    if args.jobs < 0:
        return _usage_error(f"--jobs {args.jobs}: must be 0 (all cores) or more")
    try:
        items, errors = _inputs(args, _resolver(args))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    stdin = sys.stdin.buffer.read() if any(path is None for _, path, _ in items) else None
    work = [(display, path, config, stdin if path is None else None) for display, path, config in items]
    changed = remaining = 0
    for outcome in runner.in_parallel(runner.fix_one, work, args.jobs):
        display, to_stdout = outcome.display, outcome.path is None
        if outcome.error:
            _report_error(display, *outcome.error)
            errors += 1
            if to_stdout:
                sys.stdout.buffer.write(outcome.source)  # a filter must not eat its input
            continue
        for left in outcome.left:
            remaining += 1
            why = f" (not fixed: {left.reason})" if left.reason else ""
            print(f"{display}{left.where}: {left.code} {left.message}{why}",
                  file=sys.stderr if to_stdout else sys.stdout)
        if to_stdout:
            sys.stdout.buffer.write(outcome.new)
            changed += outcome.new != outcome.source
            continue
        if outcome.new == outcome.source:
            continue
        changed += 1
        if args.diff:
            if outcome.notebook:
                from .notebooks import cell_diff

                sys.stdout.write(cell_diff(outcome.source, outcome.new, display))
            else:
                sys.stdout.write(unified_diff(outcome.source, outcome.new, display))
        elif args.check:
            print(f"would fix {outcome.fixed} finding(s) in {display}")
        else:
            try:
                write_atomically(outcome.path, outcome.new)
            except OSError as exc:
                _report_error(display, f"cannot write: {exc.strerror or exc}")
                errors += 1
                continue
            print(f"fixed {outcome.fixed} finding(s) in {display}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if (changed or remaining) else EXIT_CLEAN


def rule_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="hub-dist-lint rule", description="Print a rule's documentation.")
    parser.add_argument("code", nargs="?")
    parser.add_argument("--all", action="store_true", help="list every rule")
    args = parser.parse_args(argv)
    from .docs import rule_markdown, rules_table
    from .rules import rule_by_code

    if args.all or not args.code:
        print(rules_table())
        return EXIT_CLEAN
    rule = rule_by_code(args.code)
    if rule is None:
        return _usage_error(f"unknown rule {args.code} (see `hub-dist-lint rule --all`)")
    print(rule_markdown(rule))
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(lint_main())
