"""The ESCO data the migration loads, and finding an occupation from a typed job title."""

from __future__ import annotations

import pytest

from perspektive.jobs.models import IscoGroup, Occupation, Skill, SkillKind
from perspektive.jobs.selectors import SUGGESTION_LIMIT, occupation_suggest

pytestmark = pytest.mark.django_db


def test_the_whole_esco_extract_is_loaded() -> None:
    assert Occupation.objects.count() == 2942
    assert IscoGroup.objects.count() == 619
    assert Skill.objects.count() == 452
    assert Skill.objects.filter(kind=SkillKind.LANGUAGE).count() == 345
    assert Skill.objects.filter(kind=SkillKind.TRANSVERSAL).count() == 107
    assert not Occupation.objects.filter(search_text="").exists()
    assert not Occupation.objects.filter(label="").exists()


def test_isco_groups_form_a_tree_from_unit_to_major_group() -> None:
    groups = dict(IscoGroup.objects.values_list("code", "parent_id"))
    levels = {len(code) for code in groups}
    assert levels == {1, 2, 3, 4}
    assert {code for code, parent in groups.items() if parent is None} == {
        code for code in groups if len(code) == 1
    }
    for code, parent in groups.items():
        if parent is not None:
            assert parent == code[:-1], code
            assert parent in groups, code


def test_every_occupation_sits_in_an_isco_unit_group_that_reaches_a_major_group() -> None:
    groups = dict(IscoGroup.objects.values_list("code", "parent_id"))
    for label, isco in Occupation.objects.values_list("label", "isco_id"):
        assert len(isco) == 4 and isco in groups, label
        chain = [isco]
        while groups[chain[-1]] is not None:
            chain.append(groups[chain[-1]])
        assert [len(c) for c in chain] == [4, 3, 2, 1], (label, chain)


def test_wire_drawer_suggests_metal_drawing_machine_operator_first() -> None:
    found = occupation_suggest("wire drawer")
    assert found, "no suggestion"
    assert found[0].label == "metal drawing machine operator"
    assert found[0].isco_id == "8121"
    assert found[0].isco.label  # the group comes along for the "ISCO 8121" hint


@pytest.mark.parametrize("query", ["Wire Drawer", "  wire   drawer ", "WIRE DRAWER"])
def test_suggestions_ignore_case_and_spacing(query: str) -> None:
    assert occupation_suggest(query)[0].label == "metal drawing machine operator"


@pytest.mark.parametrize("query", ["", " ", "   \t\n"])
def test_an_empty_query_suggests_nothing(query: str) -> None:
    assert occupation_suggest(query) == []


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("software developer", "software developer"),
        ("bus driver", "bus driver"),
        ("welder", "welder"),
        ("driver bus", "bus driver"),  # every word, in any order
    ],
)
def test_a_multi_word_title_finds_its_occupation_first(query: str, first: str) -> None:
    found = occupation_suggest(query)
    assert found[0].label == first
    assert all(all(w in o.search_text for w in query.split()) for o in found)


def test_suggestions_are_limited_and_all_contain_every_word() -> None:
    found = occupation_suggest("operator")
    assert len(found) == SUGGESTION_LIMIT
    assert all("operator" in o.search_text for o in found)
    assert occupation_suggest("operator", limit=3) == found[:3]


def test_a_title_that_is_no_occupation_suggests_nothing() -> None:
    assert occupation_suggest("qwertzuiop") == []
