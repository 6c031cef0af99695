def subscribe_new_user(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """New people hear about disasters, safety and the city until they choose otherwise."""
    if created and not raw:
        from apps.notifications.services import subscribe_defaults

        subscribe_defaults(user=instance)
