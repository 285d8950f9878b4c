"""The Django admin of the assistant's knowledge base: services and FAQ entries, editable by staff (every change
audited); the knowledge-base workbook (`samleng import`, `samleng export knowledge PATH`) brings many at once.
The glossary's admin is budgets' (budgets.admin)."""

from django.contrib import admin

from samleng.assistant.models import FaqEntry, Service
from samleng.core.audited_admin import AuditedAdmin


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    key_field = "service_id"
    list_display = ("service_id", "name_en", "name_km", "sector", "office_level", "fee_khr", "days", "checked_on")
    list_filter = ("sector", "office_level")
    search_fields = ("service_id", "name_en", "name_km")
    fields = ("service_id", "name_en", "name_km", "sector", "office_level", "fee_khr", "fee_note_en", "fee_note_km",
              "days", "documents_en", "documents_km", "legal_basis", "source", "checked_on")


@admin.register(FaqEntry)
class FaqEntryAdmin(AuditedAdmin):
    key_field = "faq_id"
    list_display = ("faq_id", "topic", "question_en", "question_km", "checked_on")
    list_filter = ("topic",)
    search_fields = ("faq_id", "question_en", "question_km", "also_asked")
    fields = ("faq_id", "topic", "question_en", "question_km", "answer_en", "answer_km", "also_asked", "source",
              "checked_on")
