"""Surveys API: list/create (officers create), read, answer once, results (officers).

Outsiders get 404 for everything; plain members get 403 on results. Answers are keyed by
question id: a choice index for a single choice, a list of indexes for several, text for free text.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.neighbourhood.choices import QuestionKind
from apps.neighbourhood.models import Question, Survey
from apps.neighbourhood.permissions import is_officer, membership_of
from apps.neighbourhood.selectors import surveys as selectors
from apps.neighbourhood.selectors.events import association_by_slug
from apps.neighbourhood.services import surveys as services
from apps.notifications.api.common import AwareDateTimeField, StrictSerializer, error_responses, validated

TAG = "neighbourhood: surveys"


class SurveyQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "order", "text", "kind", "choices", "required"]


class SurveySerializer(serializers.ModelSerializer):
    questions = SurveyQuestionSerializer(many=True, read_only=True)
    is_open = serializers.SerializerMethodField()
    answered = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = ["id", "title", "description", "anonymous", "opens_at", "closes_at", "is_open", "answered",
                  "questions", "created_at"]

    def get_is_open(self, survey: Survey) -> bool:
        return services.is_open(survey)

    def get_answered(self, survey: Survey) -> bool:
        return selectors.has_answered(self.context["request"].user, survey)


class SurveyQuestionInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=services.QUESTION_LIMIT)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    choices = serializers.ListField(child=serializers.CharField(max_length=services.CHOICE_LIMIT), required=False,
                                    default=list, max_length=services.MAX_CHOICES)
    required = serializers.BooleanField(required=False, default=True)


class SurveyInputSerializer(StrictSerializer):
    title = serializers.CharField(max_length=services.TITLE_LIMIT)
    description = serializers.CharField(max_length=services.DESCRIPTION_LIMIT, required=False, allow_blank=True,
                                        default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    opens_at = AwareDateTimeField()
    closes_at = AwareDateTimeField()
    questions = SurveyQuestionInputSerializer(many=True, allow_empty=False, max_length=services.MAX_QUESTIONS)


class SurveyResponseInputSerializer(StrictSerializer):
    answers = serializers.DictField(help_text="question id -> choice index, list of indexes, or text")


class SurveyResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


def _survey(request: Request, slug: str, survey_id: int) -> Survey:
    association = association_by_slug(slug)
    return selectors.survey_for(request.user, association, survey_id)


class SurveyList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Surveys of your association",
                   responses={200: SurveySerializer(many=True), **error_responses(404)})
    def get(self, request: Request, slug: str) -> Response:
        association = association_by_slug(slug)
        if membership_of(request.user, association) is None:
            raise Http404
        surveys = selectors.visible_surveys(request.user, association)
        return Response(SurveySerializer(surveys, many=True, context={"request": request}).data)

    @extend_schema(tags=[TAG], summary="Start a survey (officers); members are notified when it opens",
                   request=SurveyInputSerializer, responses={201: SurveySerializer, **error_responses(400, 403, 404)})
    def post(self, request: Request, slug: str) -> Response:
        association = association_by_slug(slug)
        if membership_of(request.user, association) is None:
            raise Http404
        if not is_officer(request.user, association):
            raise PermissionDenied(_("Only the association's officers can run surveys."))
        data = validated(SurveyInputSerializer, request.data)
        survey = services.create_survey(author=request.user, association=association, **data)
        return Response(SurveySerializer(survey, context={"request": request}).data, status=status.HTTP_201_CREATED)


class SurveyDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="One survey with its questions",
                   responses={200: SurveySerializer, **error_responses(404)})
    def get(self, request: Request, slug: str, survey_id: int) -> Response:
        return Response(SurveySerializer(_survey(request, slug, survey_id), context={"request": request}).data)


class SurveyResponses(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Answer a survey (once; a second answer is refused)",
                   request=SurveyResponseInputSerializer, responses={201: SurveyResponseSerializer,
                                                               **error_responses(400, 403, 404)})
    def post(self, request: Request, slug: str, survey_id: int) -> Response:
        survey = _survey(request, slug, survey_id)
        data = validated(SurveyResponseInputSerializer, request.data)
        response = services.submit_response(user=request.user, survey=survey, answers=data["answers"])
        return Response(SurveyResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class SurveyResults(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Results (officers): counts, percentages, free-text answers",
                   responses={200: OpenApiTypes.OBJECT, **error_responses(403, 404)})
    def get(self, request: Request, slug: str, survey_id: int) -> Response:
        survey = _survey(request, slug, survey_id)
        if not is_officer(request.user, survey.association_id):
            raise PermissionDenied(_("Only the association's officers see results."))
        return Response(selectors.results(survey))


urlpatterns = [
    path("associations/<slug:slug>/surveys/", SurveyList.as_view(), name="neighbourhood-surveys"),
    path("associations/<slug:slug>/surveys/<int:survey_id>/", SurveyDetail.as_view(), name="neighbourhood-survey"),
    path("associations/<slug:slug>/surveys/<int:survey_id>/responses/", SurveyResponses.as_view(),
         name="neighbourhood-survey-responses"),
    path("associations/<slug:slug>/surveys/<int:survey_id>/results/", SurveyResults.as_view(),
         name="neighbourhood-survey-results"),
]
