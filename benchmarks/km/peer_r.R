#!/usr/bin/env Rscript
# Peer implementation for the Kaplan-Meier benchmark: R 'survival'.
#
# usage: Rscript peer_r.R DATA.csv [--print]
#
# Reads DATA (data.table::fread if installed, else utils::read.csv), fits
#   survfit(Surv(time, status) ~ group)
# (Kaplan-Meier with default log-transformed 95% confidence intervals),
# computes summary(fit)$table (n, events, median and its CI per group) and
# formats the full curves (print + summary(fit) of every time point) into
# /dev/null, so the work comparable to `survkit km --format json` is done.
# Internal timings (seconds) go to stderr as one line:
#   peer_r: reader=fread load=... read=... fit=... summary=... total=...
# With --print the per-group median table is printed to stdout (for
# cross-checking against survkit / lifelines).

args <- commandArgs(trailingOnly = TRUE)
do_print <- "--print" %in% args
args <- setdiff(args, "--print")
if (length(args) != 1L) {
  cat("usage: Rscript peer_r.R DATA.csv [--print]\n", file = stderr())
  quit(status = 2L)
}
path <- args[[1L]]

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

fit <- survfit(Surv(time, status) ~ group, data = df)
t_fit <- now()

tab <- summary(fit)$table          # medians + CI per group
invisible(capture.output(print(fit), file = "/dev/null"))
invisible(capture.output(print(summary(fit)), file = "/dev/null"))
t_sum <- now()

if (do_print) {
  print(tab[, c("records", "events", "median", "0.95LCL", "0.95UCL")])
}

cat(sprintf("peer_r: reader=%s load=%.3f read=%.3f fit=%.3f summary=%.3f total=%.3f\n",
            if (have_dt) "fread" else "read.csv",
            t_load - t0, t_read - t_load, t_fit - t_read, t_sum - t_fit,
            t_sum - t0),
    file = stderr())
