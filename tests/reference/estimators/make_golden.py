"""Produce the golden values of the effect estimators, independently of the library.

Run from the repository root::

    python tests/reference/estimators/make_golden.py

It writes ``data/<case>.csv`` (simulated, seeded data sets) and ``golden.json`` (expected
results) beside itself. Nothing here imports ``activemeasures``: every number comes from
statsmodels, scipy or plain NumPy loops written from the textbook formulas:

* standard design: statsmodels OLS of y on a treatment dummy with ``cov_type="HC2"`` (the
  Welch standard error equals the HC2 standard error of the dummy) and the Welch-Satterthwaite
  degrees of freedom, p-value and interval of ``scipy.stats.ttest_ind(equal_var=False)``;
* blocked design: a Python loop over blocks (Gerber and Green 2012, eq. 3.10 and p. 74 fn 17),
  df = N - 2B;
* matched pairs: a loop over pairs (Gerber and Green 2012, eq. 3.16), df = J - 1; a mix of
  pairs and larger blocks uses the same formula (estimatr warns);
* matched-pair clustered: Imai, King and Nall (2009, eq. 6), df = J - 1;
* clustered and block-clustered: CR2 (Bell and McCaffrey 2002) from its matrix definition with
  an explicit loop over clusters, ``(I - H_gg)^{-1/2}`` from ``scipy.linalg.sqrtm`` (an
  eigen-decomposition pseudo-inverse when singular), and the Bell-McCaffrey degrees of freedom
  from their definition: the eigenvalues of ``G'G`` with ``g_g = (I - H)[:, g] A_g X_g M c``
  (Pustejovsky and Tipton 2018, eq. 11);
* Lin (2013): statsmodels OLS on centred covariates and treatment interactions, HC2 (or the CR2
  above with clusters), df = N - k (CR2: Bell-McCaffrey).

The inference matches estimatr: t = estimate / se, p = 2 P(T_df > |t|), CI = estimate +/-
t_{df, 1 - alpha/2} se. The file also stores the worked example of estimatr's test
``test-difference-in-means.R`` ("DIM unbiased"), whose numeric expectation is the true SATE.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.linalg
import statsmodels.api as sm
from scipy import stats

HERE = Path(__file__).resolve().parent
ALPHA = 0.05
MUNICIPALITIES = ["Aarhus", "Vejle", "Hedensted", "Holbæk", "Esbjerg", "Odense"]


# --------------------------------------------------------------------------- data


def _assign(rng: np.random.Generator, size: int, n_treated: int) -> np.ndarray:
    t = np.zeros(size, dtype=int)
    t[rng.choice(size, n_treated, replace=False)] = 1
    return t


def make_data() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(20240611)
    data = {}

    n = 37
    t = _assign(rng, n, 15)
    data["standard"] = pd.DataFrame(
        {"y": np.where(t == 1, rng.normal(1.3, 2.0, n), rng.normal(0.4, 1.0, n)), "t": t}
    )

    sizes = [8, 11, 14, 9, 20]
    rows = []
    for name, size in zip(MUNICIPALITIES, sizes, strict=False):
        t = _assign(rng, size, max(2, int(rng.integers(2, size - 1))))
        x1 = rng.normal(40, 8, size)
        y = rng.normal(rng.normal(0, 2), 1.5, size) + 0.6 * t + 0.05 * x1
        rows.append(pd.DataFrame({"y": y, "t": t, "block": name, "x1": x1}))
    data["blocked"] = pd.concat(rows, ignore_index=True)

    pairs = 12
    t = np.column_stack([np.zeros(pairs, int), np.ones(pairs, int)])
    t = np.where(rng.random(pairs)[:, None] < 0.5, t, 1 - t).reshape(-1)
    level = np.repeat(rng.normal(0, 2, pairs), 2)
    data["matched_pair"] = pd.DataFrame(
        {
            "y": level + 0.8 * t + rng.normal(0, 1, 2 * pairs),
            "t": t,
            "block": np.repeat([f"pair {j:02d}" for j in range(pairs)], 2),
        }
    )

    blocks, ts = [], []
    for j in range(6):
        blocks += [f"pair {j}"] * 2
        ts += list(rng.permutation([0, 1]))
    for name, size, treated in (("big A", 6, 1), ("big B", 7, 3)):
        blocks += [name] * size
        ts += list(_assign(rng, size, treated))
    t = np.array(ts)
    data["matched_pair_mixed"] = pd.DataFrame(
        {"y": rng.normal(0, 1, t.size) + 0.5 * t, "t": t, "block": blocks}
    )

    cluster_sizes = [1, 3, 5, 2, 9, 4, 4, 6, 2, 7, 3, 8, 5, 1]
    treated_clusters = set(rng.choice(len(cluster_sizes), 6, replace=False).tolist())
    rows = []
    for c, size in enumerate(cluster_sizes):
        tc = int(c in treated_clusters)
        y = rng.normal(0, 1.0) + 0.7 * tc + rng.normal(0, 1.2, size)
        rows.append(
            pd.DataFrame(
                {"y": y, "t": tc, "cluster": f"k{c:02d}", "x1": rng.normal(0, 1, size) + 0.3 * y}
            )
        )
    data["clustered"] = pd.concat(rows, ignore_index=True)

    rows = []
    k = 0
    for name in MUNICIPALITIES[:4]:
        n_clusters = int(rng.integers(4, 7))
        treated = set(rng.choice(n_clusters, 2 + int(n_clusters > 4), replace=False).tolist())
        level = rng.normal(0, 2)
        for c in range(n_clusters):
            size = int(rng.integers(1, 7))
            tc = int(c in treated)
            y = level + rng.normal(0, 0.8) + 0.5 * tc + rng.normal(0, 1.0, size)
            rows.append(
                pd.DataFrame(
                    {
                        "y": y,
                        "t": tc,
                        "block": name,
                        "cluster": f"k{k:02d}",
                        "x1": rng.normal(0, 1, size) + 0.5 * y,
                    }
                )
            )
            k += 1
    data["block_clustered"] = pd.concat(rows, ignore_index=True)

    rows = []
    for j in range(7):
        first = int(rng.integers(0, 2))
        for c in range(2):
            size = int(rng.integers(1, 6))
            tc = int(c == first)
            rows.append(
                pd.DataFrame(
                    {
                        "y": rng.normal(j / 3, 1, size) + 0.9 * tc,
                        "t": tc,
                        "block": f"pair {j}",
                        "cluster": f"p{j}c{c}",
                    }
                )
            )
    data["matched_pair_clustered"] = pd.concat(rows, ignore_index=True)

    n = 60
    t = _assign(rng, n, 27)
    x1 = rng.normal(35, 9, n)
    x2 = rng.poisson(2, n).astype(float)
    category = rng.choice(["cash benefit", "resource course", "integration"], n)
    y = 0.05 * x1 + 0.3 * x2 + (category == "integration") + 0.9 * t + 0.02 * t * x1
    data["lin_standard"] = pd.DataFrame(
        {"y": y + rng.normal(0, 1, n), "t": t, "x1": x1, "x2": x2, "category": category}
    )
    return data


# --------------------------------------------------------------------------- inference


def _inference(estimate: float, se: float, df: float) -> dict[str, float]:
    statistic = estimate / se
    half = stats.t.ppf(1 - ALPHA / 2, df) * se
    return {
        "estimate": float(estimate),
        "std_error": float(se),
        "df": float(df),
        "statistic": float(statistic),
        "p_value": float(2 * stats.t.sf(abs(statistic), df)),
        "ci_lower": float(estimate - half),
        "ci_upper": float(estimate + half),
    }


def _counts(frame: pd.DataFrame) -> dict[str, int]:
    return {"n_treatment": int((frame.t == 1).sum()), "n_control": int((frame.t == 0).sum())}


# --------------------------------------------------------------------------- CR2 by definition


def inverse_square_root(B: np.ndarray) -> np.ndarray:
    """Symmetric (pseudo-)inverse square root: sqrtm when non-singular, eigen otherwise."""
    values, vectors = np.linalg.eigh(B)
    if values.min() > 1e-8:
        return np.linalg.inv(np.real(scipy.linalg.sqrtm(B)))
    inverse = np.zeros(B.shape)
    for j, value in enumerate(values):  # estimatr: eigenvalues <= 1e-12 count as zero
        if value > 1e-12:
            inverse += np.outer(vectors[:, j], vectors[:, j]) / np.sqrt(value)
    return inverse


def cr2_by_definition(X: np.ndarray, e: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    M = np.linalg.inv(X.T @ X)
    meat = np.zeros((X.shape[1], X.shape[1]))
    for g in np.unique(clusters):
        idx = np.flatnonzero(clusters == g)
        Xg = X[idx]
        A = inverse_square_root(np.eye(idx.size) - Xg @ M @ Xg.T)
        u = Xg.T @ A @ e[idx]
        meat += np.outer(u, u)
    return M @ meat @ M


def bell_mccaffrey_df(X: np.ndarray, clusters: np.ndarray, c: np.ndarray) -> float:
    M = np.linalg.inv(X.T @ X)
    I_minus_H = np.eye(X.shape[0]) - X @ M @ X.T
    columns = []
    for g in np.unique(clusters):
        idx = np.flatnonzero(clusters == g)
        Xg = X[idx]
        A = inverse_square_root(np.eye(idx.size) - Xg @ M @ Xg.T)
        columns.append(I_minus_H[:, idx] @ A @ Xg @ M @ c)
    G = np.column_stack(columns)
    eigenvalues = np.linalg.eigvalsh(G.T @ G)
    return float(eigenvalues.sum() ** 2 / (eigenvalues**2).sum())


def _ols(y: np.ndarray, X: np.ndarray):
    return sm.OLS(y, X).fit()


# --------------------------------------------------------------------------- difference in means


def standard(frame: pd.DataFrame) -> dict:
    X = sm.add_constant(frame.t.to_numpy(float))
    fit = sm.OLS(frame.y.to_numpy(), X).fit(cov_type="HC2")
    welch = stats.ttest_ind(frame.y[frame.t == 1], frame.y[frame.t == 0], equal_var=False)
    out = _inference(fit.params[1], fit.bse[1], welch.df)
    interval = welch.confidence_interval(1 - ALPHA)
    assert np.isclose(out["p_value"], welch.pvalue, rtol=1e-12)
    assert np.isclose(out["ci_lower"], interval.low, rtol=1e-12)
    return {**out, **_counts(frame), "design": "standard"}


def blocked(frame: pd.DataFrame) -> dict:
    N = len(frame)
    estimate = variance = 0.0
    blocks = frame.block.unique()
    for b in blocks:
        part = frame[frame.block == b]
        y1, y0 = part.y[part.t == 1].to_numpy(), part.y[part.t == 0].to_numpy()
        weight = len(part) / N
        estimate += weight * (y1.mean() - y0.mean())
        variance += weight**2 * (y1.var(ddof=1) / y1.size + y0.var(ddof=1) / y0.size)
    out = _inference(estimate, np.sqrt(variance), N - 2 * len(blocks))
    return {**out, **_counts(frame), "design": "blocked"}


def matched_pair(frame: pd.DataFrame, design: str = "matched-pair") -> dict:
    N = len(frame)
    differences, sizes = [], []
    for b in frame.block.unique():
        part = frame[frame.block == b]
        differences.append(part.y[part.t == 1].mean() - part.y[part.t == 0].mean())
        sizes.append(len(part))
    d, n_b, J = np.array(differences), np.array(sizes, float), len(differences)
    estimate = float(np.sum(n_b / N * d))
    if design == "matched-pair":
        se = np.sqrt(np.sum((d - estimate) ** 2) / (J * (J - 1)))
    else:  # Imai, King and Nall (2009), eq. 6
        se = np.sqrt(J / ((J - 1) * N**2) * np.sum((n_b * d - N * estimate / J) ** 2))
    return {**_inference(estimate, se, J - 1), **_counts(frame), "design": design}


def clustered(frame: pd.DataFrame) -> dict:
    X = sm.add_constant(frame.t.to_numpy(float))
    fit = _ols(frame.y.to_numpy(), X)
    clusters = frame.cluster.to_numpy()
    V = cr2_by_definition(X, fit.resid, clusters)
    df = bell_mccaffrey_df(X, clusters, np.array([0.0, 1.0]))
    return {
        **_inference(fit.params[1], np.sqrt(V[1, 1]), df),
        **_counts(frame),
        "design": "clustered",
    }


def block_clustered(frame: pd.DataFrame) -> dict:
    N = len(frame)
    estimate = variance = 0.0
    blocks = frame.block.unique()
    for b in blocks:
        part = frame[frame.block == b]
        X = sm.add_constant(part.t.to_numpy(float))
        fit = _ols(part.y.to_numpy(), X)
        V = cr2_by_definition(X, fit.resid, part.cluster.to_numpy())
        weight = len(part) / N
        estimate += weight * fit.params[1]
        variance += weight**2 * V[1, 1]
    df = frame.cluster.nunique() - 2 * len(blocks)
    return {
        **_inference(estimate, np.sqrt(variance), df),
        **_counts(frame),
        "design": "block-clustered",
    }


# --------------------------------------------------------------------------- Lin


def lin_design(frame: pd.DataFrame, covariates: list[str], blocks: bool) -> np.ndarray:
    """[1, t, centred covariates, t x centred covariates], as estimatr's lm_lin."""
    parts = [frame[covariates]] if covariates else []
    if blocks:
        parts.append(pd.get_dummies(frame.block.astype("category"), prefix="block"))
        parts[-1] = parts[-1].iloc[:, 1:]  # treatment contrasts: first (sorted) level dropped
    Z = pd.get_dummies(pd.concat(parts, axis=1), drop_first=True).to_numpy(float)
    Zc = Z - Z.mean(axis=0)
    t = frame.t.to_numpy(float)
    return np.column_stack([np.ones(len(frame)), t, Zc, t[:, None] * Zc])


