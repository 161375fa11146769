"""Telephone numbers as people write them in rosters."""

import pytest

from delegates import phones


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("13800000001", ("mobile", "13800000001")),
        ("+86 138 0000 0001", ("mobile", "13800000001")),
        ("86-13800000001", ("mobile", "13800000001")),
        ("0086 13800000001", ("mobile", "13800000001")),
        ("138-0000-0001", ("mobile", "13800000001")),
        ("１３８００００００01", ("mobile", "13800000001")),
        ("0851-83612345", ("landline", "0851-83612345")),
        ("0851 8361 2345", ("landline", "0851-83612345")),
        ("(0851)83612345", ("landline", "0851-83612345")),
        ("（0851）83612345", ("landline", "0851-83612345")),
        ("83612345", ("landline", "83612345")),
        ("83612345转801", ("landline", "83612345-801")),
        ("0851-83612345转801", ("landline", "0851-83612345-801")),
        ("0851-83612345-801", ("landline", "0851-83612345-801")),
        ("010-62345678", ("landline", "010-62345678")),
        ("+86 851 8361 2345", ("landline", "0851-83612345")),
    ],
)
def test_mobiles_and_landlines_in_every_usual_notation_are_recognised(written, expected):
    assert phones.classify(written) == expected


@pytest.mark.parametrize("written", ["1380000", "abc", "12345", "138000000011", "电话号码", ""])
def test_what_is_no_telephone_number_is_not_taken_for_one(written):
    assert phones.classify(written)[0] is None


def test_a_cell_with_two_numbers_is_split():
    assert phones.split_numbers("13800000001 / 0851-83612345") == ["13800000001", "0851-83612345"]
    assert phones.split_numbers("13800000001、13900000002") == ["13800000001", "13900000002"]


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13800000001", "138****0001"),
        ("0851-83612345", "0851-****2345"),
        ("0851-83612345-801", "0851-****2345"),
        ("83612345", "****2345"),
        ("", ""),
    ],
)
def test_masking_keeps_enough_to_recognise_a_number_not_to_call_it(value, masked):
    assert phones.mask(value) == masked
