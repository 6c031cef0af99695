"""Tasks of the project shell itself."""

from celery import shared_task


@shared_task(name="civicportal.ping", ignore_result=False)
def ping() -> str:
    """Answered by any live worker; /healthz uses it to know a worker is there."""
    return "pong"
