#!/usr/bin/env python3
"""Generate the SYNTHETIC dinutuximab beta trial export and its two data cuts.

The real data of the interim analysis are confidential. This script makes a stand-in: 54
invented children with relapsed GD2-positive bone and soft-tissue sarcomas, enrolled at the
three study centres from 09.12.2021, written as two exports of the same patients:

    datasets/trial/trial_cut1.csv   data cut 1, cut-off 01.06.2025
    datasets/trial/trial_cut2.csv   data cut 2, cut-off 01.11.2025

Cut 1 is calibrated so that the analysis plan reproduces the published interim figures to their
printed precision (see TARGETS below and README.md). No patient's data are in these files.

Run from anywhere, with any Python 3.8 or later (standard library only):

    python3 datasets/trial/generate_trial.py

The output is byte-identical on every machine and every run:

* The pseudo-random numbers come from xoshiro256** (Blackman & Vigna 2018), implemented below on
  Python integers, seeded through splitmix64 (Steele, Lea & Flood 2014). Nothing uses Python's
  `random` module or hashing of strings.
* Every random quantity is computed with IEEE-754 +, -, *, / and sqrt only (correctly rounded,
  so the same on every platform); the one logarithm needed (exponential waiting times) is a
  series in this file, not the C library's `log`.
* The acceptance tests of the search keep a margin from every rounding and significance
  boundary, so a last-bit difference could not change which candidate is accepted.

How the calibration works (a deterministic search; the accepted indices are printed and recorded
in README.md):

  stage A  cohort: enrolment dates, centre, sex, age, nosology, GD2 %, best response (from the
           fixed RESPONSES table), chemotherapy. Candidate a = 0, 1, ... until the GD2 spread
           is as wanted (5-12 patients below 5 %, 18-30 below 20 %).
  stage B  progression-free survival, separately for each nosology: candidate j = 0, 1, ...
           draws progression times (given the best response), deaths without progression,
           losses to follow-up and the last visit before each cut-off; a candidate passes
           when its cut-1 1-year PFS and Greenwood SE round to the nosology's targets.
           The first PASSES_KEPT passing candidates of each nosology are kept.
  stage D  combinations of the kept candidates, in lexicographic order of their ranks, until
           the cut-1 whole-group 1-year PFS and SE round to their targets, the 3-sample
           log-rank test of PFS by nosology is not significant (p >= 0.06) and the score test
           of GD2 (continuous) on PFS has p >= 0.20, both at cut 1 and at cut 2, and the cut-2
           1-year PFS is within CUT2_MAX_SHIFT points of cut 1 and its PFS at 18 and 24
           months is not above cut 1's.
  stage C  deaths after progression: candidate k = 0, 1, ... draws survival after
           progression until the cut-1 whole-group 1-year OS and SE round to their targets,
           the GD2 score test on OS has p >= 0.20 at both cuts and the cut-2 1-year OS is
           within CUT2_MAX_SHIFT points of cut 1 and not above it at 18 and 24 months.
           If no k passes, stage D moves on.

Each candidate has its own generator, seeded from (BASE_SEED, stage, nosology, cohort, index), so a
candidate can be regenerated alone. The calibration uses the analysis plan's definitions:
time in months = days / 30.4375, 1 year = 12 months (day 365 is the last day inside it),
Kaplan-Meier with Greenwood's variance, events after the cut-off censored at it.
"""

import datetime
import math
import os
import sys

# --------------------------------------------------------------------------------------------
# Fixed inputs
# --------------------------------------------------------------------------------------------

BASE_SEED = 20250712          # the date of the council that reviewed the interim results

FIRST_PATIENT = datetime.date(2021, 12, 9)
LAST_ENROLMENT = datetime.date(2024, 12, 1)   # leaves >= 6 cycles (6 x 35 days) before cut 1
CUT1 = datetime.date(2025, 6, 1)
CUT2 = datetime.date(2025, 11, 1)
ONE_YEAR_DAYS = 365           # 12 months = 365.25 days: day 365 is the last day <= 12 months
CYCLE_DAYS = 35               # one dinutuximab beta cycle

