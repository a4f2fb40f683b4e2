"""Synthetic adverse-event export consistent with the synthetic trial (trial_cut2.csv).

SYNTHETIC DATA: every row is invented. Deterministic, Python 3 standard library only; it uses
the PRNG and seed derivation of generate_trial.py (xoshiro256** seeded by splitmix64 from the
base seed 20250712), with its own stage number, so the trial files are not affected.

    python3 datasets/trial/generate_adverse_events.py

reads trial_cut2.csv and writes
- adverse_events_cut2.csv (the export, format in README.md of this folder), and
- Tests/SurvivalKitTests/Fixtures/safety/trial_cut2_ae_summary.json: the safety tables counted
  here, independently of survkit, which the Swift tests compare with `survkit safety`.
"""

import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate_trial as gt  # noqa: E402  (PRNG, seeds, cycle length)

STAGE_AE = 7          # the trial generator uses stages below 7
CUT2 = gt.CUT2
CYCLE_DAYS = gt.CYCLE_DAYS
HEADER = ("№;Курс;Цикл;Термин CTCAE;Системно-органный класс;Степень;"
          "Дата начала;Дата разрешения")
GENERAL = "General disorders and administration site conditions"
VASCULAR = "Vascular disorders"
IMMUNE = "Immune system disorders"
BLOOD = "Blood and lymphatic system disorders"
INVESTIGATIONS = "Investigations"
GI = "Gastrointestinal disorders"
# (term, SOC, probability per cycle, grade weights for grades 1..4, chemotherapy only)
TERMS = [
    ("Fever", GENERAL, 0.45, [50, 35, 13, 2], False),
    ("Pain", GENERAL, 0.40, [45, 40, 15, 0], False),
    ("Hypotension", VASCULAR, 0.12, [40, 40, 17, 3], False),
    ("Cytokine release syndrome", IMMUNE, 0.08, [45, 40, 13, 2], False),
    ("Capillary leak syndrome", VASCULAR, 0.04, [30, 45, 22, 3], False),
    ("Fatigue", GENERAL, 0.15, [60, 35, 5, 0], False),
    ("Anemia", BLOOD, 0.25, [40, 40, 20, 0], True),
    ("Neutrophil count decreased", INVESTIGATIONS, 0.22, [20, 35, 30, 15], True),
    ("Platelet count decreased", INVESTIGATIONS, 0.12, [45, 30, 18, 7], True),
    ("Nausea", GI, 0.18, [60, 35, 5, 0], True),
    ("Vomiting", GI, 0.12, [60, 32, 8, 0], True),
    ("Diarrhea", GI, 0.10, [55, 30, 15, 0], True),
]
NO_CHEMO = "без химиотерапии"


def parse_date(text):
    if not text:
        return None
    d, m, y = text.split(".")
    return datetime.date(int(y), int(m), int(d))


def fmt(date):
    return "" if date is None else "%02d.%02d.%04d" % (date.day, date.month, date.year)


def main():
    with open(os.path.join(HERE, "trial_cut2.csv"), encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split(";") for line in fh][1:]
    patients = []
    for r in rows:
        patients.append({
            "no": int(r[0]), "enrol": parse_date(r[6]), "death": parse_date(r[9]),
            "last": parse_date(r[10]), "cycles": int(r[11]), "chemo": r[12] != NO_CHEMO,
        })
    events = []
    for p in patients:
        rng = gt.Xoshiro256ss(gt.derive_seed(STAGE_AE, p["no"], 0, 0))
        end = min(d for d in (p["death"], p["last"], CUT2) if d is not None)
        for cycle in range(1, p["cycles"] + 1):
            start = p["enrol"] + datetime.timedelta(days=(cycle - 1) * CYCLE_DAYS)
            for term, soc, prob, weights, chemo in TERMS:
                # Drawn for every term so that the stream does not depend on the regimen.
                happens = rng.bernoulli(prob)
                grade = rng.weighted([(g + 1, w) for g, w in enumerate(weights)])
                onset_day = rng.randint(0, 9)          # infusion days 1-10 of the cycle
                duration = rng.randint(1, 7)
                if not happens or (chemo and not p["chemo"]):
                    continue
                onset = start + datetime.timedelta(days=onset_day)
                if onset > end:
                    continue
                resolution = onset + datetime.timedelta(days=duration)
                if resolution > end:
                    resolution = None                  # not resolved by the last contact
                course = 1 if cycle <= 6 else 2
                events.append((p["no"], course, cycle, term, soc, grade, onset, resolution))
    lines = [HEADER]
    for e in events:
        lines.append(";".join([str(e[0]), str(e[1]), str(e[2]), e[3], e[4], str(e[5]),
                               fmt(e[6]), fmt(e[7])]))
    with open(os.path.join(HERE, "adverse_events_cut2.csv"), "wb") as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))

    # The safety tables, counted here (patients once, at their worst grade).
    treated = len(patients)
    def summary(key):
        worst = {}
        for e in events:
            k = (key(e), e[0])
            worst[k] = max(worst.get(k, 0), e[5])
        out = {}
        for (label, _), g in worst.items():
            row = out.setdefault(label, {"any": 0, "grade3": 0, "worst": [0, 0, 0, 0, 0]})
            row["any"] += 1
            row["grade3"] += g >= 3
            row["worst"][g - 1] += 1
        return [dict(label=k, **v) for k, v in sorted(out.items(), key=lambda kv: kv[0].encode())]
    any_patient = {}
    for e in events:
        any_patient[e[0]] = max(any_patient.get(e[0], 0), e[5])
    by_cycle = []
    for c in range(1, 13):
        received = sum(1 for p in patients if p["cycles"] >= c)
        in_cycle = [e for e in events if e[2] == c]
        pts = {}
        for e in in_cycle:
            pts[e[0]] = max(pts.get(e[0], 0), e[5])
        by_cycle.append({"cycle": c, "patients": received, "events": len(in_cycle),
                         "any": len(pts), "grade3": sum(1 for g in pts.values() if g >= 3)})
    exposure = {str(c): sum(1 for p in patients if p["cycles"] == c) for c in range(6, 13)}
    fixture = {
        "generator": "datasets/trial/generate_adverse_events.py",
        "treated": treated, "events": len(events),
        "any": {"any": len(any_patient),
                "grade3": sum(1 for g in any_patient.values() if g >= 3)},
        "by_term": summary(lambda e: e[3]), "by_soc": summary(lambda e: e[4]),
        "by_cycle": by_cycle, "exposure": exposure,
        "repeat_course": sum(1 for p in patients if p["cycles"] > 6),
    }
    out = os.path.join(HERE, "..", "..", "Tests", "SurvivalKitTests", "Fixtures", "safety")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "trial_cut2_ae_summary.json"), "w", encoding="utf-8") as fh:
        json.dump(fixture, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    print("%d events in %d of %d patients" % (len(events), len(any_patient), treated))


if __name__ == "__main__":
    sys.exit(main())
