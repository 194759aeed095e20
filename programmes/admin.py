from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import AuditEvent, Membership, OrgUnit, Person, Programme, ScimToken
from .services.admin_changes import (
    membership_check_not_self_participant,
    membership_record_admin_change,
    person_record_admin_access_change,
)
from .services.credentials import person_notify_credentials_changed
from .services.leavers import people_leave, people_moved, person_deactivate, person_reactivate
from .services.scim_tokens import scim_token_create, scim_token_revoke
from .services.teams import person_units_record, person_units_start


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "lead"]
    list_filter = ["kind"]
    search_fields = ["name", "parent__name"]
    list_select_related = ["parent", "lead"]
    autocomplete_fields = ["parent", "lead"]

    def get_queryset(self, request):
        # Each unit prints as "Department › Team"; the autocomplete lists would otherwise query per row.
        return super().get_queryset(request).select_related("parent")


class PersonCreationForm(UserCreationForm):
    class Meta:
        model = Person
        fields = ["email", "display_name"]


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = Person
        fields = "__all__"


# The administrator's changes to roles
# An administrator may enrol people, but never themselves as a mentor or mentee (a participant reads the
# pairing's pages); every membership they add, change or remove is audited and told to its person.


class MembershipAdminForm(forms.ModelForm):
    admin_user: Person | None = None  # set per request by the admin below

    class Meta:
        model = Membership
        fields = ["programme", "person", "role", "created_at"]

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person", self.instance.person if self.instance.person_id else None)
        membership_check_not_self_participant(actor=self.admin_user, person=person, role=cleaned.get("role"))
        return cleaned


def _form_for(request, form_class):
    return type(form_class.__name__, (form_class,), {"admin_user": request.user})


