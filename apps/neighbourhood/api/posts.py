"""Bulletins and circulars API: posts, reads, reminders, comments, reactions, reports, moderation.

The same selectors as the pages decide what each person sees: a post someone may not see is
404, an officers-only view of a post they can see is 403.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.neighbourhood.choices import PostCategory, PostKind, ReactionKind, Visibility
from apps.neighbourhood.models import Association, Bulletin, Comment
from apps.neighbourhood.selectors import conversation as talk
from apps.neighbourhood.selectors import posts as selectors
from apps.neighbourhood.services import conversation
from apps.neighbourhood.services import posts as services
from apps.neighbourhood.services.conversation import COMMENT_LIMIT, REPORT_LIMIT
from apps.neighbourhood.services.posts import REASON_LIMIT, TITLE_LIMIT
from apps.notifications.api.common import AwareDateTimeField, StrictSerializer, error_responses, validated

TAG = "neighbourhood: bulletins"


# --- output -------------------------------------------------------------------------------

class BulletinAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        bulletin = attachment.bulletin
        return self.context["request"].build_absolute_uri(reverse(
            "neighbourhood:bulletin_attachment", args=[bulletin.association.slug, bulletin.pk, attachment.pk]))


class BulletinSerializer(serializers.ModelSerializer):
    read_by_me = serializers.BooleanField(read_only=True, required=False)

    class Meta:
        model = Bulletin
        fields = ["id", "kind", "category", "title", "body", "visibility", "status", "pinned", "expires_at",
                  "comments_closed", "published_at", "updated_at", "read_by_me"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not hasattr(instance, "read_by_me"):  # only members have read something
            data.pop("read_by_me", None)
        return data


class BulletinDetailSerializer(BulletinSerializer):
    attachments = BulletinAttachmentSerializer(many=True, read_only=True)
    moderation_note = serializers.CharField(read_only=True)

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "attachments", "moderation_note"]


class BulletinCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.SerializerMethodField()
    hidden = serializers.BooleanField()
    mine = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_body(self, comment: Comment) -> str:
        return "" if comment.hidden else comment.body

    def get_mine(self, comment: Comment) -> bool:
        return comment.author_id == self.context["request"].user.pk


class BulletinReadSerializer(serializers.Serializer):
    member = serializers.CharField(source="real_name")
    read_at = serializers.DateTimeField(allow_null=True)


class ModerationReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_type = serializers.CharField(source="target_type.model")
    target_id = serializers.IntegerField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution = serializers.CharField()


# --- input --------------------------------------------------------------------------------

class BulletinInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=PostKind.choices, default=PostKind.BULLETIN)
    category = serializers.ChoiceField(choices=PostCategory.choices, default=PostCategory.NOTICE)
    title = serializers.CharField(max_length=TITLE_LIMIT)
    body = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.MEMBERS)
    pinned = serializers.BooleanField(default=False)
    expires_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                        help_text="PDF, JPEG or PNG, at most 5 of 10 MB each (multipart only).")


class BulletinPatch(StrictSerializer):
    kind = serializers.ChoiceField(choices=PostKind.choices, required=False)
    category = serializers.ChoiceField(choices=PostCategory.choices, required=False)
    title = serializers.CharField(max_length=TITLE_LIMIT, required=False)
    body = serializers.CharField(required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    pinned = serializers.BooleanField(required=False)
    comments_closed = serializers.BooleanField(required=False)
    expires_at = AwareDateTimeField(required=False, allow_null=True)


class BulletinDeleteInput(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_LIMIT)


class BulletinCommentInput(StrictSerializer):
    body = serializers.CharField(max_length=COMMENT_LIMIT)


class BulletinReactionInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=ReactionKind.choices)
    remove = serializers.BooleanField(default=False)


class ModerationReportInput(StrictSerializer):
    target_type = serializers.ChoiceField(choices=[("bulletin", "bulletin"), ("comment", "comment")])
    target_id = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=REPORT_LIMIT)


# --- views ----------------------------------------------------------------------------------

def _post(request: Request, slug: str, bulletin_id: int, *, officer: bool = False) -> tuple[Association, Bulletin]:
    association = selectors.association_for(request.user, slug)
    viewer = selectors.viewer_of(request.user, association)
    bulletin = selectors.bulletin_for(request.user, association, bulletin_id, viewer)
    if officer and not viewer.is_officer:
        raise PermissionDenied
    return association, bulletin


def _paginated(request: Request, view: APIView, rows, serializer_class) -> Response:
    paginator = LimitOffsetPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context={"request": request}).data)


class BulletinList(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletins_list",
                   responses={200: BulletinSerializer(many=True)},
                   summary="Posts of an association the caller may see (pinned first, newest first).")
    def get(self, request: Request, slug: str) -> Response:
        association = selectors.association_for(request.user, slug)
        viewer = selectors.viewer_of(request.user, association)
        return _paginated(request, self, selectors.listing(request.user, association, viewer), BulletinSerializer)

    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletins_create", request=BulletinInput,
                   responses={201: BulletinDetailSerializer, **error_responses(400, 403, 404)},
                   summary="Post a bulletin or circular (officers, or members if the rules allow).")
    def post(self, request: Request, slug: str) -> Response:
        if not request.user.is_authenticated:
            raise PermissionDenied
        association = selectors.association_for(request.user, slug)
        data = dict(validated(BulletinInput, request.data))
        if request.FILES:
            data["attachments"] = request.FILES.getlist("attachments")
        bulletin = services.create_bulletin(author=request.user, association=association, **data)
        return Response(BulletinDetailSerializer(bulletin, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class BulletinDetail(APIView):
    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletin_get",
                   responses={200: BulletinDetailSerializer, **error_responses(404)})
    def get(self, request: Request, slug: str, bulletin_id: int) -> Response:
        _association, bulletin = _post(request, slug, bulletin_id)
        if selectors.viewer_of(request.user, bulletin.association).is_member:
            services.opened(user=request.user, bulletin=bulletin)
        return Response(BulletinDetailSerializer(bulletin, context={"request": request}).data)

    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletin_update", request=BulletinPatch,
                   responses={200: BulletinDetailSerializer, **error_responses(400, 403, 404)})
    def patch(self, request: Request, slug: str, bulletin_id: int) -> Response:
        _association, bulletin = _post(request, slug, bulletin_id, officer=True)
        bulletin = services.update_bulletin(officer=request.user, bulletin=bulletin,
                                            **validated(BulletinPatch, request.data))
        return Response(BulletinDetailSerializer(bulletin, context={"request": request}).data)

    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletin_delete", request=BulletinDeleteInput,
                   responses={204: None, **error_responses(400, 403, 404)},
                   summary="Soft delete with a reason kept for the record.")
    def delete(self, request: Request, slug: str, bulletin_id: int) -> Response:
        _association, bulletin = _post(request, slug, bulletin_id, officer=True)
        services.delete_bulletin(officer=request.user, bulletin=bulletin,
                                 reason=validated(BulletinDeleteInput, request.data)["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class BulletinRead(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletin_read", request=None,
                   responses={200: BulletinReadSerializer, **error_responses(403, 404)},
                   summary="Confirm reading (回覧板); a second call keeps the first time.")
    def post(self, request: Request, slug: str, bulletin_id: int) -> Response:
        _association, bulletin = _post(request, slug, bulletin_id)
        read = services.mark_read(user=request.user, bulletin=bulletin)
        return Response({"member": request.user.get_username(), "read_at": read.read_at})


class BulletinReads(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletin_reads",
                   parameters=[OpenApiParameter("show", str, enum=["all", "read", "unread"]),
                               OpenApiParameter("page", int)],
                   responses={200: BulletinReadSerializer(many=True), **error_responses(403, 404)},
                   summary="Who has read it and who has not (officers).")
    def get(self, request: Request, slug: str, bulletin_id: int) -> Response:
        _association, bulletin = _post(request, slug, bulletin_id, officer=True)
        result = selectors.read_status(bulletin, show=request.query_params.get("show", "all"),
                                       page=request.query_params.get("page"))
        page = result["page"]
        return Response({
            "member_count": result["member_count"], "read_count": result["read_count"],
            "unread_count": result["unread_count"], "page": page.number, "pages": page.paginator.num_pages,
            "next_reminder_at": services.next_reminder_at(bulletin),
            "members": BulletinReadSerializer(page.object_list, many=True).data,
        })


class BulletinRemind(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletin_remind", request=None,
                   responses={202: None, **error_responses(400, 403, 404)},
                   summary="Remind the members who have not read it; at most once an hour.")
    def post(self, request: Request, slug: str, bulletin_id: int) -> Response:
        _association, bulletin = _post(request, slug, bulletin_id, officer=True)
        message = services.remind_unread(officer=request.user, bulletin=bulletin)
        return Response({"message_id": message.pk}, status=status.HTTP_202_ACCEPTED)


class BulletinComments(APIView):
    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletin_comments",
                   responses={200: BulletinCommentSerializer(many=True), **error_responses(403, 404)})
    def get(self, request: Request, slug: str, bulletin_id: int) -> Response:
        association, bulletin = _post(request, slug, bulletin_id)
        if not selectors.viewer_of(request.user, association).is_member:
            raise PermissionDenied
        return _paginated(request, self, talk.comments_on(bulletin), BulletinCommentSerializer)

    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletin_comment_add", request=BulletinCommentInput,
                   responses={201: BulletinCommentSerializer, **error_responses(400, 403, 404)})
    def post(self, request: Request, slug: str, bulletin_id: int) -> Response:
        _association, bulletin = _post(request, slug, bulletin_id)
        comment = conversation.add_comment(user=request.user, target=bulletin,
                                           body=validated(BulletinCommentInput, request.data)["body"])
        return Response(BulletinCommentSerializer(comment, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class BulletinReactions(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="neighbourhood_bulletin_react", request=BulletinReactionInput,
                   responses={200: None, **error_responses(400, 403, 404)})
    def post(self, request: Request, slug: str, bulletin_id: int) -> Response:
        _association, bulletin = _post(request, slug, bulletin_id)
        data = validated(BulletinReactionInput, request.data)
        conversation.react(user=request.user, target=bulletin, kind=data["kind"], remove=data["remove"])
        return Response({"reactions": [{k: r[k] for k in ("kind", "count", "mine")}
                                       for r in talk.reactions_on(bulletin, request.user)]})


class Reports(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="neighbourhood_report", request=ModerationReportInput,
                   responses={201: ModerationReportSerializer, **error_responses(400, 403, 404)},
                   summary="Report a bulletin or a comment on one to the association's officers.")
    def post(self, request: Request, slug: str) -> Response:
        association = selectors.association_for(request.user, slug)
        data = validated(ModerationReportInput, request.data)
        viewer = selectors.viewer_of(request.user, association)
        if data["target_type"] == "bulletin":
            target = selectors.bulletin_for(request.user, association, data["target_id"], viewer)
        else:
            comment = Comment.objects.filter(pk=data["target_id"],
                                             target_type=ContentType.objects.get_for_model(Bulletin)).first()
            if comment is None:
                raise Http404
            selectors.bulletin_for(request.user, association, comment.target_id, viewer)
            target = comment
        report = conversation.report(user=request.user, target=target, reason=data["reason"])
        return Response(ModerationReportSerializer(report).data, status=status.HTTP_201_CREATED)


class Moderation(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="neighbourhood_moderation",
                   parameters=[OpenApiParameter("resolved", bool)],
                   responses={200: ModerationReportSerializer(many=True), **error_responses(403, 404)},
                   summary="The association's moderation queue (officers).")
    def get(self, request: Request, slug: str) -> Response:
        association = selectors.association_for(request.user, slug)
        if not selectors.viewer_of(request.user, association).is_officer:
            raise PermissionDenied
        resolved = request.query_params.get("resolved") in ("1", "true")
        reports = talk.moderation_queue(association, resolved=resolved)
        return Response(ModerationReportSerializer(reports, many=True).data)


_base = "associations/<slug:slug>/"
_one = f"{_base}bulletins/<int:bulletin_id>/"
urlpatterns = [
    path(f"{_base}bulletins/", BulletinList.as_view(), name="neighbourhood-bulletins"),
    path(_one, BulletinDetail.as_view(), name="neighbourhood-bulletin"),
    path(f"{_one}read/", BulletinRead.as_view(), name="neighbourhood-bulletin-read"),
    path(f"{_one}reads/", BulletinReads.as_view(), name="neighbourhood-bulletin-reads"),
    path(f"{_one}remind/", BulletinRemind.as_view(), name="neighbourhood-bulletin-remind"),
    path(f"{_one}comments/", BulletinComments.as_view(), name="neighbourhood-bulletin-comments"),
    path(f"{_one}reactions/", BulletinReactions.as_view(), name="neighbourhood-bulletin-reactions"),
    path(f"{_base}reports/", Reports.as_view(), name="neighbourhood-reports"),
    path(f"{_base}moderation/", Moderation.as_view(), name="neighbourhood-moderation"),
]
