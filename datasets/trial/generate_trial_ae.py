"""Add SYNTHETIC adverse-event data to the synthetic trial export, for competing-risk analyses.

Reads the two data cuts written by generate_trial.py (which it does not change) and writes,
for each cut, two NEW files:

    datasets/trial/trial_cut1_ae.csv        the export's adverse-event sheet (Russian locale:
    datasets/trial/trial_cut2_ae.csv        ';', DD.MM.YYYY): patient number, date of the
                                            first grade >= 3 capillary-leak (СКУ) or
                                            cytokine-release (СВЦ) syndrome, its type
    datasets/trial/trial_cut1_competing.csv analysis-ready competing-risk file (',', months):
    datasets/trial/trial_cut2_competing.csv time to the first of AE / progression / death,
                                            the first event's type, nosology, GD2

The AE model (synthetic, for testing software only): each patient has a grade >= 3 CLS/CRS
with probability 0.35, at an exponential time with median 45 days from enrolment (the first
immunotherapy cycles), of type CLS with probability 0.6, else CRS. An AE is shown only if it
falls on or before the patient's progression, death and last contact at the cut, so cut 2
extends cut 1 consistently. Deterministic: the seed derives from generate_trial.py's
BASE_SEED and the patient number.

competing.csv columns: id, nosology (ASCII: soft_tissue, osteosarcoma, ewing), gd2, time
(months from enrolment = days / 30.4375), event (0 = censored, 1 = grade >= 3 CLS/CRS,
2 = progression, 3 = death without progression), ae_type (CLS, CRS or empty).

    python3 datasets/trial/generate_trial_ae.py
"""
import datetime
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate_trial as g  # noqa: E402  (the RNG and seed scheme of the export)

AE_SEED_TAG = 7001
P_AE = 0.35
AE_MEDIAN_DAYS = 45.0
P_CLS = 0.6
NOSOLOGY = {
    "саркома мягких тканей": "soft_tissue",
    "остеосаркома": "osteosarcoma",
    "саркома Юинга": "ewing",
}


def parse_date(text):
    if not text:
        return None
    d, m, y = text.split(".")
    return datetime.date(int(y), int(m), int(d))


def fmt_date(d):
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


def months(days):
    return repr(round(days / 30.4375, 6))


def main():
    for cut in (1, 2):
        src = HERE / f"trial_cut{cut}.csv"
        lines = src.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(";")
        col = {name: k for k, name in enumerate(header)}
        ae_rows = ["№;Дата НЯ 3+ степени;Вид НЯ"]
        cr_rows = ["id,nosology,gd2,time,event,ae_type"]
        for line in lines[1:]:
            f = line.split(";")
            pid = int(f[col["№"]])
            enrol = parse_date(f[col["Дата включения"]])
            prog = parse_date(f[col["Дата прогрессирования"]])
            death = parse_date(f[col["Дата смерти"]])
            last = parse_date(f[col["Дата последнего контакта"]])
            rng = g.Xoshiro256ss(g.derive_seed(AE_SEED_TAG, pid))
            has_ae = rng.bernoulli(P_AE)
            day = max(1, int(rng.exponential_days(AE_MEDIAN_DAYS)))
            kind = "CLS" if rng.bernoulli(P_CLS) else "CRS"
            ae = enrol + datetime.timedelta(days=day) if has_ae else None
            limit = min(d for d in (prog, death, last) if d is not None)
            if ae is not None and ae > limit:
                ae = None
            if ae is not None:
                ae_rows.append(f"{pid};{fmt_date(ae)};{'СКУ' if kind == 'CLS' else 'СВЦ'}")
            # First event: AE, then progression, then death (ties go to the AE, which is
            # recorded at the visit that also finds the other event).
            candidates = [(ae, 1), (prog, 2), (death, 3)]
            first = min(((d, e) for d, e in candidates if d is not None), default=None)
            if first is None:
                time, event = (last - enrol).days, 0
            else:
                time, event = (first[0] - enrol).days, first[1]
            gd2 = f[col["GD2, %"]].replace(",", ".")
            nos = NOSOLOGY[f[col["Нозология"]]]
            cr_rows.append(
                f"{pid},{nos},{gd2},{months(time)},{event},{kind if event == 1 else ''}")
        (HERE / f"trial_cut{cut}_ae.csv").write_text("\n".join(ae_rows) + "\n", encoding="utf-8")
        (HERE / f"trial_cut{cut}_competing.csv").write_text(
            "\n".join(cr_rows) + "\n", encoding="utf-8")
        print(f"cut {cut}: {len(ae_rows) - 1} AEs")


if __name__ == "__main__":
    main()
