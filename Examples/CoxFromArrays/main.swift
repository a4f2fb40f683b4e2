// A Cox model fitted from arrays, as a Swift script with its data in memory would do it, and
// printed as R prints `summary(coxph(...))`.
//
// The data are R survival's `aml` (Miller 1997): weeks to relapse of acute myelogenous
// leukaemia, by whether maintenance chemotherapy was given. The R call that gives the same
// numbers:  coxph(Surv(time, status) ~ x, data = aml)

import SurvivalKit

let weeks: [Double] = [
  9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45,
]
let relapsed = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
// 1 = not maintained (R's `xNonmaintained` column), 0 = maintained (the reference level).
let notMaintained: [Double] = [Double](repeating: 0, count: 11) + [Double](repeating: 1, count: 12)

do {
  let fit = try CoxModel.fit(
    time: weeks, status: relapsed, covariates: [notMaintained], names: ["xNonmaintained"])
  print(fit)
} catch {
  print("error: \(error)")
}
