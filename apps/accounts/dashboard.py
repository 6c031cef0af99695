from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import RoleGrant, User
from apps.accounts.roles import Role
from civicportal.dashboard import Panel, register


def _figures(request) -> list[tuple[str, object]]:
    per_role = dict(
        RoleGrant.objects.values("role").annotate(n=Count("user", distinct=True)).values_list("role", "n")
    )
    rows: list[tuple[str, object]] = [(_("Active accounts"), User.objects.filter(is_active=True).count())]
    rows += [(role.label, per_role.get(role.value, 0)) for role in Role]
    return rows


register(Panel(key="accounts", title=_("Accounts"), figures=_figures, order=10))
