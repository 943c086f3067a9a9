"""Reading register files: read_table, read_dataset, the DREAM conversion and the code mapping.

The DREAM conversion is checked against a plain loop over citizens and weeks (with Python's
own ``date.fromisocalendar``) on hypothesis-generated wide and long tables; ISO week labels
are checked exhaustively over 1990-2030 against the same; SAS files are written with the
ReadStat C library pyreadstat ships and read back also with pandas' own SAS reader.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gzip
import sys
from collections import Counter, defaultdict
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from activemeasures import Dataset, MissingTableError, State, ValidationError
from activemeasures.datasets import simulate_trial, write_tables
from activemeasures.errors import ActiveMeasuresError, InputError
from activemeasures.io import (
    load_state_mapping,
    read_dataset,
    read_dream_long,
    read_dream_wide,
    read_table,
)
from activemeasures.io._weeks import monday, parse_weeks

#: Identifier values distinctive enough to be found in any message that leaks them.
SECRET = "QX7-secret-4711"
OTHER = "QX7-secret-0815"


def _citizens_csv(ids=(SECRET, OTHER)) -> str:
    rows = [f"{cid},Aarhus,2016-03-07,treatment" for cid in ids]
    return "citizen_id,municipality,visitation_date,arm\n" + "\n".join(rows) + "\n"


def _folder(tmp_path: Path, files: dict[str, str | bytes], cutoff: str | None = "2016-12-31"):
    folder = tmp_path / "registers"
    folder.mkdir()
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if cutoff is not None:
        (folder / "cutoff.txt").write_text(cutoff + "\n", encoding="utf-8")
    return folder


def _no_identifier(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert SECRET not in message and OTHER not in message
    return message


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as objects with one missing marker (None), for comparing frames as data."""
    out = frame.astype(object)
    return out.where(frame.notna(), None).reset_index(drop=True)


# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize(
    ("programme", "format"),
    [("jobfirst", "csv"), ("flereskalmed", "csv"), ("jobfirst", "parquet")],
)
def test_write_tables_then_read_dataset_gives_the_same_dataset(tmp_path, programme, format):
    if format == "parquet":
        pytest.importorskip("pyarrow")
    data = simulate_trial(programme, n_citizens=200, n_municipalities=4, seed=5)
    write_tables(data, tmp_path, format=format)
    assert (tmp_path / "cutoff.txt").read_bytes() == f"{data.cutoff.date()}\n".encode()
    back = read_dataset(tmp_path)  # no cutoff argument: cutoff.txt
    assert back.cutoff == data.cutoff
    assert list(back.tables) == list(data.tables)
    for name, frame in data.tables.items():
        pd.testing.assert_frame_equal(_normalised(back.tables[name]), _normalised(frame))
        for column in frame.columns:  # dates stay dates, numbers numbers
            assert back.tables[name][column].dtype.kind == frame[column].dtype.kind, column
    pd.testing.assert_frame_equal(back.quality.to_frame(), data.quality.to_frame())


def test_cutoff_argument_wins_over_cutoff_txt(tmp_path):
    folder = _folder(tmp_path, {"citizens.csv": _citizens_csv()}, cutoff="2016-12-31")
    assert read_dataset(folder).cutoff == pd.Timestamp("2016-12-31")
    assert read_dataset(folder, cutoff="2017-06-30").cutoff == pd.Timestamp("2017-06-30")


def test_file_names_and_extensions_are_matched_case_insensitively(tmp_path):
    events = f"citizen_id,date,event\n{SECRET},2016-03-10,conversation\n"
    folder = _folder(
        tmp_path,
        {"Citizens.CSV": _citizens_csv(), "events.csv.gz": gzip.compress(events.encode())},
    )
    data = read_dataset(folder)
    assert data.n_citizens == 2
    assert data.events["event"].tolist() == ["conversation"]
    # other files are ignored
    (folder / "README.txt").write_text("notes", encoding="utf-8")
    (folder / "codes.csv").write_text("code,state\n", encoding="utf-8")
    assert read_dataset(folder).n_citizens == 2


# ------------------------------------------------------------------ read_table


