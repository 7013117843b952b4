"""A standardised, class-balanced logistic regression, fitted with scikit-learn (or, where
the signs of its weights are known beforehand, with scipy under those bounds) and kept as plain
numbers (``answer.selector.Linear``) so that using it needs numpy only."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from answer.selector import Linear


def fit_logistic(
    rows: npt.NDArray[np.float64],
    labels: npt.NDArray[np.bool_],
    c: float,
    weights: npt.NDArray[np.float64],
    signs: Sequence[int] | None = None,
) -> Linear:
    """``signs``: for each feature, +1 (its weight may not be negative), −1 (not positive) or
    0 (free): what is known of a feature's direction, so that the model cannot learn a quirk of
    the sample against it."""
    mean = np.average(rows, axis=0, weights=weights)
    scale = np.sqrt(np.average((rows - mean) ** 2, axis=0, weights=weights))
    scale[scale == 0] = 1.0
    standard = (rows - mean) / scale
    if signs is None:
        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        model.fit(standard, labels, sample_weight=weights)
        coef, intercept = model.coef_[0].astype(np.float64), float(model.intercept_[0])
    else:
        coef, intercept = _bounded(standard, labels, c, weights, signs)
    return Linear(features=(), mean=mean, scale=scale, coef=coef, intercept=intercept)


def _bounded(
    rows: npt.NDArray[np.float64],
    labels: npt.NDArray[np.bool_],
    c: float,
    weights: npt.NDArray[np.float64],
    signs: Sequence[int],
) -> tuple[npt.NDArray[np.float64], float]:
    """scikit-learn's objective (L2 penalty, balanced classes) minimised with L-BFGS-B, each
    weight bounded by its sign."""
    balanced = weights * np.where(labels, len(labels) / (2 * labels.sum()), 1.0)
    balanced = np.where(labels, balanced, weights * len(labels) / (2 * (~labels).sum()))
    target = np.where(labels, 1.0, -1.0)

    def loss(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        w, b = theta[:-1], theta[-1]
        margin = target * (rows @ w + b)
        value = float(0.5 * w @ w + c * balanced @ np.logaddexp(0.0, -margin))
        slope = -c * balanced * target / (1.0 + np.exp(margin))
        return value, np.append(w + rows.T @ slope, slope.sum())

    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs]
    found = minimize(
        loss,
        np.zeros(rows.shape[1] + 1),
        jac=True,
        method="L-BFGS-B",
        bounds=[*bounds, (None, None)],
    )
    return found.x[:-1].astype(np.float64), float(found.x[-1])
