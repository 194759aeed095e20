from django.contrib import admin

from .models import Pairing


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    # Metadata only. Later issues add agreements and session logs: their private text must never be
    # registered here, so the admin cannot become a back door around the privacy rule.
    list_display = ["mentor", "mentee", "programme", "status", "started_on", "ended_on"]
    list_filter = ["status", "programme"]
    search_fields = ["mentor__display_name", "mentee__display_name", "programme__name"]
    list_select_related = ["mentor", "mentee", "programme"]
    autocomplete_fields = ["mentor", "mentee", "programme"]
