"""Read-only admin: rubric versions, evaluations and follow-ups are written by the evaluation
services only (a rubric version is never edited; statuses move through the services), so the
admin lists and shows them and changes nothing."""

from django.contrib import admin

from waishi.evaluation.models import (
    Deduction,
    Evaluation,
    FollowUpResult,
    FollowUpRound,
    IndicatorScore,
    RubricVersion,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RubricVersion)
class RubricVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "label", "is_active", "created_at", "created_by"]
    list_filter = ["is_active"]
    search_fields = ["label", "note"]


class IndicatorScoreInline(ReadOnlyMixin, admin.TabularInline):
    model = IndicatorScore
    extra = 0


class DeductionInline(ReadOnlyMixin, admin.TabularInline):
    model = Deduction
    fk_name = "evaluation"
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["delegation", "organising_unit", "year", "status", "total", "grade", "rubric"]
    list_filter = ["status", "grade", "year", "vetoed"]
    search_fields = ["delegation__title"]
    list_select_related = ["delegation", "organising_unit", "rubric"]
    inlines = [IndicatorScoreInline, DeductionInline]


class FollowUpResultInline(ReadOnlyMixin, admin.TabularInline):
    model = FollowUpResult
    extra = 0


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["evaluation", "months", "due_on", "status", "realised_count", "result_count"]
    list_filter = ["status", "months"]
    list_select_related = ["evaluation__delegation"]
    inlines = [FollowUpResultInline]