HEADER = ("№;Центр;Пол;Возраст;Нозология;GD2, %;Дата включения;Лучший ответ;"
          "Дата прогрессирования;Дата смерти;Дата последнего контакта;"
          "Циклы иммунотерапии;Режим химиотерапии")

CENTRES = ["НМИЦ онкологии им. Н.Н. Петрова",
           "НМИЦ онкологии им. Н.Н. Блохина",
           "НИИ ДОГиТ им. Р.М. Горбачевой"]
CENTRE_WEIGHTS = [45, 35, 20]

STS, OST, EWS = "саркома мягких тканей", "остеосаркома", "саркома Юинга"
NOSOLOGIES = [STS, OST, EWS]
GROUP_SIZE = {STS: 24, OST: 24, EWS: 6}

# Best response by nosology (design, not searched): 22 of 54 evaluable (measurable disease at
# enrolment); CR+PR = 13 (ORR 59.1 %), CR+PR+SD = 14 (DCR 63.6 %). '' = not evaluable: no
# measurable disease after resection of the relapse (most osteosarcoma relapses are resected
# lung metastases). Patients whose best response is PD progress at the first assessment.
RESPONSES = {
    STS: {"CR": 2, "PR": 4, "SD": 1, "PD": 5, "": 12},
    OST: {"CR": 2, "PR": 4, "SD": 0, "PD": 2, "": 16},
    EWS: {"CR": 0, "PR": 1, "SD": 0, "PD": 1, "": 4},
}

CHEMO = {
    STS: [("без химиотерапии", 30), ("иринотекан + темозоломид", 35),
          ("гемцитабин + доцетаксел", 20), ("топотекан + циклофосфамид", 15)],
    OST: [("без химиотерапии", 30), ("гемцитабин + доцетаксел", 40),
          ("иринотекан + темозоломид", 15), ("топотекан + циклофосфамид", 15)],
    EWS: [("без химиотерапии", 20), ("иринотекан + темозоломид", 40),
          ("топотекан + циклофосфамид", 40)],
}

# Model of the synthetic trial (chosen by hand so that the search below finds the published
# figures quickly; none of it is from patient data).
MONTH = 30.4375               # days per month (365.25 / 12), as in the analysis plan
ENROL_POWER = 3               # enrolment day = span x max of 3 uniforms: density rising as t^2
LAG_MAX = 60                  # last visit 0..60 days before the cut-off for those in follow-up
LOST_P = 0.08                 # chance of being lost to follow-up (not for best response PD)
DEATH_NO_PROG_P = 0.04        # chance of a death without progression (not for PD)
PD_DAYS = (42, 110)           # best response PD: progression at the first assessment
# Progression after enrolment for the others, by best response: (fraction who never progress,
# earliest day, median of the exponential wait after it).
PFS_MODEL = {"CR": (0.50, 240, 8 * MONTH), "PR": (0.25, 200, 6 * MONTH),
             "SD": (0.10, 150, 4 * MONTH), "": (0.40, 180, 6 * MONTH)}
CURE_SHIFT = {STS: 0.05, OST: 0.10, EWS: -0.30}   # added to that fraction, by nosology
PPS_MEDIAN = 8 * MONTH        # survival after progression: 21 days + exponential, median 8 mo

# The published interim figures (percent, rounded to integers): estimate, standard error.
TARGETS = {
    "pfs": {"all": (56, 8), STS: (53, 13), OST: (67, 12), EWS: (22, 19)},
    "os": {"all": (81, 6)},
    "orr": 59,
    "dcr": 64,
}
ROUND_MARGIN = 0.45           # |100 x value - target| <= 0.45: rounds to target by any rule
CUT2_MAX_SHIFT = 4.0          # cut-2 1-year PFS and OS within 4 points of cut 1 (plausibility)
LATER_TIMES = [(18, 547), (24, 730)]   # months, last day inside: cut 2 not above cut 1 there

PASSES_KEPT = 40              # stage B candidates kept per nosology
MAX_B = 2_000_000             # stage B candidates tried per nosology before the next cohort
MAX_C = 20_000                # stage C candidates tried per combination

