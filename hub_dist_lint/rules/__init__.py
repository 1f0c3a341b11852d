"""Rule families, one module each. The engine runs every checker listed here."""

from .hub_scope import HubScopeChecker
from .private_imports import PrivateImportChecker

CHECKERS = (PrivateImportChecker(), HubScopeChecker())
