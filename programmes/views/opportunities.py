"""Learning opportunities: browse, publish, ask, decide (line manager), confirm (host), one's own requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.once import submit_once
from core.pagination import page_of

from ..forms.opportunities import (
    REQUEST_STATUS_COLOURS,
    OpportunityAskForm,
    OpportunityConfirmForm,
    OpportunityDecideForm,
    OpportunityFilterForm,
    OpportunityForm,
)
from ..hooks import OPPORTUNITY_SUGGESTIONS
from ..models import Opportunity
from ..permissions import (
    Area,
    areas_for,
    get_opportunity_for,
    get_own_request_for,
    get_request_for_decider,
    get_request_for_host,
    opportunity_publish_required,
    publishes_opportunities,
)
from ..selectors import opportunities as selectors
from ..services import opportunities as services


def _messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form = OpportunityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        messages.warning(request, _("That filter was not understood, so all open opportunities are shown."))
    # Queries: the skills of the filter, the paginator's count, one page of opportunities with places held,
    # their skills.
    page = page_of(
        request,
        selectors.opportunities_browse(
            kind=filters.get("kind", ""), skill=filters.get("skill"), q=(filters.get("q") or "").strip()
        ),
    )
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "can_publish": publishes_opportunities(request.user),
    }
    return render(request, "programmes/opportunity_list.html", context)


@login_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity_for(request.user, pk)
    [opportunity] = selectors.with_places(Opportunity.objects.filter(pk=opportunity.pk)).select_related("published_by")
    opportunity.can_manage = opportunity.published_by_id == request.user.pk or Area.COORDINATING in areas_for(
        request.user
    )
    context = {
        "opportunity": opportunity,
        "mine": selectors.my_open_request(request.user, opportunity),
        "can_ask": selectors.is_participant(request.user) and opportunity.host_id != request.user.pk,
        "colours": REQUEST_STATUS_COLOURS,
    }
    return render(request, "programmes/opportunity_detail.html", context)


def _form_page(request: HttpRequest, opportunity: Opportunity | None) -> HttpResponse:
    teams = None if Area.COORDINATING in areas_for(request.user) else services.teams_of_manager(request.user)
    initial = {"host": request.user.pk, "hours": 2, "places": 1} if opportunity is None else {}
    form = OpportunityForm(request.POST or None, instance=opportunity, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if opportunity is None:
                opportunity = services.opportunity_publish(by=request.user, data=data)
            else:
                opportunity = services.opportunity_edit(opportunity=opportunity, by=request.user, data=data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("“%(title)s” is published.") % {"title": opportunity.title})
            return redirect(opportunity.get_absolute_url())
    return render(request, "programmes/opportunity_form.html", {"form": form, "opportunity": opportunity})


@opportunity_publish_required
@submit_once
def opportunity_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, get_opportunity_for(request.user, pk, manage=True))


@login_required
def opportunity_close(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity_for(request.user, pk, manage=True)
    if request.method == "POST":
        try:
            services.opportunity_close(opportunity=opportunity, by=request.user)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("“%(title)s” is closed: nobody can ask for it now.") % {"title": opportunity})
        return redirect(opportunity.get_absolute_url())
    return render(request, "programmes/opportunity_close.html", {"opportunity": opportunity})


@login_required
@submit_once
def opportunity_ask(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity_for(request.user, pk)
    programmes = services.programmes_for_request(request.user)
    suggestion = request.POST.get("suggestion") or request.GET.get("suggestion") or ""
    # The relationship side says whether the suggestion is this person's mentor's, for this opportunity.
    pairing_id = None
    # ASCII digits only: "²".isdigit() is true, yet int("²") fails (a 500).
    if suggestion.isascii() and suggestion.isdigit() and len(suggestion) < 19:
        pairing_id = next(
            (
                found
                for entry in OPPORTUNITY_SUGGESTIONS
                if (found := entry(request.user, opportunity, int(suggestion)))
            ),
            None,
        )
    form = OpportunityAskForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_request(
                opportunity=opportunity,
                person=request.user,
                programme=form.cleaned_data["programme"],
                pairing_id=pairing_id,
                suggested_by_mentor=pairing_id is not None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("You asked for “%(title)s”. Your line manager decides on the time; you get an email.")
                % {"title": opportunity.title},
            )
            return redirect("programmes:opportunity_requests_mine")
    context = {
        "opportunity": opportunity,
        "form": form,
        "programmes": programmes,
        "suggestion": suggestion if pairing_id else "",
    }
    return render(request, "programmes/opportunity_ask.html", context)


@login_required
def opportunity_requests_mine(request: HttpRequest) -> HttpResponse:
    # Queries: the paginator's count, one page of my requests with opportunities, hosts and programmes.
    page = page_of(request, selectors.requests_of(request.user))
    return render(
        request, "programmes/opportunity_requests_mine.html", {"page": page, "colours": REQUEST_STATUS_COLOURS}
    )


@login_required
def opportunity_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity_request = get_own_request_for(request.user, pk)
    if request.method == "POST":
        try:
            services.opportunity_request_withdraw(request=opportunity_request, by=request.user)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("Your request is withdrawn."))
        return redirect("programmes:opportunity_requests_mine")
    return render(request, "programmes/opportunity_withdraw.html", {"item": opportunity_request})


@opportunity_publish_required
def opportunity_decisions(request: HttpRequest) -> HttpResponse:
    # Queries: the paginator's count, one page of requests waiting for me with people and opportunities.
    page = page_of(request, selectors.requests_to_decide(request.user))
    return render(request, "programmes/opportunity_decisions.html", {"page": page})


@login_required
@require_POST
def opportunity_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity_request = get_request_for_decider(request.user, pk)
    form = OpportunityDecideForm(request.POST)
    back = "programmes:team" if request.POST.get("next") == "team" else "programmes:opportunity_decisions"
    if not form.is_valid():
        messages.error(request, _("Choose approve or decline."))
        return redirect(back)
    try:
        services.opportunity_request_decide(
            request=opportunity_request,
            by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(
            request,
            _("Your decision on %(person)s's request is recorded; they are told.")
            % {"person": opportunity_request.person},
        )
    return redirect(back)


@login_required
def opportunities_hosted(request: HttpRequest) -> HttpResponse:
    # Queries: the paginator's count, one page of requests of what I host with people and opportunities.
    page = page_of(request, selectors.requests_hosted(request.user))
    return render(request, "programmes/opportunities_hosted.html", {"page": page, "colours": REQUEST_STATUS_COLOURS})


@login_required
@require_POST
def opportunity_request_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity_request = get_request_for_host(request.user, pk)
    form = OpportunityConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date it happened, as a date."))
        return redirect("programmes:opportunities_hosted")
    try:
        services.opportunity_request_confirm(
            request=opportunity_request,
            by=request.user,
            happened=form.cleaned_data["happened"] == "yes",
            happened_on=form.cleaned_data["happened_on"],
        )
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(
            request, _("Thank you: %(person)s's record is updated.") % {"person": opportunity_request.person}
        )
    return redirect("programmes:opportunities_hosted")