# Significance limits, as chi-square critical values precomputed so that no C-library function
# decides acceptance. Log-rank of PFS by nosology (df = 2): p = exp(-x/2) >= 0.06 (p > 0.05 with
# a margin) <=> x <= -2 ln 0.06. GD2 score test (df = 1): p >= 0.20 (clearly not significant)
# <=> x <= qchisq(0.80, 1).
LOGRANK_MAX_CHISQ_DF2 = 5.626821433520073     # -2 * ln(0.06)
SCORE_MAX_CHISQ_DF1 = 1.642374415149818       # qchisq(0.80, 1)

MASK64 = (1 << 64) - 1

# --------------------------------------------------------------------------------------------
# PRNG: splitmix64 (seeding) and xoshiro256** (streams)
# --------------------------------------------------------------------------------------------


def splitmix64_next(state):
    """One splitmix64 step: returns (new state, output). Steele, Lea & Flood (2014)."""
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def derive_seed(*parts):
    """A 64-bit seed from BASE_SEED and a tuple of small non-negative integers."""
    state = BASE_SEED & MASK64
    state, out = splitmix64_next(state)
    for p in parts:
        state = (out ^ (p & MASK64)) & MASK64
        state, out = splitmix64_next(state)
    return out


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK64


class Xoshiro256ss:
    """xoshiro256** 1.0 (Blackman & Vigna 2018), state filled from splitmix64(seed)."""

    def __init__(self, seed):
        state = seed & MASK64
        s = []
        for _ in range(4):
            state, out = splitmix64_next(state)
            s.append(out)
        self.s = s

    def next_u64(self):
        s = self.s
        result = (_rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def random(self):
        """Uniform on [0, 1): the top 53 bits, exactly representable."""
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)

    def below(self, n):
        """Uniform integer in [0, n), unbiased (rejection of the short last block)."""
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self.next_u64()
            if x < limit:
                return x % n

    def randint(self, a, b):
        """Uniform integer in [a, b]."""
        return a + self.below(b - a + 1)

    def bernoulli(self, p):
        return self.random() < p

    def weighted(self, items):
        """items: list of (value, integer weight)."""
        total = sum(w for _, w in items)
        r = self.below(total)
        for value, w in items:
            if r < w:
                return value
            r -= w
        raise AssertionError("unreachable")

    def shuffle(self, xs):
        """Fisher-Yates, in place."""
        for i in range(len(xs) - 1, 0, -1):
            j = self.below(i + 1)
            xs[i], xs[j] = xs[j], xs[i]

    def exponential_days(self, median_days):
        """Exponential waiting time with the given median, in days (a float)."""
        u = self.random()
        return -_ln(1.0 - u) * (median_days / LN2)


LN2 = 0.6931471805599453


def _ln(x):
    """Natural logarithm of x > 0 with + - * / only (frexp is exact): deterministic everywhere.

    x = m * 2**e with m in [0.5, 1); ln m = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 1/3;
    the series to s**41 has relative error below 1e-19.
    """
    if x <= 0.0:
        raise ValueError("ln of a non-positive number")
    m, e = math.frexp(x)
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    term = s
    total = 0.0
    k = 1
    while k <= 41:
        total += term / k
        term *= s2
        k += 2
    return e * LN2 + 2.0 * total


# --------------------------------------------------------------------------------------------
# Small survival statistics (the generator's own; verify_trial.py checks them against survkit)
# --------------------------------------------------------------------------------------------


def km_at(times, events, t_max):
    """Kaplan-Meier S(t_max) and its Greenwood standard error.

    times: integer days; events: 0/1. Deaths before censorings at tied times.
    S = prod (1 - d/n); Var S = S^2 sum d / (n (n - d)) over event times <= t_max.
    """
    pairs = sorted(zip(times, events))
    n = len(pairs)
    s = 1.0
    g = 0.0
    i = 0
    while i < len(pairs):
        t = pairs[i][0]
        if t > t_max:
            break
        d = 0
        c = 0
        while i < len(pairs) and pairs[i][0] == t:
            if pairs[i][1]:
                d += 1
            else:
                c += 1
            i += 1
        if d:
            s *= (n - d) / n
            if n > d:
                g += d / (n * (n - d))
        n -= d + c
    return s, math.sqrt(s * s * g)


