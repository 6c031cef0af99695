"""Applications API: the applicant's own applications; staff queue actions; payments.

Applicants see only their own (404 for anyone else's); clerks see the queues of their own
departments and act on steps through the same services as the pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.counter.models import (
    Application,
    ApplicationEvent,
    ApplicationStep,
    Attachment,
    LifeEventPlanItem,
    Payment,
)
from apps.counter.permissions_applications import is_city_staff
from apps.counter.selectors import applications as selectors
from apps.counter.selectors import catalogue as catalogue_selectors
from apps.counter.services import applications as services
from apps.counter.services import payments, routing
from apps.notifications.api.common import StrictSerializer, error_responses, validated

TAG = "counter: applications"
STAFF_TAG = "counter: work queues"


class StepSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = ApplicationStep
        fields = ["id", "order", "department", "department_code", "name", "status", "queued_at", "due_at",
                  "completed_at"]


class EventSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    step = serializers.IntegerField(source="step_id", read_only=True, allow_null=True)

    class Meta:
        model = ApplicationEvent
        fields = ["at", "kind", "department", "step", "note"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["amount_yen", "provider", "status", "paid_at", "receipt_number"]


class ApplicationSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.slug", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "receipt_number", "procedure", "procedure_name", "channel", "status", "fee_yen",
                  "submitted_at", "completed_at"]


class ApplicationDetailSerializer(ApplicationSerializer):
    steps = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "answers", "steps", "timeline", "attachments", "payments"]

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, application: Application) -> list:
        return StepSerializer(selectors.steps_of(application), many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, application: Application) -> list:
        return EventSerializer(selectors.timeline(application), many=True).data


class ApplicationInputSerializer(StrictSerializer):
    procedure = serializers.SlugField()
    answers = serializers.DictField(help_text="field key -> answer, as the procedure's fields define")
    plan_item = serializers.IntegerField(required=False, allow_null=True, default=None,
                                         help_text="the life-event list item this application starts")


class CounterEntryInputSerializer(StrictSerializer):
    procedure = serializers.SlugField()
    applicant_email = serializers.EmailField()
    answers = serializers.DictField()


class CorrectionInputSerializer(StrictSerializer):
    answers = serializers.DictField(help_text="only the fields that change")


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class PayStartSerializer(serializers.Serializer):
    reference = serializers.CharField()
    provider = serializers.CharField()
    pay_url = serializers.CharField()


class PaymentConfirmInputSerializer(StrictSerializer):
    reference = serializers.CharField(max_length=64)
    signature = serializers.CharField(max_length=128)


class PaymentConfirmSerializer(serializers.Serializer):
    status = serializers.CharField()
    receipt_number = serializers.CharField()
    changed = serializers.BooleanField()


class QueueStepSerializer(StepSerializer):
    receipt_number = serializers.CharField(source="application.receipt_number", read_only=True)
    application_id = serializers.IntegerField(read_only=True)
    procedure = serializers.CharField(source="application.procedure.name", read_only=True)
    claimed_by_me = serializers.SerializerMethodField()

    class Meta(StepSerializer.Meta):
        fields = [*StepSerializer.Meta.fields, "receipt_number", "application_id", "procedure", "claimed_by_me"]

    def get_claimed_by_me(self, step: ApplicationStep) -> bool:
        return step.claimed_by_id == self.context["user"].id


class QueuePageSerializer(serializers.Serializer):
    results = QueueStepSerializer(many=True)
    next = serializers.CharField(allow_blank=True, help_text="pass as `after` for the next page; empty at the end")


class StepActionInputSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=routing.RETURN_REASON_LIMIT)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=routing.RETURN_REASON_LIMIT)


def _detail(application: Application) -> dict:
    application = Application.objects.select_related("procedure").prefetch_related(
        "attachments", "payments").get(pk=application.pk)
    return ApplicationDetailSerializer(application).data


class ApplicationList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Your applications, newest first",
                   responses={200: ApplicationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ApplicationSerializer(selectors.my_applications(request.user)[:200], many=True).data)

    @extend_schema(tags=[TAG], summary="Apply online; answers are checked against the procedure's fields",
                   request=ApplicationInputSerializer,
                   responses={201: ApplicationDetailSerializer, **error_responses(400, 404)})
    def post(self, request: Request) -> Response:
        data = validated(ApplicationInputSerializer, request.data)
        procedure = catalogue_selectors.procedure_by_slug(data["procedure"])
        plan_item = None
        if data["plan_item"] is not None:
            plan_item = LifeEventPlanItem.objects.select_related("plan").filter(
                pk=data["plan_item"], plan__user=request.user).first()
            if plan_item is None:
                raise serializers.ValidationError({"plan_item": [_("No such item on your lists.")]})
        application = services.submit_application(procedure=procedure, applicant=request.user,
                                                   answers=data["answers"], plan_item=plan_item)
        return Response(_detail(application), status=status.HTTP_201_CREATED)


class PrefillView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Answers already known for a procedure's form (once only)",
                   responses={200: OpenApiTypes.OBJECT, **error_responses(404)})
    def get(self, request: Request, slug: str) -> Response:
        return Response(selectors.prefill_for(request.user, catalogue_selectors.procedure_by_slug(slug)))


class ApplicationDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="One of your applications with its steps and timeline",
                   responses={200: ApplicationDetailSerializer, **error_responses(404)})
    def get(self, request: Request, application_id: int) -> Response:
        return Response(_detail(selectors.own_application(request.user, application_id)))

    @extend_schema(tags=[TAG], summary="Correct a returned application; the step goes back to its queue",
                   request=CorrectionInputSerializer,
                   responses={200: ApplicationDetailSerializer, **error_responses(400, 404)})
    def patch(self, request: Request, application_id: int) -> Response:
        application = selectors.own_application(request.user, application_id)
        data = validated(CorrectionInputSerializer, request.data)
        services.resubmit(application=application, user=request.user, answers=data["answers"])
        return Response(_detail(application))


class AttachmentUpload(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(tags=[TAG], summary="Attach a PDF, PNG or JPEG (up to 10 MB; the type is read from the file)",
                   request={"multipart/form-data": AttachmentInputSerializer},
                   responses={201: AttachmentSerializer, **error_responses(400, 404)})
    def post(self, request: Request, application_id: int) -> Response:
        application = selectors.own_application(request.user, application_id)
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Choose a file.")]})
        attachment = services.attach(application=application, user=request.user, upload=upload)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class ApplicationWithdraw(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Withdraw your unfinished application; its steps leave the queues",
                   request=None, responses={200: ApplicationDetailSerializer, **error_responses(400, 404)})
    def post(self, request: Request, application_id: int) -> Response:
        application = selectors.own_application(request.user, application_id)
        services.withdraw(application=application, user=request.user)
        return Response(_detail(application))


class PaymentStart(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Start paying the fee; go to `pay_url` to pay",
                   request=None, responses={200: PayStartSerializer, **error_responses(400, 404)})
    def post(self, request: Request, application_id: int) -> Response:
        application = selectors.own_application(request.user, application_id)
        payment, url = payments.start_payment(application=application, user=request.user)
        return Response({"reference": payment.reference, "provider": payment.provider,
                         "pay_url": request.build_absolute_uri(url) if url.startswith("/") else url})


class FakePaymentConfirm(APIView):
    """The fake provider's webhook: signed like a real provider's; a repeat changes nothing."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=[TAG], summary="Payment confirmation from the (fake) provider; idempotent",
                   request=PaymentConfirmInputSerializer,
                   responses={200: PaymentConfirmSerializer, **error_responses(400, 403)})
    def post(self, request: Request) -> Response:
        data = validated(PaymentConfirmInputSerializer, request.data)
        payment, changed = payments.confirm_payment(provider="fake", reference=data["reference"],
                                                    payload={"signature": data["signature"]})
        return Response({"status": payment.status, "receipt_number": payment.receipt_number, "changed": changed})


