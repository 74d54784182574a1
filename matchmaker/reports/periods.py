"""A report's period: [start, end) in days, its months, and the same span a year earlier."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# A month-by-month view of a longer period shows its latest months only.
MAX_MONTHS = 24


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))

    @classmethod
    def days(cls, first: dt.date, last: dt.date) -> Period:
        """From `first` to `last`, both included."""
        return cls(first, last + dt.timedelta(days=1))

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def since(self) -> dt.datetime:
        """The first moment of the period (UTC), for comparing timestamps."""
        return dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period (UTC)."""
        return dt.datetime.combine(self.end, dt.time(), tzinfo=dt.UTC)

    @property
    def is_calendar_year(self) -> bool:
        return self == Period.year(self.start.year)

    def months(self) -> list[Period]:
        """The calendar months overlapping the period, clipped to it; the latest MAX_MONTHS."""
        months, first = [], self.start.replace(day=1)
        while first < self.end:
            following = (first + dt.timedelta(days=32)).replace(day=1)
            months.append(Period(max(first, self.start), min(following, self.end)))
            first = following
        return months[-MAX_MONTHS:]

    def a_year_earlier(self) -> Period:
        """The same days one year before (29 February becomes the 28th)."""
        return Period(_year_back(self.start), _year_back(self.end))


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
