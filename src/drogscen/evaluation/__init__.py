"""Evaluation statistics for place-based interventions against open drug scenes.

Pure Python (numpy, scipy, statsmodels); nothing here imports Django. Every public function
takes keyword arguments, validates its input (raising :class:`EvaluationInputError` with a
message naming the argument) and returns a frozen dataclass. Cases where a statistic is
mathematically undefined (zero counts, zero success measure, constant values, ...) come back
as results whose affected fields are ``None`` with a ``reason`` code and an English
``message``, never as infinities or NaNs.

* :func:`weighted_displacement_quotient`, :func:`weighted_displacement_difference` -
  displacement and diffusion of benefits (Bowers & Johnson 2003; Guerette 2009; Wheeler &
  Ratcliffe 2018).
* :func:`relative_effect_size`, :func:`pooled_effect` - odds-ratio effect size of
  Farrington et al. (2007) and DerSimonian-Laird pooling.
* :func:`interrupted_time_series` - segmented GLM regression (Lopez Bernal et al. 2017).
* :func:`getis_ord_gi_star`, :func:`false_discovery_rate` - hot spots (Ord & Getis 1995) and
  Benjamini-Hochberg FDR.
"""

from .displacement import (
    WDQInterpretation,
    WeightedDisplacementDifference,
    WeightedDisplacementQuotient,
    weighted_displacement_difference,
    weighted_displacement_quotient,
)
from .effect_size import (
    PooledEffect,
    PooledEstimate,
    RelativeEffectSize,
    pooled_effect,
    relative_effect_size,
)
from .errors import EvaluationInputError
from .hotspots import FalseDiscoveryRate, GiStar, false_discovery_rate, getis_ord_gi_star
from .time_series import InterruptedTimeSeries, interrupted_time_series

__all__ = [
    "EvaluationInputError",
    "FalseDiscoveryRate",
    "GiStar",
    "InterruptedTimeSeries",
    "PooledEffect",
    "PooledEstimate",
    "RelativeEffectSize",
    "WDQInterpretation",
    "WeightedDisplacementDifference",
    "WeightedDisplacementQuotient",
    "false_discovery_rate",
    "getis_ord_gi_star",
    "interrupted_time_series",
    "pooled_effect",
    "relative_effect_size",
    "weighted_displacement_difference",
    "weighted_displacement_quotient",
]
