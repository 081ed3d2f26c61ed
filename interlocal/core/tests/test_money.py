"""Money rules: parsing, one rounding mode, exact cents, basis points, and allocate()."""

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from interlocal.core.money import (
    MoneyError,
    allocate,
    apply_rate,
    format_usd,
    from_cents,
    parse_amount,
    round_cbp,
    round_cents,
    to_cents,
)

# --- parse_amount -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", Decimal("1234.56")),
        ("$1,234.56", Decimal("1234.56")),
        ("  $1,234.56  ", Decimal("1234.56")),
        ("$ 1 234.56", Decimal("1234.56")),
        ("1,000,000", Decimal("1000000")),
        ("(12.00)", Decimal("-12.00")),
        ("($1,200.50)", Decimal("-1200.50")),
        ("$(7.25)", Decimal("-7.25")),
        ("-5", Decimal("-5")),
        ("$-5.10", Decimal("-5.10")),
        ("+5", Decimal("5")),
        ("0", Decimal("0")),
        ("1234.5", Decimal("1234.5")),
        (".99", Decimal("0.99")),
    ],
)
def test_parse_amount_reads_the_ways_people_write_dollars(text: str, expected: Decimal) -> None:
    # given a sales-report cell written the way accounting software exports it
    # when it is parsed
    value = parse_amount(text)
    # then it is exactly that many dollars, as a Decimal
    assert isinstance(value, Decimal)
    assert value == expected


def test_parse_amount_keeps_the_digits_it_was_given() -> None:
    # trailing zeros are information (an amount stated to the cent), not noise
    assert str(parse_amount("$1,200.50")) == "1200.50"
    assert str(parse_amount("(12.00)")) == "-12.00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("19.99"), Decimal("19.99")), (42, Decimal("42")), (-3, Decimal("-3"))],
)
def test_parse_amount_accepts_decimals_and_whole_dollars(
    value: Decimal | int, expected: Decimal
) -> None:
    assert parse_amount(value) == expected
    assert isinstance(parse_amount(value), Decimal)


@pytest.mark.parametrize("value", [0.1, 1234.56, 0.0, float("nan")])
def test_parse_amount_refuses_floats_and_says_what_to_pass(value: float) -> None:
    # given a float (which cannot carry cents exactly)
    # when it is parsed, then the error says why and what to pass instead
    with pytest.raises(MoneyError, match="floats cannot represent cents exactly") as caught:
        parse_amount(value)  # type: ignore[arg-type]
    assert "string or Decimal" in str(caught.value)


def test_money_error_is_a_value_error() -> None:
    # callers that already catch ValueError (forms, pydantic validators) catch bad amounts too
    assert issubclass(MoneyError, ValueError)


@pytest.mark.parametrize("text", ["abc", "12.34.56", "1 2 3 dollars", "USD 5", "(5", "5)", "$"])
def test_parse_amount_refuses_garbage_naming_it_and_showing_an_example(text: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_amount(text)
    message = str(caught.value)
    assert "such as 1234.56" in message  # shows what a valid amount looks like
    if text != "$":
        assert f"'{text}'" in message  # names the value it could not read


@pytest.mark.parametrize("text", ["", "   ", "$", "()", "( )"])
def test_parse_amount_refuses_empty_cells(text: str) -> None:
    with pytest.raises(MoneyError, match=r"empty amount; enter a number such as 1234\.56"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "sNaN"])
def test_parse_amount_refuses_non_finite_text(text: str) -> None:
    with pytest.raises(MoneyError, match="not a"):
        parse_amount(text)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_parse_amount_refuses_non_finite_decimals(value: Decimal) -> None:
    with pytest.raises(MoneyError):
        parse_amount(value)


@pytest.mark.parametrize("text", ["1,5", "12,34", "1.234,56", "1,2345.00", ",100", "1,,000"])
def test_parse_amount_refuses_commas_that_are_not_thousands_separators(text: str) -> None:
    # given a comma where no thousands separator can be ('1,5' is not fifteen dollars)
    with pytest.raises(MoneyError, match="commas that are not thousands separators") as caught:
        parse_amount(text)
    # then the message names the value and shows the expected form
    assert f"'{text}'" in str(caught.value)
    assert "1,234.56" in str(caught.value)


@pytest.mark.parametrize("text", ["(-5)", "(+5)", "($-5.00)"])
def test_parse_amount_refuses_a_double_negative(text: str) -> None:
    with pytest.raises(MoneyError, match=r"negative twice; write \(12\.00\) or -12\.00"):
        parse_amount(text)


@given(cents=st.integers(min_value=-(10**13), max_value=10**13))
def test_parse_amount_reads_back_what_format_usd_writes(cents: int) -> None:
    # given any amount formatted for people ('$1,234.56' / '-$1,234.56')
    # when it is parsed back, then no cent is gained or lost
    assert to_cents(parse_amount(format_usd(cents))) == cents


