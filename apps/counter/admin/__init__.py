from apps.counter.admin import applications, catalogue  # noqa: F401

# isort: split
from apps.counter.admin import floor, inquiries, reports  # noqa: F401
