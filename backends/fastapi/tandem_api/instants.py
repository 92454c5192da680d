"""Instants as packages/contracts InstantSchema reads them: zod's ISO date-time with an offset,
converted to UTC with milliseconds, refused outside the years 0001–9999 (in UTC).

Dates are computed on a proleptic Gregorian day count, not ``datetime`` (which cannot hold year 0,
where an offset can push ``0001-01-01T00:30:00+01:00``).
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

# zod 4's z.iso.datetime({ offset: true }): a real calendar date (leap years included), seconds
# required, any fraction, then Z or ±hh:mm. ASCII digits only, unlike Python's \d.
_DATE = (
    r"(?:(?:[0-9]{2}[2468][048]|[0-9]{2}[13579][26]|[0-9]{2}0[48]|[02468][048]00|[13579][26]00)-02-29"
    r"|[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|(?:02)-(?:0[1-9]|1[0-9]|2[0-8])))"
)
ZOD_DATETIME = re.compile(
    rf"^{_DATE}T(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?(?:Z|([+-](?:[01][0-9]|2[0-3]):[0-5][0-9])))$"
)
# ECMAScript's date-time string format as V8 reads it: day 01–31 in any month (rolled over),
# hour 24 allowed, a space or lower-case separators, offsets with or without a colon.
_ES_DATE = re.compile(
    r"^([+-][0-9]{6}|[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?)?"
    r"([Zz]|[+-][0-9]{2}:?[0-9]{2})?$"
)

INVALID = "Invalid ISO datetime"
OUT_OF_RANGE = "Must fall between the years 0001 and 9999 in UTC"
MS_PER_DAY = 86_400_000


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400  # Python's // floors, so no adjustment for negative years
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: int) -> Tuple[int, int, int]:
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (month <= 2), month, day


def to_iso(ms: int) -> str:
    """JavaScript's Date.prototype.toISOString for years 0000–9999."""
    days, rest = divmod(ms, MS_PER_DAY)
    year, month, day = civil_from_days(days)
    seconds, millis = divmod(rest, 1000)
    return (
        f"{year:04d}-{month:02d}-{day:02d}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:"
        f"{seconds % 60:02d}.{millis:03d}Z"
    )


def year_of(ms: int) -> int:
    return civil_from_days(ms // MS_PER_DAY)[0]


def js_date_parse(value: str) -> Optional[int]:
    """Milliseconds since the epoch as V8's Date.parse gives them for ISO-like text, or None
    (NaN). Local times are read as UTC, the TypeScript API's time zone in its deployments."""
    match = _ES_DATE.match(value)
    if not match:
        return None
    y, mo, d, h, mi, s, frac, offset = match.groups()
    if y in ("-000000",):
        return None
    month = int(mo or 1)
    day = int(d or 1)
    hour, minute, second = int(h or 0), int(mi or 0), int(s or 0)
    if not (1 <= month <= 12 and 1 <= day <= 31 and minute <= 59 and second <= 59):
        return None
    if hour > 24 or (hour == 24 and (minute or second or int(frac or 0))):
        return None
    millis = int((frac or "0")[:3].ljust(3, "0"))
    ms = days_from_civil(int(y), month, 1) * MS_PER_DAY + (day - 1) * MS_PER_DAY
    ms += ((hour * 60 + minute) * 60 + second) * 1000 + millis
    if offset and offset not in ("Z", "z"):
        digits = offset[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:])
        if oh > 23 or om > 59:
            return None
        ms -= (1 if offset[0] == "+" else -1) * (oh * 60 + om) * 60_000
    if abs(ms) > 8.64e15:
        return None
    return ms


def normalise_instant(value: str) -> Tuple[Optional[str], List[str]]:
    """InstantSchema: (the instant in UTC as ``YYYY-MM-DDTHH:mm:ss.sssZ``, []) or (None, messages)."""
    messages: List[str] = []
    if not ZOD_DATETIME.match(value):
        messages.append(INVALID)
    ms = js_date_parse(value)
    if ms is None or not 1 <= year_of(ms) <= 9999:
        messages.append(OUT_OF_RANGE)
    if messages or ms is None:
        return None, messages
    return to_iso(ms), []
