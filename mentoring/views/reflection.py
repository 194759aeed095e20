"""Time to think (issue 20): a person's own protected time with its parts, their reflection time (log, list,
edit, delete) and their private reflection after a confirmed session. Everything here is the person's own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.dates import long_date
from core.forms import add_service_errors
from core.once import submit_once
from core.pagination import page_of
from mentoring.forms.reflection import ReflectionTimeForm, SessionReflectionForm
from mentoring.models import MentoringSession
from mentoring.permissions import get_reflection_time_for, get_session_for
from mentoring.selectors import reflection as selectors
from mentoring.services import reflection as services
from programmes.permissions import Area, area_required
from programmes.services.time import month_start


@area_required(Area.MENTORING)
@require_GET
def reflection_list(request: HttpRequest) -> HttpResponse:
    # Queries: the areas check, the participations with their protected time (one, summed in the database), the
    # paginator count, one page of entries with their programmes.
    month = month_start(timezone.localdate())
    context = {
        "month": month,
        "participations": selectors.my_protected_time(request.user, month=month),
        "page": page_of(request, selectors.my_reflection_time(request.user)),
    }
    return render(request, "mentoring/reflection_list.html", context)


@area_required(Area.MENTORING)
@require_http_methods(["GET", "POST"])
@submit_once
def reflection_create(request: HttpRequest) -> HttpResponse:
    initial = {"day": timezone.localdate(), "programme": request.GET.get("programme")}
    form = ReflectionTimeForm(request.POST or None, person=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.reflection_time_log(person=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(hours)s h of reflection on %(date)s logged: it counts as protected time used.")
                % {"hours": entry.hours, "date": long_date(entry.day)},
            )
            return redirect("mentoring:reflection_list")
    return render(request, "mentoring/reflection_form.html", {"form": form, "entry": None})


@login_required
@require_http_methods(["GET", "POST"])
def reflection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_reflection_time_for(request.user, pk)
    initial = {"programme": entry.programme_id, "day": entry.day, "hours": entry.hours, "note": entry.note}
    form = ReflectionTimeForm(request.POST or None, person=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reflection_time_update(entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your reflection time of %(date)s is saved.") % {"date": long_date(entry.day)})
            return redirect("mentoring:reflection_list")
    return render(request, "mentoring/reflection_form.html", {"form": form, "entry": entry})


@login_required
@require_http_methods(["GET", "POST"])
def reflection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_reflection_time_for(request.user, pk)
    if request.method == "POST":
        services.reflection_time_delete(entry=entry)
        messages.success(request, _("Your reflection time of %(date)s was deleted.") % {"date": long_date(entry.day)})
        return redirect("mentoring:reflection_list")
    return render(request, "mentoring/reflection_delete.html", {"entry": entry})


@login_required
@require_POST
@submit_once
def session_reflection_save(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk, write=True)
    if session.status != MentoringSession.Status.CONFIRMED:
        raise PermissionDenied("A session is reflected on once it is confirmed.")
    form = SessionReflectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(f"{session.get_absolute_url()}#reflect")
    try:
        saved = services.session_reflection_write(session=session, author=request.user, text=form.cleaned_data["text"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Your reflection is saved. Only you see it.") if saved else _("Your reflection is removed.")
        )
    return redirect(f"{session.get_absolute_url()}#reflect")
