"""Surveys and polls, optionally anonymous; results for officers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.neighbourhood.choices import QuestionKind
from apps.neighbourhood.models.associations import Association


class Survey(models.Model):
    association = models.ForeignKey(Association, verbose_name=_("association"), on_delete=models.CASCADE,
                                    related_name="surveys")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False,
                                    help_text=_("Officers see answers but never who gave them."))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    message_id = models.PositiveBigIntegerField(_("notification message"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One member's answers. For anonymous surveys `respondent` is empty and a keyed hash of
    (survey, member) stops a second answer without telling anyone who answered what."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("respondent"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    respondent_key = models.CharField(max_length=64, editable=False)
    submitted_at = models.DateTimeField(_("answered"), auto_now_add=True)
    answers = models.JSONField(_("answers"), default=dict, help_text=_("question id -> answer"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [models.UniqueConstraint(fields=["survey", "respondent_key"], name="one_response_per_member")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"
