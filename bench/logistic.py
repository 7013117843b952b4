"""A standardised, class-balanced logistic regression, fitted with scikit-learn and kept as
plain numbers (``answer.selector.Linear``) so that using it needs numpy only."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

from answer.selector import Linear


def fit_logistic(
    rows: npt.NDArray[np.float64],
    labels: npt.NDArray[np.bool_],
    c: float,
    weights: npt.NDArray[np.float64],
) -> Linear:
    mean = np.average(rows, axis=0, weights=weights)
    scale = np.sqrt(np.average((rows - mean) ** 2, axis=0, weights=weights))
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    model.fit((rows - mean) / scale, labels, sample_weight=weights)
    return Linear(
        features=(),
        mean=mean,
        scale=scale,
        coef=model.coef_[0].astype(np.float64),
        intercept=float(model.intercept_[0]),
    )
