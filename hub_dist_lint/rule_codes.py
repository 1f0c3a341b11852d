"""Every rule's code, in the registry's order, and the opt-in ones: generated from the
rules by `python -m hub_dist_lint.docs`; do not edit by hand. Settings and a run answered
from the cache read these without importing the rules (and libcst with them)."""

CODES = (
    "HDL101",  # private-import
    "HDL102",  # private-import-no-public-name
    "HDL103",  # private-module-import
    "HDL104",  # private-star-import
    "HDL105",  # protobuf-module-import
    "HDL201",  # hub-load-outside-strategy-scope
    "HDL202",  # hub-keras-layer-outside-strategy-scope
    "HDL301",  # removed-strategy-method
    "HDL302",  # deprecated-strategy-method
    "HDL303",  # deprecated-distribute-name
    "HDL304",  # removed-contrib-distribute
    "HDL305",  # removed-hub-api
    "HDL401",  # namespace-module-import
    "HDL402",  # namespace-from-import
    "HDL403",  # import-missing-in-target
    "HDL501",  # hub-layer-in-keras3-model
    "HDL502",  # ineffective-legacy-keras-switch
    "HDL504",  # untracked-hub-layer
    "HDL503",  # private-keras-import
    "HDL203",  # keras-optimizer-outside-strategy-scope
    "HDL204",  # keras-model-outside-strategy-scope
    "HDL205",  # keras-metric-outside-strategy-scope
)
OPT_IN = frozenset({"HDL105"})
