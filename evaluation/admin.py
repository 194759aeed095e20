# Personal data erasure
# The erasure service reads all three apps, so it lives here; programmes' Person admin must not import
# evaluation. Evaluation extends that admin instead: the dependency keeps pointing one way, and the action
# sits on the Person list like any other.
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programmes.admin import PersonAdmin

from .selectors.personal_data import is_erased
from .services.personal_data import person_erase


@admin.action(description=gettext_lazy("Erase personal data (on request)"))
def erase_personal_data(modeladmin, request, queryset):
    people = [p for p in queryset.order_by("pk") if not is_erased(p)]
    if request.POST.get("confirm") == "yes":
        for person in people:
            person_erase(person=person, by=request.user)
        modeladmin.message_user(
            request,
            ngettext(
                "Erased the personal data of %(count)s person.",
                "Erased the personal data of %(count)s people.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Erase personal data"),
        "people": people,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/erase_personal_data.html", context)


PersonAdmin.actions = [*(PersonAdmin.actions or []), erase_personal_data]
