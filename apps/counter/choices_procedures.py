"""The vocabulary of the procedures half of the counter (catalogue, life events, applications)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Whole number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("One of a list")
    YES_NO = "yes_no", _("Yes or no")
    POSTAL_CODE = "postal_code", _("Postal code")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("Email address")


class ProfileSource(models.TextChoices):
    """Where a form field may be filled from, so residents never type it twice (once only)."""

    NONE = "", _("Nothing")
    FULL_NAME = "full_name", _("Full name")
    DISPLAY_NAME = "display_name", _("Display name")
    EMAIL = "email", _("Email address")
    DISTRICT = "district", _("District")


class LifeEventCondition(models.TextChoices):
    """Questions the navigator asks; a procedure in an event may apply only when one is answered yes."""

    ALWAYS = "", _("Always")
    HAS_CHILDREN = "has_children", _("Children under 18 live with you")
    SCHOOL_CHILDREN = "school_children", _("A child goes to an elementary or junior high school")
    NATIONAL_HEALTH_INSURANCE = "nhi", _("You will join the city's national health insurance")
    BULKY_WASTE = "bulky_waste", _("You have large items (furniture, appliances) to throw away")


class PlanItemStatus(models.TextChoices):
    TODO = "todo", _("To do")
    APPLIED = "applied", _("Applied online")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Not needed")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")


class ApplicationStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    IN_PROGRESS = "in_progress", _("In progress")
    RETURNED = "returned", _("Returned to you for correction")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Not reached yet")
    QUEUED = "queued", _("In the department's queue")
    CLAIMED = "claimed", _("Being handled")
    RETURNED = "returned", _("Returned to the applicant")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Withdrawn")


# Steps a department's work queue shows.
OPEN_STEP_STATUSES = (StepStatus.QUEUED, StepStatus.CLAIMED)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Application received")
    PAYMENT_REQUESTED = "payment_requested", _("Fee to pay")
    PAID = "paid", _("Fee paid")
    QUEUED = "queued", _("Passed to a department")
    CLAIMED = "claimed", _("Being handled by a department")
    STEP_DONE = "step_done", _("Step completed")
    RETURNED = "returned", _("Returned for correction")
    RESUBMITTED = "resubmitted", _("Corrected and sent again")
    ATTACHED = "attached", _("Document attached")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


# What a resident may set on a list item themselves ("applied" follows from an application).
RESIDENT_ITEM_STATUSES = [(s.value, s.label) for s in (PlanItemStatus.TODO, PlanItemStatus.DONE,
                                                        PlanItemStatus.SKIPPED)]
