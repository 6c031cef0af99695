"""Admin for the procedure catalogue: procedures with their form fields and department steps, life events.

Staff define each procedure's form here; field definitions are checked (a choice field needs
choices, minimum not above maximum) so that a resident never meets a broken form.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.counter.models import LifeEvent, LifeEventProcedure, Procedure, ProcedureField, ProcedureStep
from apps.counter.services.catalogue import check_field_definition


class ProcedureFieldForm(forms.ModelForm):
    class Meta:
        model = ProcedureField
        fields = ["order", "key", "label", "label_en", "kind", "required", "max_length", "min_value", "max_value",
                  "choices", "profile_source", "help_text"]

    def clean(self):
        cleaned = super().clean()
        candidate = ProcedureField(**{k: v for k, v in cleaned.items() if k in self.Meta.fields})
        try:
            check_field_definition(candidate)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                self.add_error(field, problems)
        return cleaned


class ProcedureFieldInline(admin.TabularInline):
    model = ProcedureField
    form = ProcedureFieldForm
    extra = 0
    fields = ["order", "key", "label", "label_en", "kind", "required", "max_length", "min_value", "max_value",
              "choices", "profile_source", "help_text"]


class ProcedureStepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0
    fields = ["order", "department", "name", "name_en", "target_days"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "department", "fee_yen", "online", "is_active", "order"]
    list_filter = ["department", "online", "is_active"]
    search_fields = ["slug", "name", "name_en"]
    inlines = [ProcedureFieldInline, ProcedureStepInline]


class LifeEventProcedureInline(admin.TabularInline):
    model = LifeEventProcedure
    extra = 0
    fields = ["order", "procedure", "condition"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["slug", "name", "name_en"]
    inlines = [LifeEventProcedureInline]