def _membership_changes(formset) -> list[tuple[Membership, str]]:
    """What an inline formset did to memberships once saved: (membership, "added"/"changed"/"removed")."""
    changes = [(m, "added") for m in formset.new_objects]
    changes += [(m, "changed") for m, _fields in formset.changed_objects]
    changes += [(m, "removed") for m in formset.deleted_objects]
    return changes


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    extra = 0
    autocomplete_fields = ["person"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = _form_for(request, self.form)
        return super().get_formset(request, obj, **kwargs)


# Leavers and people who come back
# Both actions ask first (as deleting does), then go through the same services as SCIM and the HR file.

LEAVER_ACTIONS = {
    "mark_as_left": (
        gettext_lazy("Mark as left"),
        gettext_lazy(
            'They can no longer log in and are logged out now. Their current pairings pause with the reason "left '
            'the organisation"; their open applications, mentor requests and proposals are withdrawn; the '
            "coordinators are told, also of anyone they line-managed. Their history is kept."
        ),
    ),
    "reactivate": (
        gettext_lazy("Reactivate"),
        gettext_lazy(
            "They can log in again, with their history. Their pairings stay paused: the coordinators of their "
            "programmes are told they are back, so that they resume them."
        ),
    ),
}


def _confirm(modeladmin, request, people: list[Person], action: str) -> TemplateResponse:
    title, consequence = LEAVER_ACTIONS[action]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "people": people,
        "consequence": consequence,
        "action": action,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/person_leaver_confirm.html", context)


@admin.action(description=gettext_lazy("Mark as left the organisation"))
def mark_as_left(modeladmin, request, queryset):
    people = [p for p in queryset.order_by("display_name", "pk") if p.is_active or p.left_at is None]
    if request.user in people:
        modeladmin.message_user(request, _("You cannot mark yourself as left."), messages.ERROR)
        return None
    if request.POST.get("confirm") != "yes":
        return _confirm(modeladmin, request, people, "mark_as_left")
    left = people_leave(
        person_ids=[p.pk for p in people], by=request.user, source="admin", why=gettext_lazy("deactivated")
    )

    modeladmin.message_user(
        request,
        ngettext("Marked %(count)s as left the organisation.", "Marked %(count)s as left the organisation.", len(left))
        % {"count": len(left)},
        messages.SUCCESS,
    )
    return None


@admin.action(description=gettext_lazy("Reactivate (back in the organisation)"))
def reactivate(modeladmin, request, queryset):
    people = [p for p in queryset.order_by("display_name", "pk") if not p.is_active or p.left_at is not None]
    if request.POST.get("confirm") != "yes":
        return _confirm(modeladmin, request, people, "reactivate")
    for person in people:
        person_reactivate(person=person, by=request.user, source="admin")
    modeladmin.message_user(
        request,
        ngettext("Reactivated %(count)s.", "Reactivated %(count)s.", len(people)) % {"count": len(people)},
        messages.SUCCESS,
    )
    return None


@admin.register(Person)
class PersonAdmin(UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["display_name"]
    list_display = ["display_name", "email", "job_title", "grade", "org_unit", "line_manager", "is_active"]
    list_filter = ["is_active", "is_staff", "org_unit"]
    actions = [mark_as_left, reactivate]
    list_select_related = ["org_unit__parent", "line_manager"]
    search_fields = ["display_name", "email", "job_title", "employee_id"]
    autocomplete_fields = ["org_unit", "line_manager"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (gettext_lazy("Profile"), {"fields": ["display_name", "job_title", "grade", "org_unit", "line_manager"]}),
        (gettext_lazy("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (
            gettext_lazy("The organisation's systems"),
            {"fields": ["employee_id", "sso_subject", "scim_user_name", "scim_external_id", "scim_deleted_at"]},
        ),
        (gettext_lazy("Dates"), {"fields": ["last_login", "date_joined", "left_at"]}),
    ]
    # left_at is set and cleared by the leavers' services (the actions, the Active box); the scim_ fields by SCIM.
    readonly_fields = ["left_at", "scim_user_name", "scim_external_id", "scim_deleted_at"]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]}),
    ]

    # Login protection
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A team changed here is dated in the person's team history (reports read it).
        if not change:
            person_units_start(units=[(obj.pk, obj.org_unit_id)])
        elif "org_unit" in form.changed_data:
            person_units_record(moves={obj.pk: (form.initial.get("org_unit"), obj.org_unit_id)})
        if change and "is_active" in form.changed_data:
            # Someone who left, or is back: as from every other source (programmes.services.leavers).
            if obj.is_active:
                person_reactivate(person=obj, by=request.user, source="admin")
            else:
                person_deactivate(person=obj, by=request.user, source="admin")
        if change and {"org_unit", "line_manager"} & set(form.changed_data):
            people_moved(person_ids=[obj.pk], by=request.user, source="admin")  # a pairing may now break a rule
        if change:  # staff and superuser flags, groups, permissions, line manager: audited and told
            person_record_admin_access_change(actor=request.user, person=obj, fields=form.changed_data, request=request)
        old_email = form.initial.get("email", "")
        if change and "email" in form.changed_data and old_email:
            # To the old address: if the account was taken over, its owner hears of it there.
            person_notify_credentials_changed(person=obj, what="email", address=old_email)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # saved (a refused form shows again)
            person_notify_credentials_changed(person=self.get_object(request, id), what="password")
        return response


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    search_fields = ["name"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):  # memberships changed inline
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            for membership, what in _membership_changes(formset):
                membership_record_admin_change(actor=request.user, membership=membership, change=what, request=request)

    def delete_model(self, request, obj):  # a programme's memberships go with it
        for membership in obj.memberships.select_related("person", "programme"):
            membership_record_admin_change(actor=request.user, membership=membership, change="removed", request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for programme in queryset:
            self.delete_model(request, programme)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "programme", "created_at"]
    list_filter = ["role", "programme"]
    search_fields = ["person__display_name", "person__email", "programme__name"]
    list_select_related = ["person", "programme"]
    autocomplete_fields = ["person", "programme"]
    form = MembershipAdminForm

    # The administrator's changes to roles
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _form_for(request, form)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        what = "changed" if change else "added"
        if not change or form.changed_data:
            if change and "person" in form.changed_data and form.initial.get("person"):
                # Moved from one person to another: the one who lost the role hears of it too.
                old = Membership(person=Person.objects.get(pk=form.initial["person"]), programme=obj.programme)
                old.role = form.initial.get("role", obj.role)
                membership_record_admin_change(actor=request.user, membership=old, change="removed", request=request)
                what = "added"
            membership_record_admin_change(actor=request.user, membership=obj, change=what, request=request)

    def delete_model(self, request, obj):
        membership_record_admin_change(actor=request.user, membership=obj, change="removed", request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("person", "programme"):
            membership_record_admin_change(actor=request.user, membership=membership, change="removed", request=request)
        super().delete_queryset(request, queryset)


# Audit log
# Read-only: the log is evidence, so nobody adds, edits or deletes rows here (the retention task purges).


@admin.action(description=gettext_lazy("Export the selected events as CSV"))
def export_audit_csv(modeladmin, request, queryset):
    import csv

    from django.http import StreamingHttpResponse

    from core.exports import csv_cell

    class Echo:
        def write(self, value):
            return value

    header = ["at", "actor", "action", "object type", "object id", "programme", "subject", "summary", "ip address"]

    def rows():
        writer = csv.writer(Echo())
        yield writer.writerow(header)
        for e in queryset.select_related("programme", "subject").order_by("at", "pk").iterator(chunk_size=500):
            subject = e.subject.email if e.subject else ""
            values = [e.at.isoformat(), e.actor_label, e.action, e.object_type, e.object_id, e.programme or "", subject]
            yield writer.writerow([csv_cell(v) for v in [*values, e.summary, e.ip_address or ""]])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tandem-audit.csv"'
    return response


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "programme", "subject", "summary"]
    list_filter = ["action", "at"]
    search_fields = ["actor_label", "actor__email", "subject__email", "summary"]
    date_hierarchy = "at"
    list_select_related = ["programme", "subject"]
    actions = [export_audit_csv]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Permission groups