def logrank_chisq(times, events, groups, labels):
    """k-sample log-rank chi-square (Mantel 1966), df = k - 1 (groups with no one at risk kept).

    U_g = sum (O_g - E_g); V_gh = sum d (n - d)/(n - 1) * n_g/n * (delta_gh - n_h/n);
    chi2 = U' V^- U with the last group dropped.
    """
    k = len(labels)
    index = {lab: i for i, lab in enumerate(labels)}
    data = sorted(zip(times, events, [index[g] for g in groups]))
    at_risk = [0] * k
    for _, _, gi in data:
        at_risk[gi] += 1
    u = [0.0] * k
    v = [[0.0] * k for _ in range(k)]
    i = 0
    while i < len(data):
        t = data[i][0]
        d_g = [0] * k
        r_g = [0] * k
        while i < len(data) and data[i][0] == t:
            _, ev, gi = data[i]
            r_g[gi] += 1
            if ev:
                d_g[gi] += 1
            i += 1
        d = sum(d_g)
        n = sum(at_risk)
        if d > 0:
            for a in range(k):
                e_a = d * at_risk[a] / n
                u[a] += d_g[a] - e_a
                if n > 1:
                    f = d * (n - d) / (n - 1)
                    for b in range(k):
                        delta = 1.0 if a == b else 0.0
                        v[a][b] += f * at_risk[a] / n * (delta - at_risk[b] / n)
        for a in range(k):
            at_risk[a] -= r_g[a]
    m = k - 1
    a_mat = [row[:m] + [u[r]] for r, row in enumerate(v[:m])]
    # Gaussian elimination with partial pivoting on [V | U].
    for col in range(m):
        piv = max(range(col, m), key=lambda r: abs(a_mat[r][col]))
        a_mat[col], a_mat[piv] = a_mat[piv], a_mat[col]
        p = a_mat[col][col]
        for r in range(col + 1, m):
            f = a_mat[r][col] / p
            for c in range(col, m + 1):
                a_mat[r][c] -= f * a_mat[col][c]
    x = [0.0] * m
    for r in range(m - 1, -1, -1):
        acc = a_mat[r][m]
        for c in range(r + 1, m):
            acc -= a_mat[r][c] * x[c]
        x[r] = acc / a_mat[r][r]
    return sum(u[r] * x[r] for r in range(m))


def cox_score_chisq(times, events, x):
    """Score (log-rank) test of one covariate in a Cox model at beta = 0, Breslow ties.

    U = sum over events (x_i - mean of x in the risk set);
    I = sum over event times d * (variance of x in the risk set). chi2 = U^2 / I, df = 1.
    Arithmetic only, so the acceptance decision is the same on every machine.
    """
    data = sorted(zip(times, events, x), key=lambda r: r[0])
    n = len(data)
    s0 = n
    s1 = sum(r[2] for r in data)
    s2 = sum(r[2] * r[2] for r in data)
    u = 0.0
    info = 0.0
    i = 0
    while i < n:
        t = data[i][0]
        d = 0
        xd = 0.0
        j = i
        while j < n and data[j][0] == t:
            if data[j][1]:
                d += 1
                xd += data[j][2]
            j += 1
        if d:
            mean = s1 / s0
            u += xd - d * mean
            info += d * (s2 / s0 - mean * mean)
        for r in range(i, j):
            s0 -= 1
            s1 -= data[r][2]
            s2 -= data[r][2] * data[r][2]
        i = j
    return u * u / info if info > 0 else 0.0


def close_to(value, target):
    return abs(100.0 * value - target) <= ROUND_MARGIN


# --------------------------------------------------------------------------------------------
# Stage A: the cohort
# --------------------------------------------------------------------------------------------

STAGE_A, STAGE_B, STAGE_C, STAGE_CYCLES = 1, 2, 3, 4


