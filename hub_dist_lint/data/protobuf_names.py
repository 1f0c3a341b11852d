"""Names a generated ``*_pb2.py`` module binds at import, read from its serialized descriptor.

Newer protoc output does not assign its messages: ``DESCRIPTOR =
_descriptor_pool.Default().AddSerializedFile(b'...')`` followed by
``_builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, _globals)`` and
``_builder.BuildTopDescriptorsAndMessages(...)`` (and ``BuildServices``) fill the
module's globals at run time. This parses the bytes literal with
``google.protobuf.descriptor_pb2.FileDescriptorProto`` (data only: nothing generated
is imported, TensorFlow least of all) and names what those builder functions bind, as
``google/protobuf/internal/builder.py`` does. Older output (``serialized_pb=_b('...')``
with explicit ``X = _reflection.GeneratedProtocolMessageType(...)`` assignments) binds
its names statically and needs none of this.
"""

from __future__ import annotations

import ast
from typing import Optional, Set


def _literal_bytes(node) -> Optional[bytes]:
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        return node.value
    if isinstance(node, ast.Call) and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str):
        return node.args[0].value.encode("latin1")  # _b('...') of old protoc output
    return None


def serialized_file(tree: ast.Module) -> Optional[bytes]:
    """The serialized FileDescriptorProto of ``DESCRIPTOR = ...``, or None."""
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "DESCRIPTOR" for t in node.targets)):
            continue
        call = node.value
        if not isinstance(call, ast.Call):
            continue
        for keyword in call.keywords:
            if keyword.arg == "serialized_pb":
                return _literal_bytes(keyword.value)
        if call.args:
            return _literal_bytes(call.args[0])
    return None


def builder_calls(tree: ast.Module) -> Set[str]:
    """Names of the ``_builder.Build*`` functions called at module level."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr.startswith("Build"):
            found.add(node.func.attr)
    return found


def _nested(message, prefix: str, out: Set[str]) -> None:
    for nested in message.nested_type:
        name = prefix + nested.name.upper()
        out.add(name)
        _nested(nested, name + "_", out)
    for enum in message.enum_type:
        out.add(prefix + enum.name.upper())


def descriptor_names(tree: ast.Module) -> Set[str]:
    """Names the builder calls of this module bind (empty for old-style output)."""
    calls = builder_calls(tree)
    if not calls:
        return set()
    data = serialized_file(tree)
    if data is None:
        return set()
    from google.protobuf import descriptor_pb2  # only the generator needs protobuf

    proto = descriptor_pb2.FileDescriptorProto.FromString(data)
    names: Set[str] = set()
    if "BuildMessageAndEnumDescriptors" in calls:
        for message in proto.message_type:
            prefix = "_" + message.name.upper()
            names.add(prefix)
            _nested(message, prefix + "_", names)
    if "BuildTopDescriptorsAndMessages" in calls:
        for enum in proto.enum_type:
            names.update({"_" + enum.name.upper(), enum.name})
            names.update(value.name for value in enum.value)
        for extension in proto.extension:
            names.update({extension.name.upper() + "_FIELD_NUMBER", extension.name})
        for service in proto.service:
            names.add("_" + service.name.upper())
        names.update(message.name for message in proto.message_type)
    if "BuildServices" in calls:
        for service in proto.service:
            names.update({service.name, service.name + "_Stub"})
    return names
