"""Whether a call means the same to two functions: a private one and its public
counterpart, or a deprecated constructor and its stable replacement.

Parameter lists are data (read from the wheels by the generators); no function is
imported or called.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst


def call_fits(call: Optional[cst.Call], params: dict) -> bool:
    """Whether a call means the same to the private function and its public counterpart.

    Positional arguments must land on parameters of the same name in both, keywords
    must exist in both, the public function's required parameters must be given,
    and parameters left out must default to the same value in both.
    """
    if call is None:
        return False
    private, public = params["private_params"], params["public_params"]
    if private.get("varargs") or public.get("varargs"):
        return False
    shared_positional = 0
    for a, b in zip(private.get("args", ()), public.get("args", ())):
        if a != b:
            break
        shared_positional += 1
    given = set()
    positional = 0
    for arg in call.args:
        if arg.star:
            return False
        if arg.keyword is None:
            if positional >= shared_positional:
                return False
            given.add(public["args"][positional])
            positional += 1
            continue
        name = arg.keyword.value
        for side in (private, public):
            if name not in side.get("args", ()) and name not in side.get("kwonly", ()):
                return False
        given.add(name)
    public_args = list(public.get("args", ()))
    required = public_args[: len(public_args) - public.get("ndefaults", 0)]
    required += list(public.get("kwonly_required", ()))
    if not set(required) <= given:
        return False
    private_defaults = {**private.get("defaults", {}), **private.get("kwonly_defaults", {})}
    public_defaults = {**public.get("defaults", {}), **public.get("kwonly_defaults", {})}
    for name in set(private_defaults) & set(public_defaults) - given:
        if private_defaults[name] != public_defaults[name]:
            return False
    return True