# A group's permissions are part of what its members may do in the admin: changing them is a change to each
# member's access, audited and told to each like a change on their own account.

admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(GroupAdmin):
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "permissions" in form.changed_data:
            for person in form.instance.user_set.all():
                person_record_admin_access_change(actor=request.user, person=person, fields=["groups"], request=request)


# SCIM provisioning tokens (issue 16): an administrator makes one per identity provider and sees it once; only
# its sha256 is kept. Revoked, never deleted (the audit log and "last used" say what it did).


@admin.action(description=gettext_lazy("Revoke the selected tokens"))
def revoke_scim_tokens(modeladmin, request, queryset):
    for token in queryset:
        scim_token_revoke(token=token, by=request.user)
    modeladmin.message_user(request, _("Revoked: SCIM requests with these tokens now get 401."))


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_at", "created_by", "last_used_at", "revoked_at"]
    actions = [revoke_scim_tokens]

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        # The list and its revoke action need the change permission; the change form shows read-only fields.
        return super().has_change_permission(request, obj) if obj is None else False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        token, raw = scim_token_create(name=form.cleaned_data["name"], by=request.user)
        obj.pk, obj.token_hash, obj.created_at, obj.created_by = (
            token.pk,
            token.token_hash,
            token.created_at,
            token.created_by,
        )
        request.scim_token_shown_once = raw

    def response_add(self, request, obj, post_url_continue=None):
        # The token itself, this once: rendered, not redirected, so it is in no URL, log or session.
        context = {
            **self.admin_site.each_context(request),
            "title": _("SCIM token created"),
            "token": obj,
            "raw": request.scim_token_shown_once,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/programmes/scimtoken/created.html", context)
