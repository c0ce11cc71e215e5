"""Your own points: CSV parsing, the limits, and the labels each problem type allows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.config import PlaygroundConfig
from core.errors import InvalidValue
from core.points import MAX_POINTS, json_points, label_rule, parse_csv, to_csv
from core.session import Session

CLASSIFY = PlaygroundConfig(seed="1")
REGRESS = PlaygroundConfig(seed="1", problem="regression")


def test_points_csv_with_header_in_any_order() -> None:
    given = parse_csv("label,set,y,x\n1,test,2.5,-1\n-1,train,0,3\n", CLASSIFY)
    assert given.points.tolist() == [[-1.0, 2.5, 1.0], [3.0, 0.0, -1.0]]
    assert given.in_train is not None and given.in_train.tolist() == [False, True]


def test_points_csv_without_header_comments_blank_lines_and_bom() -> None:
    given = parse_csv("\ufeff# my points\n\n1,2,1\n 3 , 4 ,-1\n", CLASSIFY)
    assert given.points.tolist() == [[1.0, 2.0, 1.0], [3.0, 4.0, -1.0]] and given.in_train is None
    four = parse_csv("1,2,1,TRAIN\n3,4,-1,test\n", CLASSIFY)
    assert four.in_train is not None and four.in_train.tolist() == [True, False]


def test_points_csv_round_trip_is_exact() -> None:
    rng = np.random.default_rng(5)
    train = np.column_stack([rng.uniform(-6, 6, (40, 2)), rng.choice([-1.0, 1.0], 40)])
    test = np.column_stack([rng.uniform(-6, 6, (9, 2)), rng.choice([-1.0, 1.0], 9)])
    given = parse_csv(to_csv(train, test), CLASSIFY)
    assert given.in_train is not None
    assert np.array_equal(given.points[given.in_train], train) and np.array_equal(given.points[~given.in_train], test)


@pytest.mark.parametrize(
    ("text", "config", "where", "words"),
    [
        ("x,y,label\n1,2,1\n3,abc,1\n", CLASSIFY, "line 3", "y is 'abc', not a number"),
        ("1,2,1\n3,4\n", CLASSIFY, "line 2", "expected 3 values (x, y, label), got 2"),
        ("x,y,label,set\n1,2,1,train,9\n", CLASSIFY, "line 2", "got 5"),
        ("1,2,1\nnan,2,1\n", CLASSIFY, "line 2", "x must be a finite number"),
        ("1,inf,1\n", CLASSIFY, "line 1", "y must be a finite number"),
        ("x,y,label\n\n60,0,1\n", CLASSIFY, "line 3", "x = 60 is outside [-50, 50]"),
        ("1,2,0.5\n", CLASSIFY, "line 1", "label 0.5 is not a class of classification; allowed: -1, 1"),
        ("1,2,0\n", CLASSIFY, "line 1", "allowed: -1, 1"),
        ("1,2,2.5\n", REGRESS, "line 1", "label 2.5 is outside [-2, 2] (regression)"),
        ("1,2,1,validation\n", CLASSIFY, "line 1", "set is 'validation'; allowed: train, test"),
        ("x,y,colour\n", CLASSIFY, "line 1", "unknown column 'colour'"),
        ("x,y,label,x\n", CLASSIFY, "line 1", "column 'x' appears twice"),
        ("x,y,set\n", CLASSIFY, "line 1", "missing column label"),
        ("", CLASSIFY, "body", "no points"),
        ("x,y,label,set\n# nothing yet\n", CLASSIFY, "body", "no points"),
        ("1,2,1\x00\n", CLASSIFY, "body", "NUL"),
        ('1,2,1\n1,2,"1\n', CLASSIFY, "line 2", "not valid CSV: unexpected end of data"),
        ('1,"2"x,1\n', CLASSIFY, "line 1", "not valid CSV"),
    ],
)
def test_points_csv_errors_name_line_and_problem(text: str, config: PlaygroundConfig, where: str, words: str) -> None:
    with pytest.raises(InvalidValue) as error:
        parse_csv(text, config)
    assert error.value.field == where and words in error.value.message, str(error.value)


def test_points_csv_row_limit_names_the_first_line_beyond() -> None:
    text = "x,y,label\n" + "0.5,0.5,1\n" * (MAX_POINTS + 1)
    with pytest.raises(InvalidValue) as error:
        parse_csv(text, CLASSIFY)
    assert error.value.field == f"line {MAX_POINTS + 2}" and f"more than {MAX_POINTS}" in error.value.message
    assert parse_csv("x,y,label\n" + "0.5,0.5,1\n" * MAX_POINTS, CLASSIFY).points.shape == (MAX_POINTS, 3)


def test_points_label_rule_follows_the_problem_type() -> None:
    assert label_rule(CLASSIFY).classes == (-1.0, 1.0)
    rule = label_rule(REGRESS)
    assert rule.classes is None and (rule.low, rule.high) == (-2.0, 2.0)
    assert parse_csv("1,2,0.25\n", REGRESS).points[0, 2] == 0.25


@pytest.mark.parametrize("dataset", ["reg-plane", "reg-gauss"])
def test_points_generated_regression_data_comes_back_in(dataset: str) -> None:
    """The noisiest generated data (reg-plane's labels reach ±1.8) goes out as CSV and comes back."""
    session = Session(PlaygroundConfig(seed="0.5", problem="regression", regDataset=dataset, noise=50))
    given = parse_csv(to_csv(session.train, session.test), session.config)
    assert given.in_train is not None and np.array_equal(given.points[given.in_train], session.train)
    assert np.abs(session.train[:, 2]).max() > 1 or dataset == "reg-gauss"


def test_points_json_forms_and_errors() -> None:
    split = json_points({"points": [[1, 2, 1], [3, 4, -1]]}, CLASSIFY)
    assert split.in_train is None and split.points.shape == (2, 3)
    sets = json_points({"train": [[1, 2, 1]], "test": [[3, 4, -1]]}, CLASSIFY)
    assert sets.in_train is not None and sets.in_train.tolist() == [True, False]
    with pytest.raises(InvalidValue, match=r"points\[1\]: label 2 is not a class"):
        json_points({"points": [[1, 2, 1], [3, 4, 2]]}, CLASSIFY)
    with pytest.raises(InvalidValue, match="not both"):
        json_points({"points": [[1, 2, 1]], "train": [[1, 2, 1]]}, CLASSIFY)
    with pytest.raises(InvalidValue, match=r"test\[0\]: y = -51"):
        json_points({"train": [[1, 2, 1]], "test": [[0, -51, 1]]}, CLASSIFY)


def test_points_session_split_by_perc_train_data_like_generated_data() -> None:
    session = Session(PlaygroundConfig(seed="0.5", percTrainData=30))
    points = np.array([[i / 10, -i / 10, 1.0 if i % 2 else -1.0] for i in range(20)])
    session.use_points(points)
    assert session.train.shape == (math.floor(20 * 30 / 100), 3) and session.test.shape == (14, 3)
    together = np.vstack([session.train, session.test])
    assert sorted(map(tuple, together.tolist())) == sorted(map(tuple, points.tolist()))
    assert not np.array_equal(together, points)  # shuffled, as the original shuffles generated data


def test_points_session_refuses_an_upload_without_training_points_and_changes_nothing() -> None:
    session = Session(PlaygroundConfig(seed="0.5"))
    before = session.train.copy(), session.rng.random()
    session = Session(PlaygroundConfig(seed="0.5"))
    with pytest.raises(InvalidValue, match="no training point"):
        session.use_points(np.array([[1.0, 1.0, 1.0]]))  # 50 % of one point is none
    with pytest.raises(InvalidValue, match="no training point"):
        session.use_points(np.array([[1.0, 1.0, 1.0]]), np.array([False]))
    assert np.array_equal(session.train, before[0]) and session.rng.random() == before[1]


def test_points_session_keeps_the_network_and_epoch() -> None:
    session = Session(PlaygroundConfig(seed="0.5"))
    session.step(3)
    weights = session.network.w.copy()
    session.use_points(np.array([[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]]), np.array([True, False]))
    assert np.array_equal(session.network.w, weights) and session.epoch == 3
    assert session.train.tolist() == [[1.0, 1.0, 1.0]] and session.test.tolist() == [[-1.0, -1.0, -1.0]]
    # the losses are those of the new points: tanh output at the point, against its label
    out = float(session.predict(np.array([[1.0, 1.0]]))[0])
    assert session.loss_train == pytest.approx(0.5 * (out - 1.0) ** 2, abs=1e-15)
