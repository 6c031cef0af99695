"""Networks across associations: set-up by city staff, posts in two channels, reactions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.geo.models import SchoolDistrict
from apps.neighbourhood.choices import NetworkChannel, NetworkRole, ReactionKind
from apps.neighbourhood.models import Association, Network, NetworkPost
from apps.neighbourhood.permissions import is_city_staff
from apps.neighbourhood.selectors import networks as selectors
from apps.neighbourhood.services import networks as services
from apps.notifications.api.common import StrictSerializer, validated

TAG = "neighbourhood: networks"


class NetworkSerializer(serializers.ModelSerializer):
    school_district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    associations = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Network
        fields = ["id", "name", "school_district", "associations", "description", "created_at"]


class NetworkMemberInput(StrictSerializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=NetworkRole.choices, default=NetworkRole.PARTICIPANT)
    represents = serializers.CharField(max_length=120)


class NetworkInput(StrictSerializer):
    name = serializers.CharField(max_length=120)
    school_district = serializers.SlugRelatedField(slug_field="code", queryset=SchoolDistrict.objects.all())
    associations = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Association.objects.all())
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    members = NetworkMemberInput(many=True, allow_empty=False)


class NetworksView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses=NetworkSerializer(many=True), summary="My networks")
    def get(self, request: Request) -> Response:
        found = selectors.networks_for(request.user).prefetch_related("associations")
        return Response(NetworkSerializer(found, many=True).data)

    @extend_schema(tags=[TAG], request=NetworkInput, responses={201: NetworkSerializer},
                   summary="Set up a network (city staff)")
    def post(self, request: Request) -> Response:
        if not is_city_staff(request.user):
            raise PermissionDenied(_("Only city staff set up networks."))
        data = validated(NetworkInput, request.data)
        network = services.create_network(by=request.user, **{**data, "members": [dict(m) for m in data["members"]]})
        return Response(NetworkSerializer(network).data, status=201)


class NetworkPostSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    reactions = serializers.SerializerMethodField()

    class Meta:
        model = NetworkPost
        fields = ["id", "channel", "title", "body", "author", "status", "moderation_note", "created_at", "reactions"]

    def get_author(self, post: NetworkPost) -> str:
        profile = getattr(post.author, "profile", None)
        return getattr(profile, "display_name", "") or post.author.get_full_name()

    def get_reactions(self, post: NetworkPost) -> dict[str, int]:
        return self.context.get("reactions", {}).get(post.pk, {}).get("counts", {})


class NetworkPostInput(StrictSerializer):
    channel = serializers.ChoiceField(choices=NetworkChannel.choices)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=4000)


class NetworkPostsQuery(StrictSerializer):
    channel = serializers.ChoiceField(choices=NetworkChannel.choices, required=False)


class PostsView(APIView):
    """Members of the network only; everyone else gets 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses=NetworkPostSerializer(many=True), summary="Posts of a network",
                   parameters=[OpenApiParameter("channel", OpenApiTypes.STR, enum=NetworkChannel.values)])
    def get(self, request: Request, pk: int) -> Response:
        network = selectors.network_for(request.user, pk)
        query = validated(NetworkPostsQuery, request.query_params.dict())
        found = list(selectors.posts(request.user, network, query.get("channel"))[:selectors.POSTS_PER_CHANNEL])
        reactions = selectors.reaction_summary(request.user, [post.pk for post in found])
        return Response(NetworkPostSerializer(found, many=True, context={"reactions": reactions}).data)

    @extend_schema(tags=[TAG], request=NetworkPostInput, responses={201: NetworkPostSerializer},
                   summary="Post to a network")
    def post(self, request: Request, pk: int) -> Response:
        network = selectors.network_for(request.user, pk)
        data = validated(NetworkPostInput, request.data)
        post = services.post_to_network(user=request.user, network=network, **data)
        return Response(NetworkPostSerializer(post).data, status=201)


class NetworkReactionInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=ReactionKind.choices)


class NetworkReactionResult(serializers.Serializer):
    kind = serializers.CharField()
    added = serializers.BooleanField()


class ReactionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=NetworkReactionInput, responses=NetworkReactionResult,
                   summary="React to a post (the same reaction again takes it back)")
    def post(self, request: Request, pk: int, post_id: int) -> Response:
        network = selectors.network_for(request.user, pk)
        post = selectors.post_for(request.user, network, post_id)
        data = validated(NetworkReactionInput, request.data)
        _reaction, added = services.react(user=request.user, post=post, kind=data["kind"])
        return Response({"kind": data["kind"], "added": added})


urlpatterns = [
    path("networks/", NetworksView.as_view(), name="neighbourhood-networks"),
    path("networks/<int:pk>/posts/", PostsView.as_view(), name="neighbourhood-network-posts"),
    path("networks/<int:pk>/posts/<int:post_id>/reactions/", ReactionView.as_view(),
         name="neighbourhood-network-reactions"),
]
