"""Schedule expressions in AWS's dialect: cron corners (L, W, #), time zones with daylight-saving
changes in Europe and America, leap days, rate units and at()."""

from datetime import UTC, datetime

import pytest

from designer.triggers import expressions as ex


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def nxt(expression: str, after: datetime, tz: str = "UTC", count: int = 1, anchor=None):
    times = ex.upcoming(ex.parse(expression), after=after, tz=ex.zone(tz), count=count, anchor=anchor)
    return times[0] if count == 1 else times


def test_plain_cron_fires_at_the_minute_in_utc():
    assert nxt("cron(0 12 * * ? *)", utc(2026, 1, 1)) == utc(2026, 1, 1, 12)
    assert nxt("cron(15,45 8-9 * * ? *)", utc(2026, 1, 1), count=4) == [
        utc(2026, 1, 1, 8, 15), utc(2026, 1, 1, 8, 45), utc(2026, 1, 1, 9, 15), utc(2026, 1, 1, 9, 45)]


def test_steps_names_and_wrapping_ranges():
    assert nxt("cron(0/20 * * * ? *)", utc(2026, 1, 1, 10, 5), count=3) == [
        utc(2026, 1, 1, 10, 20), utc(2026, 1, 1, 10, 40), utc(2026, 1, 1, 11, 0)]
    assert nxt("cron(5/15 10 * * ? *)", utc(2026, 1, 1), count=4)[-1] == utc(2026, 1, 1, 10, 50)
    # Thursday 1 January 2026: MON-FRI skips the weekend.
    assert nxt("cron(0 9 ? * MON-FRI *)", utc(2026, 1, 2, 10), count=2) == [utc(2026, 1, 5, 9), utc(2026, 1, 6, 9)]
    assert nxt("cron(0 9 ? * FRI-MON *)", utc(2026, 1, 1, 10), count=4) == [
        utc(2026, 1, 2, 9), utc(2026, 1, 3, 9), utc(2026, 1, 4, 9), utc(2026, 1, 5, 9)]
    assert nxt("cron(0 0 1 JAN,jul ? *)", utc(2026, 2, 1)) == utc(2026, 7, 1)


def test_last_day_of_month_handles_leap_years():
    assert nxt("cron(0 0 L * ? *)", utc(2024, 2, 1)) == utc(2024, 2, 29)
    assert nxt("cron(0 0 L * ? *)", utc(2026, 2, 1)) == utc(2026, 2, 28)
    assert nxt("cron(0 0 L-2 * ? *)", utc(2026, 4, 1)) == utc(2026, 4, 28)


def test_leap_day_schedule_waits_for_the_next_leap_year():
    assert nxt("cron(0 6 29 2 ? *)", utc(2025, 1, 1)) == utc(2028, 2, 29, 6)
    assert nxt("cron(0 0 29 FEB ? 2100-2104)", utc(2026, 1, 1)) == utc(2104, 2, 29)  # 2100 is not a leap year


def test_w_picks_the_nearest_weekday_inside_the_month():
    # 1 Nov 2025 is a Saturday: the nearest weekday inside November is Monday the 3rd.
    assert nxt("cron(0 0 1W * ? *)", utc(2025, 10, 31, 12)) == utc(2025, 11, 3)
    assert nxt("cron(0 0 15W * ? *)", utc(2025, 11, 4)) == utc(2025, 11, 14)  # Saturday 15th → Friday
    assert nxt("cron(0 0 1W * ? *)", utc(2026, 1, 31)) == utc(2026, 2, 2)  # Sunday 1st → Monday
    assert nxt("cron(0 0 31W * ? *)", utc(2026, 5, 1)) == utc(2026, 5, 29)  # Sunday 31st → Friday 29th
    assert nxt("cron(0 0 LW * ? *)", utc(2026, 2, 1)) == utc(2026, 2, 27)  # Saturday 28th → Friday


def test_hash_and_l_in_day_of_week():
    assert nxt("cron(0 10 ? * 6#3 *)", utc(2026, 1, 1)) == utc(2026, 1, 16, 10)  # third Friday
    assert nxt("cron(0 10 ? * MON#2 *)", utc(2026, 1, 1)) == utc(2026, 1, 12, 10)
    assert nxt("cron(0 10 ? * 5L *)", utc(2026, 1, 1)) == utc(2026, 1, 29, 10)  # last Thursday
    # No fifth Friday in February, March or April 2026.
    assert nxt("cron(0 10 ? * 6#5 *)", utc(2026, 1, 31)) == utc(2026, 5, 29, 10)
    assert nxt("cron(0 0 ? * L *)", utc(2026, 1, 1)) == utc(2026, 1, 3)  # L alone: Saturday


def test_europe_spring_forward_skips_the_missing_time():
    # Berlin, 29 March 2026: 02:00 jumps to 03:00, so 02:30 does not exist that day.
    times = nxt("cron(30 2 * * ? *)", utc(2026, 3, 27, 12), "Europe/Berlin", count=3)
    assert times == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 30, 0, 30), utc(2026, 3, 31, 0, 30)]


def test_europe_fall_back_fires_a_repeated_time_once():
    # Berlin, 25 October 2026: 03:00 falls back to 02:00; 02:30 happens twice, fires once.
    times = nxt("cron(30 2 * * ? *)", utc(2026, 10, 24, 12), "Europe/Berlin", count=2)
    assert times == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]
    hourly = nxt("cron(0 * * * ? *)", utc(2026, 10, 24, 23, 30), "Europe/Berlin", count=4)
    # Local 02:00 CEST, then 03:00 and 04:00 CET: the second 02:00 (01:00 UTC) is not repeated.
    assert hourly == [utc(2026, 10, 25, 0), utc(2026, 10, 25, 2), utc(2026, 10, 25, 3), utc(2026, 10, 25, 4)]