# --- staff ------------------------------------------------------------------------------

def _staff(request: Request) -> None:
    if not is_city_staff(request.user):
        raise PermissionDenied(_("Only city staff can use work queues."))


class WorkQueue(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[STAFF_TAG], summary="A department's open steps, oldest first (keyset pages of 50)",
                   parameters=[OpenApiParameter("after", str, description="the `next` of the previous page"),
                               OpenApiParameter("mine", bool, description="only steps you handle")],
                   responses={200: QueuePageSerializer, **error_responses(400, 403, 404)})
    def get(self, request: Request, department_id: int) -> Response:
        _staff(request)
        steps, cursor = selectors.work_queue(user=request.user, department_id=department_id,
                                             after=request.query_params.get("after", ""),
                                             mine=request.query_params.get("mine") in ("1", "true"))
        return Response({"results": QueueStepSerializer(steps, many=True, context={"user": request.user}).data,
                         "next": cursor})


class StepAction(APIView):
    permission_classes = [IsAuthenticated]
    action_name = ""

    @extend_schema(tags=[STAFF_TAG], request=StepActionInputSerializer,
                   responses={200: StepSerializer, **error_responses(400, 403, 404)})
    def post(self, request: Request, step_id: int) -> Response:
        _staff(request)
        data = validated(StepActionInputSerializer, request.data or {})
        if not ApplicationStep.objects.filter(pk=step_id).exists():
            raise Http404
        if self.action_name == "claim":
            step = routing.claim(step_id=step_id, staff=request.user)
        elif self.action_name == "complete":
            step = routing.complete(step_id=step_id, staff=request.user, note=data["note"])
        else:
            step = routing.return_to_applicant(step_id=step_id, staff=request.user, reason=data["reason"])
        return Response(StepSerializer(step).data)