def lin(frame: pd.DataFrame, covariates: list[str], blocks: bool, clusters: bool) -> dict:
    X = lin_design(frame, covariates, blocks)
    y = frame.y.to_numpy()
    if not clusters:
        fit = sm.OLS(y, X).fit(cov_type="HC2")
        out = _inference(fit.params[1], fit.bse[1], fit.df_resid)
        design = "blocked" if blocks else "standard"
    else:
        fit = _ols(y, X)
        c = np.zeros(X.shape[1])
        c[1] = 1.0
        V = cr2_by_definition(X, fit.resid, frame.cluster.to_numpy())
        df = bell_mccaffrey_df(X, frame.cluster.to_numpy(), c)
        out = _inference(fit.params[1], np.sqrt(V[1, 1]), df)
        design = "block-clustered" if blocks else "clustered"
    return {**out, **_counts(frame), "design": design}


# --------------------------------------------------------------------------- raw matrices


def robust_matrices(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    n = 40
    x1, x2 = rng.normal(0, 1, n), rng.exponential(1, n)
    clusters = np.repeat([f"g{j}" for j in range(9)], [2, 7, 1, 5, 3, 6, 4, 8, 4])
    y = 1 + 0.5 * x1 - x2 + rng.normal(0, 1 + x2, n)
    X = np.column_stack([np.ones(n), x1, x2])
    fit = _ols(y, X)
    hc2 = sm.OLS(y, X).fit(cov_type="HC2").cov_params()
    cr2 = cr2_by_definition(X, fit.resid, clusters)
    contrasts = {"x1": [0, 1, 0], "x2": [0, 0, 1], "x1 - x2": [0, 1, -1]}
    frame = pd.DataFrame({"y": y, "x1": x1, "x2": x2, "cluster": clusters, "residual": fit.resid})
    golden = {
        "hc2_vcov": hc2.tolist(),
        "cr2_vcov": cr2.tolist(),
        "cr2_df": {
            name: bell_mccaffrey_df(X, clusters, np.array(c, float))
            for name, c in contrasts.items()
        },
        "contrasts": contrasts,
    }
    return frame, golden


# --------------------------------------------------------------------------- estimatr's example


def estimatr_unbiased_example() -> dict:
    """estimatr tests/testthat/test-difference-in-means.R, "DIM unbiased"."""
    y0 = [2.1, 3.5, -131.2, -1.3, -4, 0.1, 8.1, -1.3, 1.1, 9.1]
    y1 = [2.6, 3.0, -132, -0.7, -3.3, 0.5, 24.3, -1, 1.6, 0.3]
    return {
        "Y0": y0,
        "Y1": y1,
        "true_sate": float(np.mean(y1) - np.mean(y0)),  # 0.91, the test's expectation
        "designs": {
            "complete": {"assignments": [list(c) for c in itertools.combinations(range(10), 5)]},
            "clustered": {"clusters": np.repeat(np.arange(5), 2).tolist()},
            "matched_pair": {"blocks": np.repeat(np.arange(5), 2).tolist()},
            "blocked": {"blocks": np.repeat([1, 2], 5).tolist(), "treated_per_block": 3},
            "matched_pair_clustered": {
                "blocks": np.repeat([1, 2, 3], [4, 4, 2]).tolist(),
                "clusters": [1, 1, 2, 2, 3, 3, 4, 4, 5, 6],
            },
        },
    }


def main() -> None:
    data = make_data()
    (HERE / "data").mkdir(exist_ok=True)
    for name, frame in data.items():
        frame.to_csv(HERE / "data" / f"{name}.csv", index=False, float_format="%.17g")
    # Read back, so the golden values rest on exactly the numbers stored.
    data = {
        name: pd.read_csv(HERE / "data" / f"{name}.csv", dtype={"block": str, "cluster": str})
        for name in data
    }
    robust_frame, robust_golden = robust_matrices(np.random.default_rng(7))
    robust_frame.to_csv(HERE / "data" / "robust.csv", index=False, float_format="%.17g")
    robust_frame = pd.read_csv(HERE / "data" / "robust.csv")
    X = np.column_stack([np.ones(len(robust_frame)), robust_frame.x1, robust_frame.x2])
    robust_golden["cr2_vcov"] = cr2_by_definition(
        X, robust_frame.residual.to_numpy(), robust_frame.cluster.to_numpy()
    ).tolist()
    robust_golden["hc2_vcov"] = (
        sm.OLS(robust_frame.y.to_numpy(), X).fit(cov_type="HC2").cov_params().tolist()
    )

    golden = {
        "alpha": ALPHA,
        "difference_in_means": {
            "standard": {"data": "standard", **standard(data["standard"])},
            "blocked": {"data": "blocked", "blocks": True, **blocked(data["blocked"])},
            "matched_pair": {
                "data": "matched_pair",
                "blocks": True,
                **matched_pair(data["matched_pair"]),
            },
            "matched_pair_mixed": {
                "data": "matched_pair_mixed",
                "blocks": True,
                "warns": True,
                **matched_pair(data["matched_pair_mixed"]),
            },
            "clustered": {"data": "clustered", "clusters": True, **clustered(data["clustered"])},
            "block_clustered": {
                "data": "block_clustered",
                "blocks": True,
                "clusters": True,
                **block_clustered(data["block_clustered"]),
            },
            "matched_pair_clustered": {
                "data": "matched_pair_clustered",
                "blocks": True,
                "clusters": True,
                **matched_pair(data["matched_pair_clustered"], "matched-pair clustered"),
            },
        },
        "lin": {
            "standard": {
                "data": "lin_standard",
                "covariates": ["x1", "x2", "category"],
                **lin(data["lin_standard"], ["x1", "x2", "category"], False, False),
            },
            "blocked": {
                "data": "blocked",
                "covariates": ["x1"],
                "blocks": True,
                **lin(data["blocked"], ["x1"], True, False),
            },
            "blocked_no_covariates": {
                "data": "blocked",
                "covariates": [],
                "blocks": True,
                **lin(data["blocked"], [], True, False),
            },
            "clustered": {
                "data": "clustered",
                "covariates": ["x1"],
                "clusters": True,
                **lin(data["clustered"], ["x1"], False, True),
            },
            "block_clustered": {
                "data": "block_clustered",
                "covariates": ["x1"],
                "blocks": True,
                "clusters": True,
                **lin(data["block_clustered"], ["x1"], True, True),
            },
        },
        "robust": robust_golden,
        "estimatr_unbiased": estimatr_unbiased_example(),
    }
    (HERE / "golden.json").write_text(json.dumps(golden, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'golden.json'} and {len(data) + 1} data sets")


if __name__ == "__main__":
    main()
