"""Rule documentation, written once on each rule and rendered from there."""

from __future__ import annotations

from .rules import all_rules

FIX_AVAILABILITY = {"always": "always available", "sometimes": "sometimes available", "never": "none"}


def rule_markdown(rule) -> str:
    parts = [f"## {rule.code} {rule.name}", "", rule.summary + ".", "", rule.explanation, "",
             f"Fix: {FIX_AVAILABILITY[rule.fix_availability]}{_applicability(rule)}."]
    for example in rule.INVALID:
        parts += ["", "Flagged:", "```python", example.code.rstrip("\n"), "```"]
        if example.fixed is not None:
            command = "hub-dist-fix --unsafe-fixes" if example.unsafe else "hub-dist-fix"
            parts += ["", f"After `{command}`:", "```python", example.fixed.rstrip("\n"), "```"]
    for example in rule.VALID[:1]:
        parts += ["", "Not flagged:", "```python", example.rstrip("\n"), "```"]
    return "\n".join(parts) + "\n"


def _applicability(rule) -> str:
    """`; safe`, or when it is unsafe (ruff's applicability: applied with --unsafe-fixes only)."""
    if rule.fix_availability == "never":
        return ""
    if not rule.unsafe_when:
        return "; safe (hub-dist-fix applies it)"
    return f"; unsafe (applied with `--unsafe-fixes` only) when {rule.unsafe_when}, else safe"


def rules_table() -> str:
    rows = [f"{r.code}  {r.name:<32} {r.summary}" for r in all_rules()]
    return "\n".join(rows)


def fixes_help(width: int = 79) -> str:
    """What hub-dist-fix rewrites, one line per rule that has a fix."""
    import textwrap

    lines = ["fixes (safe ones proven to keep or repair every program that runs the file; "
             "unsafe ones, marked (unsafe: ...), applied with --unsafe-fixes only):"]
    for rule in all_rules():
        if rule.fix_availability != "never":
            text = rule.fix_summary + (f" (unsafe: {rule.unsafe_when})" if rule.unsafe_when else "")
            lines.append(textwrap.fill(text, width, initial_indent=f"  {rule.code}  ",
                                       subsequent_indent=" " * 10))
    without = ", ".join(r.code for r in all_rules() if r.fix_availability == "never")
    lines.append(textwrap.fill(f"Findings without a fix ({without}, and those a fix could not prove "
                               f"safe) are listed, with the reason.", width))
    return "\n".join(lines)


def rules_document() -> str:
    """docs/rules.md; a test fails when the checked-in copy drifts from this."""
    head = ["# Rules", "",
            "Generated from the rules' own documentation by `python -m hub_dist_lint.docs`; "
            "do not edit by hand.", "",
            "| code | name | summary | fix |", "| --- | --- | --- | --- |"]
    head += [f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.summary} | "
             f"{FIX_AVAILABILITY[r.fix_availability]} |" for r in all_rules()]
    return "\n".join(head) + "\n\n" + "\n".join(rule_markdown(r) for r in all_rules())


if __name__ == "__main__":
    import sys
    from pathlib import Path

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/rules.md")
    target.write_text(rules_document(), encoding="utf-8")
    print(f"wrote {target}")
