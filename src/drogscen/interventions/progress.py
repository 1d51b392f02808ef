"""Progress towards a measurable target: planned against done (pure, no Django).

A target says e.g. "weekend operation on at least 40 of 52 weekends": planned 40. The
actors report what was done per month or quarter; done is the sum of those reports and
the share done is done ÷ planned. A planned quantity of 0 has no share (None), never a
division by zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Progress:
    planned: int
    done: int
    # done ÷ planned as an exact fraction; None when nothing was planned.
    share: Fraction | None

    @property
    def percent(self) -> float | None:
        """The share done in per cent (77.5 for 31 of 40), None when nothing was planned."""
        return None if self.share is None else float(self.share * 100)

    @property
    def remaining(self) -> int:
        """What is still to do; 0 once the target is reached or passed."""
        return max(self.planned - self.done, 0)

    @property
    def reached(self) -> bool:
        return self.planned > 0 and self.done >= self.planned


def progress_of(planned: int, actuals: Iterable[int]) -> Progress:
    """Done (the sum of the reported actual quantities) against planned."""
    if planned < 0:
        raise ValueError("planned must not be negative")
    done = 0
    for actual in actuals:
        if actual < 0:
            raise ValueError("actual quantities must not be negative")
        done += actual
    share = Fraction(done, planned) if planned else None
    return Progress(planned=planned, done=done, share=share)