def test_america_transitions():
    # New York, 8 March 2026: 02:00 → 03:00. 1 November 2026: 02:00 → 01:00.
    spring = nxt("cron(30 2 * * ? *)", utc(2026, 3, 7, 12), "America/New_York", count=2)
    assert spring == [utc(2026, 3, 9, 6, 30), utc(2026, 3, 10, 6, 30)]
    fall = nxt("cron(30 1 * * ? *)", utc(2026, 10, 31, 12), "America/New_York", count=2)
    assert fall == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]
    # The first fire after the repeated 01:30 (while it is being repeated) is the next day's.
    assert nxt("cron(30 1 * * ? *)", utc(2026, 11, 1, 6, 0), "America/New_York") == utc(2026, 11, 2, 6, 30)


def test_rate_counts_from_the_anchor_and_days_are_24_hours():
    anchor = utc(2026, 3, 7, 12)
    assert nxt("rate(5 minutes)", utc(2026, 3, 7, 12, 7), anchor=anchor) == utc(2026, 3, 7, 12, 10)
    assert nxt("rate(1 hour)", utc(2026, 1, 1), anchor=utc(2026, 1, 1, 0, 30)) == utc(2026, 1, 1, 0, 30)
    # A day is 24 hours even across New York's spring-forward night.
    days = nxt("rate(1 day)", utc(2026, 3, 7, 12), "America/New_York", count=2, anchor=anchor)
    assert days == [utc(2026, 3, 8, 12), utc(2026, 3, 9, 12)]
    assert nxt("rate(2 days)", utc(2026, 3, 7, 12), anchor=anchor) == utc(2026, 3, 9, 12)


@pytest.mark.parametrize("text", [
    "rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(2 weeks)", "rate(-1 days)", "rate(five days)",
    "rate(5)",
])
def test_rate_units_are_checked(text):
    with pytest.raises(ex.InvalidExpression):
        ex.parse(text)


def test_rate_accepts_each_unit():
    assert [ex.parse(t).period.total_seconds() for t in (
        "rate(1 minute)", "rate(2 minutes)", "rate(1 hour)", "rate(3 hours)", "rate(1 day)", "rate(7 days)")] == [
        60, 120, 3600, 10800, 86400, 604800]


@pytest.mark.parametrize("text", [
    "cron(0 12 * * *)", "cron(0 12 * * * *)", "cron(0 12 ? * ? *)", "cron(60 12 * * ? *)", "cron(0 24 * * ? *)",
    "cron(0 12 32 * ? *)", "cron(0 12 * 13 ? *)", "cron(0 12 ? * 8 *)", "cron(0 12 ? * 2#6 *)",
    "cron(0 12 * * ? 1969)", "cron(0 12 L * ? 2300)", "cron(0/0 * * * ? *)", "cron(0 12 5X * ? *)",
    "cron(0 L * * ? *)", "every(5 minutes)", "", "cron(0 12 ? * MON#2,FRI *)",
])
def test_bad_cron_expressions_are_refused(text):
    with pytest.raises(ex.InvalidExpression):
        ex.parse(text)


def test_at_is_local_to_the_time_zone_and_fires_once():
    expression = ex.parse("at(2026-07-01T09:00:00)")
    tz = ex.zone("Europe/Paris")
    assert ex.upcoming(expression, after=utc(2026, 1, 1), tz=tz, count=5) == [utc(2026, 7, 1, 7)]
    assert ex.upcoming(expression, after=utc(2026, 7, 1, 7), tz=tz, count=5) == []
    with pytest.raises(ex.InvalidExpression):
        ex.parse("at(2026-07-01 09:00)")
    with pytest.raises(ex.InvalidExpression):
        ex.parse("at(2026-07-01T09:00:00)", allow_at=False)


def test_unknown_time_zone_is_refused():
    with pytest.raises(ex.InvalidExpression):
        ex.zone("Mars/Olympus_Mons")


def test_an_impossible_date_never_fires():
    assert ex.upcoming(ex.parse("cron(0 0 30 2 ? *)"), after=utc(2026, 1, 1), tz=ex.zone("UTC"), count=1) == []


@pytest.mark.parametrize("expression, zone, text", [
    ("rate(1 hour)", "", "Every hour"),
    ("rate(15 minutes)", "", "Every 15 minutes"),
    ("at(2026-07-01T09:00:00)", "Europe/Paris", "Once, on 2026-07-01 at 09:00:00 (Europe/Paris)"),
    ("cron(0 7 ? * MON-FRI *)", "Europe/Berlin", "Every weekday, at 07:00 (Europe/Berlin)"),
    ("cron(30 2 L * ? *)", "", "On the last day of the month, at 02:30 (UTC)"),
    ("cron(0 10 ? * 6#3 *)", "", "On the third Friday of the month, at 10:00 (UTC)"),
    ("cron(0/15 * * * ? *)", "", "Every 15 minutes (UTC)"),
    ("cron(5 * * * ? *)", "Asia/Tokyo", "Every hour, at minute 5 (Asia/Tokyo)"),
    ("cron(0 8,18 * * ? *)", "", "Every day, at 08:00 and 18:00 (UTC)"),
    ("cron(0 9 1 JAN,JUL ? 2027)", "", "On day 1 of the month, at 09:00, in January and July, in 2027 (UTC)"),
])
def test_plain_language_descriptions(expression, zone, text):
    from designer.triggers.describe import describe

    assert describe(expression, zone) == text
