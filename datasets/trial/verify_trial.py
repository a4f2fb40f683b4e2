#!/usr/bin/env python3
"""Check the synthetic trial exports and rerun the interim analysis on them.

    python3 datasets/trial/verify_trial.py [--survkit PATH] [--keep DIR]

What it does, for each cut (trial_cut1.csv, trial_cut2.csv):

1. Reads the export as the analysis plan would (UTF-8, ';', decimal comma, dd.mm.yyyy, empty =
   missing) with Python's csv module, independently of generate_trial.py, and checks the format
   and the date rules (progression <= death <= last contact, last contact = death for the dead,
   nothing after the cut-off, cut 2 keeps everything cut 1 knew).
2. Derives the endpoints: OS = enrolment -> death (event) or last contact (censored);
   PFS = enrolment -> progression or death, whichever first (event), else last contact
   (censored); events after the cut-off censored at it; months = days / 30.4375.
3. Writes them to a temporary CSV (time_os, os_event, time_pfs, pfs_event, nosology, gd2) and
   runs survkit on it:  km ... --times 12 --format json  (whole group and by nosology),
   logrank (PFS by nosology), cox (PFS and OS on GD2 %, continuous).
4. Cross-checks with lifelines (Kaplan-Meier with Greenwood SE from its event table,
   multivariate log-rank, CoxPHFitter with Efron ties), when lifelines is installed.
5. Prints the cut-1 figures against the published targets (and exits 1 if one misses), and the
   cut-2 figures for information.

survkit defaults to .build/release/survkit at the repository root; without it, step 3 is
skipped (and said so). Temporary files go to a system temporary directory unless --keep DIR.
"""

import argparse
import csv
import datetime
import io
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

HEADER = ["№", "Центр", "Пол", "Возраст", "Нозология", "GD2, %", "Дата включения",
          "Лучший ответ", "Дата прогрессирования", "Дата смерти", "Дата последнего контакта",
          "Циклы иммунотерапии", "Режим химиотерапии"]
CENTRES = {"НМИЦ онкологии им. Н.Н. Петрова", "НМИЦ онкологии им. Н.Н. Блохина",
           "НИИ ДОГиТ им. Р.М. Горбачевой"}
NOSOLOGY_CODE = {"саркома мягких тканей": "sts", "остеосаркома": "osteosarcoma",
                 "саркома Юинга": "ewing"}
CUTS = [("trial_cut1.csv", datetime.date(2025, 6, 1)),
        ("trial_cut2.csv", datetime.date(2025, 11, 1))]
DAYS_PER_MONTH = 30.4375

# Published interim figures (cut 1): percent, rounded to integers.
TARGETS = [
    ("1-year PFS, all", "pfs", "all", 56, 8),
    ("1-year PFS, soft-tissue sarcoma", "pfs", "sts", 53, 13),
    ("1-year PFS, osteosarcoma", "pfs", "osteosarcoma", 67, 12),
    ("1-year PFS, Ewing sarcoma", "pfs", "ewing", 22, 19),
    ("1-year OS, all", "os", "all", 81, 6),
]


def parse_date(text, where):
    day, month, year = text.split(".")
    assert len(day) == 2 and len(month) == 2 and len(year) == 4, where
    return datetime.date(int(year), int(month), int(day))


def parse_decimal(text):
    """Russian-locale number: decimal comma, no thousands separator."""
    return float(text.replace(",", "."))