class ClaimStep(StepAction):
    action_name = "claim"


class CompleteStep(StepAction):
    action_name = "complete"


class ReturnStep(StepAction):
    action_name = "return"


class StaffApplicationDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[STAFF_TAG], summary="An application on your department's route (audited read)",
                   responses={200: ApplicationDetailSerializer, **error_responses(403, 404)})
    def get(self, request: Request, application_id: int) -> Response:
        _staff(request)
        return Response(_detail(selectors.staff_application(request.user, application_id)))


class CounterEntry(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[STAFF_TAG], summary="Enter an application at the counter for a resident who is present",
                   request=CounterEntryInputSerializer,
                   responses={201: ApplicationDetailSerializer, **error_responses(400, 403, 404)})
    def post(self, request: Request) -> Response:
        _staff(request)
        data = validated(CounterEntryInputSerializer, request.data)
        procedure = catalogue_selectors.procedure_by_slug(data["procedure"])
        applicant = User.objects.filter(email__iexact=data["applicant_email"], is_active=True).first()
        if applicant is None:
            raise serializers.ValidationError({"applicant_email": [_("No active portal account has this email.")]})
        application = services.submit_application(procedure=procedure, applicant=applicant, answers=data["answers"],
                                                   entered_by=request.user)
        return Response(_detail(application), status=status.HTTP_201_CREATED)


class CashPayment(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[STAFF_TAG], summary="Record a fee paid in cash at the counter", request=None,
                   responses={200: PaymentSerializer, **error_responses(400, 403, 404)})
    def post(self, request: Request, application_id: int) -> Response:
        _staff(request)
        application = selectors.staff_application(request.user, application_id)
        return Response(PaymentSerializer(payments.record_cash_payment(application=application,
                                                                       staff=request.user)).data)


urlpatterns = [
    path("applications/", ApplicationList.as_view(), name="counter-applications"),
    path("applications/<int:application_id>/", ApplicationDetail.as_view(), name="counter-application"),
    path("applications/<int:application_id>/documents/", AttachmentUpload.as_view(),
         name="counter-application-documents"),
    path("applications/<int:application_id>/payment/", PaymentStart.as_view(), name="counter-application-payment"),
    path("applications/<int:application_id>/withdraw/", ApplicationWithdraw.as_view(),
         name="counter-application-withdraw"),
    path("procedures/<slug:slug>/prefill/", PrefillView.as_view(), name="counter-procedure-prefill"),
    path("payments/fake/confirm/", FakePaymentConfirm.as_view(), name="counter-fake-payment-confirm"),
    path("staff/departments/<int:department_id>/queue/", WorkQueue.as_view(), name="counter-work-queue"),
    path("staff/steps/<int:step_id>/claim/", ClaimStep.as_view(), name="counter-step-claim"),
    path("staff/steps/<int:step_id>/complete/", CompleteStep.as_view(), name="counter-step-complete"),
    path("staff/steps/<int:step_id>/return/", ReturnStep.as_view(), name="counter-step-return"),
    path("staff/applications/", CounterEntry.as_view(), name="counter-counter-entry"),
    path("staff/applications/<int:application_id>/", StaffApplicationDetail.as_view(),
         name="counter-staff-application"),
    path("staff/applications/<int:application_id>/cash/", CashPayment.as_view(), name="counter-cash-payment"),
]
