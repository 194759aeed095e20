from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentoring.models import Pairing, ReminderDigest
from mentoring.services.reminder_emails import reminder_digests_retry


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    # Metadata only. Agreements, goals, sessions and notes hold private text: they must never be
    # registered here, so the admin cannot become a back door around the privacy rule.
    list_display = ["mentor", "mentee", "programme", "status", "started_on", "ended_on"]
    list_filter = ["status", "programme"]
    search_fields = ["mentor__display_name", "mentee__display_name", "programme__name"]
    list_select_related = ["mentor", "mentee", "programme"]
    # Who is in a pairing is never the administrator's to change (or they could make themselves the
    # mentor and read every goal, summary and shared note). Pairings are made and ended by their programme's
    # coordinators and participants in Tandem itself, where each step is checked, audited and told.
    readonly_fields = ["programme", "mentor", "mentee", "created_by", "ended_by"]
    exclude = ["paused_reason"]  # why a pair paused is theirs and their coordinator's (it may be about health)

    def has_add_permission(self, request) -> bool:
        return False


# Check-in reminder outbox
# Read-only: administrators see which reminder emails went, wait or failed, and why, and can put failed ones
# back in the outbox ("Send again"). A digest holds no text of its own (its email is written from dates and
# names when it is sent), so nothing private shows here.


@admin.register(ReminderDigest)
class ReminderDigestAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "day",
        "status",
        "reminders",
        "dropped",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["person__display_name", "person__email"]
    list_select_related = ["person"]
    date_hierarchy = "day"
    fields = [
        "person",
        "day",
        "status",
        "dropped",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
    ]
    actions = ["send_again"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reminder_count=Count("recipients"))

    @admin.display(description=_("reminders"), ordering="reminder_count")
    def reminders(self, digest: ReminderDigest) -> int:
        return digest.reminder_count

    @admin.action(description=_("Send again"), permissions=["resend"])
    def send_again(self, request, queryset) -> None:
        # Failed ones only: a pending one goes anyway, a sent one must not go twice.
        retried = reminder_digests_retry(digests=queryset, now=timezone.now())
        others = queryset.count() - retried
        self.message_user(
            request,
            ngettext(
                "%(count)s failed reminder email is back in the outbox: it goes with the next sweep.",
                "%(count)s failed reminder emails are back in the outbox: they go with the next sweep.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS if retried else messages.INFO,
        )
        if others:
            self.message_user(
                request,
                ngettext(
                    "%(count)s selected email had not failed: left as it was.",
                    "%(count)s selected emails had not failed: left as they were.",
                    others,
                )
                % {"count": others},
                messages.INFO,
            )

    def has_resend_permission(self, request) -> bool:
        # Putting an email back in the outbox changes nothing anybody wrote: whoever may see the outbox may.
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- End of the check-in reminder outbox -------------------------------------------------------------------
