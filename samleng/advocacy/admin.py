"""The admin: a back door for administrators to fix a record. Staff work through the staff pages, which go
through services.py. The admin keeps search_text and the cached status right (the status is recomputed
from the confirmed updates after every save), refuses a second open main issue, and writes its changes to
the audit log."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from samleng.advocacy.models import Commitment, Issue, IssueUpdate
from samleng.advocacy.services import _refuse_second_open_main, issue_search_text, issue_status_refresh
from samleng.core.admin import audit_admin_save
from samleng.core.audit import Action, audit_record


# The event where an update was recorded or a commitment made is engagement's (UpdateAtEvent,
# CommitmentAtEvent): set it in the admin on the event's page.
class IssueUpdateInline(admin.TabularInline):
    model = IssueUpdate
    fields = ["date", "status", "note", "note_km", "evidence", "evidence_file", "people_benefited",
              "people_benefited_female", "confirmed", "posted_by", "confirmed_by"]
    raw_id_fields = ["posted_by", "confirmed_by"]
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = Commitment
    fields = ["made_on", "authority", "promise", "promise_km", "due_on", "kept_on"]
    raw_id_fields = ["authority"]  # an office, among thousands
    extra = 0


class IssueAdminForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["cbo", "issue_id", "title_en", "title_km", "topic", "description", "description_km",
                  "duty_bearer_level",
                  "duty_bearer", "raised_on", "is_main", "households_affected", "people_affected",
                  "people_affected_female", "is_public"]

    def clean(self):
        cleaned = super().clean()
        issue = self.instance
        if cleaned.get("is_main") and cleaned.get("cbo"):
            candidate = Issue(pk=issue.pk, cbo=cleaned["cbo"], is_main=True)
            try:
                _refuse_second_open_main(candidate, issue.status, on_field="is_main")
            except ValidationError as error:
                self.add_error("is_main", error.messages)
        return cleaned


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    form = IssueAdminForm
    list_display = ["issue_id", "title_en", "cbo", "topic", "status", "is_main", "raised_on", "is_public"]
    list_filter = ["status", "topic", "is_main", "is_public", "duty_bearer_level"]
    search_fields = ["issue_id", "title_en", "title_km", "cbo__cbo_id", "cbo__name_en"]
    date_hierarchy = "raised_on"
    raw_id_fields = ["cbo", "duty_bearer"]
    list_select_related = ["cbo"]
    # The status follows the confirmed updates; change it by adding an update below.
    readonly_fields = ["status", "search_text", "created_at", "updated_at"]
    inlines = [IssueUpdateInline, CommitmentInline]

    def save_model(self, request, obj, form, change):
        obj.search_text = issue_search_text(obj)
        # The issue's copy of its CBO's places (the CBO can be changed here).
        obj.province_id, obj.district_id = obj.cbo.province_id, obj.cbo.district_id
        super().save_model(request, obj, form, change)
        audit_admin_save(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        issue_status_refresh(issue=form.instance)

    def delete_model(self, request, obj):
        audit_record(user=request.user, action=Action.DELETE, obj=obj,
                     summary=f"issue {obj.issue_id} deleted in the admin")
        super().delete_model(request, obj)