def test_read_table_keeps_identifiers_and_codes_as_text(tmp_path):
    path = tmp_path / "hours.csv"
    path.write_text(
        "citizen_id,period_start,period_end,hours,workplace_id,note_id\n"
        "0042,2016-03-01,2016-03-31,12.5,007,01\n"
        "0043,2016-03-01,2016-03-31,0,,02\n",
        encoding="utf-8",
    )
    frame = read_table(path)
    assert frame["citizen_id"].tolist() == ["0042", "0043"]
    assert frame["workplace_id"].iloc[0] == "007" and pd.isna(frame["workplace_id"].iloc[1])
    assert frame["note_id"].tolist() == ["01", "02"]  # any *_id column
    assert frame["hours"].tolist() == [12.5, 0.0]
    assert read_table(path, text_columns=["hours"])["hours"].tolist() == ["12.5", "0"]
    assert read_table(path, text_columns="all")["period_start"].tolist() == ["2016-03-01"] * 2


def test_read_table_parquet_numbers_in_text_columns_become_text(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "activities.parquet"
    pd.DataFrame(
        {
            "citizen_id": [101, 102, 103],
            "workplace_id": [7.0, np.nan, 9.0],
            "activity": ["INTERNSHIP"] * 3,
            "hours_per_week": [10.0, 12.5, np.nan],
        }
    ).to_parquet(path)
    frame = read_table(path)
    assert frame["citizen_id"].tolist() == ["101", "102", "103"]
    assert frame["workplace_id"].iloc[[0, 2]].tolist() == ["7", "9"]
    assert pd.isna(frame["workplace_id"].iloc[1])
    assert frame["hours_per_week"].dtype == float


# ------------------------------------------------------------------ errors


def test_missing_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist") as error:
        read_dataset(tmp_path / "nowhere")
    assert "nowhere" in str(error.value)
    (tmp_path / "file.csv").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder"):
        read_dataset(tmp_path / "file.csv")


def test_missing_citizens_table_lists_the_expected_files(tmp_path):
    folder = _folder(tmp_path, {"events.csv": f"citizen_id,date,event\n{SECRET},2016-03-10,x\n"})
    with pytest.raises(MissingTableError) as error:
        read_dataset(folder)
    message = _no_identifier(error)
    assert "no citizens table" in message and str(folder) in message
    for expected in ("citizens.csv", ".csv.gz", ".parquet", ".sas7bdat", "activities", "hours"):
        assert expected in message
    for table in ("events", "survey", "visitations", "benefits"):
        assert table in message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (
            f"citizen_id,municipality\n{SECRET},K\u00f8ge\n".encode("latin-1"),
            "not UTF-8 text",
        ),
        (f"citizen_id,municipality\n{SECRET},A\n{OTHER},A,B,C\n".encode(), "Expected 2 fields"),
        (f"citizen_id,municipality\n{SECRET},A,B,C\n{OTHER},A\n".encode(), "more fields"),
    ],
    ids=["empty", "encoding", "ragged", "row longer than header"],
)
def test_unreadable_csv_names_the_file_and_reason(tmp_path, content, reason):
    folder = _folder(tmp_path, {"citizens.csv": content})
    with pytest.raises(InputError) as error:
        read_dataset(folder)
    message = _no_identifier(error)
    assert "citizens.csv" in message and reason in message


def test_latin1_file_reads_with_encoding(tmp_path):
    content = (
        f"citizen_id,municipality,visitation_date,arm\n{SECRET},K\u00f8ge,2016-03-07,control\n"
    )
    folder = _folder(tmp_path, {"citizens.csv": content.encode("latin-1")})
    data = read_dataset(folder, encoding="latin-1")
    assert data.citizens["municipality"].tolist() == ["K\u00f8ge"]


def test_corrupt_parquet_names_the_file(tmp_path):
    pytest.importorskip("pyarrow")
    folder = _folder(tmp_path, {"citizens.parquet": f"PAR1 {SECRET} {OTHER}".encode()})
    with pytest.raises(InputError) as error:
        read_dataset(folder)
    message = _no_identifier(error)
    assert message.startswith("cannot read citizens.parquet in ")


def test_unsupported_extension(tmp_path):
    folder = _folder(tmp_path, {"citizens.csv": _citizens_csv(), "events.xlsx": SECRET})
    with pytest.raises(InputError) as error:
        read_dataset(folder)
    message = _no_identifier(error)
    assert "events.xlsx" in message and ".csv, .csv.gz, .parquet, .sas7bdat" in message
    with pytest.raises(InputError, match=r"unsupported file format \.xlsx"):
        read_table(folder / "events.xlsx")
    with pytest.raises(InputError, match="no such file"):
        read_table(folder / "missing.csv")


