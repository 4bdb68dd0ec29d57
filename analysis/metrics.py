"""Numpy metrics shared by training, adaptation and scoring (no torch import).

``softmax(logits, temperature)``, ``macro_f1(y_true, y_pred, n_classes, classes)``,
``expected_calibration_error(probs, y)`` and ``fit_temperature(logits, y)``.
"""
import numpy as np


def softmax(logits, temperature=1.0):
    """Row-wise softmax of ``logits / temperature`` (n, k) -> (n, k)."""
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def macro_f1(y_true, y_pred, n_classes, classes=None):
    """Macro-averaged F1 over ``classes`` (default: those present in ``y_true`` or ``y_pred``)."""
    scores = []
    for c in (range(n_classes) if classes is None else classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else 0.0


def expected_calibration_error(probs, y, n_bins=15):
    """ECE of the top-class probability over equal-width confidence bins."""
    conf, pred = probs.max(1), probs.argmax(1)
    edges = np.linspace(0, 1, n_bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            ece += inside.mean() * abs((pred[inside] == y[inside]).mean() - conf[inside].mean())
    return float(ece)


def fit_temperature(logits, y):
    """Temperature in [0.05, 20] minimising negative log-likelihood (fine log-scale grid).

    A grid rather than gradient steps: it cannot diverge when the data is small or the
    model barely better than chance.
    """
    temperatures = np.exp(np.linspace(np.log(0.05), np.log(20), 400))
    nll = [-np.log(softmax(logits.astype(np.float64), t)[np.arange(len(y)), y] + 1e-12).mean()
           for t in temperatures]
    return float(temperatures[int(np.argmin(nll))])
