from apps.neighbourhood.models.associations import Association, Membership, PostingRules
from apps.neighbourhood.models.conversation import Comment, ModerationReport, Reaction
from apps.neighbourhood.models.events import RSVP, Event, EventFeedKey
from apps.neighbourhood.models.networks import Network, NetworkMember, NetworkPost
from apps.neighbourhood.models.posts import Attachment, Bulletin, BulletinRead
from apps.neighbourhood.models.safety import SafetyAnswer, SafetyCheck
from apps.neighbourhood.models.surveys import Question, Response, Survey

__all__ = [
    "RSVP", "Association", "Attachment", "Bulletin", "BulletinRead", "Comment", "Event", "EventFeedKey", "Membership",
    "ModerationReport", "Network", "NetworkMember", "NetworkPost", "PostingRules", "Question", "Reaction",
    "Response", "SafetyAnswer", "SafetyCheck", "Survey",
]
