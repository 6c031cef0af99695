"""The notifications REST API under /api/v1/notifications/ (routes in `api_urls.py`).

Residents read their inbox and set their preferences (`inbox.py`); city staff and other
city systems (token auth as a city staff account) compose, preview, approve and follow
messages (`senders.py`). Views stay thin: serializers check the shape of every field and
the services apply the rules, so nothing is stored or queued before both agree.
"""
