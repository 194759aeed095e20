"""The browser rules the round-trip test relies on (config/tests/html_forms.py): if the reader sent what the
template wrote rather than what a browser sends, the round trip would pass over the very bugs it is for."""

from __future__ import annotations

import pytest

from config.tests.html_forms import form_of, forms_of

PAGE = """
<form method="post" action="/save/" id="edit">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="date" name="british" value="01/03/2026">
  <input type="date" name="iso" value="2026-03-01">
  <input type="date" name="impossible" value="2026-02-30">
  <input type="month" name="month_iso" value="2026-03">
  <input type="month" name="month_day" value="2026-03-01">
  <input type="number" name="n_ok" value="1.5">
  <input type="number" name="n_bad" value="1,5">
  <input type="text" name="title" value="Line&#10;break &amp; more">
  <input type="checkbox" name="off" value="1">
  <input type="checkbox" name="on" checked>
  <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
  <input type="text" name="gone" value="x" disabled>
  <fieldset disabled><input type="text" name="also_gone" value="y"></fieldset>
  <select name="first"><option value="">Choose</option><option value="2">Two</option></select>
  <select name="picked"><option value="1">One</option><option selected>  Two   words </option></select>
  <select name="many" multiple><option value="1" selected>1</option><option value="2">2</option>
    <option value="3" selected>3</option></select>
  <textarea name="notes">
First line
second line</textarea>
  <input type="file" name="evidence">
  <button type="submit" name="action" value="save">Save</button>
  <button type="submit" name="action" value="other">Other</button>
</form>
<input type="text" name="outside" value="kept" form="edit">
<form method="get"><input name="q" value="search"></form>
"""


def test_a_form_is_sent_as_a_browser_sends_it():
    form, search = forms_of(PAGE)
    assert form.method == "post" and search.method == "get"
    assert form.action_url("/page/") == "/save/"
    assert form.submission() == [
        ("csrfmiddlewaretoken", "tok"),
        ("british", ""),  # not yyyy-mm-dd: the field shows empty and sends nothing
        ("iso", "2026-03-01"),
        ("impossible", ""),
        ("month_iso", "2026-03"),
        ("month_day", ""),
        ("n_ok", "1.5"),
        ("n_bad", ""),
        ("title", "Linebreak & more"),  # a one-line input holds no line break
        ("on", "on"),
        ("r", "b"),
        ("first", ""),  # nothing selected: the first option
        ("picked", "Two words"),  # no value attribute: the text
        ("many", "1"),
        ("many", "3"),
        ("notes", "First line\r\nsecond line"),  # the newline after the tag dropped; line breaks as CRLF
        ("action", "save"),  # the button pressed, the first
        ("outside", "kept"),  # tied to the form by its form= attribute
    ]
    assert [c.name for c in form.editable_controls if c.kind == "checkbox"] == ["off", "on"]


def test_a_form_without_an_action_posts_to_its_page():
    (form,) = forms_of('<form method="post"><input name="a" value="1"><button>Go</button></form>')
    assert form.action_url("/programmes/3/settings/?tab=x") == "/programmes/3/settings/?tab=x"
    assert form.submission() == [("a", "1")]  # a nameless button adds nothing


PICKING = """
<form method="get" action=""><input name="q" value=""><button>Filter</button></form>
<form method="post" action="/decide/" id="bulk">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="checkbox" name="applications" value="1" checked><label>Ana</label>
  <input type="checkbox" name="applications" value="2"><label>Bea</label>
  <input type="checkbox" name="applications" value="3"><label>Cid</label>
  <input type="radio" name="decision" value="approve"><input type="radio" name="decision" value="decline">
  <select name="level"><option value="">Any</option><option value="senior">Senior</option></select>
  <textarea name="reason"></textarea>
  <button type="submit" name="go" value="now">Apply</button><button type="submit" name="go" value="later">Later</button>
</form>
<form method="post" action=""><input name="title" value="Old"><button>Save</button></form>
"""


def test_a_form_is_picked_by_action_id_text_or_as_the_one_posting_to_its_page():
    bulk = form_of(PICKING, action="/decide/")
    assert bulk.id == "bulk" and form_of(PICKING, id="bulk").action == "/decide/"
    assert "Ana" in bulk.text and "Apply" in bulk.text
    assert form_of(PICKING, text="Bea Cid").id == "bulk"  # the text as shown, whitespace collapsed
    assert form_of(PICKING, action="").data() == {"title": "Old"}  # the POST one, not the GET filter
    assert form_of(PICKING, action="", method="get").data() == {"q": ""}
    with pytest.raises(AssertionError, match="0 POST form"):
        form_of(PICKING, action="/elsewhere/")


def test_a_form_is_sent_as_a_person_changed_it():
    bulk = form_of(PICKING, id="bulk")
    assert bulk.data(tick={"applications=3"}, decision="decline", level="senior", reason="Full\nup", go="later") == {
        "csrfmiddlewaretoken": "tok",
        "applications": ["1", "3"],  # the one ticked on the page and the one ticked now
        "decision": "decline",
        "level": "senior",
        "reason": "Full\r\nup",
        "go": "later",  # the button pressed
    }
    assert bulk.data(applications=["2"])["applications"] == "2"  # named: exactly those boxes ticked
    assert bulk.data() == {"csrfmiddlewaretoken": "tok", "applications": "1", "level": "", "reason": "", "go": "now"}


@pytest.mark.parametrize(
    "change",
    [
        {"tick": {"applications=9"}},  # no such box
        {"decision": "delete"},  # not one of the radios
        {"level": "junior"},  # not one of the options
        {"go": "never"},  # no such button
        {"applications": ["1", "9"]},  # no such box
        {"sneaky": "1"},  # no such field
    ],
)
def test_a_form_cannot_send_what_the_page_does_not_offer(change):
    with pytest.raises(AssertionError):
        form_of(PICKING, id="bulk").data(**change)