@given(cents=st.integers(min_value=0, max_value=10**13))
def test_parse_amount_reads_accounting_negatives(cents: int) -> None:
    written = "(" + format_usd(cents) + ")"
    assert to_cents(parse_amount(written)) == -cents


# --- round_cents --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("0.015", "0.02"),  # half-up, not banker's rounding (which would give 0.02 too)
        ("0.025", "0.03"),  # banker's rounding would give 0.02
        ("2.675", "2.68"),  # the float 2.675 rounds to 2.67; Decimal must not
        ("-0.005", "-0.01"),  # halves go away from zero on both sides
        ("-2.675", "-2.68"),
        ("1.2349999", "1.23"),
        ("7", "7.00"),
    ],
)
def test_round_cents_rounds_half_up(amount: str, expected: str) -> None:
    rounded = round_cents(Decimal(amount))
    assert rounded == Decimal(expected)
    assert str(rounded) == expected  # always exactly two places


def test_round_cents_ignores_the_ambient_decimal_rounding_mode() -> None:
    # given code elsewhere that set banker's rounding in the thread's context
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_EVEN
        # then money still rounds the one documented way
        assert round_cents(Decimal("0.025")) == Decimal("0.03")


@given(
    amount=st.decimals(
        min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, places=6
    )
)
def test_round_cents_is_within_half_a_cent_and_idempotent(amount: Decimal) -> None:
    rounded = round_cents(amount)
    assert abs(rounded - amount) <= Decimal("0.005")
    assert round_cents(rounded) == rounded
    assert rounded == rounded.quantize(Decimal("0.01"))


# --- to_cents / from_cents ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("1.50", 150), ("1.5", 150), ("1.500", 150), ("0", 0), ("-12.34", -1234), ("1e3", 100000)],
)
def test_to_cents_converts_exact_amounts(amount: str, cents: int) -> None:
    assert to_cents(Decimal(amount)) == cents
    assert isinstance(to_cents(Decimal(amount)), int)


@pytest.mark.parametrize("amount", ["1.505", "0.001", "-0.009", "2.469"])
def test_to_cents_refuses_fractions_of_a_cent_and_says_to_round_first(amount: str) -> None:
    with pytest.raises(MoneyError, match=r"fractions of a cent; round it first with round_cents"):
        to_cents(Decimal(amount))


@given(cents=st.integers(min_value=-(10**15), max_value=10**15))
def test_from_cents_and_to_cents_are_inverse(cents: int) -> None:
    amount = from_cents(cents)
    assert amount == Decimal(cents) / 100
    assert amount.as_tuple().exponent == -2
    assert to_cents(amount) == cents


# --- apply_rate (basis points) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("cents", "bp", "expected"),
    [
        (100_000, 200, "20"),  # 2% of $1,000.00 is $20
        (12_345, 200, "2.469"),  # 2% of $123.45, unrounded
        (1, 200, "0.0002"),
        (100, 10_000, "1"),  # 100% of $1.00
        (-50_000, 200, "-10"),  # credits carry a negative fee
        (999_999, 0, "0"),
        (250_000, 150, "37.5"),  # 1.5%
    ],
)
def test_apply_rate_is_exact_basis_points(cents: int, bp: int, expected: str) -> None:
    assert apply_rate(cents, bp) == Decimal(expected)


def test_fees_are_rounded_once_per_invoice_not_per_line() -> None:
    # given three sales lines of $0.25, each owing 2% = half a cent
    lines = [25, 25, 25]
    # when the unrounded fees are summed and the invoice total is rounded once
    invoice = round_cents(sum(apply_rate(c, 200) for c in lines))
    # then the fee is 1.5 cents rounded half-up, not three lines each rounded up
    assert invoice == Decimal("0.02")
    assert sum(round_cents(apply_rate(c, 200)) for c in lines) == Decimal("0.03")


@given(
    cents=st.integers(min_value=-(10**14), max_value=10**14),
    bp=st.integers(min_value=0, max_value=10_000),
)
def test_apply_rate_equals_dollars_times_percentage(cents: int, bp: int) -> None:
    assert apply_rate(cents, bp) == from_cents(cents) * Decimal(bp) / Decimal(10_000)
    assert round_cents(apply_rate(cents, 10_000)) == from_cents(cents)


# --- format_usd ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "$0.00"),
        (1, "$0.01"),
        (99, "$0.99"),
        (123_456, "$1,234.56"),
        (-123_456, "-$1,234.56"),
        (-5, "-$0.05"),
        (100_000_000_000, "$1,000,000,000.00"),
        (999_999_999_999_999, "$9,999,999,999,999.99"),
    ],
)
def test_format_usd(cents: int, text: str) -> None:
    assert format_usd(cents) == text


