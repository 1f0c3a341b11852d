"""Rule families, one module each. The engine runs every checker listed here."""

from .hub_scope import HubScopeChecker
from .keras3 import Keras3Checker, PrivateKerasImportChecker
from .namespace_imports import NamespaceImportChecker
from .private_imports import PrivateImportChecker
from .removed_apis import RemovedApiChecker

CHECKERS = (PrivateImportChecker(), HubScopeChecker(), RemovedApiChecker(), NamespaceImportChecker(),
            Keras3Checker(), PrivateKerasImportChecker())
