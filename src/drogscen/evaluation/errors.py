"""Errors raised by :mod:`drogscen.evaluation`."""

from __future__ import annotations

__all__ = ["EvaluationInputError"]


class EvaluationInputError(ValueError):
    """Input that an evaluation statistic cannot be computed from.

    Raised for malformed input (negative or non-finite counts, mismatched lengths, an
    intervention index outside the series, too few periods, singular designs, ...). The
    message is plain English and names the offending argument; ``argument`` carries the
    argument name for programmatic use (``None`` when the problem is not tied to one).
    """

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument
