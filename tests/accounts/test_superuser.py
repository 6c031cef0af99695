from django.core.management import call_command

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.selectors import roles_of
from apps.accounts.services import grant_role


def test_createsuperuser_is_a_system_admin_that_keeps_its_rights(db):
    call_command("createsuperuser", email="root@city.example.jp", interactive=False, verbosity=0)
    user = User.objects.get(email="root@city.example.jp")
    assert Role.SYSTEM_ADMIN in roles_of(user)
    # A later role change recomputes staff flags from grants: the superuser must survive it.
    grant_role(user=user, role=Role.RESIDENT)
    user.refresh_from_db()
    assert user.is_superuser and user.is_staff
