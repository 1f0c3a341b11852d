"""Long fuzz run: generated programs and mutated real files through lint and fix.

    python bench/fuzz.py [--examples N] [--mutate DIR] [--seconds S]

Fails (exit 1) on the first crash, printing the input that caused it. The test
suite runs a short version (tests/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(True)
    for _ in range(rng.randint(1, 4)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        op = rng.choice(("drop", "dup", "swap", "indent", "cut"))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap" and len(lines) > 1:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = "    " + lines[i]
        else:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return "".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--mutate", help="directory of real .py files to mutate")
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from test_fuzz import check

    deadline = time.time() + args.seconds
    runs = 0
    if args.mutate:
        rng = random.Random(args.seed)
        files = sorted(Path(args.mutate).rglob("*.py"))
        while time.time() < deadline and runs < args.examples:
            path = rng.choice(files)
            text = mutate(path.read_text("utf-8", "replace"), rng)
            try:
                check(text)
            except Exception:
                print(f"CRASH on a mutation of {path}:\n{text}\n{traceback.format_exc()}")
                return 1
            runs += 1
    else:
        from hypothesis import HealthCheck, given, settings
        import hypothesmith
        from test_fuzz import PREFIX, SUFFIX

        @settings(max_examples=args.examples, deadline=None, suppress_health_check=list(HealthCheck))
        @given(prefix=PREFIX, body=hypothesmith.from_grammar(), suffix=SUFFIX)
        def fuzz(prefix, body, suffix):
            check(prefix + body + suffix)

        fuzz()
        runs = args.examples
    print(f"{runs} inputs, no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
