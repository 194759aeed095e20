"""Resource budgets: lines, spends, totals per currency, CSV exports. Rules at the service level, views shallow."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes.models import BudgetLine, Role, Spend
from programmes.selectors import budget as selectors
from programmes.services import budget as services
from programmes.tests.factories import (
    BudgetLineFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SpendFactory,
)
from programmes.views.budget import csv_cell

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2025, 6, 15, 12, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture
def line(programme):
    return BudgetLineFactory(
        programme=programme, category=BudgetLine.Category.VENUE, description="Kick-off", planned_amount=Decimal("100")
    )


def spend(line, amount: str, **kwargs) -> Spend:
    return SpendFactory(line=line, amount=Decimal(amount), **kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Figures: planned against spent --------------------------------------------------------------------------


def test_a_line_spent_beyond_its_plan_is_overspent_by_the_difference(line):
    spend(line, "80.00")
    spend(line, "45.50")
    [figures] = [li.figures for li in selectors.budget_lines_with_figures(programme=line.programme)]
    assert figures.spent == Decimal("125.50")
    assert figures.is_overspent and figures.overspent_by == Decimal("25.50")
    assert figures.remaining == Decimal("-25.50")
    assert figures.percent == 100


def test_a_line_within_its_plan_shows_what_remains_and_how_much_is_used(line):
    spend(line, "30.10")
    spend(line, "0.20")
    [result] = selectors.budget_lines_with_figures(programme=line.programme)
    assert (result.spent, result.spend_count) == (Decimal("30.30"), 2)
    assert not result.figures.is_overspent and result.figures.overspent_by == 0
    assert (result.figures.remaining, result.figures.percent) == (Decimal("69.70"), 30)


def test_a_line_without_a_plan_is_overspent_by_its_first_spend(programme):
    unplanned = BudgetLineFactory(programme=programme, planned_amount=Decimal("0"))
    spend(unplanned, "12.00")
    [result] = selectors.budget_lines_with_figures(programme=programme)
    assert result.figures.overspent_by == Decimal("12.00") and result.figures.percent == 100


def test_totals_are_one_per_currency_and_never_add_different_currencies(programme):
    eur_a = BudgetLineFactory(programme=programme, currency="EUR", planned_amount=Decimal("100"))
    eur_b = BudgetLineFactory(programme=programme, currency="EUR", planned_amount=Decimal("200"))
    gbp = BudgetLineFactory(programme=programme, currency="GBP", planned_amount=Decimal("50"))
    spend(eur_a, "30.00")
    spend(eur_b, "10.00")
    spend(gbp, "70.00")
    BudgetLineFactory(currency="EUR", planned_amount=Decimal("999"))  # another programme's line
    totals = {t.currency: t for t in selectors.budget_totals_by_currency(programme=programme)}
    assert set(totals) == {"EUR", "GBP"}
    assert (totals["EUR"].planned, totals["EUR"].spent, totals["EUR"].is_overspent) == (
        Decimal("300.00"),
        Decimal("40.00"),
        False,
    )
    assert (totals["GBP"].planned, totals["GBP"].spent, totals["GBP"].overspent_by) == (
        Decimal("50.00"),
        Decimal("70.00"),
        Decimal("20.00"),
    )


def test_a_line_with_many_spends_counts_its_planned_amount_once(line):
    for _ in range(4):
        spend(line, "10.00")
    [total] = selectors.budget_totals_by_currency(programme=line.programme)
    assert (total.planned, total.spent) == (Decimal("100.00"), Decimal("40.00"))


# --- Budget lines --------------------------------------------------------------------------------------------


def test_a_coordinator_adds_a_budget_line(programme):
    line = services.budget_line_create(
        programme=programme,
        category="training",
        planned_amount=Decimal("1500.00"),
        currency="SEK",
        description=" Fees ",
    )
    line.refresh_from_db()
    assert (line.currency, line.planned_amount, line.description) == ("SEK", Decimal("1500.00"), "Fees")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XYZ", "Tandem does not handle XYZ yet"),
        ("BTC", "Tandem does not handle BTC yet"),
        ("eur", "three-letter code in capitals"),
        ("EURO", "three-letter code in capitals"),
        ("E1R", "three-letter code in capitals"),
        ("", "three-letter code in capitals"),
    ],
)
def test_a_currency_must_be_a_known_iso_code(programme, code, message):
    with pytest.raises(ValidationError) as error:
        services.budget_line_create(programme=programme, category="venue", planned_amount=Decimal("1"), currency=code)
    assert message in " ".join(error.value.message_dict["currency"])
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-1", "cannot be negative"), ("10.005", "at most 2 decimals"), ("99999999999", "too large")],
)
def test_a_planned_amount_must_be_whole_cents_and_not_negative(programme, amount, message):
    with pytest.raises(ValidationError) as error:
        services.budget_line_create(
            programme=programme, category="venue", planned_amount=Decimal(amount), currency="EUR"
        )
    assert message in error.value.message_dict["planned_amount"][0]
    assert not BudgetLine.objects.exists()


def test_a_line_currency_cannot_change_once_money_is_spent_from_it(line):
    spend(line, "10.00")
    with pytest.raises(ValidationError, match="already been spent from this line in EUR"):
        services.budget_line_update(line=line, category="venue", planned_amount=Decimal("100"), currency="GBP")
    line.refresh_from_db()
    assert line.currency == "EUR"


def test_a_line_without_spends_can_change_its_currency_and_plan(line):
    services.budget_line_update(
        line=line, category="travel", planned_amount=Decimal("250.50"), currency="GBP", description="Trains"
    )
    line.refresh_from_db()
    assert (line.category, line.planned_amount, line.currency, line.description) == (
        "travel",
        Decimal("250.50"),
        "GBP",
        "Trains",
    )


def test_a_line_with_spends_cannot_be_deleted(line):
    spend(line, "10.00")
    spend(line, "20.00")
    with pytest.raises(ValidationError, match="2 spends are recorded against it"):
        services.budget_line_delete(line=line)
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_line_without_spends_is_deleted(line):
    services.budget_line_delete(line=line)
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


# --- Spends --------------------------------------------------------------------------------------------------


def record(line, coordinator, **overrides) -> Spend:
    values = {
        "line": line,
        "spent_on": TODAY,
        "amount": Decimal("40.00"),
        "description": "Room hire",
        "by": coordinator,
    }
    return services.spend_create(**{**values, **overrides})


def test_a_spend_is_recorded_by_the_coordinator_for_a_member(today, line, coordinator, mentee):
    result = record(line, coordinator, person=mentee)
    result.refresh_from_db()
    assert (result.created_by, result.person, result.amount) == (coordinator, mentee, Decimal("40.00"))


def test_a_spend_for_someone_outside_the_programme_is_refused(today, line, coordinator, outsider):
    with pytest.raises(ValidationError) as error:
        record(line, coordinator, person=outsider)
    assert "is not a member of Growing Together" in error.value.message_dict["person"][0]
    assert not Spend.objects.exists()


def test_a_member_of_another_programme_is_not_a_member_of_this_one(today, line, coordinator):
    elsewhere = MembershipFactory(programme=ProgrammeFactory(), role=Role.MENTEE).person
    with pytest.raises(ValidationError, match="is not a member"):
        record(line, coordinator, person=elsewhere)


def test_a_spend_dated_in_the_future_is_refused(today, line, coordinator):
    with pytest.raises(ValidationError) as error:
        record(line, coordinator, spent_on=TODAY + datetime.timedelta(days=1))
    assert "cannot be dated in the future" in error.value.message_dict["spent_on"][0]
    assert not Spend.objects.exists()


def test_a_spend_long_before_the_programme_starts_is_refused(today, line, coordinator):
    line.programme.starts_on = datetime.date(2025, 5, 1)
    line.programme.save()
    with pytest.raises(ValidationError) as error:
        record(line, coordinator, spent_on=datetime.date(2025, 1, 30))
    assert "the earliest allowed is 31 January 2025" in error.value.message_dict["spent_on"][0]
    assert record(line, coordinator, spent_on=datetime.date(2025, 1, 31)).pk  # exactly 90 days before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "must be more than zero"),
        ("-5.00", "must be more than zero"),
        ("12.345", "at most 2 decimals"),
        ("10000000000", "too large"),
        ("NaN", "as a number"),
    ],
)
def test_bad_spend_amounts_are_refused(today, line, coordinator, amount, message):
    with pytest.raises(ValidationError) as error:
        record(line, coordinator, amount=Decimal(amount))
    assert message in error.value.message_dict["amount"][0]
    assert not Spend.objects.exists()


def test_a_spend_needs_a_description(today, line, coordinator):
    with pytest.raises(ValidationError) as error:
        record(line, coordinator, description="   ")
    assert "Say what the money was spent on" in error.value.message_dict["description"][0]


def test_deleting_a_spend_gives_the_money_back_to_the_line(line):
    gone = spend(line, "60.00")
    spend(line, "10.00")
    services.spend_delete(spend=gone)
    assert selectors.budget_line_figures(line=line).remaining == Decimal("90.00")


# --- Pages ---------------------------------------------------------------------------------------------------


def url(name: str, programme, **kwargs) -> str:
    return reverse(f"programmes:{name}", kwargs={"pk": programme.pk, **kwargs})


def test_the_budget_page_shows_lines_totals_and_an_overspent_warning(client, cast, line):
    spend(line, "125.50")
    BudgetLineFactory(programme=line.programme, currency="GBP", planned_amount=Decimal("1234.5"), description="Books")
    client.force_login(cast["coordinator"])
    content = client.get(url("budget", line.programme)).content.decode()
    assert "1 line overspent" in content and "Overspent by 25.50 EUR" in content
    assert "1,234.50 GBP" in content  # the GBP total stands on its own
    assert "125.50 EUR" in content and "-25.50 EUR" in content
    assert "bg-danger" in content


def test_an_empty_budget_says_what_to_do(client, cast):
    client.force_login(cast["coordinator"])
    content = client.get(url("budget", cast["pairing"].programme)).content.decode()
    assert "No budget lines yet." in content


@pytest.mark.parametrize("name", ["budget", "budget_line_create", "spend_list", "spend_create", "budget_export"])
def test_budget_pages_are_for_the_programmes_coordinators_only(client, cast, name):
    programme = cast["pairing"].programme
    client.force_login(cast["mentor"])
    assert client.get(url(name, programme)).status_code == 403
    client.force_login(cast["outsider"])
    assert client.get(url(name, programme)).status_code == 404
    client.logout()
    assert client.get(url(name, programme)).url.startswith(reverse("login"))


def test_a_mentor_cannot_add_a_line_or_a_spend_by_posting(client, cast, line):
    client.force_login(cast["mentor"])
    data = {"category": "venue", "planned_amount": "10", "currency": "EUR"}
    assert client.post(url("budget_line_create", line.programme), data).status_code == 403
    data = {"line": line.pk, "spent_on": "2025-01-01", "amount": "5", "description": "Cake"}
    assert client.post(url("spend_create", line.programme), data).status_code == 403
    assert client.post(url("budget_line_delete", line.programme, line_pk=line.pk)).status_code == 403
    assert BudgetLine.objects.count() == 1 and not Spend.objects.exists()


def test_a_line_of_another_programme_is_not_found_through_this_one(client, cast):
    other = ProgrammeFactory()
    MembershipFactory(programme=other, person=cast["coordinator"], role=Role.COORDINATOR)
    foreign = BudgetLineFactory(programme=other)
    client.force_login(cast["coordinator"])
    programme = cast["pairing"].programme
    assert client.get(url("budget_line_edit", programme, line_pk=foreign.pk)).status_code == 404
    foreign_spend = SpendFactory(line=foreign)
    assert client.post(url("spend_delete", programme, spend_pk=foreign_spend.pk)).status_code == 404
    assert Spend.objects.filter(pk=foreign_spend.pk).exists()


def test_a_coordinator_adds_a_line_through_the_form(client, cast):
    programme = cast["pairing"].programme
    client.force_login(cast["coordinator"])
    data = {"category": "training", "description": "Mentor course", "planned_amount": "2500.00", "currency": " gbp "}
    response = client.post(url("budget_line_create", programme), data, follow=True)
    assert "Budget line “Training fees: Mentor course” added." in messages_of(response)
    line = BudgetLine.objects.get()
    assert (line.programme, line.currency, line.planned_amount) == (programme, "GBP", Decimal("2500.00"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"currency": "XYZ"}, "Tandem does not handle XYZ yet"),
        ({"planned_amount": "lots"}, "Enter a number."),
        ({"planned_amount": "-3"}, "The amount cannot be negative."),
        ({"category": "parties"}, "Select a valid choice."),
    ],
)
def test_bad_line_input_is_explained_and_nothing_is_saved(client, cast, data, message):
    client.force_login(cast["coordinator"])
    form = {"category": "venue", "planned_amount": "10", "currency": "EUR", **data}
    response = client.post(url("budget_line_create", cast["pairing"].programme), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BudgetLine.objects.exists()


def test_changing_the_currency_of_a_spent_line_is_explained_on_the_form(client, cast, line):
    spend(line, "5.00")
    client.force_login(cast["coordinator"])
    data = {"category": "venue", "planned_amount": "100", "currency": "USD"}
    response = client.post(url("budget_line_edit", line.programme, line_pk=line.pk), data)
    assert response.status_code == 200
    assert "its currency cannot change" in response.content.decode()
    line.refresh_from_db()
    assert line.currency == "EUR"


def test_deleting_a_line_asks_first_then_deletes(client, cast, line):
    client.force_login(cast["coordinator"])
    page = client.get(url("budget_line_delete", line.programme, line_pk=line.pk)).content.decode()
    assert "Delete the line" in page and BudgetLine.objects.filter(pk=line.pk).exists()
    response = client.post(url("budget_line_delete", line.programme, line_pk=line.pk), follow=True)
    assert "Budget line “Venue: Kick-off” deleted." in messages_of(response)
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_line_with_spends_offers_no_delete_button_and_a_post_is_refused(client, cast, line):
    spend(line, "5.00")
    client.force_login(cast["coordinator"])
    page = client.get(url("budget_line_delete", line.programme, line_pk=line.pk)).content.decode()
    assert "This line cannot be deleted: 1 spend is recorded against it." in page
    assert "Delete the line" not in page
    response = client.post(url("budget_line_delete", line.programme, line_pk=line.pk), follow=True)
    assert any("cannot be deleted" in m for m in messages_of(response))
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_coordinator_records_a_spend_and_is_warned_when_the_line_goes_over(client, cast, line, today):
    client.force_login(cast["coordinator"])
    data = {
        "line": line.pk,
        "spent_on": "2025-06-14",
        "amount": "120.00",
        "description": "Venue deposit",
        "person": cast["mentee"].pk,
    }
    response = client.post(url("spend_create", line.programme), data, follow=True)
    shown = messages_of(response)
    assert "Spend of 120.00 EUR recorded on “Venue: Kick-off”." in shown
    assert "“Venue: Kick-off” is now overspent by 20.00 EUR." in shown
    saved = Spend.objects.get()
    assert (saved.created_by, saved.person, saved.amount) == (cast["coordinator"], cast["mentee"], Decimal("120.00"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"spent_on": "2025-06-16"}, "cannot be dated in the future"),
        ({"amount": "0"}, "must be more than zero"),
        ({"amount": "1.999"}, "at most 2 decimals"),
        ({"amount": "ten"}, "Enter a number."),
        ({"description": ""}, "This field is required."),
        ({"spent_on": "31/31/2025"}, "Enter a valid date."),
        ({"person": "outsider"}, "Choose one of the programme&#x27;s members, or nobody."),
        ({"line": "foreign"}, "Select a valid choice."),
    ],
)
def test_bad_spend_input_is_explained_and_nothing_is_saved(client, cast, line, today, data, message):
    client.force_login(cast["coordinator"])
    form = {"line": line.pk, "spent_on": "2025-06-14", "amount": "10", "description": "Taxi", **data}
    if form.get("person") == "outsider":
        form["person"] = cast["outsider"].pk
    if form.get("line") == "foreign":
        form["line"] = BudgetLineFactory().pk
    response = client.post(url("spend_create", line.programme), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Spend.objects.exists()


def test_recording_a_spend_without_any_line_points_to_adding_one(client, cast):
    client.force_login(cast["coordinator"])
    content = client.get(url("spend_create", cast["pairing"].programme)).content.decode()
    assert "There is no budget line to spend from yet." in content


def test_the_spend_list_filters_by_line_and_by_month(client, cast, line):
    other = BudgetLineFactory(programme=line.programme, currency="GBP")
    march = spend(line, "10.00", spent_on=datetime.date(2025, 3, 5))
    spend(line, "20.00", spent_on=datetime.date(2025, 4, 5))
    in_gbp = spend(other, "30.00", spent_on=datetime.date(2025, 3, 9))
    client.force_login(cast["coordinator"])
    by_line = client.get(url("spend_list", line.programme), {"line": other.pk})
    assert list(by_line.context["page"].object_list) == [in_gbp]
    by_month = client.get(url("spend_list", line.programme), {"month": "2025-03"})
    assert list(by_month.context["page"].object_list) == [in_gbp, march]
    content = by_month.content.decode()
    assert "10.00 EUR" in content and "30.00 GBP" in content  # one total per currency, never added up
    assert "40.00" not in content


def test_a_bad_spend_filter_says_so_and_shows_every_spend(client, cast, line):
    spend(line, "10.00")
    client.force_login(cast["coordinator"])
    response = client.get(url("spend_list", line.programme), {"line": "999999", "month": "March"})
    assert response.status_code == 200
    assert "That filter was not understood" in response.content.decode()
    assert len(response.context["page"].object_list) == 1


def test_deleting_a_spend_asks_first_then_deletes(client, cast, line):
    doomed = spend(line, "10.00", description="Printing")
    client.force_login(cast["coordinator"])
    page = client.get(url("spend_delete", line.programme, spend_pk=doomed.pk)).content.decode()
    assert "Printing" in page and "Delete the spend" in page
    assert Spend.objects.filter(pk=doomed.pk).exists()
    client.post(url("spend_delete", line.programme, spend_pk=doomed.pk))
    assert not Spend.objects.filter(pk=doomed.pk).exists()


# --- CSV exports ---------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_spend_export_has_one_row_per_spend_as_an_attachment(client, cast, line):
    course_line = BudgetLineFactory(programme=line.programme, category="training", description="", currency="GBP")
    spend(line, "1234.50", spent_on=datetime.date(2025, 3, 5), description="Hall", person=cast["mentee"])
    spend(course_line, "99.99", spent_on=datetime.date(2025, 3, 6), description="Course fee")
    spend(BudgetLineFactory(), "5.00")  # another programme's spend stays out
    client.force_login(cast["coordinator"])
    response = client.get(url("budget_export", line.programme))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="budget-spends-growing-together-')
    assert read_csv(response) == [
        ["date", "line", "category", "description", "amount", "currency", "course", "participant"],
        ["2025-03-06", "Training fees", "Training fees", "Course fee", "99.99", "GBP", "", ""],
        ["2025-03-05", "Kick-off", "Venue", "Hall", "1234.50", "EUR", "", "Mina Mentee"],
    ]


def test_the_exports_defuse_cells_a_spreadsheet_would_run_as_formulas(client, cast, programme):
    sneaky = BudgetLineFactory(programme=programme, description="@SUM(A1:A9)", planned_amount=Decimal("10"))
    person = PersonFactory(display_name="+44 Evil")
    MembershipFactory(programme=programme, person=person, role=Role.MENTOR)
    spend(sneaky, "25.00", description='=HYPERLINK("http://evil.example","click")', person=person)
    client.force_login(cast["coordinator"])
    [_, row] = read_csv(client.get(url("budget_export", programme)))
    assert row[1] == "'@SUM(A1:A9)"
    assert row[3] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[7] == "'+44 Evil"
    assert row[4] == "25.00"
    [_, line_row] = read_csv(client.get(url("budget_lines_export", programme)))
    assert line_row == ["Training fees", "'@SUM(A1:A9)", "EUR", "10.00", "25.00", "-15.00", "yes"]


@pytest.mark.parametrize(
    ("typed", "written"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@cmd", "'@cmd"), ("Room hire", "Room hire"), (None, "")],
)
def test_csv_cells_starting_like_a_formula_get_a_leading_quote(typed, written):
    assert csv_cell(typed) == written


def test_the_lines_export_has_planned_spent_and_remaining(client, cast, line):
    spend(line, "40.00")
    client.force_login(cast["coordinator"])
    response = client.get(url("budget_lines_export", line.programme))
    assert response["Content-Disposition"].startswith('attachment; filename="budget-lines-growing-together-')
    assert read_csv(response) == [
        ["category", "line", "currency", "planned", "spent", "remaining", "overspent"],
        ["Venue", "Kick-off", "EUR", "100.00", "40.00", "60.00", "no"],
    ]


# --- Query budgets: the same number of queries with a little and with a lot of data ---------------------------


def grow_budget(programme, n: int) -> None:
    for i in range(n):
        line = BudgetLineFactory(programme=programme, currency="EUR" if i % 3 else "GBP")
        SpendFactory(line=line, person=MembershipFactory(programme=programme).person)
        SpendFactory(line=line)


@pytest.mark.parametrize("extra", [3, 40])
def test_budget_page_query_budget(client, cast, django_assert_num_queries, extra):
    programme = cast["pairing"].programme
    grow_budget(programme, extra)
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles in it, the lines with their spent sums, the totals per
    # currency, the areas for the navigation bar
    with django_assert_num_queries(7):
        response = client.get(url("budget", programme))
    assert len(response.context["lines"]) == extra


@pytest.mark.parametrize("extra", [3, 40])
def test_spend_list_query_budget(client, cast, django_assert_num_queries, extra):
    programme = cast["pairing"].programme
    grow_budget(programme, extra)
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles in it, the lines for the filter, the paginator's count, one
    # page of spends with their lines, courses and participants, the totals per currency, the navigation's areas
    with django_assert_num_queries(9):
        response = client.get(url("spend_list", programme))
    assert len(response.context["page"].object_list) == min(2 * extra, 25)