def make_cohort(a):
    rng = Xoshiro256ss(derive_seed(STAGE_A, 0, a))
    span = (LAST_ENROLMENT - FIRST_PATIENT).days
    # Enrolment starts slowly and accelerates (most patients in 2024): the day of each later
    # patient is span * max(u1, u2, u3), density rising as t^2. Patient 1 is 09.12.2021.
    days = [0]
    for _ in range(53):
        u = max(rng.random() for _ in range(ENROL_POWER))
        days.append(1 + int(u * span))
    days.sort()
    labels = [STS] * GROUP_SIZE[STS] + [OST] * GROUP_SIZE[OST] + [EWS] * GROUP_SIZE[EWS]
    rng.shuffle(labels)
    patients = []
    for i in range(54):
        noso = labels[i]
        if noso == OST:
            age = max(rng.randint(6, 17), rng.randint(6, 17))
        elif noso == EWS:
            age = max(rng.randint(4, 17), rng.randint(4, 17))
        else:
            age = rng.randint(2, 17)
        # GD2-positive tumour cells, in tenths of a percent: 15 % of patients 1.0-4.9,
        # 30 % 5.0-19.9, 55 % 20.0-100.0. Independent of everything else.
        kind = rng.weighted([(0, 15), (1, 30), (2, 55)])
        if kind == 0:
            gd2 = rng.randint(10, 49)
        elif kind == 1:
            gd2 = rng.randint(50, 199)
        else:
            gd2 = rng.randint(200, 1000)
        patients.append({
            "no": i + 1,
            "enrol": FIRST_PATIENT + datetime.timedelta(days=days[i]),
            "centre": CENTRES[0] if i == 0 else rng.weighted(list(zip(CENTRES, CENTRE_WEIGHTS))),
            "sex": "М" if rng.bernoulli(0.56) else "Ж",
            "age": age,
            "nosology": noso,
            "gd2_tenths": gd2,
            "chemo": rng.weighted(CHEMO[noso]),
        })
    for noso in NOSOLOGIES:
        resp = []
        for r, count in RESPONSES[noso].items():
            resp += [r] * count
        rng.shuffle(resp)
        members = [p for p in patients if p["nosology"] == noso]
        for p, r in zip(members, resp):
            p["response"] = r
    below5 = sum(1 for p in patients if p["gd2_tenths"] < 50)
    below20 = sum(1 for p in patients if p["gd2_tenths"] < 200)
    ok = 5 <= below5 <= 12 and 18 <= below20 <= 30
    return patients, ok


# --------------------------------------------------------------------------------------------
# Stage B: progression, deaths without progression, follow-up (per nosology)
# --------------------------------------------------------------------------------------------


def draw_followup(p, rng):
    """Latent progression, death without progression, loss to follow-up, last-visit lags."""
    r = p["response"]
    fu2 = (CUT2 - p["enrol"]).days
    prog = None
    death = None
    if r == "PD":
        prog = rng.randint(PD_DAYS[0], PD_DAYS[1])        # at the first response assessment
    else:
        cure, start, median = PFS_MODEL[r]
        cure = min(0.95, cure + CURE_SHIFT[p["nosology"]])
        if not rng.bernoulli(cure):
            prog = start + int(rng.exponential_days(median))
        if rng.bernoulli(DEATH_NO_PROG_P):                # death without progression
            d = 30 + int(rng.random() * 900)
            if prog is None or d < prog:
                death, prog = d, None
    lost = None
    if r != "PD" and rng.bernoulli(LOST_P):               # lost to follow-up
        lost = 120 + int(rng.random() * max(1, fu2 - 120))
    p["prog"], p["death0"], p["lost"] = prog, death, lost
    p["lag1"] = rng.randint(0, LAG_MAX)
    p["lag2"] = rng.randint(0, LAG_MAX)


def observe(p, cut, lag):
    """What the export at this cut-off shows: (progression day, death day, last-contact day)."""
    fu = (cut - p["enrol"]).days
    end = fu if p["lost"] is None else min(fu, p["lost"])
    prog = p["prog"] if p["prog"] is not None and p["prog"] <= end else None
    death = p["death"] if p.get("death") is not None and p["death"] <= end else None
    if death is not None:
        if prog is not None and prog > death:
            prog = None
        return prog, death, death
    if p["lost"] is not None and p["lost"] <= fu:
        last = p["lost"]
    else:
        last = fu - lag
    if prog is not None:
        last = max(last, prog)
    return prog, None, last


