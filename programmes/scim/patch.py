"""PATCH (RFC 7644 §3.5.2) applied to a resource's SCIM document, which is then saved as a PUT would save it: one
way to write a person or team, whichever verb the client uses. django-scim2 leaves most of PATCH to the adapter.

Paths: ``attr``, ``attr.sub``, ``attr[sub eq "x"]``, ``attr[sub eq "x"].sub2``, each optionally prefixed by a
schema URN (``urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager``); no path: the value is a
document of attributes to add or replace.
"""

from __future__ import annotations

import re
from typing import Any

from django_scim import exceptions
from django_scim.constants import SchemaURI

PATH = re.compile(
    r"^(?P<attr>[A-Za-z$][\w$-]*)"
    r"(?:\[\s*(?P<fattr>[A-Za-z$][\w$-]*)\s+eq\s+(?P<fvalue>\"(?:[^\"\\]|\\.)*\"|true|false|[\w.@+-]+)\s*\])?"
    r"(?:\.(?P<sub>[A-Za-z$][\w$-]*))?$"
)
URNS = (SchemaURI.ENTERPRISE_USER, SchemaURI.USER, SchemaURI.GROUP)


def _bad(detail: str, scim_type: str = "invalidPath") -> exceptions.BadRequestError:
    return exceptions.BadRequestError(detail, scim_type=scim_type)


def _container(doc: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """The dict the path's attribute lives in (the document, or its extension's part) and the rest of the path."""
    for urn in URNS:
        if path.startswith(urn + ":"):
            rest = path[len(urn) + 1 :]
            return (doc.setdefault(urn, {}) if urn == SchemaURI.ENTERPRISE_USER else doc), rest
        if path == urn:
            return doc, ""
    return doc, path


def _key(container: dict[str, Any], name: str) -> str:
    """Attribute names are case-insensitive (RFC 7643 §2.1): the key the document already uses, or ``name``."""
    return next((k for k in container if k.lower() == name.lower()), name)


def _matches(item: Any, fattr: str, fvalue: str) -> bool:
    if not isinstance(item, dict):
        return False
    value = item.get(_key(item, fattr))
    if fvalue in ("true", "false"):
        return value is (fvalue == "true")
    wanted = fvalue[1:-1] if fvalue.startswith('"') else fvalue
    return str(value).lower() == wanted.lower()


def _set_on(container: dict[str, Any], attr: str, sub: str | None, op: str, value: Any) -> None:
    key = _key(container, attr)
    if sub is None:
        current = container.get(key)
        if op == "add" and isinstance(current, list):
            added = value if isinstance(value, list) else [value]
            if any(isinstance(v, dict) and v.get("primary") for v in added):
                current = [{**c, "primary": False} if isinstance(c, dict) else c for c in current]
            container[key] = current + [v for v in added if v not in current]
        elif op == "add" and isinstance(current, dict) and isinstance(value, dict):
            container[key] = {**current, **value}
        else:
            container[key] = value
        return
    current = container.get(key)
    if isinstance(current, list):
        for item in current:
            if isinstance(item, dict):
                item[_key(item, sub)] = value
        if not current:
            container[key] = [{sub: value}]
    else:
        inner = current if isinstance(current, dict) else {}
        inner[_key(inner, sub)] = value
        container[key] = inner


def _apply_one(doc: dict[str, Any], op: str, path: str | None, value: Any) -> None:
    if not path:
        if op == "remove" or not isinstance(value, dict):
            raise _bad("A PATCH without a path needs an object of attributes as its value.", "noTarget")
        for name, inner in value.items():
            if name in URNS and isinstance(inner, dict):
                for sub_name, sub_value in inner.items():
                    _apply_one(doc, op, f"{name}:{sub_name}", sub_value)
            else:
                _apply_one(doc, op, name, inner)
        return
    if path == SchemaURI.ENTERPRISE_USER:  # the whole extension
        if op == "remove":
            doc.pop(path, None)
        elif not isinstance(value, dict):
            raise _bad(f"“{path}” needs an object as its value.", "invalidValue")
        else:
            part = {k: v for k, v in value.items() if k != "schemas"}
            doc[path] = {**doc.get(path, {}), **part} if op == "add" else part
        return
    container, rest = _container(doc, path)
    if not rest:
        raise _bad(f"Unknown path “{path}”.")
    match = PATH.match(rest)
    if match is None:
        raise _bad(f"Tandem cannot follow the path “{path}”.")
    attr, sub, fattr = match["attr"], match["sub"], match["fattr"]
    key = _key(container, attr)
    if fattr is None:
        if op == "remove":
            if sub is None:
                container.pop(key, None)
            elif isinstance(container.get(key), dict):
                container[key].pop(_key(container[key], sub), None)
            elif isinstance(container.get(key), list):
                for item in container[key]:
                    if isinstance(item, dict):
                        item.pop(_key(item, sub), None)
        else:
            _set_on(container, attr, sub, op, value)
        return
    _apply_filtered(container, key, match, op, value, path)


def _apply_filtered(container: dict[str, Any], key: str, match: re.Match, op: str, value: Any, path: str) -> None:
    """``attr[sub eq "x"]`` or ``attr[sub eq "x"].sub2``: on the items of a multi-valued attribute that match."""
    sub, fattr, fvalue = match["sub"], match["fattr"], match["fvalue"]
    items = container.get(key)
    items = items if isinstance(items, list) else []
    chosen = [item for item in items if _matches(item, fattr, fvalue)]
    if op == "remove":
        if sub is None:
            container[key] = [item for item in items if item not in chosen]
        else:
            for item in chosen:
                item.pop(_key(item, sub), None)
        return
    if not chosen:
        if op == "replace":
            raise _bad(f"Nothing matches “{path}”.", "noTarget")
        new = {fattr: fvalue[1:-1] if fvalue.startswith('"') else fvalue}
        items.append(new)
        container[key] = items
        chosen = [new]
    for item in chosen:
        if sub is None and isinstance(value, dict):
            item.update(value)
        elif sub is not None:
            item[_key(item, sub)] = value
        else:
            raise _bad(f"“{path}” needs an object as its value.", "invalidValue")


def patch_document(doc: dict[str, Any], operations: Any) -> dict[str, Any]:
    """``doc`` with the PATCH operations applied, in order (a bad one: SCIM 400, nothing applied)."""
    if not isinstance(operations, list) or not operations:
        raise _bad("A PATCH needs a non-empty “Operations” list.", "invalidSyntax")
    for operation in operations:
        if not isinstance(operation, dict):
            raise _bad("Each PATCH operation is an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "remove", "replace"):
            raise _bad(f"Unknown PATCH op “{operation.get('op')}”.", "invalidSyntax")
        path = operation.get("path")
        if path is not None and not isinstance(path, str):
            raise _bad("A PATCH path is a string.")
        if op == "remove" and not path:
            raise _bad("A remove needs a path.", "noTarget")
        _apply_one(doc, op, path, operation.get("value"))
    return doc
