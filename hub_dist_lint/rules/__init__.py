"""Rule families, one module each. The engine runs every checker listed here."""

from .private_imports import PrivateImportChecker

CHECKERS = (PrivateImportChecker(),)
