# R peer for the Cox toolbox benchmark: Rscript peers.R {predict|residuals} DATA.csv OUT
#   predict:   coxph(Surv(time, status) ~ x1 + x2 + x3, ties = "efron"), then
#              survfit(fit, newdata = data.frame(x1 = 0, x2 = 0, x3 = 0)) (SE included)
#              and summary(sf, times = c(1, 2)); the curve written as CSV to OUT.
#   residuals: the same fit, residuals(fit, type = "dfbeta"), written as CSV to OUT.
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(survival))
have_dt <- requireNamespace("data.table", quietly = TRUE)
df <- if (have_dt) data.table::fread(args[[2]], showProgress = FALSE) else read.csv(args[[2]])
fit <- coxph(Surv(time, status) ~ x1 + x2 + x3, data = df, ties = "efron")
write <- function(x, path) {
  if (have_dt) data.table::fwrite(as.data.frame(x), path) else write.csv(x, path, row.names = FALSE)
}
if (args[[1]] == "predict") {
  sf <- survfit(fit, newdata = data.frame(x1 = 0, x2 = 0, x3 = 0))
  s <- summary(sf, times = c(1, 2))
  write(data.frame(time = sf$time, n_risk = sf$n.risk, survival = sf$surv,
                   std_err = sf$std.err * sf$surv, lower = sf$lower, upper = sf$upper,
                   cumhaz = sf$cumhaz), args[[3]])
  print(cbind(time = s$time, surv = s$surv, se = s$std.err))
} else {
  r <- residuals(fit, type = "dfbeta")
  write(r, args[[3]])
  print(colSums(r))
}
