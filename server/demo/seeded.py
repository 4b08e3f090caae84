"""A seeded random source, so the demo is the same on every machine for a given day."""

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta


class Seeded(random.Random):
    """random.Random with the demo's helpers: time-ordered ids, moments and weighted picks."""

    def __init__(self, seed: int, today: date):
        super().__init__(seed)
        self.today = today

    def uuid7(self, when: datetime) -> uuid.UUID:
        """A UUID v7 for a record made at `when`, its random part drawn from the seed."""
        value = (int(when.timestamp() * 1000) & 0xFFFFFFFFFFFF) << 80
        value |= 0x7 << 76
        value |= self.getrandbits(12) << 64
        value |= 0b10 << 62
        value |= self.getrandbits(62)
        return uuid.UUID(int=value)

    def moment(self, start: date, end: date) -> datetime:
        """A working-hours moment between two days (inclusive), in UTC."""
        span = max((end - start).days, 0)
        day = start + timedelta(days=self.randint(0, span))
        hour = self.randint(0, 10)  # 7:00-17:00 in Vietnam (UTC+7)
        return datetime.combine(day, time(hour, self.randint(0, 59), self.randint(0, 59)), tzinfo=UTC)

    def days_ago(self, days: int) -> date:
        """The day `days` before today."""
        return self.today - timedelta(days=days)

    def pick(self, weighted) -> str:
        """One value from ((value, weight), ...)."""
        values, weights = zip(*weighted, strict=True)
        return self.choices(values, weights)[0]

    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return self.random() < probability
