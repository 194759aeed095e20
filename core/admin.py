from django.contrib import admin

from .models import EmailFailure


# Emails that could not be sent: read-only; subject, recipients and reason, no body.
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
