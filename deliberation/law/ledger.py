"""Public revenue (公共收益): whose it is, when spending needs the owners, and the quarters
it is published by. Civil Code arts. 278, 282; docs/law.md §11."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

#: [practice] spending above this needs an owners' vote unless the compound's ledger rules
#: say otherwise (docs/law.md §11)
DEFAULT_VOTE_THRESHOLD = Decimal("10000.00")
#: [practice] a quarter is published within this many days of its end (docs/law.md §11)
PUBLISH_WITHIN_DAYS = 30
#: [practice] the owners' body decides an entry within this many days of its entry
DECIDE_WITHIN_DAYS = 15
#: the largest amount one entry may carry (a typo guard, not a law: 10 million yuan)
MAX_AMOUNT = Decimal("9999999.99")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1–4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    @property
    def publish_by(self) -> date:
        """The last day to publish it (docs/law.md §11, [practice])."""
        return self.last_day + timedelta(days=PUBLISH_WITHIN_DAYS)

    def has_ended(self, today: date) -> bool:
        return today > self.last_day

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def needs_owners_vote(amount: Decimal, threshold: Decimal) -> bool:
    """Spending strictly above the threshold goes to the owners (docs/law.md §11)."""
    return amount > threshold