def read_export(path, cut):
    raw = open(path, "rb").read()
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append("starts with a byte-order mark")
    if b"\r" in raw:
        problems.append("has CR characters (line endings must be LF)")
    if not raw.endswith(b"\n"):
        problems.append("does not end with a newline")
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    if rows[0] != HEADER:
        problems.append("header differs: %r" % rows[0])
    patients = []
    for line_no, r in enumerate(rows[1:], start=2):
        where = "%s line %d" % (os.path.basename(path), line_no)
        if len(r) != len(HEADER):
            problems.append("%s: %d fields" % (where, len(r)))
            continue
        p = dict(zip(HEADER, r))
        q = {
            "no": int(p["№"]),
            "centre": p["Центр"],
            "sex": p["Пол"],
            "age": int(p["Возраст"]),
            "nosology": p["Нозология"],
            "gd2": parse_decimal(p["GD2, %"]),
            "enrol": parse_date(p["Дата включения"], where),
            "response": p["Лучший ответ"],
            "prog": parse_date(p["Дата прогрессирования"], where) if p["Дата прогрессирования"] else None,
            "death": parse_date(p["Дата смерти"], where) if p["Дата смерти"] else None,
            "last": parse_date(p["Дата последнего контакта"], where),
            "cycles": int(p["Циклы иммунотерапии"]),
            "chemo": p["Режим химиотерапии"],
        }
        checks = [
            (q["no"] == line_no - 1, "№ out of sequence"),
            (q["centre"] in CENTRES, "unknown centre"),
            (q["sex"] in ("М", "Ж"), "sex not М/Ж"),
            (2 <= q["age"] <= 17, "age outside 2..17"),
            (q["nosology"] in NOSOLOGY_CODE, "unknown nosology"),
            (1.0 <= q["gd2"] <= 100.0, "GD2 outside 1..100"),
            ("." not in p["GD2, %"], "GD2 written with a decimal point"),
            (q["response"] in ("", "CR", "PR", "SD", "PD"), "unknown response"),
            (6 <= q["cycles"] <= 12, "cycles outside 6..12"),
            (q["last"] >= q["enrol"], "last contact before enrolment"),
            (q["last"] <= cut, "last contact after the cut-off"),
            (q["prog"] is None or q["enrol"] < q["prog"] <= q["last"],
             "progression not within enrolment..last contact"),
            (q["death"] is None or q["death"] == q["last"], "dead but last contact != death"),
            (q["death"] is None or q["prog"] is None or q["prog"] <= q["death"],
             "progression after death"),
            (q["response"] != "PD" or q["prog"] is not None, "PD without a progression date"),
        ]
        for ok, message in checks:
            if not ok:
                problems.append("%s: %s" % (where, message))
        patients.append(q)
    if len(patients) != 54:
        problems.append("%d patients, expected 54" % len(patients))
    return patients, problems


def compare_cuts(c1, c2):
    """Everything known at cut 1 must be unchanged at cut 2."""
    problems = []
    fixed = ["centre", "sex", "age", "nosology", "gd2", "enrol", "response", "cycles", "chemo"]
    for a, b in zip(c1, c2):
        for k in fixed:
            if a[k] != b[k]:
                problems.append("patient %d: %s changed between cuts" % (a["no"], k))
        if a["prog"] is not None and b["prog"] != a["prog"]:
            problems.append("patient %d: progression date changed" % a["no"])
        if a["death"] is not None and (b["death"] != a["death"] or b["last"] != a["last"]):
            problems.append("patient %d: death changed" % a["no"])
        if b["last"] < a["last"]:
            problems.append("patient %d: last contact earlier at cut 2" % a["no"])
        for k in ("prog", "death"):
            if a[k] is None and b[k] is not None and b[k] <= CUTS[0][1]:
                problems.append("patient %d: new %s dated before the cut-1 cut-off" % (a["no"], k))
    return problems


def endpoints(q, cut):
    """(time_os, os_event, time_pfs, pfs_event) in months, events after the cut-off censored."""
    def months(d):
        return (d - q["enrol"]).days / DAYS_PER_MONTH
    end = min(q["last"], cut)
    if q["death"] is not None and q["death"] <= cut:
        os_t, os_e = months(q["death"]), 1
    else:
        os_t, os_e = months(end), 0
    first = [d for d in (q["prog"], q["death"]) if d is not None and d <= cut]
    if first:
        pfs_t, pfs_e = months(min(first)), 1
    else:
        pfs_t, pfs_e = months(end), 0
    return os_t, os_e, pfs_t, pfs_e


def write_derived(patients, cut, path):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("id,time_os,os_event,time_pfs,pfs_event,nosology,gd2\n")
        for q in patients:
            os_t, os_e, pfs_t, pfs_e = endpoints(q, cut)
            fh.write("%d,%r,%d,%r,%d,%s,%r\n" % (q["no"], os_t, os_e, pfs_t, pfs_e,
                                                  NOSOLOGY_CODE[q["nosology"]], q["gd2"]))


