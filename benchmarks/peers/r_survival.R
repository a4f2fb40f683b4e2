#!/usr/bin/env Rscript
# Peer for the SurvivalKit benchmarks: R's 'survival' package.
#
# usage: Rscript r_survival.R CAPABILITY DATA.csv      CAPABILITY: km, logrank, cox
#
# Loads survival (+ data.table when installed), reads DATA with
# data.table::fread (else utils::read.csv), then
#   km       survfit(Surv(time, status) ~ group): Kaplan-Meier, default
#            log-transformed 95% CIs.  Prints print(fit) (per-group n, events,
#            median and its CI) to stdout and formats every curve
#            (print(summary(fit))) into /dev/null, the work comparable to
#            `survkit km --format json`.
#   logrank  survdiff(Surv(time, status) ~ group).  Prints print(fit) and a
#            line "chisq=... df=... p=...".
#   cox      coxph(Surv(time, status) ~ x1 + ... + xK, ties = "efron") with
#            every column named x<digits>.  Prints coef and se per covariate
#            and "loglik=... iter=...".
# Internal timings (seconds) go to stderr as one line:
#   peer_r[CAP]: reader=fread load=... read=... fit=... output=... total=...

args <- commandArgs(trailingOnly = TRUE)
caps <- c("km", "logrank", "cox")
if (length(args) != 2L || !(args[[1L]] %in% caps)) {
  cat("usage: Rscript r_survival.R {km|logrank|cox} DATA.csv\n", file = stderr())
  quit(status = 2L)
}
cap <- args[[1L]]
path <- args[[2L]]

now <- function() proc.time()[["elapsed"]]
t0 <- now()
suppressPackageStartupMessages(library(survival))
have_dt <- requireNamespace("data.table", quietly = TRUE)
t_load <- now()

if (have_dt) {
  df <- data.table::fread(path, colClasses = list(character = "group"),
                          showProgress = FALSE)
} else {
  df <- utils::read.csv(path, colClasses = c(time = "numeric",
                                             status = "integer",
                                             group = "character"))
}
t_read <- now()

# Each capability: fit(df) -> fit object; output(fit) prints the result.
fit_fns <- list(
  km = function(df) survfit(Surv(time, status) ~ group, data = df),
  logrank = function(df) survdiff(Surv(time, status) ~ group, data = df),
  cox = function(df) {
    covs <- grep("^x[0-9]+$", names(df), value = TRUE)
    fml <- stats::as.formula(paste("Surv(time, status) ~",
                                   paste(covs, collapse = " + ")))
    coxph(fml, data = df, ties = "efron")
  }
)
output_fns <- list(
  km = function(fit) {
    print(fit)                                   # n, events, median + CI
    invisible(capture.output(print(summary(fit)), file = "/dev/null"))
  },
  logrank = function(fit) {
    print(fit)
    df_ <- sum(fit$exp > 0) - 1L
    cat(sprintf("chisq=%.6f df=%d p=%.6g\n", fit$chisq, df_,
                stats::pchisq(fit$chisq, df_, lower.tail = FALSE)))
  },
  cox = function(fit) {
    print(cbind(coef = stats::coef(fit), se = sqrt(diag(stats::vcov(fit)))),
          digits = 6)
    cat(sprintf("loglik=%.6f iter=%d\n", fit$loglik[[2L]], fit$iter))
  }
)

fit <- fit_fns[[cap]](df)
t_fit <- now()
output_fns[[cap]](fit)
t_out <- now()

cat(sprintf("peer_r[%s]: reader=%s load=%.3f read=%.3f fit=%.3f output=%.3f total=%.3f\n",
            cap, if (have_dt) "fread" else "read.csv",
            t_load - t0, t_read - t_load, t_fit - t_read, t_out - t_fit,
            t_out - t0),
    file = stderr())
