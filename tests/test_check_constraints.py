"""A check constraint that lists a field's allowed values allows exactly the field's choices, in their order
(issue 17): a value added to a TextChoices class without its constraint would be refused by the database
only, and one removed would still be accepted there."""

from django.apps import apps
from django.db.models import CheckConstraint, Q


def allowed_values(condition, negated=False):
    """The ``field__in`` lookups of a condition that say which values are allowed (not the negated ones,
    which single out a few values for another rule)."""
    negated ^= condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            yield from allowed_values(child, negated)
        elif not negated and child[0].endswith("__in"):
            yield child[0].removesuffix("__in"), child[1]


def test_check_constraints_allow_exactly_the_choices_of_their_field():
    checked, differing = [], []
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            for field_name, values in allowed_values(constraint.condition):
                field = model._meta.get_field(field_name)
                if not field.choices:
                    continue
                checked.append(constraint.name)
                choices = [value for value, _label in field.choices]
                if list(values) != choices:
                    differing.append(f"{model.__name__}.{field_name} ({constraint.name}): {values} != {choices}")
    assert not differing
    # Not vacuous: the state, status and kind constraints of every app are among those compared.
    assert {"sign_on_moderation_valid", "presskit_document_kind_valid", "target_kind_valid"} <= set(checked)
    assert len(checked) >= 16