def endpoints(p, cut, lag):
    """(pfs days, pfs event, os days, os event) at a cut-off."""
    prog, death, last = observe(p, cut, lag)
    os_t, os_e = (death, 1) if death is not None else (last, 0)
    if prog is not None:
        pfs_t, pfs_e = prog, 1
    elif death is not None:
        pfs_t, pfs_e = death, 1
    else:
        pfs_t, pfs_e = last, 0
    return pfs_t, pfs_e, os_t, os_e


def stage_b(patients, noso, a):
    members = [p for p in patients if p["nosology"] == noso]
    target_s, target_se = TARGETS["pfs"][noso]
    kept = []
    for j in range(MAX_B):
        rng = Xoshiro256ss(derive_seed(STAGE_B, NOSOLOGIES.index(noso) + 1, a, j))
        for p in members:
            draw_followup(p, rng)
            p["death"] = p["death0"]
        t, e = [], []
        for p in members:
            pt, pe, _, _ = endpoints(p, CUT1, p["lag1"])
            t.append(pt)
            e.append(pe)
        s, se = km_at(t, e, ONE_YEAR_DAYS)
        if close_to(s, target_s) and close_to(se, target_se):
            kept.append(j)
            if len(kept) == PASSES_KEPT:
                break
    return kept


def apply_b(patients, noso, a, j):
    members = [p for p in patients if p["nosology"] == noso]
    rng = Xoshiro256ss(derive_seed(STAGE_B, NOSOLOGIES.index(noso) + 1, a, j))
    for p in members:
        draw_followup(p, rng)
        p["death"] = p["death0"]


# --------------------------------------------------------------------------------------------
# Stage C: deaths after progression
# --------------------------------------------------------------------------------------------


def apply_c(patients, a, k):
    rng = Xoshiro256ss(derive_seed(STAGE_C, 0, a, k))
    for p in patients:
        u = rng.random()                   # drawn for everyone, so indices stay aligned
        if p["death0"] is not None:
            p["death"] = p["death0"]
        elif p["prog"] is not None:
            # survival after progression: at least 3 weeks, then exponential (PPS_MEDIAN)
            p["death"] = p["prog"] + 21 + int(-_ln(1.0 - u) * (PPS_MEDIAN / LN2))
        else:
            p["death"] = None


# --------------------------------------------------------------------------------------------
# Checks on a whole cut
# --------------------------------------------------------------------------------------------


def figures(patients, cut, lag_key):
    rows = [endpoints(p, cut, p[lag_key]) for p in patients]
    pfs_t = [r[0] for r in rows]
    pfs_e = [r[1] for r in rows]
    os_t = [r[2] for r in rows]
    os_e = [r[3] for r in rows]
    noso = [p["nosology"] for p in patients]
    gd2 = [p["gd2_tenths"] / 10.0 for p in patients]
    f = {}
    f["pfs_all"] = km_at(pfs_t, pfs_e, ONE_YEAR_DAYS)
    f["os_all"] = km_at(os_t, os_e, ONE_YEAR_DAYS)
    for months, days in LATER_TIMES:
        f["pfs_%d" % months] = km_at(pfs_t, pfs_e, days)[0]
        f["os_%d" % months] = km_at(os_t, os_e, days)[0]
    for g in NOSOLOGIES:
        idx = [i for i in range(len(patients)) if noso[i] == g]
        f["pfs_" + g] = km_at([pfs_t[i] for i in idx], [pfs_e[i] for i in idx], ONE_YEAR_DAYS)
    f["logrank_chisq"] = logrank_chisq(pfs_t, pfs_e, noso, NOSOLOGIES)
    f["gd2_pfs_score"] = cox_score_chisq(pfs_t, pfs_e, gd2)
    f["gd2_os_score"] = cox_score_chisq(os_t, os_e, gd2)
    f["pfs_events"] = sum(pfs_e)
    f["os_events"] = sum(os_e)
    return f


