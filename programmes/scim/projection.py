"""``attributes`` and ``excludedAttributes`` (RFC 7644 §3.4.2.5, §3.9): which attributes a response carries."""

from __future__ import annotations

from typing import Any

from django_scim.constants import SchemaURI

ALWAYS = {"id", "schemas"}  # returned "always" (RFC 7643 §3.1, §7)
URNS = (SchemaURI.ENTERPRISE_USER, SchemaURI.USER, SchemaURI.GROUP)


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    return [n.strip() for n in str(value or "").split(",") if n.strip()]


def _split(name: str) -> tuple[str | None, str]:
    """(extension URN or None, attribute name at the top of it), e.g. (enterprise, "manager")."""
    for urn in URNS:
        if name.lower().startswith(urn.lower() + ":"):
            rest = name[len(urn) + 1 :]
            return (urn if urn == SchemaURI.ENTERPRISE_USER else None), rest.split(".")[0]
        if name.lower() == urn.lower():
            return urn, ""
    return None, name.split(".")[0]


def project(doc: dict[str, Any], attributes: Any = None, excluded: Any = None) -> dict[str, Any]:
    wanted, unwanted = _names(attributes), _names(excluded)
    if wanted:
        keep: dict[str, Any] = {k: v for k, v in doc.items() if k in ALWAYS}
        for name in wanted:
            urn, attr = _split(name)
            if urn and not attr and urn in doc:
                keep[urn] = doc[urn]
            elif urn and isinstance(doc.get(urn), dict):
                part = {k: v for k, v in doc[urn].items() if k.lower() == attr.lower()}
                if part:
                    keep.setdefault(urn, {}).update(part)
            else:
                keep.update({k: v for k, v in doc.items() if k.lower() == attr.lower()})
        return keep
    if unwanted:
        doc = dict(doc)
        for name in unwanted:
            urn, attr = _split(name)
            if urn and not attr:
                doc.pop(urn, None)
            elif urn and isinstance(doc.get(urn), dict):
                doc[urn] = {k: v for k, v in doc[urn].items() if k.lower() != attr.lower()}
            else:
                for key in [k for k in doc if k.lower() == attr.lower() and k not in ALWAYS]:
                    doc.pop(key)
    return doc
