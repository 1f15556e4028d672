"""Colour arithmetic for the accessibility tests: WCAG 2.1 contrast ratios, CIE L*a*b*
differences, and how colours look with protanopia and deuteranopia.

The simulation uses the matrices of Machado, Oliveira and Fernandes, "A Physiologically-based
Model for Simulation of Color Vision Deficiency" (IEEE TVCG 15(6), 2009), severity 1.0, applied
to linear RGB. The contrast ratio and relative luminance are WCAG 2.1's definitions.
"""

from __future__ import annotations

import numpy as np

MACHADO = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
}


NAMED = {"white": "#ffffff", "black": "#000000"}


def rgb(colour: str) -> np.ndarray:
    """'#rrggbb', '#rgb', 'rgb(r, g, b)' or 'white'/'black' as sRGB values from 0 to 1."""
    colour = NAMED.get(colour.strip().lower(), colour.strip())
    if colour.startswith("rgb"):
        parts = colour[colour.index("(") + 1 : colour.index(")")].split(",")
        return np.array([float(part) for part in parts[:3]]) / 255.0
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    return np.array([int(text[i : i + 2], 16) for i in (0, 2, 4)]) / 255.0


def to_linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def luminance(srgb: np.ndarray) -> float:
    r, g, b = to_linear(np.asarray(srgb, dtype=float))
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b)


def contrast(a: np.ndarray | str, b: np.ndarray | str) -> float:
    """WCAG 2.1 contrast ratio of two colours, from 1 to 21."""
    la, lb = (luminance(rgb(c) if isinstance(c, str) else c) for c in (a, b))
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


def blend(top: str, alpha: float, under: str) -> np.ndarray:
    """`top` drawn at opacity `alpha` over `under` (as browsers mix sRGB values)."""
    return alpha * rgb(top) + (1 - alpha) * rgb(under)


def simulate(srgb: np.ndarray, deficiency: str) -> np.ndarray:
    """How sRGB colours (any shape ending in 3) look with the colour vision deficiency."""
    linear = to_linear(np.asarray(srgb, dtype=float))
    return to_srgb(linear @ MACHADO[deficiency].T)


def lab(srgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of sRGB colours."""
    linear = to_linear(np.asarray(srgb, dtype=float))
    xyz = (
        linear
        @ np.array(
            [
                [0.4124564, 0.3575761, 0.1804375],
                [0.2126729, 0.7151522, 0.0721750],
                [0.0193339, 0.1191920, 0.9503041],
            ]
        ).T
    )
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """CIE76 colour difference: about 2.3 is just noticeable, 20 and more clearly apart."""
    return float(np.linalg.norm(lab(a) - lab(b)))
