"""The vocabulary of electronic neighbourhood associations (電子町内会)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair (会長)")
    OFFICER = "officer", _("Officer (役員)")
    MEMBER = "member", _("Member")


OFFICER_ROLES = frozenset({MemberRole.CHAIR, MemberRole.OFFICER})


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")


class PostKind(models.TextChoices):
    BULLETIN = "bulletin", _("Bulletin")
    CIRCULAR = "circular", _("Circular (回覧板)")


class Visibility(models.TextChoices):
    MEMBERS = "members", _("Members only")
    PUBLIC = "public", _("Public")


class PostStatus(models.TextChoices):
    PENDING_APPROVAL = "pending", _("Waiting for approval")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by a moderator")
    DELETED = "deleted", _("Deleted")


class PostCategory(models.TextChoices):
    NOTICE = "notice", _("Notice")
    EVENT = "event", _("Event")
    SAFETY = "safety", _("Safety and crime prevention")
    DISASTER = "disaster", _("Disaster prevention")
    ENVIRONMENT = "environment", _("Waste and environment")
    CHILDREN = "children", _("Children and families")
    ELDERLY = "elderly", _("Elderly and welfare")
    GROUPS = "groups", _("Community groups")
    OTHER = "other", _("Other")


class RSVPAnswer(models.TextChoices):
    YES = "yes", _("Attending")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("Not attending")


class ReactionKind(models.TextChoices):
    LIKE = "like", _("Like")
    THANKS = "thanks", _("Thanks")
    CONFIRMED = "confirmed", _("Confirmed")


class NetworkRole(models.TextChoices):
    OWNER = "owner", _("Owner (may post in the information channel)")
    PARTICIPANT = "participant", _("Participant")


class NetworkChannel(models.TextChoices):
    INFORMATION = "information", _("Information (owners post, others react)")
    DISCUSSION = "discussion", _("Discussion")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Free text")


class SafetyStatus(models.TextChoices):
    SAFE = "safe", _("Safe")
    NEED_HELP = "need_help", _("Need help")
    AWAY = "away", _("Away from home")
