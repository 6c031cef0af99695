"""Reads of inquiries, scoped to who asks: the asker sees their own, staff their department's."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.services import audit
from apps.counter.models import FaqEntry, Inquiry, InquiryStatus
from apps.counter.permissions_floor import AnyUser, department_ids, is_city_staff


def my_inquiries(user: AnyUser) -> QuerySet[Inquiry]:
    if not user.is_authenticated:
        return Inquiry.objects.none()
    return Inquiry.objects.filter(asker=user).select_related("department").order_by("-created_at")


def my_inquiry(user: AnyUser, pk: int) -> Inquiry:
    try:
        return my_inquiries(user).get(pk=pk)
    except Inquiry.DoesNotExist:
        raise Http404 from None


def staff_inquiries(user: AnyUser, *, status: str = "") -> QuerySet[Inquiry]:
    if not is_city_staff(user):
        return Inquiry.objects.none()
    ids = department_ids(user)
    inquiries = Inquiry.objects.select_related("department", "drafted_by").order_by("created_at")
    if ids is not None:
        inquiries = inquiries.filter(department_id__in=ids)
    if status in InquiryStatus.values:
        inquiries = inquiries.filter(status=status)
    return inquiries


def staff_inquiry(user: AnyUser, pk: int) -> Inquiry:
    """One inquiry with the asker's details; the read is written to the audit log."""
    try:
        inquiry = staff_inquiries(user).select_related("asker").get(pk=pk)
    except Inquiry.DoesNotExist:
        raise Http404 from None
    audit(user=user, action="counter.inquiry.view", obj=inquiry)
    return inquiry


def faq(query: str = "", department_id: int | None = None) -> QuerySet[FaqEntry]:
    entries = FaqEntry.objects.filter(is_published=True).select_related("department").order_by("-published_at")
    if department_id:
        entries = entries.filter(department_id=department_id)
    for word in query.split()[:5]:
        entries = entries.filter(Q(question__icontains=word) | Q(answer__icontains=word))
    return entries