@given(cents=st.integers(min_value=-(10**20), max_value=10**20))
def test_format_usd_matches_exact_decimal_formatting(cents: int) -> None:
    # integer arithmetic: never off by a cent, at any size
    exact = f"{abs(Decimal(cents)) / 100:,.2f}"
    assert format_usd(cents) == ("-" if cents < 0 else "") + "$" + exact


# --- allocate -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (200, [1, 1, 1], [67, 67, 66]),
        (1, [1, 1], [1, 0]),  # a tie goes to the earlier weight
        (10, [1, 2], [3, 7]),  # the largest remainder wins, not the earlier weight
        (5, [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]),
        (10, [0, 1], [0, 10]),
        (0, [3, 7], [0, 0]),
        (7, [5], [7]),
        # the 2% fee on $1,000,000.01 of sales split admin 50% / Foundation 10% / sponsors 40%
        (2_000_000, [5000, 1000, 4000], [1_000_000, 200_000, 800_000]),
        (2_000_001, [5000, 1000, 4000], [1_000_001, 200_000, 800_000]),
        (2_000_003, [5000, 1000, 4000], [1_000_002, 200_000, 800_001]),
    ],
)
def test_allocate_worked_examples(total: int, weights: list[int], parts: list[int]) -> None:
    assert allocate(total, weights) == parts


def test_allocate_refuses_all_zero_weights() -> None:
    with pytest.raises(MoneyError, match="weights must not all be zero"):
        allocate(100, [0, 0, 0])


def test_allocate_refuses_no_weights() -> None:
    with pytest.raises(MoneyError, match="at least one weight"):
        allocate(100, [])


def test_allocate_refuses_negative_weights() -> None:
    with pytest.raises(MoneyError, match="must not be negative"):
        allocate(100, [3, -1, 2])


weights_strategy = st.lists(
    st.integers(min_value=0, max_value=10**9), min_size=1, max_size=25
).filter(any)
totals_strategy = st.integers(min_value=-(10**14), max_value=10**14)


@given(total=totals_strategy, weights=weights_strategy)
@example(total=100, weights=[1, 1, 1])
@example(total=-1, weights=[1, 1])
@example(total=10**14, weights=[1, 10**9 - 1, 3])
def test_allocate_parts_always_sum_to_the_total(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert all(isinstance(p, int) for p in parts)
    assert sum(parts) == total


@given(total=totals_strategy, weights=weights_strategy)
def test_allocate_each_part_is_within_a_cent_of_its_exact_share(
    total: int, weights: list[int]
) -> None:
    parts = allocate(total, weights)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        # |part - total * weight / weight_sum| < 1, in integers to stay exact
        assert abs(part * weight_sum - total * weight) < weight_sum


@given(total=totals_strategy, weights=weights_strategy)
def test_allocate_is_deterministic_and_sign_symmetric(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert allocate(total, list(weights)) == parts
    assert allocate(total, tuple(weights)) == parts
    assert allocate(-total, weights) == [-p for p in parts]
    if total >= 0:
        assert all(p >= 0 for p in parts)
    else:
        assert all(p <= 0 for p in parts)


@given(total=totals_strategy, weights=weights_strategy)
def test_allocate_gives_nothing_to_a_zero_weight(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert all(p == 0 for p, w in zip(parts, weights, strict=True) if w == 0)


@given(
    total=totals_strategy,
    weights=weights_strategy,
    factor=st.integers(min_value=2, max_value=1000),
)
def test_allocate_depends_only_on_the_proportions(
    total: int, weights: list[int], factor: int
) -> None:
    # 50/10/40 and 5000/1000/4000 are the same split
    assert allocate(total, [w * factor for w in weights]) == allocate(total, weights)


@given(total=st.integers(min_value=0, max_value=10**14), weights=weights_strategy)
def test_allocate_never_gives_a_smaller_weight_more(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    for i, (wi, pi) in enumerate(zip(weights, parts, strict=True)):
        for wj, pj in zip(weights[i + 1 :], parts[i + 1 :], strict=True):
            if wi > wj:
                assert pi >= pj
            elif wi < wj:
                assert pi <= pj
            else:  # equal weights: at most one cent apart, and the earlier one is not smaller
                assert 0 <= pi - pj <= 1


# --- round_cbp: a fee exact in cent-basis-points, rounded once ------------------------------


@pytest.mark.parametrize(
    ("cbp", "cents"),
    [(15_000, 2), (14_999, 1), (5_000, 1), (4_999, 0), (-15_000, -2), (-14_999, -1), (0, 0)],
)
def test_round_cbp_rounds_half_up_to_the_cent(cbp: int, cents: int) -> None:
    assert round_cbp(cbp) == cents


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_round_cbp_agrees_with_integer_half_away_from_zero(cbp: int) -> None:
    half_up = (abs(cbp) + 5_000) // 10_000
    assert round_cbp(cbp) == (half_up if cbp >= 0 else -half_up)
