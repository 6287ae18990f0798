"""Date and time fields of every form: the browser's own picker (type="date", "time",
"datetime-local"), and, for a browser without one, the way people write them in French.

A browser without a picker shows a plain text box: there people type "20/12/2026", "14h",
"14 h 30" or "20/12/2026 à 14h30", which the server reads as well as the pickers' ISO values.
"""

import re

from django import forms

# "14h", "14 h 30", "14H30", "14:30", "9h05", "14:30:00".
_TIME = r"(?P<hour>\d{1,2})\s*(?:[hH:]\s*(?P<minute>\d{2})?(?::(?P<second>\d{2}))?)"
TIME_RE = re.compile(rf"^\s*{_TIME}\s*$")
# "20/12/2026", "20-12-2026", "20.12.2026", "20/12/26".
_DATE = r"(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>\d{4}|\d{2})"
DATE_RE = re.compile(rf"^\s*{_DATE}\s*$")
DATETIME_RE = re.compile(rf"^\s*{_DATE}(?:\s*(?:,|à|a|T)?\s*{_TIME})?\s*$", re.IGNORECASE)


def _iso_date(match: re.Match) -> str:
    year = match["year"]
    if len(year) == 2:
        year = f"20{year}"
    return f"{year}-{int(match['month']):02d}-{int(match['day']):02d}"


def _iso_time(match: re.Match) -> str:
    return f"{int(match['hour']):02d}:{match['minute'] or '00'}:{match['second'] or '00'}"


def french_date(value: str) -> str:
    match = DATE_RE.match(value)
    return _iso_date(match) if match else value


def french_time(value: str) -> str:
    match = TIME_RE.match(value)
    return _iso_time(match) if match else value


def french_datetime(value: str) -> str:
    match = DATETIME_RE.match(value)
    if not match:
        return value
    time = _iso_time(match) if match["hour"] else "00:00:00"
    return f"{_iso_date(match)}T{time}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateField(forms.DateField):
    widget = DateInput

    def to_python(self, value):
        return super().to_python(french_date(value) if isinstance(value, str) else value)


class TimeField(forms.TimeField):
    widget = TimeInput

    def to_python(self, value):
        return super().to_python(french_time(value) if isinstance(value, str) else value)


class DateTimeField(forms.DateTimeField):
    """A date alone ("20/12/2026") is read as midnight, as Django does for an ISO date."""

    widget = DateTimeInput

    def to_python(self, value):
        return super().to_python(french_datetime(value) if isinstance(value, str) else value)
