"""Confidence intervals for survey results (pure, no Django)."""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson_interval(share: float, n: int, *, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``share`` (0–1) observed among ``n``
    respondents (Wilson 1927; Newcombe 1998, method 3: 81/263 → 0.2553–0.3662). Stays
    inside 0–1 and is sensible for small samples and shares near 0 or 1, unlike the
    normal approximation."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = min(max(share, 0.0), 1.0)
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def share_difference_is_clear(p1: float, n1: int, p2: float, n2: int, *, z: float = Z95) -> bool:
    """Whether two shares from independent samples differ beyond the margin of error
    (two-proportion z-test with the pooled standard error, two-sided, 5 %)."""
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(max(pooled * (1 - pooled), 0.0) * (1 / n1 + 1 / n2))
    if se == 0:
        return p1 != p2
    return abs(p1 - p2) / se > z
