"""``freqtrade.ft_types``: ``AnnotationType``, the hint of ``plot_annotations`` results."""

from datetime import datetime
from typing import Literal, Required, TypedDict


class AreaAnnotationType(TypedDict, total=False):
    type: Required[Literal["area"]]
    start: str | datetime
    end: str | datetime
    y_start: float
    y_end: float
    color: str
    label: str
    z_level: int


class LineAnnotationType(TypedDict, total=False):
    type: Required[Literal["line"]]
    start: str | datetime
    end: str | datetime
    y_start: float
    y_end: float
    color: str
    label: str
    z_level: int
    width: int
    line_style: Literal["solid", "dashed", "dotted"]


class PointAnnotationType(TypedDict, total=False):
    type: Required[Literal["point"]]
    x: str | datetime
    y: float
    color: str
    label: str
    z_level: int
    shape: str
    size: int


AnnotationType = AreaAnnotationType | LineAnnotationType | PointAnnotationType

__all__ = ["AnnotationType", "AreaAnnotationType", "LineAnnotationType", "PointAnnotationType"]
