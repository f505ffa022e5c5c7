"""What every form of the site shares: labels without a colon, and whole numbers in a range
asked for in one sentence."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

BOUND_VALIDATORS = (MinValueValidator, MaxValueValidator)


def _figure(value: int) -> str:
    """20,000 with its thousands marked; a year (2027) or a score without."""
    return f"{value:,}" if abs(value) >= 10_000 else str(value)


def bound_whole_number(field: forms.Field, low: int, high: int, *, unit: str = "") -> None:
    """Keep an integer field to `low`–`high`: anything else, or text, gets one message that says
    what to enter ("Enter a whole number of days from 1 to 30."), and the browser's input the
    same bounds."""
    amount = f"a whole number of {unit}" if unit else "a whole number"
    message = f"Enter {amount} from {_figure(low)} to {_figure(high)}."
    field.validators = [
        *(v for v in field.validators if not isinstance(v, BOUND_VALIDATORS)),
        MinValueValidator(low, message=message),
        MaxValueValidator(high, message=message),
    ]
    field.error_messages["invalid"] = message
    field.widget.attrs.update({"min": low, "max": high, "inputmode": "numeric"})


class PlainLabelForm(forms.Form):
    """A form whose labels have no colon after them, as on every page of the site."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
