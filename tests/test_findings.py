"""What a profile means, in words: the Step 2 CK finding against the matched-IMG average."""

import pytest

from applicants.findings import MATCHED_IMG_STEP2, _step2_finding


@pytest.mark.parametrize(
    ("score", "words", "tone"),
    [
        (
            MATCHED_IMG_STEP2,
            f"Step 2 CK {MATCHED_IMG_STEP2}: at the {MATCHED_IMG_STEP2} average",
            "plus",
        ),
        (MATCHED_IMG_STEP2 + 1, f"Step 2 CK {MATCHED_IMG_STEP2 + 1}: 1 point above the", "plus"),
        (MATCHED_IMG_STEP2 + 7, "7 points above the", "plus"),
        (MATCHED_IMG_STEP2 - 13, "13 points below the", "minus"),
    ],
)
def test_step2_against_the_average_reads_as_people_say_it(score, words, tone):
    finding = _step2_finding({"step2_score": score}, excluded=0)
    assert words in finding.text
    assert "0 points" not in finding.text
    assert finding.tone == tone
