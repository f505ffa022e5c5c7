"""The `<id:…>` path converter: a row's id as the database can hold it.

Django's `<int:…>` takes any number of digits, and a number past the database's largest
integer made a lookup fail with a server error instead of "not found". An id of 1 to 18 digits
fits every backend's 64-bit key; a longer one matches no URL, so it is a 404 like any other
page that does not exist.
"""

from django.urls import register_converter


class RowId:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowId, "id")
