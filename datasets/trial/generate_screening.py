#!/usr/bin/env python3
"""Writes screening_log.csv: a SYNTHETIC screening log consistent with the study's published
facts (164 patients screened, 54 enrolled; ../../../shared/SEED-FACTS.md) and with the
synthetic exports (the enrolled patients are patients 1..54 of trial_cut1.csv, in order).

No randomness: the 54 enrolments are spread evenly over the 164 screening numbers (the k-th
screened patient is enrolled when floor(k * 54 / 164) increases), and the 110 reasons for
non-inclusion are dealt round-robin from the counts below. The reasons and their counts are
invented for testing the CONSORT flow; they are not the study's. Python 3, standard library;
running it twice gives the same bytes.
"""
import os

REASONS = [  # (reason, count); counts sum to 110
    ("GD2-негативная опухоль (менее 1 % GD2-положительных клеток)", 41),
    ("нет измеряемого рецидива или прогрессирования", 17),
    ("тяжёлое общее состояние (индекс Лански/Карновского < 50)", 14),
    ("отказ законных представителей", 12),
    ("органная недостаточность", 9),
    ("активная инфекция", 7),
    ("другие причины", 10),
]
SCREENED = 164
ENROLLED = 54


def main() -> None:
    assert sum(c for _, c in REASONS) == SCREENED - ENROLLED
    remaining = [c for _, c in REASONS]
    rows = ["Скрининговый №;№;Причина невключения"]
    patient = 0
    turn = 0
    for k in range(1, SCREENED + 1):
        if (k * ENROLLED) // SCREENED > ((k - 1) * ENROLLED) // SCREENED:
            patient += 1
            rows.append(f"С-{k:03d};{patient};")
            continue
        while remaining[turn % len(REASONS)] == 0:
            turn += 1
        r = turn % len(REASONS)
        remaining[r] -= 1
        turn += 1
        rows.append(f"С-{k:03d};;{REASONS[r][0]}")
    assert patient == ENROLLED and sum(remaining) == 0
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "screening_log.csv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
