"""Shared input checks. Every failure raises :class:`EvaluationInputError` naming the argument."""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from .errors import EvaluationInputError


def count(name: str, value: object) -> float:
    """A single non-negative, finite count (int or float; bool is rejected)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise EvaluationInputError(
            f"{name} must be a non-negative number, got {value!r}", argument=name
        )
    number = float(value)
    if not math.isfinite(number):
        raise EvaluationInputError(f"{name} must be finite, got {value!r}", argument=name)
    if number < 0:
        raise EvaluationInputError(f"{name} must not be negative, got {value!r}", argument=name)
    return number


def confidence(value: object, name: str = "confidence") -> float:
    """A confidence level strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise EvaluationInputError(
            f"{name} must be a number in (0, 1), got {value!r}", argument=name
        )
    level = float(value)
    if not (math.isfinite(level) and 0.0 < level < 1.0):
        raise EvaluationInputError(
            f"{name} must be strictly between 0 and 1, got {value!r}", argument=name
        )
    return level


def z_critical(level: float) -> float:
    """Two-sided standard-normal critical value for a confidence level."""
    return float(stats.norm.ppf(0.5 + level / 2.0))


def two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard-normal statistic."""
    return float(2.0 * stats.norm.sf(abs(z)))


def integer(name: str, value: object, *, minimum: int | None = None) -> int:
    """An integer (bool rejected), optionally bounded below."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise EvaluationInputError(f"{name} must be an integer, got {value!r}", argument=name)
    result = int(value)
    if minimum is not None and result < minimum:
        raise EvaluationInputError(
            f"{name} must be at least {minimum}, got {result}", argument=name
        )
    return result


def finite_vector(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """A one-dimensional array of finite floats (a fresh copy)."""
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EvaluationInputError(
            f"{name} must be a one-dimensional sequence of numbers", argument=name
        ) from exc
    if array.ndim != 1:
        raise EvaluationInputError(
            f"{name} must be one-dimensional, got an array of shape {array.shape}", argument=name
        )
    bad = ~np.isfinite(array)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise EvaluationInputError(
            f"{name} must contain only finite numbers; element {first} is {array[first]!r}",
            argument=name,
        )
    return array


def non_negative_vector(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """A one-dimensional array of finite, non-negative floats."""
    array = finite_vector(name, values)
    negative = array < 0
    if negative.any():
        first = int(np.flatnonzero(negative)[0])
        raise EvaluationInputError(
            f"{name} must not contain negative values; element {first} is {array[first]!r}",
            argument=name,
        )
    return array


def read_only(array: NDArray) -> NDArray:
    """Freeze an array so results stay immutable like the dataclasses holding them."""
    array.setflags(write=False)
    return array