def test_same_table_in_two_formats(tmp_path):
    folder = _folder(tmp_path, {"citizens.csv": _citizens_csv(), "citizens.parquet": b"x"})
    with pytest.raises(InputError) as error:
        read_dataset(folder)
    message = _no_identifier(error)
    assert "citizens.csv, citizens.parquet" in message and "more than one file" in message


def test_no_cutoff_says_how_to_give_one(tmp_path):
    folder = _folder(tmp_path, {"citizens.csv": _citizens_csv()}, cutoff=None)
    with pytest.raises(InputError) as error:
        read_dataset(folder)
    message = _no_identifier(error)
    assert "cutoff=" in message and "--cutoff" in message and "cutoff.txt" in message


@pytest.mark.parametrize("text", ["08/01/2017", "2017-02-30", "2017-01-08 and more", ""])
def test_bad_cutoff_txt(tmp_path, text):
    folder = _folder(tmp_path, {"citizens.csv": _citizens_csv()}, cutoff=text)
    with pytest.raises(InputError, match=r"cutoff\.txt must hold one ISO date"):
        read_dataset(folder)


def test_validation_problems_stay_validation_errors(tmp_path):
    bad = _citizens_csv().replace("treatment", "placebo")
    folder = _folder(tmp_path, {"citizens.csv": bad})
    with pytest.raises(ValidationError) as error:
        read_dataset(folder)
    assert "placebo" in _no_identifier(error)


def test_missing_optional_dependencies(tmp_path, monkeypatch):
    folder = _folder(tmp_path, {"citizens.sas7bdat": b"not sas", "events.parquet": b"x"})
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"pip install 'activemeasures\[sas\]'"):
        read_table(folder / "citizens.sas7bdat")
    with pytest.raises(ImportError, match=r"pip install 'activemeasures\[parquet\]'"):
        read_table(folder / "events.parquet")


def test_input_error_is_an_activemeasures_error():
    assert issubclass(InputError, ActiveMeasuresError)


# ------------------------------------------------------------------ SAS


def _readstat():
    """ctypes bindings of ReadStat's writer, compiled into pyreadstat (None if unavailable)."""
    pyreadstat = pytest.importorskip("pyreadstat")
    from pyreadstat import _readstat_writer

    try:
        lib = ctypes.CDLL(_readstat_writer.__file__)
        _ = lib.readstat_begin_writing_sas7bdat  # raises when the symbol is hidden
    except (OSError, AttributeError):
        pytest.skip("this pyreadstat build does not expose ReadStat's sas7bdat writer")
    p, c = ctypes.c_void_p, ctypes
    lib.readstat_writer_init.restype = p
    lib.readstat_set_data_writer.argtypes = [p, p]
    lib.readstat_add_variable.restype = p
    lib.readstat_add_variable.argtypes = [p, c.c_char_p, c.c_int, c.c_size_t]
    lib.readstat_variable_set_format.argtypes = [p, c.c_char_p]
    lib.readstat_begin_writing_sas7bdat.argtypes = [p, p, c.c_long]
    for name in ("readstat_begin_row", "readstat_end_row", "readstat_end_writing"):
        getattr(lib, name).argtypes = [p]
    lib.readstat_writer_free.argtypes = [p]
    lib.readstat_insert_double_value.argtypes = [p, p, c.c_double]
    lib.readstat_insert_string_value.argtypes = [p, p, c.c_char_p]
    lib.readstat_insert_missing_value.argtypes = [p, p]
    return pyreadstat, lib


def _write_sas7bdat(path: Path, columns: dict[str, tuple[str | None, list]]) -> None:
    """Write a real .sas7bdat: columns name -> (SAS format or None, values); str = character."""
    _, lib = _readstat()
    out = bytearray()

    @ctypes.CFUNCTYPE(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p)
    def write(data, n, ctx):
        out.extend(ctypes.string_at(data, n))
        return n

    writer = lib.readstat_writer_init()
    assert lib.readstat_set_data_writer(writer, ctypes.cast(write, ctypes.c_void_p)) == 0
    variables = []
    for name, (form, values) in columns.items():
        text = any(isinstance(v, str) for v in values)
        width = max([len(v) for v in values if isinstance(v, str)] + [1]) if text else 8
        var = lib.readstat_add_variable(writer, name.encode(), 0 if text else 5, width)
        if form:
            lib.readstat_variable_set_format(var, form.encode())
        variables.append((var, text, values))
    n_rows = len(next(iter(columns.values()))[1])
    assert lib.readstat_begin_writing_sas7bdat(writer, None, n_rows) == 0
    for i in range(n_rows):
        assert lib.readstat_begin_row(writer) == 0
        for var, text, values in variables:
            if values[i] is None:
                lib.readstat_insert_missing_value(writer, var)
            elif text:
                lib.readstat_insert_string_value(writer, var, values[i].encode())
            else:
                lib.readstat_insert_double_value(writer, var, float(values[i]))
        assert lib.readstat_end_row(writer) == 0
    assert lib.readstat_end_writing(writer) == 0
    lib.readstat_writer_free(writer)
    path.write_bytes(bytes(out))


