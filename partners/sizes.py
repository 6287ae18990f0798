"""File sizes said one way: a "Mo" is a million bytes (the SI unit people read on their
files), the number checked is the number shown, and a size is written the French way,
"20,1 Mo" (Django's filesizeformat counts 1,048,576 bytes to its "Mo")."""

import math

from django.utils.formats import number_format
from django.utils.translation import gettext as _

KB = 1000
MB = 1000 * KB


def megabytes(count: int) -> int:
    return count * MB


def size_label(size: int) -> str:
    """Rounded up, so that a file over a limit never reads as the limit itself."""
    if size >= MB:
        tenths = math.ceil(size / (MB / 10))
        number = number_format(tenths / 10, decimal_pos=0 if tenths % 10 == 0 else 1)
        return _("%(number)s\u00a0Mo") % {"number": number}
    if size >= KB:
        return _("%(number)s\u00a0ko") % {"number": number_format(math.ceil(size / KB))}
    return _("%(number)s\u00a0octets") % {"number": number_format(size)}
