#!/usr/bin/env Rscript
# Peer for the competing-risk / parametric benchmarks: R survival (and cmprsk).
#
# usage: Rscript r_competing.R CAPABILITY DATA.csv   CAPABILITY: cif, gray, finegray, crr, aft, rmst
#   cif       survfit(Surv(time, factor(cause)) ~ group): Aalen-Johansen with IJ std.err
#   gray      cmprsk::cuminc(time, cause, group): CIF and Gray's test
#   finegray  finegray() + coxph(weight = fgwt) for cause 1 ~ x1 + x2 + group
#   crr       cmprsk::crr for cause 1 on model.matrix(~ x1 + x2 + group) (O(n^2) variance)
#   aft       survreg(Surv(time, status) ~ x1 + x2 + group, dist = "weibull")
#   rmst      survfit(Surv(time, status) ~ group) and summary(fit, rmean = tau)$table
args <- commandArgs(trailingOnly = TRUE)
cap <- args[[1]]; path <- args[[2]]
suppressPackageStartupMessages(library(survival))
df <- if (requireNamespace("data.table", quietly = TRUE)) {
  as.data.frame(data.table::fread(path, colClasses = list(character = "group"), showProgress = FALSE))
} else read.csv(path, colClasses = c(group = "character"))
if (cap == "cif") {
  df$cf <- factor(df$cause, 0:2)
  fit <- survfit(Surv(time, cf) ~ group, data = df)
  print(dim(fit$pstate)); print(tail(fit$pstate, 1))
} else if (cap == "gray") {
  suppressPackageStartupMessages(library(cmprsk))
  ci <- cuminc(df$time, df$cause, df$group)
  print(ci$Tests)
} else if (cap == "finegray") {
  df$cf <- factor(df$cause, 0:2)
  fg <- finegray(Surv(time, cf) ~ x1 + x2 + group, data = df, etype = "1")
  cx <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + x2 + group, data = fg, weight = fgwt,
              ties = "breslow")
  print(coef(cx))
} else if (cap == "crr") {
  suppressPackageStartupMessages(library(cmprsk))
  X <- model.matrix(~ x1 + x2 + group, df)[, -1]
  fit <- crr(df$time, df$cause, X, failcode = 1, cencode = 0)
  print(fit$coef)
} else if (cap == "aft") {
  fit <- survreg(Surv(time, status) ~ x1 + x2 + group, data = df, dist = "weibull")
  print(coef(fit)); print(fit$scale)
} else if (cap == "rmst") {
  fit <- survfit(Surv(time, status) ~ group, data = df)
  tau <- min(sapply(split(df$time, df$group), max))
  print(summary(fit, rmean = tau)$table[, c("rmean", "se(rmean)")])
}
