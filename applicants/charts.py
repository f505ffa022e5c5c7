"""Charts drawn on the server as SVG: their geometry, worked out here, drawn by templates."""

from typing import Any

from applicants.outlook import CURVE_SIZES

X_TICKS = (30, 50, 80, 100, 120, 150, 200)
Y_TICKS = (0, 25, 50, 75, 100)


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
    marks = {}
    if point is not None and point in by_size:
        px = x(point)
        marks["point"] = {
            "x": px,
            "y": y(by_size[point]),
            "size": point,
            "label_x": px + 6 if px < middle else px - 6,
            "anchor": "start" if px < middle else "end",
        }
    cx, cy = x(size), y(chance)
    low = cy > (top + height - bottom) / 2  # label above a low dot, below a high one
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": height - bottom,
        "points": " ".join(f"{x(n)},{y(p)}" for n, p in curve),
        "dots": [{"x": x(n), "y": y(p), "size": n, "pct": round(p * 100)} for n, p in curve],
        "x_ticks": [{"x": x(n), "label": n} for n in X_TICKS],
        "y_ticks": [{"y": y(p / 100), "label": f"{p}%"} for p in Y_TICKS],
        "current": {
            "x": cx,
            "y": cy,
            "size": size,
            "pct": round(chance * 100),
            "label_x": cx + 8 if cx < middle else cx - 8,
            "label_y": cy - 12 if low else cy + 22,
            "anchor": "start" if cx < middle else "end",
        },
        **marks,
    }
