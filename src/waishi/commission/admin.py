from django.contrib import admin

from waishi.commission.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read-mostly: meetings are made and moved through the services, never by editing status."""

    list_display = ["title", "date", "status", "source", "created_at"]
    list_filter = ["status", "year_source"]
    search_fields = ["title", "number", "source_text"]
    readonly_fields = ["status", "year_source", "source_text", "created_by", "created_at"]
    date_hierarchy = "date"
