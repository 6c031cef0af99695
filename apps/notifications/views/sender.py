"""Placeholder until this module is written; every view here answers 501."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("Not implemented yet", status=501)


compose = sent_list = sent_detail = approve = cancel = _todo