def run_survkit(survkit, args):
    out = subprocess.run([survkit] + args, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def survkit_figures(survkit, derived, export):
    f = {}
    for ep, t, e in (("pfs", "time_pfs", "pfs_event"), ("os", "time_os", "os_event")):
        whole = run_survkit(survkit, ["km", derived, "Surv(%s, %s) ~ 1" % (t, e),
                                      "--times", "12", "--format", "json"])
        at = whole["strata"][0]["at"][0]
        f[(ep, "all")] = (at["survival"], at["std_err"])
        by = run_survkit(survkit, ["km", derived, "Surv(%s, %s) ~ nosology" % (t, e),
                                   "--times", "12", "--format", "json"])
        for stratum in by["strata"]:
            at = stratum["at"][0]
            f[(ep, stratum["label"].split("=", 1)[1])] = (at["survival"], at["std_err"])
        cox = run_survkit(survkit, ["cox", derived, "Surv(%s, %s) ~ gd2" % (t, e),
                                    "--format", "json"])
        c = cox["coefficients"][0]
        f[(ep, "cox")] = (c["hr"], c["lower"], c["upper"], c["p"])
    lr = run_survkit(survkit, ["logrank", derived, "Surv(time_pfs, pfs_event) ~ nosology",
                               "--format", "json"])
    f["logrank"] = (lr["chisq"], lr["df"], lr["p"])
    # Intake smoke test on the Russian export itself (a meaningless model; it only shows that
    # survkit reads all 54 rows: ';', decimal commas, Cyrillic header and values).
    smoke = run_survkit(survkit, ["cox", export,
                                  "Surv(`Циклы иммунотерапии`, `Возраст` == 15) ~ `GD2, %`",
                                  "--format", "json"])
    f["intake"] = (smoke["n"], smoke["dropped"])
    return f


def lifelines_figures(patients, cut):
    try:
        import pandas as pd
        from lifelines import CoxPHFitter, KaplanMeierFitter
        from lifelines.statistics import multivariate_logrank_test
    except ImportError:
        return None
    rows = []
    for q in patients:
        os_t, os_e, pfs_t, pfs_e = endpoints(q, cut)
        rows.append({"time_os": os_t, "os_event": os_e, "time_pfs": pfs_t, "pfs_event": pfs_e,
                     "nosology": NOSOLOGY_CODE[q["nosology"]], "gd2": q["gd2"]})
    df = pd.DataFrame(rows)

    def km12(sub, t, e):
        kmf = KaplanMeierFitter().fit(sub[t], sub[e])
        s = float(kmf.survival_function_at_times(12.0).iloc[0])
        tab = kmf.event_table
        tab = tab[(tab.index <= 12.0) & (tab["observed"] > 0)]
        g = sum(d / (n * (n - d)) for d, n in zip(tab["observed"], tab["at_risk"]) if n > d)
        return s, s * math.sqrt(g)

    f = {}
    for ep, t, e in (("pfs", "time_pfs", "pfs_event"), ("os", "time_os", "os_event")):
        f[(ep, "all")] = km12(df, t, e)
        for code in NOSOLOGY_CODE.values():
            f[(ep, code)] = km12(df[df["nosology"] == code], t, e)
        cph = CoxPHFitter().fit(df[[t, e, "gd2"]], duration_col=t, event_col=e)
        s = cph.summary.loc["gd2"]
        f[(ep, "cox")] = (float(s["exp(coef)"]), float(s["exp(coef) lower 95%"]),
                          float(s["exp(coef) upper 95%"]), float(s["p"]))
    lr = multivariate_logrank_test(df["time_pfs"], df["nosology"], df["pfs_event"])
    f["logrank"] = (float(lr.test_statistic), int(lr.degrees_of_freedom), float(lr.p_value))
    return f


def pct(x):
    return "%5.1f" % (100.0 * x)


def report(name, patients, cut, sk, ll, with_targets):
    print("=" * 78)
    print("%s  (cut-off %s)" % (name, cut.strftime("%d.%m.%Y")))
    evaluable = [q for q in patients if q["response"]]
    orr = sum(q["response"] in ("CR", "PR") for q in evaluable)
    dcr = sum(q["response"] in ("CR", "PR", "SD") for q in evaluable)
    counts = {k: sum(q["nosology"] == k for q in patients) for k in NOSOLOGY_CODE}
    print("patients %d (%s); evaluable for response %d"
          % (len(patients), ", ".join("%s %d" % (NOSOLOGY_CODE[k], v) for k, v in counts.items()),
             len(evaluable)))
    derived = [endpoints(q, cut) for q in patients]
    print("events: PFS %d, OS %d (deaths without progression %d)"
          % (sum(d[3] for d in derived), sum(d[1] for d in derived),
             sum(1 for q in patients if q["death"] is not None and q["prog"] is None
                 and q["death"] <= cut)))
    ok_all = True
    src = sk if sk is not None else ll
    print("%-34s %-18s %-18s %-8s %s" % ("figure", "survkit", "lifelines", "target", ""))

    def line(label, sk_val, ll_val, target, ok):
        print("%-34s %-18s %-18s %-8s %s" % (label, sk_val, ll_val, target,
                                             "" if ok is None else ("ok" if ok else "MISS")))

    def fmt_km(f, key):
        if f is None:
            return "-"
        s, se = f[key]
        return "%s ± %s" % (pct(s), pct(se).strip())

    for label, ep, grp, t_s, t_se in TARGETS:
        ok = None
        if with_targets and src is not None:
            s, se = src[(ep, grp)]
            ok = round(100 * s) == t_s and round(100 * se) == t_se
            ok_all &= ok
        line(label, fmt_km(sk, (ep, grp)), fmt_km(ll, (ep, grp)),
             "%d ± %d" % (t_s, t_se) if with_targets else "", ok)
    for ep, grp in (("os", "sts"), ("os", "osteosarcoma"), ("os", "ewing")):
        line("1-year OS, %s" % grp, fmt_km(sk, (ep, grp)), fmt_km(ll, (ep, grp)), "", None)

    def fmt_lr(f):
        return "-" if f is None else "chi2 %.3f p %.3f" % (f["logrank"][0], f["logrank"][2])
    ok = None
    if src is not None:
        ok = src["logrank"][2] > 0.05
        ok_all &= ok
    line("log-rank PFS by nosology (df 2)", fmt_lr(sk), fmt_lr(ll), "p > 0.05", ok)
    for ep in ("pfs", "os"):
        def fmt_cox(f):
            return "-" if f is None else "HR %.4f p %.3f" % (f[(ep, "cox")][0], f[(ep, "cox")][3])
        ok = None
        if src is not None:
            ok = src[(ep, "cox")][3] > 0.05
            ok_all &= ok
        line("Cox %s ~ GD2 %% (per 1 %%)" % ep.upper(), fmt_cox(sk), fmt_cox(ll), "p > 0.05", ok)
        if src is not None:
            hr, lo, hi, _ = src[(ep, "cox")]
            print("%-34s 95 %% CI %.4f - %.4f" % ("", lo, hi))
    orr_ok = round(100.0 * orr / len(evaluable)) == 59
    dcr_ok = round(100.0 * dcr / len(evaluable)) == 64
    if with_targets:
        ok_all &= orr_ok and dcr_ok
    line("ORR (CR+PR)/evaluable", "%d/%d = %.1f %%" % (orr, len(evaluable), 100.0 * orr / len(evaluable)),
         "", "59 %" if with_targets else "", orr_ok if with_targets else None)
    line("DCR (CR+PR+SD)/evaluable", "%d/%d = %.1f %%" % (dcr, len(evaluable), 100.0 * dcr / len(evaluable)),
         "", "64 %" if with_targets else "", dcr_ok if with_targets else None)
    if sk is not None and ll is not None:
        worst = 0.0
        for key in sk:
            if isinstance(key, tuple) and key[1] != "cox":
                worst = max(worst, abs(sk[key][0] - ll[key][0]), abs(sk[key][1] - ll[key][1]))
        worst_lr = abs(sk["logrank"][0] - ll["logrank"][0])
        worst_cox = max(abs(sk[(ep, "cox")][0] - ll[(ep, "cox")][0]) for ep in ("pfs", "os"))
        print("survkit vs lifelines: max |diff| KM %.1e, log-rank chi2 %.1e, Cox HR %.1e"
              % (worst, worst_lr, worst_cox))
    if sk is not None:
        print("survkit read the export itself: n = %d, dropped = %d" % sk["intake"])
    return ok_all


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--survkit", default=os.path.join(ROOT, ".build", "release", "survkit"))
    ap.add_argument("--keep", help="write the derived CSVs to this directory and keep them")
    args = ap.parse_args()
    have_survkit = os.path.isfile(args.survkit) and os.access(args.survkit, os.X_OK)
    if not have_survkit:
        print("note: %s not found: survkit checks skipped" % args.survkit)

    cuts = []
    failed = False
    for name, cut in CUTS:
        patients, problems = read_export(os.path.join(HERE, name), cut)
        for pr in problems:
            print("FORMAT/CONSISTENCY: %s: %s" % (name, pr))
        failed |= bool(problems)
        cuts.append((name, cut, patients))
    between = compare_cuts(cuts[0][2], cuts[1][2])
    for pr in between:
        print("BETWEEN CUTS: %s" % pr)
    failed |= bool(between)
    if not failed:
        print("format and consistency: both exports pass (54 patients; cut 2 keeps cut 1)")

    tmp = None
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        workdir = args.keep
    else:
        tmp = tempfile.TemporaryDirectory()
        workdir = tmp.name
    try:
        for i, (name, cut, patients) in enumerate(cuts):
            derived = os.path.join(workdir, name.replace(".csv", "_endpoints.csv"))
            write_derived(patients, cut, derived)
            sk = survkit_figures(args.survkit, derived, os.path.join(HERE, name)) if have_survkit else None
            ll = lifelines_figures(patients, cut)
            if ll is None:
                print("note: lifelines not installed: cross-check skipped")
            ok = report(name, patients, cut, sk, ll, with_targets=(i == 0))
            if i == 0 and not ok:
                failed = True
    finally:
        if tmp is not None:
            tmp.cleanup()
    print("=" * 78)
    print("RESULT: %s" % ("FAIL" if failed else "cut 1 reproduces every published figure"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
