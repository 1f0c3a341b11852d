"""Release sets: which of the TensorFlow minor releases the data covers hold a fact.

The generated data stores a fact's releases as a bit mask over its release list
(oldest first). `ReleaseSet` is that mask with its arithmetic and the one way every
message writes releases: `2.3–2.4, 2.7` (an en dash for a run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Optional, Tuple

DASH = "\u2013"


@dataclass(frozen=True)
class ReleaseSet:
    mask: int
    order: Tuple[str, ...]  # every release the data covers, oldest first

    @classmethod
    def of(cls, releases: Iterable[str], order: Tuple[str, ...]) -> "ReleaseSet":
        mask = 0
        for release in releases:
            mask |= 1 << order.index(release)
        return cls(mask, order)

    # -- membership ---------------------------------------------------------------
    def __contains__(self, release: str) -> bool:
        return release in self.order and bool(self.mask >> self.order.index(release) & 1)

    def __bool__(self) -> bool:
        return bool(self.mask)

    def __iter__(self) -> Iterator[str]:
        return iter(self.releases)

    def __len__(self) -> int:
        return bin(self.mask).count("1")

    def __or__(self, other: "ReleaseSet") -> "ReleaseSet":
        return ReleaseSet(self.mask | other.mask, self.order)

    @property
    def releases(self) -> Tuple[str, ...]:
        return tuple(r for i, r in enumerate(self.order) if self.mask >> i & 1)

    @property
    def first(self) -> Optional[str]:
        found = self.releases
        return found[0] if found else None

    @property
    def last(self) -> Optional[str]:
        found = self.releases
        return found[-1] if found else None

    # -- history ------------------------------------------------------------------
    def since(self, release: str) -> Optional[str]:
        """First release of the run that ends with `release` (None if not in it)."""
        if release not in self:
            return None
        i = self.order.index(release)
        while i > 0 and self.mask >> (i - 1) & 1:
            i -= 1
        return self.order[i]

    def since_text(self, release: str) -> str:
        """'TF 2.4', or 'TF 2.2 or earlier' when the run starts where the data starts."""
        first = self.since(release)
        return f"TF {first} or earlier" if first == self.order[0] else f"TF {first}"

    def removed_in(self, release: str) -> Optional[str]:
        """The release after the last one before `release` that has it (None if `release`
        has it, or none before it did)."""
        if release in self:
            return None
        i = self.order.index(release)
        last = max((j for j in range(i) if self.mask >> j & 1), default=None)
        return self.order[last + 1] if last is not None else None

    def removed_by(self, release: str) -> bool:
        """It existed in an earlier release and not in `release`."""
        return self.removed_in(release) is not None

    def after_last(self) -> Optional[str]:
        """The release after the newest one that has it, if the data covers one."""
        last = self.last
        if last is None:
            return None
        i = self.order.index(last)
        return self.order[i + 1] if i + 1 < len(self.order) else None

    # -- words ----------------------------------------------------------------------
    def text(self) -> str:
        """("2.3", "2.4", "2.7") -> "2.3–2.4, 2.7"; "no release" when empty."""
        runs = []
        for i in range(len(self.order)):
            if not self.mask >> i & 1:
                continue
            if runs and runs[-1][1] == i - 1:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        if not runs:
            return "no release"
        return ", ".join(self.order[a] if a == b else f"{self.order[a]}{DASH}{self.order[b]}"
                         for a, b in runs)