SAS_EPOCH = dt.date(1960, 1, 1)


def _sas_days(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - SAS_EPOCH).days


def test_sas_file_dates_numbers_and_blanks(tmp_path):
    path = tmp_path / "activities.sas7bdat"
    starts = ["2016-03-07", "2016-04-01", "2015-12-28"]
    ends = ["2016-03-20", "2016-06-30", "2016-01-10"]
    _write_sas7bdat(
        path,
        {
            "citizen_id": (None, [101.0, 102.0, 103.0]),  # numeric ids, as SAS often has them
            "activity": (None, ["INTERNSHIP", "WAGE_SUBSIDY", "INTERNSHIP"]),
            "start": ("DATE9", [_sas_days(d) for d in starts]),  # a SAS date format
            "end": (None, [_sas_days(d) for d in ends]),  # plain days since 1960-01-01
            "workplace_id": (None, ["W1", "", "W3"]),  # blank = missing
            "hours_per_week": (None, [37.0, None, 20.5]),
        },
    )
    frame = read_table(path)
    assert frame["citizen_id"].tolist() == ["101", "102", "103"]
    assert frame["start"].tolist() == [pd.Timestamp(d) for d in starts]
    assert frame["end"].tolist() == [pd.Timestamp(d) for d in ends]
    assert frame["workplace_id"].iloc[[0, 2]].tolist() == ["W1", "W3"]
    assert pd.isna(frame["workplace_id"].iloc[1])
    assert frame["hours_per_week"].iloc[[0, 2]].tolist() == [37.0, 20.5]
    # an independent reader (pandas' own) sees the same file
    other = pd.read_sas(path, format="sas7bdat", encoding="utf-8")
    assert pd.to_datetime(other["start"]).tolist() == frame["start"].tolist()
    assert (pd.Timestamp(SAS_EPOCH) + pd.to_timedelta(other["end"], unit="D")).tolist() == [
        dt.datetime.fromisoformat(d) for d in ends
    ]


def test_sas_tables_in_a_folder(tmp_path):
    folder = _folder(tmp_path, {"events.csv": f"citizen_id,date,event\n{SECRET},2016-03-10,x\n"})
    _write_sas7bdat(
        folder / "citizens.sas7bdat",
        {
            "citizen_id": (None, [SECRET, OTHER]),
            "municipality": (None, ["Aarhus", "Odense"]),
            "visitation_date": ("DDMMYY10", [_sas_days("2016-03-07"), _sas_days("2016-03-14")]),
            "arm": (None, ["treatment", "control"]),
        },
    )
    data = read_dataset(folder)
    assert data.citizens["citizen_id"].tolist() == [SECRET, OTHER]
    assert data.citizens["visitation_date"].tolist() == [
        pd.Timestamp("2016-03-07"),
        pd.Timestamp("2016-03-14"),
    ]


def test_sas_numbers_that_are_not_dates_are_refused(tmp_path):
    path = tmp_path / "events.sas7bdat"
    seconds = _sas_days("2016-03-10") * 86400.0  # a SAS datetime without its format
    _write_sas7bdat(
        path,
        {"citizen_id": (None, [SECRET, OTHER]), "date": (None, [seconds, 20523.5])},
    )
    with pytest.raises(InputError) as error:
        read_table(path)
    message = _no_identifier(error)
    assert "events.sas7bdat" in message and "column date holds 2 numbers" in message


