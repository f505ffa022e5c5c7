"""Charts drawn on the server as SVG: their geometry, worked out here, drawn by templates."""

import math
from typing import Any

from applicants.outlook import CURVE_SIZES
from applicants.scoring import estimate_percent

X_TICKS = (30, 50, 80, 100, 120, 150, 200)
# "diminishing returns from 200" in the label's bold 12 px, in chart units, and its gap.
POINT_LABEL_WIDTH, POINT_LABEL_GAP = 185, 6
Y_TICKS = (0, 25, 50, 75, 100)


def _frame(width: int, height: int, left: int, right: int, top: int, bottom: int) -> dict:
    """The drawing area: the viewBox size and the plot's edges within it."""
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": height - bottom,
    }


def curve_chart(
    curve: list[tuple[int, float]], *, size: int, chance: float, point: int | None
) -> dict[str, Any]:
    """Geometry of the match-chance curve for the server-drawn SVG."""
    width, height, left, right, top, bottom = 640, 260, 52, 20, 16, 40
    lowest, highest = min(CURVE_SIZES), max(CURVE_SIZES)

    def x(n: int) -> float:
        n = min(max(n, lowest), highest)
        return round(left + (n - lowest) / (highest - lowest) * (width - left - right), 1)

    def y(p: float) -> float:
        return round(top + (1 - p) * (height - top - bottom), 1)

    by_size = dict(curve)
    middle = (left + width - right) / 2
    cx, cy = x(size), y(chance)
    marks = {}
    if point is not None and point in by_size:
        px = x(point)
        # Beside its line on the side that has room and is clear of the list's own line.
        room = {
            "start": (px + POINT_LABEL_GAP, px + POINT_LABEL_GAP + POINT_LABEL_WIDTH),
            "end": (px - POINT_LABEL_GAP - POINT_LABEL_WIDTH, px - POINT_LABEL_GAP),
        }
        inside = [s for s, (start, end) in room.items() if left <= start and end <= width - right]
        clear = [s for s in inside if not room[s][0] <= cx <= room[s][1]]
        anchor = (clear or inside or ["start" if px < middle else "end"])[0]
        marks["point"] = {
            "x": px,
            "y": y(by_size[point]),
            "size": point,
            "label_x": room[anchor][0] if anchor == "start" else room[anchor][1],
            "anchor": anchor,
        }
    low = cy > (top + height - bottom) / 2  # label above a low dot, below a high one
    return {
        **_frame(width, height, left, right, top, bottom),
        "points": " ".join(f"{x(n)},{y(p)}" for n, p in curve),
        "dots": [{"x": x(n), "y": y(p), "size": n, "pct": estimate_percent(p)} for n, p in curve],
        "x_ticks": [{"x": x(n), "label": n} for n in X_TICKS],
        "y_ticks": [{"y": y(p / 100), "label": f"{p}%"} for p in Y_TICKS],
        "current": {
            "x": cx,
            "y": cy,
            "size": size,
            "pct": estimate_percent(chance),
            "label_x": cx + 8 if cx < middle else cx - 8,
            "label_y": cy - 12 if low else cy + 22,
            "anchor": "start" if cx < middle else "end",
        },
        **marks,
    }


def reliability_chart(prior: list[dict], fitted: list[dict]) -> dict[str, Any]:
    """Geometry of a reliability diagram for the server-drawn SVG: per bin of predicted
    interview chance, the share of those applications that were invited, for the judgement
    weights (`prior`) and a fit (`fitted`), with the diagonal a perfect calibration follows.

    The points are `fitting.reliability`'s (lower, upper, count, predicted, observed); a dot's
    area follows its count. Both axes run from 0 to the largest value shown, rounded up to the
    next 10 %.
    """
    width, height, left, right, top, bottom = 640, 300, 52, 20, 16, 44
    values = [point[key] for point in (*prior, *fitted) for key in ("predicted", "observed")]
    scale = min(1.0, math.ceil(max([0.1, *values]) * 10 + 1e-9) / 10)

    def x(p: float) -> float:
        return round(left + p / scale * (width - left - right), 1)

    def y(p: float) -> float:
        return round(top + (1 - p / scale) * (height - top - bottom), 1)

    largest = max([1, *(point["count"] for point in (*prior, *fitted))])

    def series(points: list[dict]) -> dict[str, Any]:
        dots = [
            {
                "x": x(point["predicted"]),
                "y": y(point["observed"]),
                # Area follows the number of applications: a bin of few is a small dot.
                "r": round(2.5 + 5.5 * math.sqrt(point["count"] / largest), 1),
                "predicted": round(point["predicted"] * 100, 1),
                "observed": round(point["observed"] * 100, 1),
                "count": point["count"],
            }
            for point in points
        ]
        return {"points": " ".join(f"{dot['x']},{dot['y']}" for dot in dots), "dots": dots}

    ticks = [step / 100 for step in range(0, round(scale * 100) + 1, 10 if scale <= 0.5 else 20)]
    return {
        **_frame(width, height, left, right, top, bottom),
        "diagonal": {"x2": x(scale), "y2": y(scale)},
        "x_ticks": [{"x": x(p), "label": f"{round(p * 100)}%"} for p in ticks],
        "y_ticks": [{"y": y(p), "label": f"{round(p * 100)}%"} for p in ticks],
        "prior": series(prior),
        "fitted": series(fitted),
    }
