"""The hooks through which a lower app shows or counts something of a higher one (programmes/hooks.py,
mentoring/hooks.py, each a ``core.hooks.Hook``) are filled at start-up, every URL name they and the programme
navigation hold resolves, and the pages that read them link where they did when they named the higher app's URLs
themselves."""

from __future__ import annotations

import importlib

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

from config.navigation import GROUPS, PAGES
from core.hooks import Hook
from mentoring import hooks as mentoring_hooks
from programmes import hooks as programmes_hooks
from programmes.hooks import area_homes
from programmes.models import Role
from programmes.permissions import Area
from programmes.tests.factories import MembershipFactory, PersonFactory


def resolves(url_name: str, most_args: int = 3) -> bool:
    """The URL name exists, whatever number of arguments (up to ``most_args``) its pattern takes."""
    for count in range(most_args + 1):
        try:
            reverse(url_name, args=[1] * count)
        except NoReverseMatch:
            continue
        return True
    return False


def test_every_hook_is_filled_at_start_up():
    hooks = [
        programmes_hooks.ACTIVE_PAIRINGS,
        programmes_hooks.SESSION_HOURS,
        programmes_hooks.REFLECTION_HOURS,
        programmes_hooks.OVERVIEW_PANELS,
        programmes_hooks.AREA_HOMES,
        programmes_hooks.PEOPLE_LEFT,
        programmes_hooks.PEOPLE_MOVED,
        programmes_hooks.TEAM_PANELS,
        mentoring_hooks.LINKED_PAGES,
    ]
    assert all(isinstance(hook, Hook) for hook in hooks)
    assert [hook.name for hook in hooks if not len(hook)] == []
    assert len(programmes_hooks.SESSION_HOURS) == 1  # one source of session hours, or they would count twice
    assert len(programmes_hooks.REFLECTION_HOURS) == 1  # one source of reflection hours
    assert len(programmes_hooks.PEOPLE_LEFT) == 1  # a leaver's pairings are paused once


def test_every_area_has_a_home_page_that_resolves():
    homes = area_homes()
    assert set(homes) == set(Area)
    assert homes == {
        Area.MENTORING: "mentoring:home",
        Area.COORDINATING: "programmes:list",
        Area.TEAM: "programmes:team",
        Area.COMMITTEE: "evaluation:reports",
    }
    for url_name in homes.values():
        reverse(url_name)


def test_every_page_mentoring_links_to_is_registered_and_resolves():
    linked = dict(mentoring_hooks.LINKED_PAGES)
    assert set(linked) == {"my_surveys", "programme_alerts", "intervention_create"}  # the keys its templates use
    assert mentoring_hooks.linked_url("my_surveys") == reverse("evaluation:my_surveys")
    assert mentoring_hooks.linked_url("programme_alerts", 7) == reverse("evaluation:alerts", args=[7])
    assert mentoring_hooks.linked_url("intervention_create", 7) == reverse("evaluation:intervention_create", args=[7])
    assert mentoring_hooks.linked_url("nobody registered this") == ""


def test_the_template_tag_gives_the_linked_page_or_nothing():
    template = Template(
        '{% load linked %}{% linked_url "programme_alerts" 3 as url %}[{{ url }}]'
        '{% linked_url "missing" as none %}{% if not none %}[no link]{% endif %}'
    )
    assert template.render(Context()) == f"[{reverse('evaluation:alerts', args=[3])}][no link]"


def test_every_page_of_the_programme_navigation_resolves():
    # Each app places its pages by URL name (its navigation.py); a renamed or removed view fails here.
    names = set(PAGES) | {entry.url_name for group in GROUPS for entry in group.entries}
    assert sorted(name for name in names if not resolves(name)) == []
    for group in GROUPS:
        for entry in group.entries:
            reverse(entry.url_name, args=[1])  # the tabs link each entry with the programme's pk alone
            assert entry.key in {key for key, _ in PAGES.values()}


@pytest.mark.parametrize("app", ["programmes", "mentoring", "evaluation"])
def test_each_app_places_only_its_own_pages_in_the_programme_navigation(app):
    navigation = importlib.import_module(f"{app}.navigation")
    names = [url_name for *_, url_name in navigation.TABS] + list(navigation.PAGES)
    assert [name for name in names if not name.startswith(f"{app}:")] == []
    assert set(navigation.PAGES) <= set(PAGES)  # registered at start-up
    assert {(key, label, url_name) for _, key, label, url_name in navigation.TABS} <= {
        (entry.key, entry.label, entry.url_name) for group in GROUPS for entry in group.entries
    }


def test_a_hook_keeps_one_of_each_entry_in_the_order_registered():
    hook: Hook[str] = Hook("test.hook", "A hook for this test.")
    assert list(hook) == [] and len(hook) == 0
    assert hook.register("b") == "b"
    hook.register("a")
    hook.register("b")
    assert list(hook) == ["b", "a"]
    hook.unregister("b")
    hook.unregister("not there")
    assert list(hook) == ["a"]
    assert repr(hook) == "<Hook test.hook: 1 entries>"


@pytest.mark.django_db
def test_the_home_page_of_someone_with_two_areas_links_each_to_its_hooked_home(client, programme):
    person = PersonFactory()
    MembershipFactory(programme=programme, person=person, role=Role.MENTEE)
    MembershipFactory(programme=programme, person=person, role=Role.COMMITTEE)
    client.force_login(person)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("mentoring:home")}">My mentoring</a></h2>' in html
    assert f'href="{reverse("evaluation:reports")}">Reports</a></h2>' in html


@pytest.mark.django_db
def test_a_coordinators_pages_of_a_pairing_link_to_its_alerts_and_interventions(client, coordinator, pairing):
    programme = pairing.programme
    client.force_login(coordinator)
    html = client.get(reverse("mentoring:pairing_detail", args=[pairing.pk])).content.decode()
    intervention = reverse("evaluation:intervention_create", args=[programme.pk])
    assert f'href="{intervention}?pairing={pairing.pk}">Plan an intervention…</a>' in html
    assert f'href="{reverse("evaluation:alerts", args=[programme.pk])}">All alerts of the programme</a>' in html