def test_sas_dispatch_with_a_stand_in_reader(tmp_path, monkeypatch):
    """The SAS path without a real file: what pyreadstat returns is post-processed."""
    pyreadstat = pytest.importorskip("pyreadstat")
    calls = []

    def fake(path, **kwargs):
        calls.append((Path(path).name, kwargs))
        frame = pd.DataFrame(
            {"citizen_id": [7.0, 8.0], "date": [20523.0, np.nan], "event": ["x", " "]}
        )
        return frame, None

    monkeypatch.setattr(pyreadstat, "read_sas7bdat", fake)
    path = tmp_path / "EVENTS.SAS7BDAT"
    path.write_bytes(b"stand-in")
    frame = read_table(path, encoding="latin1")
    assert calls == [("EVENTS.SAS7BDAT", {"dates_as_pandas_datetime": True, "encoding": "latin1"})]
    assert frame["citizen_id"].tolist() == ["7", "8"]
    assert frame["date"].iloc[0] == pd.Timestamp(SAS_EPOCH + dt.timedelta(days=20523))
    assert pd.isna(frame["date"].iloc[1]) and pd.isna(frame["event"].iloc[1])


# ------------------------------------------------------------------ ISO weeks


def test_week_labels_match_python_isocalendar_exhaustively():
    labels, expected = [], []
    for year in range(1990, 2031):
        for week in range(0, 55):
            try:
                day = dt.date.fromisocalendar(year, week, 1)
            except ValueError:
                day = None
            labels.append(f"{year}-W{week:02d}")
            expected.append(day)
            if year < 2090:
                labels.append(f"y_{year % 100:02d}{week:02d}")
                expected.append(day)
    ordinal, valid, is_week = parse_weeks(labels)
    assert is_week.all()
    assert valid.tolist() == [d is not None for d in expected]
    mondays = monday(ordinal[valid]).astype(object).tolist()
    assert mondays == [d for d in expected if d is not None]
    # consecutive weeks have consecutive ordinals, across year ends and week 53
    good = np.sort(np.unique(ordinal[valid]))
    assert (np.diff(good) == 1).all()
    _, _, is_week = parse_weeks(["citizen_id", "y_161", "2016-10", "y_1610x", " 2016w10 "])
    assert is_week.tolist() == [False, False, False, False, True]


# ------------------------------------------------------------------ state mapping


def test_load_state_mapping_from_a_dict_and_from_a_file(tmp_path):
    given_map = {
        "521": "internship",
        651: "WAGE_SUBSIDY",
        730.0: "wage_subsidy | internship",
        "111": "",
        " 112 ": "none",
        "113": None,
        "114": State.EDUCATION,
    }
    expected = {
        "521": "INTERNSHIP",
        "651": "WAGE_SUBSIDY",
        "730": "INTERNSHIP|WAGE_SUBSIDY",
        "111": "NONE",
        "112": "NONE",
        "113": "NONE",
        "114": "EDUCATION",
    }
    assert load_state_mapping(given_map) == expected
    path = tmp_path / "codes.csv"
    path.write_text(
        "Code,State,label\n521,internship,Virksomhedspraktik\n651,WAGE_SUBSIDY,\n"
        "730,wage_subsidy|internship,\n111,,Kontanthjaelp\n112,NONE,\n113,,\n"
        "114,education,\n521,INTERNSHIP,again\n",
        encoding="utf-8",
    )
    assert load_state_mapping(path) == expected
    assert load_state_mapping(str(path)) == expected


@pytest.mark.parametrize(
    ("mapping", "match"),
    [
        ({"521": "PRAKTIK"}, "benefit code '521': unknown state 'PRAKTIK'"),
        ({"521": "ORDINARY_HOURS"}, "maps to ORDINARY_HOURS"),
        ({"521": "ENTERPRISE_DIRECTED"}, "maps to ORDINARY_HOURS"),
        ({"521": "INTERNSHIP", 521: "EDUCATION"}, "given twice"),
        ({"": "INTERNSHIP"}, "empty code"),
    ],
)
def test_load_state_mapping_refuses_bad_mappings(mapping, match):
    with pytest.raises(ValueError, match=match):
        load_state_mapping(mapping)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("code,label\n521,x\n", "needs the columns code,state; missing: state"),
        ("code,state\n521,PRAKTIK\n", "unknown state 'PRAKTIK'"),
        ("code,state\n521,INTERNSHIP\n521,EDUCATION\n", "listed with two states"),
        ("code,state\n521,INTERNSHIP\n,EDUCATION\n", r"no code on line \[3\]"),
        ("", "the file is empty"),
    ],
)
def test_load_state_mapping_file_errors(tmp_path, content, match):
    path = tmp_path / "codes.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        load_state_mapping(path)


