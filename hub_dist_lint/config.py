"""Run settings shared by every front end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple


def _prefix_len(code: str, prefixes: Tuple[str, ...]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


@dataclass(frozen=True)
class Config:
    select: Tuple[str, ...] = ("HDL",)
    ignore: Tuple[str, ...] = ()
    # TF release whose public names fixes use; None means the newest in the map.
    target_tf: Optional[str] = None

    def is_selected(self, code: str) -> bool:
        """ruff's rule: the most specific matching prefix decides; a tie ignores."""
        chosen = _prefix_len(code, self.select)
        return chosen >= 0 and chosen > _prefix_len(code, self.ignore)

    def target(self) -> str:
        if self.target_tf:
            return self.target_tf
        from . import apimap

        return apimap.latest_release()
