from django.core.exceptions import ValidationError


def full_clean_with(instance, rules: dict[str, str], **full_clean_options) -> None:
    """Django's own validation of a record's fields (choices, lengths, unique ids) and a service's own
    rules (`rules`: field name -> message), reported together in one ValidationError by field."""
    errors: dict[str, list] = {}
    try:
        instance.full_clean(**full_clean_options)
    except ValidationError as error:
        errors = error.message_dict
    for name, message in rules.items():
        errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)