def test_load_state_mapping_other_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_state_mapping(tmp_path / "codes.csv")
    with pytest.raises(TypeError, match="mapping"):
        load_state_mapping(["521"])


# ------------------------------------------------------------------ DREAM (reference)

MAPPING = {
    "11": "INTERNSHIP",
    "12": "INTERNSHIP",
    "13": "WAGE_SUBSIDY",
    "21": "NONE",
    "31": "INTERNSHIP|PUBLIC_BENEFIT",
}
CODES = ["11", "12", "13", "21", "31", " 11 ", "98", "99", "", " ", None]
IDS = [SECRET, OTHER, "QX7-secret-1", "QX7-secret-2", None]
RUNS = "runs of consecutive weeks in one state"
WEEK_YEARS = [2014, 2015, 2019, 2020, 2021]  # 2015 and 2020 have an ISO week 53


def _reference(ids, weeks, cells):
    """Records, unknown-code counts, ignored-code counts and missing-id rows, by plain loops.

    weeks: Monday (datetime.date) of each column; cells[i][j]: code of row i, column j.
    """
    per_citizen: dict[str, dict[str, set]] = {}
    unknown, ignored, missing = Counter(), Counter(), 0
    for cid, row in zip(ids, cells, strict=True):
        if cid is None:
            missing += 1
            continue
        states = per_citizen.setdefault(cid, defaultdict(set))
        for day, code in zip(weeks, row, strict=True):
            if code is None or code.strip() == "":
                continue
            code = code.strip()
            if code not in MAPPING:
                unknown[code] += 1
            elif MAPPING[code] == "NONE":
                ignored[code] += 1
            else:
                for name in MAPPING[code].split("|"):
                    states[name].add(day)
    records = []
    for cid, states in per_citizen.items():
        for name in sorted(states, key=lambda s: State[s].value):
            days = sorted(states[name])
            first = previous = days[0]
            for day in days[1:]:
                if day - previous != dt.timedelta(days=7):
                    records.append((cid, name, first, previous + dt.timedelta(days=6)))
                    first = day
                previous = day
            records.append((cid, name, first, previous + dt.timedelta(days=6)))
    return records, unknown, ignored, missing


