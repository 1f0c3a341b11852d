"""The rule registry: every rule family, one module each, and its rules by code.

Adding a family: write its module (rules, checker), then add its checker here.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

from .base import Checker, Rule
from .hub_api import HubApiChecker
from .hub_scope import HubScopeChecker
from .keras3 import Keras3Checker, PrivateKerasImportChecker
from .keras_scope import KerasScopeChecker
from .namespace_imports import NamespaceImportChecker
from .private_imports import PrivateImportChecker
from .removed_apis import RemovedApiChecker

CHECKERS: Tuple[Checker, ...] = (PrivateImportChecker(), HubScopeChecker(), RemovedApiChecker(),
                                 HubApiChecker(),
                                 NamespaceImportChecker(), Keras3Checker(),
                                 PrivateKerasImportChecker(), KerasScopeChecker())


def all_rules() -> Sequence[type]:
    return [rule for checker in CHECKERS for rule in checker.rules]


def rule_by_code(code: str) -> Optional[type]:
    for rule in all_rules():
        if rule.code == code.upper():
            return rule
    return None


def known_codes() -> Tuple[str, ...]:
    return tuple(rule.code for rule in all_rules())


__all__ = ["CHECKERS", "Checker", "Rule", "all_rules", "known_codes", "rule_by_code"]
