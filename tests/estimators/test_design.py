"""Bad inputs are refused with messages that name the block or cluster label and the rule.

No message may contain an outcome value or a unit identifier: the outcomes below are
distinctive numbers, and pandas inputs carry CPR-like identifiers as their index, and every
message is checked for both.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from activemeasures.errors import ActiveMeasuresError
from activemeasures.estimators import DesignError, DesignWarning, difference_in_means, lin

#: Identifiers that look like Danish CPR numbers: they must never appear in a message.
IDS = [f"{d:02d}0190-{1000 + d}" for d in range(1, 13)]
#: Distinctive outcome values: they must never appear in a message.
Y = pd.Series(
    [
        101.25,
        102.5,
        103.75,
        104.125,
        105.625,
        106.875,
        107.0625,
        108.1875,
        109.3125,
        110.4375,
        111.5625,
        112.6875,
    ],
    index=IDS,
)


def _series(values):
    return pd.Series(values, index=IDS)


def assert_clean(message: str) -> None:
    for value in Y:
        assert str(value) not in message
    for identifier in IDS:
        assert identifier not in message


def refused(match: str, function=difference_in_means, *args, **kwargs) -> str:
    with pytest.raises(DesignError, match=match) as info:
        function(*args, **kwargs)
    message = str(info.value)
    assert_clean(message)
    return message


def test_design_error_is_a_library_error_and_a_value_error():
    assert issubclass(DesignError, ActiveMeasuresError)
    assert issubclass(DesignError, ValueError)


# --------------------------------------------------------------------------- treatment


@pytest.mark.parametrize(
    "treatment",
    [
        [0, 1, 2, 0, 1, 0, 1, 0, 1, 0, 1, 1],
        [0.0, 1.0, 0.5, 0, 1, 0, 1, 0, 1, 0, 1, 1],
        ["control", "treated"] * 6,
        ["0", "1"] * 6,
        pd.Categorical(["no", "yes"] * 6),
    ],
    ids=["integer 2", "fraction", "labels", "digit strings", "categorical"],
)
def test_non_binary_treatment_is_refused(treatment):
    message = refused("treatment must be binary", difference_in_means, Y, _series(treatment))
    assert "units have another value" in message


def test_missing_treatment_is_refused():
    refused(
        "treatment is missing for 1 units",
        difference_in_means,
        Y,
        _series([0, 1, None, 0, 1, 0, 1, 0, 1, 0, 1, 1]),
    )


def test_treatment_as_booleans_floats_or_objects_is_accepted():
    expected = difference_in_means(Y, _series([0, 1] * 6))
    for treatment in ([False, True] * 6, [0.0, 1.0] * 6, np.array([0, 1] * 6, dtype=object)):
        assert difference_in_means(Y, _series(treatment)).estimate == expected.estimate


@pytest.mark.parametrize("arm", [0, 1])
def test_a_single_arm_is_refused(arm):
    refused("there is no (treated|control) unit", difference_in_means, Y, _series([arm] * 12))


def test_an_arm_with_a_single_unit_is_refused():
    refused("single treated unit", difference_in_means, Y, _series([1] + [0] * 11))


# --------------------------------------------------------------------------- blocks


def test_block_without_control_unit_is_named():
    blocks = _series(["Aarhus"] * 4 + ["Vejle"] * 8)
    treatment = _series([1, 1, 1, 1] + [0, 1] * 4)
    message = refused(
        "block 'Aarhus' has no control unit", difference_in_means, Y, treatment, blocks=blocks
    )
    assert "Vejle" not in message


def test_block_without_treated_unit_is_named():
    blocks = _series(["Aarhus"] * 4 + ["Vejle"] * 8)
    treatment = _series([0, 1, 0, 1] + [0] * 8)
    refused("block 'Vejle' has no treated unit", difference_in_means, Y, treatment, blocks=blocks)


def test_block_with_a_single_unit_is_refused():
    # estimatr: "All `blocks` must have multiple units (or `clusters`)".
    blocks = _series(["Odense"] + ["Aarhus"] * 5 + ["Vejle"] * 6)
    treatment = _series([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    refused("block 'Odense' has a single unit", difference_in_means, Y, treatment, blocks=blocks)


def test_single_treated_unit_in_a_block_outside_matched_pairs_is_refused():
    # estimatr: bl <- rep(1:2, each = 4); z <- c(1, 0, 0, 0, 1, 1, 0, 0) is an error.
    y = np.arange(8.0) * 1.37
    message = refused(
        "block '1' has a single treated unit; outside matched pairs",
        difference_in_means,
        y,
        [1, 0, 0, 0, 1, 1, 0, 0],
        blocks=[1, 1, 1, 1, 2, 2, 2, 2],
    )
    assert "'2'" not in message


def test_single_control_unit_is_refused_and_many_blocks_are_summarised():
    blocks = np.repeat([f"block {j}" for j in range(7)], 4)
    treatment = np.tile([1, 1, 1, 0], 7)
    message = refused(
        "single control unit", difference_in_means, np.arange(28.0), treatment, blocks=blocks
    )
    assert "blocks 'block 0', 'block 1', 'block 2', 'block 3', 'block 4' and 2 more" in message


def test_a_single_treated_unit_is_allowed_in_the_larger_blocks_of_a_matched_pair_design():
    blocks = ["p1", "p1", "p2", "p2", "big", "big", "big", "big"]
    with pytest.warns(DesignWarning, match="2 blocks have two units while 1 blocks have more"):
        result = difference_in_means(np.arange(8.0), [1, 0, 0, 1, 1, 0, 0, 0], blocks=blocks)
    assert result.design == "matched-pair"


def test_a_single_pair_is_refused():
    refused("at least two pairs", difference_in_means, [1.0, 2.0], [1, 0], blocks=["a", "a"])


def test_missing_block_label_is_refused():
    refused(
        "block label is missing for 1 units",
        difference_in_means,
        Y,
        _series([0, 1] * 6),
        blocks=_series(["a"] * 5 + [None] + ["b"] * 6),
    )


# --------------------------------------------------------------------------- clusters


def test_treatment_varying_within_a_cluster_names_the_cluster():
    clusters = _series(["Team North"] * 4 + ["Team South"] * 4 + ["Team East"] * 4)
    treatment = _series([1, 1, 1, 1] + [0, 0, 1, 0] + [0] * 4)
    message = refused(
        "treatment varies within cluster 'Team South'",
        difference_in_means,
        Y,
        treatment,
        clusters=clusters,
    )
    assert "same treatment" in message and "Team North" not in message


def test_clusters_not_nested_in_blocks_are_named():
    # estimatr: "All `clusters` must be contained within `blocks`".
    blocks = _series(["Aarhus"] * 6 + ["Vejle"] * 6)
    clusters = _series(["k1", "k1", "k2", "k2", "k3", "k3", "k3", "k4", "k4", "k5", "k5", "k6"])
    treatment = _series([1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0])
    refused(
        "cluster 'k3' spans several blocks; clusters must be nested in blocks",
        difference_in_means,
        Y,
        treatment,
        blocks=blocks,
        clusters=clusters,
    )


def test_block_with_a_single_cluster_is_refused():
    blocks = _series(["Aarhus"] * 4 + ["Vejle"] * 8)
    clusters = _series(["k1"] * 4 + ["k2", "k2", "k3", "k3", "k4", "k4", "k5", "k5"])
    treatment = _series([1] * 4 + [1, 1, 0, 0, 1, 1, 0, 0])
    refused(
        "block 'Aarhus' has a single cluster",
        difference_in_means,
        Y,
        treatment,
        blocks=blocks,
        clusters=clusters,
    )


def test_an_arm_of_a_single_cluster_warns_that_cr2_gives_it_no_variance():
    clusters = np.repeat(["a", "b", "c", "d"], 3)
    treatment = np.repeat([1, 0, 0, 0], 3)
    with pytest.warns(DesignWarning, match="single cluster; CR2 gives that arm no variance"):
        difference_in_means(Y.to_numpy(), treatment, clusters=clusters)


# --------------------------------------------------------------------------- outcomes


def test_missing_outcomes_raise_by_default_with_their_count():
    y = Y.copy()
    y.iloc[[2, 5]] = np.nan
    message = refused(
        "the outcome is missing \\(NaN\\) for 2 units", difference_in_means, y, _series([0, 1] * 6)
    )
    assert "missing='drop'" in message


def test_missing_outcomes_are_dropped_and_counted_on_request():
    y = Y.copy()
    y.iloc[[2, 5]] = np.nan
    result = difference_in_means(y, _series([0, 1] * 6), missing="drop")
    assert result.n_dropped == 2
    assert (result.n_treatment, result.n_control) == (5, 5)
    assert "2 units with a missing outcome dropped" in str(result)


def test_rule_broken_after_dropping_says_so():
    y = Y.copy()
    y.iloc[[0, 2]] = np.nan  # the only control units of block Aarhus
    blocks = _series(["Aarhus"] * 4 + ["Vejle"] * 8)
    refused(
        "block 'Aarhus' has no control unit.*after dropping 2 units",
        difference_in_means,
        y,
        _series([0, 1, 0, 1] + [0, 1] * 4),
        blocks=blocks,
        missing="drop",
    )


def test_infinite_and_non_numeric_outcomes_are_refused():
    y = Y.copy()
    y.iloc[3] = np.inf
    refused("the outcome is infinite for 1 units", difference_in_means, y, _series([0, 1] * 6))
    refused(
        "the outcome must be numeric",
        difference_in_means,
        _series(["high", "low"] * 6),
        _series([0, 1] * 6),
    )


# --------------------------------------------------------------------------- arguments


def test_inputs_of_different_lengths_are_refused():
    refused(
        "treatment has 11 entries but the outcome has 12", difference_in_means, Y, [0, 1] * 5 + [0]
    )
    refused(
        "blocks has 3 entries", difference_in_means, Y, _series([0, 1] * 6), blocks=["a", "b", "c"]
    )


def test_series_with_different_indexes_are_refused():
    treatment = pd.Series([0, 1] * 6, index=IDS[::-1])
    refused("different indexes", difference_in_means, Y, treatment)


def test_bad_options_are_refused():
    refused(
        "missing must be 'raise' or 'drop'",
        difference_in_means,
        Y,
        _series([0, 1] * 6),
        missing="ignore",
    )
    refused(
        "alpha must lie strictly between 0 and 1",
        difference_in_means,
        Y,
        _series([0, 1] * 6),
        alpha=1.5,
    )
    refused("must be one-dimensional", difference_in_means, np.ones((12, 2)), [0, 1] * 6)


# --------------------------------------------------------------------------- Lin


def test_lin_names_a_covariate_with_missing_values():
    covariates = pd.DataFrame({"age": [30.0] * 11 + [np.nan], "benefit": ["cash"] * 12}, index=IDS)
    refused("covariate 'age' is missing for 1 units", lin, Y, _series([0, 1] * 6), covariates)


def test_lin_refuses_a_treatment_collinear_with_the_covariates():
    treatment = _series([0, 1] * 6)
    covariates = pd.DataFrame({"copy": treatment * 2.0 + 1.0}, index=IDS)
    refused("collinear", lin, Y, treatment, covariates)


def test_lin_names_a_block_without_control_unit():
    blocks = _series(["Aarhus"] * 4 + ["Vejle"] * 8)
    refused(
        "block 'Aarhus' has no control unit", lin, Y, _series([1] * 4 + [0, 1] * 4), blocks=blocks
    )


def test_lin_refuses_a_unit_with_leverage_one():
    # The only treated unit of block Vejle is fitted exactly: HC2 is undefined (estimatr: NaN).
    blocks = _series(["Aarhus"] * 6 + ["Vejle"] * 6)
    treatment = _series([0, 1] * 3 + [1, 0, 0, 0, 0, 0])
    refused("1 units have leverage 1", lin, Y, treatment, blocks=blocks)


def test_lin_refuses_a_treatment_fitted_by_its_interaction():
    # One treated unit: its interaction with a covariate is a multiple of the treatment.
    covariates = pd.DataFrame({"x": np.arange(12.0)}, index=IDS)
    refused("collinear", lin, Y, _series([1] + [0] * 11), covariates)


def test_lin_needs_covariates_or_blocks():
    refused("give covariates, blocks or both", lin, Y, _series([0, 1] * 6))


def test_lin_checks_covariate_rows_and_clusters():
    refused("covariates have 11 rows", lin, Y.to_numpy(), [0, 1] * 6, np.arange(11.0))
    refused(
        "treatment varies within clusters 'k1', 'k2', 'k3'",
        lin,
        Y.to_numpy(),
        [0, 1] * 6,
        np.arange(12.0),
        clusters=np.repeat(["k1", "k2", "k3"], 4),
    )


def test_no_warning_for_an_ordinary_design():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        difference_in_means(Y, _series([0, 1] * 6), blocks=_series(["a"] * 6 + ["b"] * 6))
