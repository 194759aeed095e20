"""PATCH operations applied to a SCIM document (programmes.scim.patch), the forms providers send."""

from __future__ import annotations

import pytest
from django_scim import exceptions

from programmes.scim.patch import patch_document
from programmes.tests.scim_helpers import ENTERPRISE


def _doc() -> dict:
    return {
        "userName": "p@example.org",
        "emails": [{"value": "p@example.org", "type": "work"}],
        "title": "Analyst",
        ENTERPRISE: {"manager": {"value": "7"}},
    }


def test_a_pathless_add_with_an_extension_object_sets_its_attributes():
    doc = patch_document(_doc(), [{"op": "add", "value": {"title": "Lead", ENTERPRISE: {"employeeNumber": "E-1"}}}])
    assert doc["title"] == "Lead"
    assert doc[ENTERPRISE] == {"manager": {"value": "7"}, "employeeNumber": "E-1"}


def test_attribute_names_are_case_insensitive():
    doc = patch_document(_doc(), [{"op": "Replace", "path": "Title", "value": "Lead"}])
    assert doc["title"] == "Lead" and "Title" not in doc


def test_remove_by_filter_drops_only_the_matching_items():
    doc = _doc()
    doc["emails"].append({"value": "home@example.org", "type": "home"})
    doc = patch_document(doc, [{"op": "remove", "path": 'emails[type eq "home"]'}])
    assert doc["emails"] == [{"value": "p@example.org", "type": "work"}]


def test_a_sub_attribute_of_the_extension_by_its_full_path():
    doc = patch_document(_doc(), [{"op": "replace", "path": f"{ENTERPRISE}:manager.value", "value": "9"}])
    assert doc[ENTERPRISE]["manager"] == {"value": "9"}


@pytest.mark.parametrize(
    "operations",
    [
        [],
        "replace",
        [{"op": "remove"}],
        [{"op": "move", "path": "title"}],
        [{"op": "replace", "path": 'emails[type eq "home"].value', "value": "x@example.org"}],
        [{"op": "replace", "path": "emails[type ne ]", "value": "x"}],
        [{"op": "add", "value": "not an object"}],
        [{"op": "add", "path": 7, "value": "x"}],
    ],
)
def test_operations_tandem_cannot_apply_are_a_scim_400(operations):
    with pytest.raises(exceptions.BadRequestError):
        patch_document(_doc(), operations)
