"""The browser rules the round-trip test relies on (config/tests/html_forms.py): if the reader sent what the
template wrote rather than what a browser sends, the round trip would pass over the very bugs it is for."""

from __future__ import annotations

from config.tests.html_forms import forms_of

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