def pfs_ok(f1, f2):
    """Stage D: cut-1 whole-group PFS on target; no PFS difference by nosology and no GD2
    effect on PFS at either cut; cut-2 1-year PFS within CUT2_MAX_SHIFT points of cut 1 and
    cut-2 PFS at 18 and 24 months not above cut 1 (new events lower the tail)."""
    return (close_to(f1["pfs_all"][0], TARGETS["pfs"]["all"][0])
            and close_to(f1["pfs_all"][1], TARGETS["pfs"]["all"][1])
            and f1["logrank_chisq"] <= LOGRANK_MAX_CHISQ_DF2
            and f2["logrank_chisq"] <= LOGRANK_MAX_CHISQ_DF2
            and f1["gd2_pfs_score"] <= SCORE_MAX_CHISQ_DF1
            and f2["gd2_pfs_score"] <= SCORE_MAX_CHISQ_DF1
            and abs(100 * (f2["pfs_all"][0] - f1["pfs_all"][0])) <= CUT2_MAX_SHIFT
            and all(f2["pfs_%d" % m] <= f1["pfs_%d" % m] + 1e-9 for m, _ in LATER_TIMES))


def os_ok(f1, f2):
    """Stage C: cut-1 whole-group OS on target; no GD2 effect on OS at either cut; cut-2
    1-year OS within CUT2_MAX_SHIFT points of cut 1 and cut-2 OS at 18 and 24 months not
    above cut 1."""
    return (close_to(f1["os_all"][0], TARGETS["os"]["all"][0])
            and close_to(f1["os_all"][1], TARGETS["os"]["all"][1])
            and f1["gd2_os_score"] <= SCORE_MAX_CHISQ_DF1
            and f2["gd2_os_score"] <= SCORE_MAX_CHISQ_DF1
            and abs(100 * (f2["os_all"][0] - f1["os_all"][0])) <= CUT2_MAX_SHIFT
            and all(f2["os_%d" % m] <= f1["os_%d" % m] + 1e-9 for m, _ in LATER_TIMES))


# --------------------------------------------------------------------------------------------
# Cycles and writing
# --------------------------------------------------------------------------------------------


