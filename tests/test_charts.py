"""The server-drawn match-chance chart: where its labels go."""

import pytest

from applicants.charts import POINT_LABEL_GAP, POINT_LABEL_WIDTH, curve_chart
from applicants.outlook import CURVE_SIZES

CURVE = [(n, min(0.9, n / 200)) for n in CURVE_SIZES]


def _label_span(point: dict) -> tuple[float, float]:
    if point["anchor"] == "start":
        return point["label_x"], point["label_x"] + POINT_LABEL_WIDTH
    return point["label_x"] - POINT_LABEL_WIDTH, point["label_x"]


@pytest.mark.parametrize("point", CURVE_SIZES)
@pytest.mark.parametrize("size", (30, 60, 80, 100, 120, 160, 200))
def test_the_diminishing_returns_label_stays_in_the_plot_and_off_the_lists_line(point, size):
    chart = curve_chart(CURVE, size=size, chance=0.5, point=point)
    start, end = _label_span(chart["point"])
    assert chart["left"] <= start and end <= chart["right"], (start, end)
    crossed = start <= chart["current"]["x"] <= end
    # The list's dashed line is crossed only where the label fits on one side of its own line.
    px, width = chart["point"]["x"], POINT_LABEL_GAP + POINT_LABEL_WIDTH
    one_side = px + width > chart["right"] or px - width < chart["left"]
    assert not crossed or one_side, (point, size)
    beside = chart["point"]["x"] + (
        POINT_LABEL_GAP if chart["point"]["anchor"] == "start" else -POINT_LABEL_GAP
    )
    assert chart["point"]["label_x"] == beside


def test_the_label_goes_to_the_right_of_its_line_where_it_can():
    chart = curve_chart(CURVE, size=200, chance=0.5, point=90)
    assert chart["point"]["anchor"] == "start"
    chart = curve_chart(CURVE, size=100, chance=0.5, point=90)  # the list's line just right
    assert chart["point"]["anchor"] == "end"
