from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from .models import AuditEvent, EmailFailure, Membership, OrgUnit, Person, Programme
from .services.credentials import person_notify_credentials_changed
from .services.leavers import person_deactivate


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "parent__name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]

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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["display_name"]
    list_display = ["display_name", "email", "job_title", "grade", "org_unit", "line_manager", "is_active"]
    list_filter = ["is_active", "is_staff", "org_unit"]
    list_select_related = ["org_unit__parent", "line_manager"]
    search_fields = ["display_name", "email", "job_title"]
    autocomplete_fields = ["org_unit", "line_manager"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "job_title", "grade", "org_unit", "line_manager"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]}),
    ]

    # --- login protection (issue 8) ---
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Someone who left: never matched again, open applications withdrawn, coordinators told.
            person_deactivate(person=obj, by=request.user)
        old_email = form.initial.get("email", "")
        if change and "email" in form.changed_data and old_email:
            # To the old address: if the account was taken over, its owner hears of it there.
            person_notify_credentials_changed(person=obj, what="email", address=old_email)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # saved (a refused form shows again)
            person_notify_credentials_changed(person=self.get_object(request, id), what="password")
        return response

    # --- end of login protection ---


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "programme", "created_at"]
    list_filter = ["role", "programme"]
    search_fields = ["person__display_name", "person__email", "programme__name"]
    list_select_related = ["person", "programme"]
    autocomplete_fields = ["person", "programme"]


# --- audit log (issue 8) ---
# Read-only: the log is evidence, so nobody adds, edits or deletes rows here (the retention task purges).


@admin.action(description="Export the selected events as CSV")
def export_audit_csv(modeladmin, request, queryset):
    import csv

    from django.http import StreamingHttpResponse

    from .exports import csv_cell

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


# --- end of audit log ---


# --- emails that could not be sent (issue 13, point 19): read-only; subject, recipients and reason, no body ---
@admin.register(EmailFailure)
class EmailFailureAdmin(admin.ModelAdmin):
    list_display = ["at", "subject", "recipients", "error"]
    list_filter = ["at"]
    search_fields = ["subject", "recipients"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- end of emails that could not be sent ---