def assign_cycles(patients, a):
    """Immunotherapy cycles (6-12): 6 for PD, more with benefit; all given by cut 1."""
    rng = Xoshiro256ss(derive_seed(STAGE_CYCLES, 0, a, 0))
    for p in patients:
        r = p["response"]
        if r == "PD":
            planned = 6
        elif r == "SD":
            planned = rng.randint(6, 8)
        elif r == "PR":
            planned = rng.randint(8, 12)
        elif r == "CR":
            planned = rng.randint(10, 12)
        else:
            planned = rng.randint(6, 12)
        fu1 = (CUT1 - p["enrol"]).days
        limit = 1 + fu1 // CYCLE_DAYS                   # cycles started by cut 1
        if p["prog"] is not None and p["prog"] <= fu1:
            limit = min(limit, 1 + p["prog"] // CYCLE_DAYS)
        p["cycles"] = max(6, min(planned, limit))


def fmt_date(base, days):
    if days is None:
        return ""
    d = base + datetime.timedelta(days=days)
    return "%02d.%02d.%04d" % (d.day, d.month, d.year)


def fmt_gd2(tenths):
    whole, frac = divmod(tenths, 10)
    return str(whole) if frac == 0 else "%d,%d" % (whole, frac)


def write_cut(patients, cut, lag_key, path):
    lines = [HEADER]
    for p in patients:
        prog, death, last = observe(p, cut, p[lag_key])
        base = p["enrol"]
        lines.append(";".join([
            str(p["no"]), p["centre"], p["sex"], str(p["age"]), p["nosology"],
            fmt_gd2(p["gd2_tenths"]), fmt_date(base, 0), p["response"],
            fmt_date(base, prog), fmt_date(base, death), fmt_date(base, last),
            str(p["cycles"]), p["chemo"],
        ]))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(path, "wb") as fh:
        fh.write(data)


def check_consistency(patients):
    """Hard rules for both cuts and between them; raises on any violation."""
    for p in patients:
        o1 = observe(p, CUT1, p["lag1"])
        o2 = observe(p, CUT2, p["lag2"])
        for (prog, death, last), cut in ((o1, CUT1), (o2, CUT2)):
            fu = (cut - p["enrol"]).days
            assert 0 < last <= fu, p["no"]
            if prog is not None:
                assert 0 < prog <= last
            if death is not None:
                assert last == death and (prog is None or prog <= death)
        if o1[0] is not None:
            assert o2[0] == o1[0]
        if o1[1] is not None:
            assert o2[1] == o1[1] and o2[2] == o1[2]
        assert o2[2] >= o1[2]
        if p["response"] == "PD":
            assert o1[0] is not None and o1[0] <= PD_DAYS[1]


def search():
    a = 0
    while True:
        patients, ok = make_cohort(a)
        if not ok:
            a += 1
            continue
        kept = {}
        for noso in NOSOLOGIES:
            kept[noso] = stage_b(patients, noso, a)
        if any(len(v) == 0 for v in kept.values()):
            a += 1
            continue
        ks, ko, ke = kept[STS], kept[OST], kept[EWS]
        for i1 in range(len(ks)):
            apply_b(patients, STS, a, ks[i1])
            for i2 in range(len(ko)):
                apply_b(patients, OST, a, ko[i2])
                for i3 in range(len(ke)):
                    apply_b(patients, EWS, a, ke[i3])
                    if not pfs_ok(figures(patients, CUT1, "lag1"),
                                  figures(patients, CUT2, "lag2")):
                        continue
                    for k in range(MAX_C):
                        apply_c(patients, a, k)
                        f1 = figures(patients, CUT1, "lag1")
                        f2 = figures(patients, CUT2, "lag2")
                        if os_ok(f1, f2):
                            choice = {"a": a, STS: ks[i1], OST: ko[i2], EWS: ke[i3], "k": k}
                            return patients, choice
                    # no k: back to stage D
                    for p in patients:
                        p["death"] = p["death0"]
        a += 1


def describe(f, label):
    out = ["%s:" % label]
    s, se = f["pfs_all"]
    out.append("  1-year PFS, all          %5.1f +- %4.1f %%" % (100 * s, 100 * se))
    for g in NOSOLOGIES:
        s, se = f["pfs_" + g]
        out.append("  1-year PFS, %-22s %5.1f +- %4.1f %%" % (g, 100 * s, 100 * se))
    s, se = f["os_all"]
    out.append("  1-year OS, all           %5.1f +- %4.1f %%" % (100 * s, 100 * se))
    out.append("  PFS at 18 / 24 months     %5.1f / %4.1f %%; OS %5.1f / %4.1f %%"
               % (100 * f["pfs_18"], 100 * f["pfs_24"], 100 * f["os_18"], 100 * f["os_24"]))
    chi = f["logrank_chisq"]
    out.append("  log-rank PFS by nosology chi2 = %.3f, df = 2, p = %.3f"
               % (chi, math.exp(-chi / 2)))
    out.append("  GD2 score test chi2 (df 1): PFS %.3f, OS %.3f"
               % (f["gd2_pfs_score"], f["gd2_os_score"]))
    out.append("  events: PFS %d, OS %d" % (f["pfs_events"], f["os_events"]))
    return "\n".join(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    patients, choice = search()
    assign_cycles(patients, choice["a"])
    check_consistency(patients)
    write_cut(patients, CUT1, "lag1", os.path.join(here, "trial_cut1.csv"))
    write_cut(patients, CUT2, "lag2", os.path.join(here, "trial_cut2.csv"))
    evaluable = [p for p in patients if p["response"]]
    orr = sum(1 for p in evaluable if p["response"] in ("CR", "PR"))
    dcr = sum(1 for p in evaluable if p["response"] in ("CR", "PR", "SD"))
    print("base seed %d; accepted candidates: cohort a = %d, PFS j = %d (%s), %d (%s), %d (%s), "
          "deaths k = %d" % (BASE_SEED, choice["a"], choice[STS], STS, choice[OST], OST,
                             choice[EWS], EWS, choice["k"]))
    print("ORR %d/%d = %.1f %%, DCR %d/%d = %.1f %%"
          % (orr, len(evaluable), 100.0 * orr / len(evaluable),
             dcr, len(evaluable), 100.0 * dcr / len(evaluable)))
    print(describe(figures(patients, CUT1, "lag1"), "cut 1 (01.06.2025)"))
    print(describe(figures(patients, CUT2, "lag2"), "cut 2 (01.11.2025)"))


if __name__ == "__main__":
    sys.exit(main())
