"""Sentences about a symbol's history across TF releases, from the shipped map."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Sequence

from . import apimap


def release_ranges(releases: Sequence[str]) -> str:
    """("2.3", "2.4", "2.7") -> "2.3–2.4, 2.7" (ranges over the map's release list)."""
    order = apimap.releases()
    wanted = sorted({order.index(r) for r in releases if r in order})
    runs = []
    for index in wanted:
        if runs and runs[-1][1] == index - 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return ", ".join(
        order[a] if a == b else f"{order[a]}\u2013{order[b]}" for a, b in runs
    )


def _after(release: str) -> Optional[str]:
    order = apimap.releases()
    index = order.index(release)
    return order[index + 1] if index + 1 < len(order) else None


@lru_cache(maxsize=1)
def _hints() -> Dict[str, str]:
    # Hand-written advice for symbols people import by mistake; the public<->private
    # map itself is generated, never typed.
    return json.loads((Path(__file__).parent / "data" / "hints.json").read_text("utf-8"))


def hint(path: str) -> Optional[str]:
    return _hints().get(path)


def no_public_name(path: str, target: str) -> str:
    """Why a private symbol has no replacement, e.g. that it is gone since 2.5."""
    order = apimap.releases()
    defined = apimap.symbol_releases(path)
    publics = apimap.public_names(path)
    was_public = sorted({r for rels in publics.values() for r in rels}, key=order.index)
    if not defined and not was_public:
        text = f"not a public TensorFlow name in TF {order[0]}\u2013{order[-1]}"
    else:
        last = max(defined or was_public, key=order.index)
        public_part = (
            f"public as {', '.join(sorted(publics))} in {release_ranges(was_public)}"
            if was_public else "never public"
        )
        if order.index(last) < order.index(target):
            text = (f"{public_part}, and removed in TF {_after(last)} "
                    f"(it existed in {release_ranges(defined or was_public)})")
        else:
            text = f"{public_part}; no public name in TF {target}"
    extra = hint(path)
    return f"{text}; {extra}" if extra else text
