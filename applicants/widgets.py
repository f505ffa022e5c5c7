"""Form widgets of applicants/ that are rendered often enough for their speed to matter."""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """` name="value"` for each attribute, as Django's attrs.html writes them."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, mark_safe("") if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )


class Checkboxes(forms.CheckboxSelectMultiple):
    """Django's checkbox list, the same markup, written in Python rather than by templates.

    A state list has 51 options, and through the template engine each costs three includes:
    the two state lists were two thirds of the time the profile page took to render.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group, options, _index in widget["optgroups"]:
            items = format_html_join(
                "", "<div>\n    {}\n</div>", ((self._option(option),) for option in options)
            )
            if group:
                items = format_html("\n  <div><label>{}</label>{}\n  </div>", group, items)
            groups.append(items)
        outer = widget["attrs"]
        return format_html(
            "<div{}{}>{}\n</div>",
            format_html(' id="{}"', outer["id"]) if outer.get("id") else "",
            format_html(' class="{}"', outer["class"]) if outer.get("class") else "",
            mark_safe("".join(groups)),
        )

    @staticmethod
    def _option(option: dict[str, Any]) -> SafeString:
        field = format_html(
            '<input type="{}" name="{}"{}{}>\n',
            option["type"],
            option["name"],
            format_html(' value="{}"', option["value"]) if option["value"] is not None else "",
            _attributes(option["attrs"]),
        )
        if not option["wrap_label"]:
            return format_html("{}\n", field)
        target = option["attrs"].get("id")
        return format_html(
            "<label{}>{} {}</label>\n",
            format_html(' for="{}"', target) if target else "",
            field,
            option["label"],
        )