@st.composite
def dream_tables(draw):
    year = draw(st.sampled_from(WEEK_YEARS))
    n_weeks = dt.date(year, 12, 28).isocalendar()[1]
    start = dt.date.fromisocalendar(year, draw(st.integers(n_weeks - 4, n_weeks)), 1)
    offsets = draw(st.lists(st.integers(0, 9), min_size=1, max_size=8, unique=True))
    weeks = [start + dt.timedelta(weeks=k) for k in offsets]  # columns in any order, gaps
    styles = draw(st.lists(st.booleans(), min_size=len(weeks), max_size=len(weeks)))
    names = [
        f"y_{d.isocalendar()[0] % 100:02d}{d.isocalendar()[1]:02d}"
        if dream
        else f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}"
        for d, dream in zip(weeks, styles, strict=True)
    ]
    n_rows = draw(st.integers(0, 6))
    ids = draw(st.lists(st.sampled_from(IDS), min_size=n_rows, max_size=n_rows))
    cells = draw(
        st.lists(
            st.lists(st.sampled_from(CODES), min_size=len(weeks), max_size=len(weeks)),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
    return ids, weeks, names, cells


def _check_against_reference(result, ids, weeks, cells, rows_per_citizen=1):
    """rows_per_citizen: rows of the table per entry of ids (1 wide, one per week long)."""
    activities, quality, unknown = result
    records, unknown_ref, ignored_ref, missing = _reference(ids, weeks, cells)
    got = [
        (r.citizen_id, r.activity, r.start.date(), r.end.date())
        for r in activities.itertuples(index=False)
    ]
    assert got == records
    assert list(activities.columns) == ["citizen_id", "activity", "start", "end"]
    assert unknown.to_dict("list") == {
        "code": sorted(unknown_ref),
        "n_cells": [unknown_ref[c] for c in sorted(unknown_ref)],
    }
    expected = [("benefits", "records read", "read", len(ids) * rows_per_citizen)]
    if missing:
        expected.append(("benefits", "citizen_id missing", "excluded", missing * rows_per_citizen))
    expected += [
        ("benefits", f"code {c!r} mapped to no state (citizen-weeks ignored)", "note", n)
        for c, n in sorted(ignored_ref.items())
    ]
    expected += [
        ("benefits", f"code {c!r} not in the code mapping (citizen-weeks)", "excluded", n)
        for c, n in sorted(unknown_ref.items())
    ]
    expected.append(
        (
            "benefits",
            f"activity records made from {RUNS}",
            "note",
            len(records),
        )
    )
    assert [attrs.astuple(entry) for entry in quality.entries] == expected
    assert quality.excluded("benefits") == missing * rows_per_citizen + sum(unknown_ref.values())


@given(dream_tables())
def test_dream_wide_and_long_match_a_loop_over_citizens_and_weeks(table):
    ids, weeks, names, cells = table
    wide = pd.DataFrame(cells, columns=names, dtype=object)
    wide.insert(0, "citizen_id", pd.Series(ids, dtype=object))
    _check_against_reference(read_dream_wide(wide, MAPPING), ids, weeks, cells)
    # the long layout: one row per citizen and week
    rows = [
        (cid, name, code)
        for cid, row in zip(ids, cells, strict=True)
        for name, code in zip(names, row, strict=True)
    ]
    long = pd.DataFrame(rows, columns=["citizen_id", "week", "code"], dtype=object)
    result = read_dream_long(long, MAPPING)
    _check_against_reference(result, ids, weeks, cells, rows_per_citizen=len(names))


def test_dream_hand_example_across_week_53():
    # 2015 has 53 ISO weeks: W52 (Mon 21 Dec), W53 (Mon 28 Dec), 2016-W01 (Mon 4 Jan).
    wide = pd.DataFrame(
        {
            "citizen_id": ["a", "b"],
            "y_1601": ["521", "521"],  # columns out of order on purpose
            "y_1552": ["521", None],
            "2015-W53": ["730", " "],
            "y_1603": ["521", "999"],
        }
    )
    activities, quality, unknown = read_dream_wide(
        wide, {"521": "INTERNSHIP", "730": "INTERNSHIP|PUBLIC_BENEFIT"}
    )
    # a: INTERNSHIP W52, W53, W01 = 21 Dec 2015 - 10 Jan 2016; gap at W02; W03 = 18-24 Jan.
    #    PUBLIC_BENEFIT W53 only = 28 Dec 2015 - 3 Jan 2016.  b: INTERNSHIP W01 = 4-10 Jan.
    assert activities.astype({"start": str, "end": str}).values.tolist() == [
        ["a", "INTERNSHIP", "2015-12-21", "2016-01-10"],
        ["a", "INTERNSHIP", "2016-01-18", "2016-01-24"],
        ["a", "PUBLIC_BENEFIT", "2015-12-28", "2016-01-03"],
        ["b", "INTERNSHIP", "2016-01-04", "2016-01-10"],
    ]
    assert unknown.values.tolist() == [["999", 1]]
    assert quality.excluded() == 1


def test_dream_numeric_codes_from_sas_or_parquet():
    wide = pd.DataFrame({"citizen_id": ["a"], "y_1610": [521.0], "y_1611": [521.0]})
    activities, _, unknown = read_dream_wide(wide, {521: "INTERNSHIP"})
    assert activities["activity"].tolist() == ["INTERNSHIP"] and unknown.empty
    assert activities["start"].tolist() == [pd.Timestamp("2016-03-07")]
    assert activities["end"].tolist() == [pd.Timestamp("2016-03-20")]


@pytest.mark.parametrize(
    ("columns", "kwargs", "match"),
    [
        ({"y_1610": ["1"]}, {}, "no citizen_id column"),
        ({"citizen_id": [SECRET], "y_1653": ["1"]}, {}, "weeks that do not exist: y_1653"),
        (
            {"citizen_id": [SECRET], "y_1610": ["1"], "2016-W10": ["1"]},
            {},
            "same week in more than one column: y_1610, 2016-W10",
        ),
        (
            {"citizen_id": [SECRET], "y_1610": ["1"], "kommune": ["x"]},
            {},
            "1 columns are neither citizen_id nor a week .* kommune",
        ),
        ({"citizen_id": [SECRET], "kommune": ["x"]}, {"other_columns": "ignore"}, "no week"),
    ],
)
def test_dream_wide_errors(columns, kwargs, match):
    with pytest.raises(InputError, match=match) as error:
        read_dream_wide(pd.DataFrame(columns), {"1": "INTERNSHIP"}, **kwargs)
    _no_identifier(error)


def test_dream_other_columns_can_be_ignored():
    wide = pd.DataFrame({"citizen_id": ["a"], "kommune": ["x"], "y_1610": ["1"]})
    activities, _, _ = read_dream_wide(wide, {"1": "INTERNSHIP"}, other_columns="ignore")
    assert len(activities) == 1
    with pytest.raises(ValueError, match="other_columns"):
        read_dream_wide(wide, {"1": "INTERNSHIP"}, other_columns="drop")


def test_dream_long_errors():
    long = pd.DataFrame({"citizen_id": [SECRET, OTHER], "week": ["2016-W10", "2016-10"]})
    with pytest.raises(InputError, match="no code column"):
        read_dream_long(long, {"1": "INTERNSHIP"})
    with pytest.raises(InputError, match="1 rows have a week") as error:
        read_dream_long(long.assign(code="1"), {"1": "INTERNSHIP"})
    _no_identifier(error)


# ------------------------------------------------------------------ benefits in a folder


def test_read_dataset_appends_benefit_records_and_reports_them(tmp_path):
    activities = f"citizen_id,activity,start,end\n{SECRET},EDUCATION,2016-03-01,2016-03-31\n"
    benefits = f"citizen_id,y_1611,y_1612,y_1613\n{SECRET},521,521,\n{OTHER},999,111,0521\n"
    (tmp_path / "codes.csv").write_text(
        "code,state\n521,INTERNSHIP\n111,NONE\n0521,WAGE_SUBSIDY\n", encoding="utf-8"
    )
    folder = _folder(
        tmp_path,
        {"citizens.csv": _citizens_csv(), "activities.csv": activities, "benefits.csv": benefits},
    )
    data = read_dataset(folder, benefit_codes=tmp_path / "codes.csv")
    # 2016-W11 is 14-20 March: SECRET INTERNSHIP W11-W12 = 14-27 March; OTHER WAGE_SUBSIDY
    # W13 = 28 March - 3 April (code 0521 keeps its leading zero: not the code 521).
    got = data.activities.astype({"start": str, "end": str}).values.tolist()
    assert got == [
        [SECRET, "EDUCATION", "2016-03-01", "2016-03-31"],
        [SECRET, "INTERNSHIP", "2016-03-14", "2016-03-27"],
        [OTHER, "WAGE_SUBSIDY", "2016-03-28", "2016-04-03"],
    ]
    report = data.quality.to_frame()
    assert report.values.tolist() == [
        ["citizens", "records read", "read", 2],
        ["activities", "records read", "read", 3],
        ["benefits", "records read", "read", 2],
        ["benefits", "code '111' mapped to no state (citizen-weeks ignored)", "note", 1],
        ["benefits", "code '999' not in the code mapping (citizen-weeks)", "excluded", 1],
        [
            "benefits",
            f"activity records made from {RUNS}",
            "note",
            2,
        ],
    ]
    assert SECRET not in str(data.quality) and SECRET not in repr(data)
    # a benefits table alone makes the activities table
    (folder / "activities.csv").unlink()
    alone = read_dataset(folder, benefit_codes={"521": "INTERNSHIP", "0521": "NONE", "111": ""})
    assert alone.activities["activity"].tolist() == ["INTERNSHIP"]
    assert alone.quality.excluded("benefits") == 1


def test_benefits_and_codes_come_together(tmp_path):
    folder = _folder(
        tmp_path,
        {"citizens.csv": _citizens_csv(), "benefits.csv": f"citizen_id,y_1611\n{SECRET},521\n"},
    )
    with pytest.raises(InputError, match="pass benefit_codes=") as error:
        read_dataset(folder)
    _no_identifier(error)
    (folder / "benefits.csv").unlink()
    with pytest.raises(InputError, match="has no benefits table"):
        read_dataset(folder, benefit_codes={"521": "INTERNSHIP"})


def test_benefits_of_unknown_citizens_are_a_validation_error(tmp_path):
    folder = _folder(
        tmp_path,
        {
            "citizens.csv": _citizens_csv([SECRET]),
            "benefits.csv": f"citizen_id,y_1611\n{OTHER},521\n",
        },
    )
    with pytest.raises(ValidationError, match="refers to a citizen") as error:
        read_dataset(folder, benefit_codes={"521": "INTERNSHIP"})
    _no_identifier(error)


def test_read_dataset_returns_a_dataset(tmp_path):
    folder = _folder(tmp_path, {"citizens.csv": _citizens_csv()})
    data = read_dataset(folder, allow_cpr=True)
    assert isinstance(data, Dataset) and data.activities is None
