"""The admin: a back door for administrators to fix a record. Staff record events through the staff pages
(which go through services.py and the audit log); the admin keeps search_text right when it saves."""

from django.contrib import admin

from samleng.core.khmer import search_text
from samleng.engagement.models import (
    Attendance,
    CommitmentAtEvent,
    Event,
    MechanismAssessment,
    TargetArea,
    UpdateAtEvent,
)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    # Thousands of representatives: a select listing them all would be slow and would spill names.
    raw_id_fields = ["representative"]
    extra = 0


class UpdateAtEventInline(admin.TabularInline):
    """Advocacy's issue updates recorded at this event (the links are this app's: advocacy does not import it)."""

    model = UpdateAtEvent
    raw_id_fields = ["update"]
    extra = 0


class CommitmentAtEventInline(admin.TabularInline):
    """Commitments made at this event."""

    model = CommitmentAtEvent
    raw_id_fields = ["commitment"]
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "date", "type", "title", "province", "authorities_present", "participants_total"]
    list_filter = ["type", "authorities_present"]
    search_fields = ["event_id", "title", "title_km"]
    date_hierarchy = "date"
    raw_id_fields = ["province", "district", "commune", "issues_raised"]
    list_select_related = ["province"]
    inlines = [AttendanceInline, UpdateAtEventInline, CommitmentAtEventInline]

    def save_model(self, request, obj, form, change):
        obj.search_text = search_text(obj.title, obj.title_km)
        super().save_model(request, obj, form, change)


@admin.register(MechanismAssessment)
class MechanismAssessmentAdmin(admin.ModelAdmin):
    list_display = ["district", "year", "mechanism", "held", "diverse_representation", "notice_given",
                    "minutes_shared", "questions_answered", "follow_up_done"]
    list_filter = ["year", "mechanism", "held"]
    search_fields = ["district__name_en", "district__name_km", "district__code"]
    raw_id_fields = ["district"]
    list_select_related = ["district"]


@admin.register(TargetArea)
class TargetAreaAdmin(admin.ModelAdmin):
    list_display = ["programme_code", "district", "from_year", "to_year"]
    list_filter = ["programme_code"]
    raw_id_fields = ["district"]
    list_select_related = ["district"]
