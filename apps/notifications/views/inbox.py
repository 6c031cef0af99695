"""Placeholder until this module is written; every view here answers 501."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("Not implemented yet", status=501)


inbox_list = inbox_detail = mark_all_read = settings_page = _todo
