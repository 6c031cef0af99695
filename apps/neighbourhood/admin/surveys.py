"""Admin for surveys and their answers. Answers are read-only; anonymous ones never show a respondent."""

from __future__ import annotations

from django.contrib import admin

from apps.neighbourhood.models import Question, Response, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "text", "kind", "choices", "required"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "association", "anonymous", "opens_at", "closes_at"]
    list_filter = ["anonymous", "association"]
    search_fields = ["title"]
    list_select_related = ["association"]
    raw_id_fields = ["author"]
    readonly_fields = ["created_at", "message_id"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        # Once answered, the questions (and anonymity) must not change under the answers.
        if obj is not None and obj.responses.exists():
            return [*self.readonly_fields, "anonymous"]
        return self.readonly_fields


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "shown_respondent", "submitted_at"]
    list_filter = ["survey__association"]
    list_select_related = ["survey"]

    @admin.display(description="respondent")
    def shown_respondent(self, obj: Response) -> str:
        return "—" if obj.survey.anonymous else str(obj.respondent or "—")

    def get_fields(self, request, obj=None):
        if obj is not None and obj.survey.anonymous:
            return ["survey", "submitted_at", "answers"]
        return ["survey", "respondent", "submitted_at", "answers"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_search_fields(self, request):
        return []  # searching by person would reveal anonymous answers' authors by elimination

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
