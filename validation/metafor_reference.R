#!/usr/bin/env Rscript
# Regenerates every reference JSON file in tests/reference/metafor/ from metafor.
#
#   Rscript validation/metafor_reference.R            (run from anywhere)
#
# Needs R with metafor (and metadat, which metafor loads and which ships the
# datasets).  No other packages: the JSON writer below is self-contained so
# that doubles are written with round-trip precision (shortest of 15/16/17
# significant digits that parses back to the identical double), which
# jsonlite cannot do (it caps at 15 significant digits).
#
# Every model fitted here is fitted by evaluating the *string* that is stored
# in the case's "setup" and "call" fields, so the JSON records exactly the R
# code that produced the numbers.  Everything is deterministic (no random
# numbers are drawn); only provenance$generated changes between runs.  Set
# SOURCE_DATE_EPOCH to pin it.

suppressPackageStartupMessages(library(metafor))
options(warn = 1)

# ---------------------------------------------------------------------------
# locations and provenance
# ---------------------------------------------------------------------------
script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 1L) normalizePath(f) else normalizePath("validation/metafor_reference.R")
})
repo_root <- dirname(dirname(script_path))
out_dir <- file.path(repo_root, "tests", "reference", "metafor")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

gen_date <- local({
  sde <- Sys.getenv("SOURCE_DATE_EPOCH", "")
  if (nzchar(sde)) format(as.POSIXct(as.numeric(sde), origin = "1970-01-01", tz = "UTC"), "%Y-%m-%d")
  else format(Sys.Date(), "%Y-%m-%d")
})
provenance <- list(
  R = R.version.string,
  metafor = utils::packageDescription("metafor")$Version,
  generated = gen_date,
  script = "validation/metafor_reference.R"
)

# ---------------------------------------------------------------------------
# minimal JSON writer with full double precision
# ---------------------------------------------------------------------------
# Conventions:  a named list -> object; an unnamed list -> array; an atomic
# vector of length 1 -> scalar unless wrapped with A() (forced array); longer
# atomic vectors -> arrays.  NA / NaN / NULL -> null.
A <- function(x) structure(list(v = unname(x)), class = "json_array")

fmt_num <- function(x) {
  if (is.na(x) || !is.finite(x)) return("null")
  if (is.integer(x)) return(as.character(x))
  if (x == 0) return("0")  # also maps -0 to 0
  for (d in 15:17) {
    s <- formatC(x, digits = d, format = "g")
    if (as.numeric(s) == x) break
  }
  s <- gsub(" ", "", s)
  s
}
fmt_str <- function(s) {
  if (is.na(s)) return("null")
  s <- gsub("\\\\", "\\\\\\\\", s)
  s <- gsub("\"", "\\\\\"", s)
  s <- gsub("\n", "\\\\n", s)
  s <- gsub("\t", "\\\\t", s)
  s <- gsub("\r", "\\\\r", s)
  paste0("\"", enc2utf8(s), "\"")
}
fmt_scalar <- function(x) {
  if (is.factor(x)) x <- as.character(x)
  if (is.logical(x)) return(if (is.na(x)) "null" else if (x) "true" else "false")
  if (is.numeric(x)) return(fmt_num(x))
  if (is.character(x)) return(fmt_str(x))
  stop("unsupported scalar type: ", class(x))
}
to_json <- function(x, ind = 0L) {
  pad <- strrep("  ", ind)
  pad1 <- strrep("  ", ind + 1L)
  if (is.null(x)) return("null")
  if (inherits(x, "json_array")) {
    v <- x$v
    if (is.list(v)) return(to_json(unname(v), ind))
    if (is.factor(v)) v <- as.character(v)
    if (length(v) == 0L) return("[]")
    return(paste0("[", paste(vapply(seq_along(v), function(i) fmt_scalar(v[[i]]), ""), collapse = ", "), "]"))
  }
  if (is.list(x)) {
    if (length(x) == 0L) return(if (is.null(names(x))) "[]" else "{}")
    if (is.null(names(x))) {
      items <- vapply(x, to_json, "", ind = ind + 1L)
      return(paste0("[\n", paste0(pad1, items, collapse = ",\n"), "\n", pad, "]"))
    }
    items <- vapply(seq_along(x), function(i) paste0(fmt_str(names(x)[i]), ": ", to_json(x[[i]], ind + 1L)), "")
    return(paste0("{\n", paste0(pad1, items, collapse = ",\n"), "\n", pad, "}"))
  }
  if (is.atomic(x)) {
    x <- unname(x)
    if (length(x) == 1L) return(fmt_scalar(x))
    return(to_json(A(x), ind))
  }
  stop("unsupported type: ", class(x))
}
write_ref <- function(fname, cases) {
  doc <- list(provenance = provenance, cases = cases)
  txt <- to_json(doc)
  path <- file.path(out_dir, fname)
  con <- file(path, open = "w", encoding = "UTF-8")
  writeLines(txt, con)
  close(con)
  cat(sprintf("wrote %s (%d cases)\n", path, length(cases)))
}

# ---------------------------------------------------------------------------
# evaluation helpers
# ---------------------------------------------------------------------------
# run a code string in env; collect warnings (returned as attribute)
run <- function(code, env) {
  warns <- character(0)
  val <- withCallingHandlers(
    eval(parse(text = code), envir = env),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") }
  )
  attr(val, "warnings_collected") <- warns
  val
}
try_run <- function(code, env) {
  tryCatch(run(code, env), error = function(e) structure(NA, error = conditionMessage(e)))
}
warn_of <- function(x) { w <- attr(x, "warnings_collected"); if (length(w)) A(w) else NULL }
num <- function(x) if (is.null(x)) NA_real_ else as.numeric(x)
nz <- function(x) if (is.null(x)) NA else x
drop_nulls <- function(l) l[!vapply(l, is.null, TRUE)]

# number of Fisher-scoring iterations, parsed from metafor's verbose output
# (metafor 3.x does not store it in the fitted object)
fisher_iterations <- function(call_code, env) {
  vcode <- sub("\\)\\s*$", ", verbose=TRUE)", call_code)
  out <- tryCatch(utils::capture.output(suppressWarnings(eval(parse(text = vcode), envir = env))),
                  error = function(e) character(0))
  hit <- regmatches(out, regexpr("converged after [0-9]+ iterations", out))
  if (length(hit)) as.integer(sub("converged after ([0-9]+) iterations", "\\1", hit[1])) else NA_integer_
}

# ---------------------------------------------------------------------------
# datasets (setup strings are evaluated verbatim and stored in the JSON)
# ---------------------------------------------------------------------------
bcg_setup <- "dat <- escalc(measure='RR', ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg, slab=paste(author, year))"
normand_setup <- "dat <- escalc(measure='SMD', m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=dat.normand1999, slab=source)"
hackshaw_setup <- "dat <- dat.hackshaw1998"
niel_setup <- "dat <- dat.nielweise2007"

new_env <- function(setup) { e <- new.env(parent = globalenv()); eval(parse(text = setup), envir = e); e }

bcg_input <- function(d, with_yivi = TRUE) {
  l <- list(
    study = A(paste(d$author, d$year)),
    ai = A(as.integer(d$tpos)), bi = A(as.integer(d$tneg)),
    ci = A(as.integer(d$cpos)), di = A(as.integer(d$cneg)),
    n1i = A(as.integer(d$tpos + d$tneg)), n2i = A(as.integer(d$cpos + d$cneg)),
    subgroup = A(as.character(d$alloc))
  )
  if (with_yivi) { l$yi <- A(as.numeric(d$yi)); l$vi <- A(as.numeric(d$vi)) }
  l
}
niel_input <- function(d) list(
  study = A(paste(d$author, d$year)),
  ai = A(as.integer(d$ai)), bi = A(as.integer(d$n1i - d$ai)),
  ci = A(as.integer(d$ci)), di = A(as.integer(d$n2i - d$ci)),
  n1i = A(as.integer(d$n1i)), n2i = A(as.integer(d$n2i))
)
normand_input <- function(d, with_yivi = TRUE) {
  l <- list(
    study = A(as.character(d$source)),
    m1i = A(as.numeric(d$m1i)), sd1i = A(as.numeric(d$sd1i)), n1i = A(as.integer(d$n1i)),
    m2i = A(as.numeric(d$m2i)), sd2i = A(as.numeric(d$sd2i)), n2i = A(as.integer(d$n2i))
  )
  if (with_yivi) { l$yi <- A(as.numeric(d$yi)); l$vi <- A(as.numeric(d$vi)) }
  l
}
hackshaw_input <- function(d) list(
  study = A(paste(d$author, d$year)),
  yi = A(as.numeric(d$yi)), vi = A(as.numeric(d$vi))
)

# ===========================================================================
# 1. escalc.json
# ===========================================================================
escalc_cases <- list()
add_escalc <- function(name, dataset, setup, call, input, args) {
  env <- new_env(setup)
  r <- run(call, env)
  exp <- list(
    yi = A(as.numeric(r$yi)),
    vi = A(as.numeric(r$vi)),
    k = length(r$yi)
  )
  exp$warnings <- warn_of(r)
  escalc_cases[[length(escalc_cases) + 1L]] <<- list(
    name = name, dataset = dataset, setup = setup, call = call,
    input = input, args = args, expected = drop_nulls(exp))
}

# --- dat.normand1999: continuous outcomes
env <- new_env("dat <- dat.normand1999")
inp <- normand_input(env$dat, with_yivi = FALSE)
cont <- "m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=dat"
add_escalc("normand_md", "dat.normand1999", "dat <- dat.normand1999",
           sprintf("escalc(measure='MD', %s)", cont), inp,
           list(measure = "MD", vtype = "LS"))
add_escalc("normand_smd", "dat.normand1999", "dat <- dat.normand1999",
           sprintf("escalc(measure='SMD', %s)", cont), inp,
           list(measure = "SMD", vtype = "LS", bias_correction = "exact"))
add_escalc("normand_smd_vtype_ub", "dat.normand1999", "dat <- dat.normand1999",
           sprintf("escalc(measure='SMD', %s, vtype='UB')", cont), inp,
           list(measure = "SMD", vtype = "UB", bias_correction = "exact"))
add_escalc("normand_smdh", "dat.normand1999", "dat <- dat.normand1999",
           sprintf("escalc(measure='SMDH', %s)", cont), inp,
           list(measure = "SMDH", vtype = "LS", bias_correction = "exact"))

# --- dat.bcg: binary outcomes, no zero cells
env <- new_env("dat <- dat.bcg")
inp <- bcg_input(env$dat, with_yivi = FALSE)
for (m in c("RR", "OR", "RD", "PETO")) {
  add_escalc(paste0("bcg_", tolower(m)), "dat.bcg", "dat <- dat.bcg",
             sprintf("escalc(measure='%s', ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat)", m), inp,
             list(measure = m, add = 0.5, to = "only0", drop00 = FALSE,
                  vtype = if (m == "RD") "LS" else NULL))
}

# --- dat.nielweise2007: zero cells (single-zero studies and one double-zero study)
env <- new_env(niel_setup)
inp <- niel_input(env$dat)
for (m in c("RR", "OR", "RD", "PETO")) {
  base <- sprintf("escalc(measure='%s', ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=dat", m)
  vt <- if (m == "RD") "LS" else NULL
  add_escalc(paste0("nielweise_", tolower(m), "_default"), "dat.nielweise2007", niel_setup,
             paste0(base, ")"), inp, drop_nulls(list(measure = m, add = 0.5, to = "only0", drop00 = FALSE, vtype = vt)))
  add_escalc(paste0("nielweise_", tolower(m), "_to_all"), "dat.nielweise2007", niel_setup,
             paste0(base, ", to='all')"), inp, drop_nulls(list(measure = m, add = 0.5, to = "all", drop00 = FALSE, vtype = vt)))
  add_escalc(paste0("nielweise_", tolower(m), "_drop00"), "dat.nielweise2007", niel_setup,
             paste0(base, ", drop00=TRUE)"), inp, drop_nulls(list(measure = m, add = 0.5, to = "only0", drop00 = TRUE, vtype = vt)))
  add_escalc(paste0("nielweise_", tolower(m), "_if0all"), "dat.nielweise2007", niel_setup,
             paste0(base, ", to='if0all')"), inp, drop_nulls(list(measure = m, add = 0.5, to = "if0all", drop00 = FALSE, vtype = vt)))
}
# --- more SMD variances (vtype) on dat.normand1999; ROM (ratio of means)
env <- new_env("dat <- dat.normand1999")
inp <- normand_input(env$dat, with_yivi = FALSE)
for (vt in c("LS2", "AV")) {
  add_escalc(paste0("normand_smd_vtype_", tolower(vt)), "dat.normand1999", "dat <- dat.normand1999",
             sprintf("escalc(measure='SMD', %s, vtype='%s')", cont, vt), inp,
             list(measure = "SMD", vtype = vt, bias_correction = "exact"))
}
add_escalc("normand_rom", "dat.normand1999", "dat <- dat.normand1999",
           sprintf("escalc(measure='ROM', %s)", cont), inp, list(measure = "ROM", vtype = "LS"))
rom_setup <- paste0(
  "dat <- data.frame(study=c('A', 'B', 'C', 'D'), m1i=c(10, -5, 8, 6), sd1i=c(2, 1, 3, 0), ",
  "n1i=c(20, 15, 30, 12), m2i=c(8, 4, 7, 5), sd2i=c(2, 1, 2.5, 0), n2i=c(20, 15, 28, 12))")
env <- new_env(rom_setup)
rom_inp <- list(study = A(env$dat$study), m1i = A(env$dat$m1i), sd1i = A(env$dat$sd1i),
                n1i = A(as.integer(env$dat$n1i)), m2i = A(env$dat$m2i), sd2i = A(env$dat$sd2i),
                n2i = A(as.integer(env$dat$n2i)))
add_escalc("constructed_rom_signs", "constructed", rom_setup,
           sprintf("escalc(measure='ROM', %s)", cont), rom_inp, list(measure = "ROM", vtype = "LS"))

# --- proportions: dat.pritz1997 (two studies with every patient a success: xi = ni)
pritz_setup <- "dat <- dat.pritz1997"
env <- new_env(pritz_setup)
pritz_inp <- list(study = A(as.character(env$dat$authors)), xi = A(as.integer(env$dat$xi)),
                  ni = A(as.integer(env$dat$ni)))
for (m in c("PR", "PLO", "PFT")) {
  add_escalc(paste0("pritz_", tolower(m)), "dat.pritz1997", pritz_setup,
             sprintf("escalc(measure='%s', xi=xi, ni=ni, data=dat)", m), pritz_inp,
             drop_nulls(list(measure = m, add = if (m == "PFT") 0 else 0.5, to = "only0", vtype = "LS")))
}
add_escalc("pritz_pr_to_all", "dat.pritz1997", pritz_setup,
           "escalc(measure='PR', xi=xi, ni=ni, data=dat, to='all')", pritz_inp,
           list(measure = "PR", add = 0.5, to = "all", vtype = "LS"))
add_escalc("pritz_plo_add0", "dat.pritz1997", pritz_setup,
           "escalc(measure='PLO', xi=xi, ni=ni, data=dat, add=0)", pritz_inp,
           list(measure = "PLO", add = 0, to = "only0", vtype = "LS"))

# --- correlations: dat.molloy2014; a constructed set with n <= 3 and r = 1
molloy_setup <- "dat <- dat.molloy2014"
env <- new_env(molloy_setup)
molloy_inp <- list(study = A(paste(env$dat$authors, env$dat$year)), ri = A(env$dat$ri),
                   ni = A(as.integer(env$dat$ni)))
add_escalc("molloy_zcor", "dat.molloy2014", molloy_setup,
           "escalc(measure='ZCOR', ri=ri, ni=ni, data=dat)", molloy_inp, list(measure = "ZCOR"))
zc_setup <- "dat <- data.frame(study=c('A', 'B', 'C'), ri=c(0.3, 0.5, -0.2), ni=c(50, 3, 4))"
env <- new_env(zc_setup)
add_escalc("constructed_zcor_small_n", "constructed", zc_setup,
           "escalc(measure='ZCOR', ri=ri, ni=ni, data=dat)",
           list(study = A(env$dat$study), ri = A(env$dat$ri), ni = A(as.integer(env$dat$ni))),
           list(measure = "ZCOR"))

# --- incidence rate ratios: dat.hart1999; zero counts
hart_setup <- "dat <- dat.hart1999"
env <- new_env(hart_setup)
hart_inp <- list(study = A(as.character(env$dat$study)), x1i = A(as.integer(env$dat$x1i)),
                 t1i = A(as.numeric(env$dat$t1i)), x2i = A(as.integer(env$dat$x2i)),
                 t2i = A(as.numeric(env$dat$t2i)))
add_escalc("hart_irr", "dat.hart1999", hart_setup,
           "escalc(measure='IRR', x1i=x1i, t1i=t1i, x2i=x2i, t2i=t2i, data=dat)", hart_inp,
           list(measure = "IRR", add = 0.5, to = "only0", drop00 = FALSE))
irr0_setup <- paste0("dat <- data.frame(study=c('A', 'B', 'C', 'D'), x1i=c(0, 3, 0, 5), ",
                     "t1i=c(100, 120, 90, 200), x2i=c(2, 0, 0, 9), t2i=c(110, 100, 95, 210))")
env <- new_env(irr0_setup)
irr0_inp <- list(study = A(env$dat$study), x1i = A(as.integer(env$dat$x1i)), t1i = A(env$dat$t1i),
                 x2i = A(as.integer(env$dat$x2i)), t2i = A(env$dat$t2i))
irr0 <- "escalc(measure='IRR', x1i=x1i, t1i=t1i, x2i=x2i, t2i=t2i, data=dat"
add_escalc("constructed_irr_zero_default", "constructed", irr0_setup, paste0(irr0, ")"), irr0_inp,
           list(measure = "IRR", add = 0.5, to = "only0", drop00 = FALSE))
add_escalc("constructed_irr_zero_drop00", "constructed", irr0_setup, paste0(irr0, ", drop00=TRUE)"),
           irr0_inp, list(measure = "IRR", add = 0.5, to = "only0", drop00 = TRUE))
add_escalc("constructed_irr_zero_to_all", "constructed", irr0_setup, paste0(irr0, ", to='all')"),
           irr0_inp, list(measure = "IRR", add = 0.5, to = "all", drop00 = FALSE))

escalc_cases <- lapply(escalc_cases, function(cs) { cs$args <- drop_nulls(cs$args); cs })
write_ref("escalc.json", escalc_cases)

# ===========================================================================
# 2. rma_uni.json
# ===========================================================================
methods <- c("FE", "DL", "REML", "ML", "PM", "EB", "SJ", "HE")
tests <- c("z", "knha")

rma_expected <- function(res, env, call_code, with_confint = TRUE) {
  k <- res$k
  knha <- identical(res$test, "knha") || identical(res$test, "t")
  b <- as.numeric(res$b)
  e <- list(
    estimate = b,
    se = num(res$se)
  )
  if (knha) e$tval <- num(res$zval) else e$zval <- num(res$zval)
  e$pval <- num(res$pval)
  e$ci_lb <- num(res$ci.lb)
  e$ci_ub <- num(res$ci.ub)
  e$tau2 <- num(res$tau2)
  e$se_tau2 <- num(res$se.tau2)
  e$i2 <- num(res$I2)
  e$h2 <- num(res$H2)
  e$qe <- num(res$QE)
  e$qep <- num(res$QEp)
  e$k <- as.integer(k)
  e$df <- as.integer(k - res$p)
  e$ddf <- if (knha) num(res$ddf) else NA
  e$s2w <- if (knha) num(res$s2w) else NA
  e$weights <- A(as.numeric(weights(res)))
  pr <- predict(res)
  e$pred <- num(pr$pred)
  e$pi_lb <- num(pr$pi.lb)
  e$pi_ub <- num(pr$pi.ub)
  e$pi_ddf <- if (!is.null(pr$pi.ddf)) num(pr$pi.ddf) else NA
  tcrit <- qt(0.975, k - 2)
  e$pi_lb_t_km2 <- b - tcrit * sqrt(res$tau2 + res$se^2)
  e$pi_ub_t_km2 <- b + tcrit * sqrt(res$tau2 + res$se^2)
  if (with_confint && !is.element(res$method, c("FE", "EE", "CE"))) {
    # the case's call computes `ci` itself (with a tight uniroot tolerance, see below)
    ci <- if (!is.null(env$ci)) env$ci else tryCatch(confint(res), error = function(err) err)
    if (inherits(ci, "error")) {
      e$confint_error <- conditionMessage(ci)
    } else {
      rr <- ci$random
      e$tau2_ci_lb <- num(rr["tau^2", "ci.lb"]); e$tau2_ci_ub <- num(rr["tau^2", "ci.ub"])
      e$tau_ci_lb <- num(rr["tau", "ci.lb"]); e$tau_ci_ub <- num(rr["tau", "ci.ub"])
      e$i2_ci_lb <- num(rr["I^2(%)", "ci.lb"]); e$i2_ci_ub <- num(rr["I^2(%)", "ci.ub"])
      e$h2_ci_lb <- num(rr["H^2", "ci.lb"]); e$h2_ci_ub <- num(rr["H^2", "ci.ub"])
    }
  } else {
    for (nm in c("tau2_ci_lb", "tau2_ci_ub", "tau_ci_lb", "tau_ci_ub", "i2_ci_lb", "i2_ci_ub", "h2_ci_lb", "h2_ci_ub"))
      e[[nm]] <- NA
  }
  e$iterations <- if (is.element(res$method, c("ML", "REML", "EB"))) fisher_iterations(call_code, env) else NA
  e$converged <- TRUE
  e
}

# metafor's default stopping rules are loose: Fisher scoring (ML, REML, EB) stops
# when tau2 changes by less than threshold = 1e-5 (absolute), and uniroot (PM, and
# the Q-profile limits of confint) stops at tol = .Machine$double.eps^0.25 ~ 1.2e-4.
# At those defaults hackshaw's PM tau2 is off its root by 1.7e-3 relative and the
# Q-profile limits by up to 2e-4, so a reference would only be as good as that.
# Every iterative fit is therefore run to a tight tolerance, and the call stored in
# the JSON says so; all other numbers are unaffected by these controls.
tight_control <- list(FE = "", DL = "", SJ = "", HE = "",
                      REML = ", control=list(threshold=1e-12)",
                      ML = ", control=list(threshold=1e-12)",
                      EB = ", control=list(threshold=1e-12)",
                      PM = ", control=list(tol=1e-12)")

rma_cases <- list()
rma_sets <- list(
  list(tag = "bcg_rr", dataset = "dat.bcg", setup = bcg_setup, measure = "RR",
       input = function(d) bcg_input(d)),
  list(tag = "normand_smd", dataset = "dat.normand1999", setup = normand_setup, measure = "SMD",
       input = function(d) normand_input(d)),
  list(tag = "hackshaw_or", dataset = "dat.hackshaw1998", setup = hackshaw_setup, measure = "OR",
       input = function(d) hackshaw_input(d))
)
for (s in rma_sets) {
  env0 <- new_env(s$setup)
  inp <- s$input(env0$dat)
  for (m in methods) for (t in tests) {
    env <- new_env(s$setup)
    call <- sprintf("res <- rma(yi, vi, data=dat, method='%s', test='%s'%s)", m, t, tight_control[[m]])
    if (m != "FE") call <- paste0(call, "; ci <- confint(res, control=list(tol=1e-12))")
    res <- try_run(call, env)
    if (!is.null(attr(res, "error"))) {
      exp <- list(converged = FALSE, error = attr(res, "error"))
    } else {
      exp <- rma_expected(env$res, env, sub("^res <- ", "", sub(";.*$", "", call)))
      exp$warnings <- warn_of(res)
    }
    rma_cases[[length(rma_cases) + 1L]] <- list(
      name = sprintf("%s_%s_%s", s$tag, tolower(m), t), dataset = s$dataset,
      setup = s$setup, call = call, input = inp,
      args = list(measure = s$measure, method = m, test = t, level = 95),
      expected = drop_nulls(exp))
  }
}
write_ref("rma_uni.json", rma_cases)

# ===========================================================================
# 3. rma_mh_peto.json
# ===========================================================================
mh_cases <- list()
mh_expected <- function(res, measure) {
  e <- list(
    estimate = num(res$b), se = num(res$se), zval = num(res$zval), pval = num(res$pval),
    ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub),
    qe = num(res$QE), qep = num(res$QEp), i2 = num(res$I2), h2 = num(res$H2),
    tau2 = num(res$tau2),
    k = as.integer(res$k), k_yi = as.integer(nz(res$k.yi)), k_pos = as.integer(nz(res$k.pos))
  )
  if (measure %in% c("RR", "OR", "PETO")) {
    e$exp_estimate <- exp(e$estimate); e$exp_ci_lb <- exp(e$ci_lb); e$exp_ci_ub <- exp(e$ci_ub)
  }
  if (measure == "OR") {
    # metafor: MH = Cochran-Mantel-Haenszel statistic (denominator uses N_i - 1),
    # CO = Cochran's statistic (denominator uses N_i); both with 0.5 continuity
    # correction when correct=TRUE.  BD = Breslow-Day, TA = Tarone-corrected BD.
    e$cmh <- num(res$MH); e$cmh_p <- num(res$MHp)
    e$cochran <- num(res$CO); e$cochran_p <- num(res$COp)
    e$breslow_day <- num(res$BD); e$breslow_day_p <- num(res$BDp)
    e$tarone <- num(res$TA); e$tarone_p <- num(res$TAp)
  }
  w <- tryCatch(as.numeric(weights(res)), error = function(err) NULL)
  if (!is.null(w)) e$weights <- A(w)
  e$yi <- A(as.numeric(res$yi.f)); e$vi <- A(as.numeric(res$vi.f))
  e
}
mh_sets <- list(
  list(tag = "bcg", dataset = "dat.bcg", setup = "dat <- dat.bcg",
       cells = "ai=tpos, bi=tneg, ci=cpos, di=cneg", input = function(d) bcg_input(d, with_yivi = FALSE)),
  list(tag = "nielweise", dataset = "dat.nielweise2007", setup = niel_setup,
       cells = "ai=ai, n1i=n1i, ci=ci, n2i=n2i", input = niel_input)
)
for (s in mh_sets) {
  env0 <- new_env(s$setup); inp <- s$input(env0$dat)
  for (m in c("OR", "RR", "RD")) {
    env <- new_env(s$setup)
    call <- sprintf("res <- rma.mh(%s, data=dat, measure='%s')", s$cells, m)
    r <- run(call, env)
    exp <- mh_expected(env$res, m); exp$warnings <- warn_of(r)
    mh_cases[[length(mh_cases) + 1L]] <- list(
      name = sprintf("%s_mh_%s", s$tag, tolower(m)), dataset = s$dataset, setup = s$setup, call = call,
      input = inp,
      args = list(model = "MH", measure = m, add = 0.5, to = "only0", drop00 = A(c(TRUE, FALSE)),
                  correct = TRUE, level = 95),
      expected = drop_nulls(exp))
  }
  env <- new_env(s$setup)
  call <- sprintf("res <- rma.peto(%s, data=dat)", s$cells)
  r <- run(call, env)
  exp <- mh_expected(env$res, "PETO"); exp$warnings <- warn_of(r)
  mh_cases[[length(mh_cases) + 1L]] <- list(
    name = sprintf("%s_peto", s$tag), dataset = s$dataset, setup = s$setup, call = call, input = inp,
    args = list(model = "PETO", measure = "PETO", add = 0.5, to = "only0", drop00 = A(c(TRUE, FALSE)), level = 95),
    expected = drop_nulls(exp))
}
write_ref("rma_mh_peto.json", mh_cases)

# ===========================================================================
# 4. bias.json
# ===========================================================================
bias_cases <- list()
bias_sets <- list(
  list(tag = "hackshaw_or", dataset = "dat.hackshaw1998", setup = hackshaw_setup, measure = "OR",
       input = hackshaw_input, has_ni = FALSE),
  list(tag = "bcg_rr", dataset = "dat.bcg", setup = bcg_setup, measure = "RR",
       input = function(d) { l <- bcg_input(d); l$ni <- A(as.integer(attr(d$yi, "ni"))); l }, has_ni = TRUE)
)
model_args <- list(FE = "method='FE'", DL = "method='DL'",
                   REML = "method='REML', control=list(threshold=1e-12)")

regtest_expected <- function(rt) {
  fit <- rt$fit
  e <- list(model = rt$model, predictor = rt$predictor)
  if (inherits(fit, "lm")) {
    co <- summary(fit)$coefficients
    e$intercept <- num(co[1, 1]); e$intercept_se <- num(co[1, 2])
    e$slope <- num(co[2, 1]); e$slope_se <- num(co[2, 2])
    e$tval <- num(rt$zval)
  } else {
    e$intercept <- num(fit$beta[1]); e$intercept_se <- num(fit$se[1])
    e$slope <- num(fit$beta[2]); e$slope_se <- num(fit$se[2])
    if (identical(fit$test, "z")) e$zval <- num(rt$zval) else e$tval <- num(rt$zval)
    e$fit_tau2 <- num(fit$tau2)
  }
  e$pval <- num(rt$pval)
  e$ddf <- if (is.null(rt$ddf) || is.na(rt$ddf)) NA else num(rt$ddf)
  e$limit_estimate <- num(rt$est); e$limit_ci_lb <- num(rt$ci.lb); e$limit_ci_ub <- num(rt$ci.ub)
  e
}

for (s in bias_sets) {
  env0 <- new_env(s$setup); inp <- s$input(env0$dat)
  preds <- if (s$has_ni) c("sei", "vi", "ni", "ninv", "sqrtni", "sqrtninv") else c("sei", "vi")
  for (mm in names(model_args)) {
    for (model in c("rma", "lm")) for (p in preds) {
      if (mm != "FE" && !(p %in% c("sei"))) next  # non-sei predictors only on the FE model
      if (model == "lm" && mm != "FE") next         # 'lm' ignores the model's tau2; do it once
      env <- new_env(s$setup)
      fitc <- sprintf("res <- rma(yi, vi, data=dat, %s)", model_args[[mm]])
      rtc <- if (model == "rma" && p == "sei") "regtest(res)" else
        if (model == "rma") sprintf("regtest(res, predictor='%s')", p) else
          sprintf("regtest(res, model='lm', predictor='%s')", p)
      call <- paste0(fitc, "; rt <- ", rtc)
      r <- run(call, env)
      exp <- regtest_expected(env$rt); exp$warnings <- warn_of(r)
      bias_cases[[length(bias_cases) + 1L]] <- list(
        name = sprintf("%s_%s_regtest_%s_%s", s$tag, tolower(mm), model, p), dataset = s$dataset,
        setup = s$setup, call = call, input = inp,
        args = list(test = "regtest", fit_method = mm, model = model, predictor = p),
        expected = drop_nulls(exp))
    }
    # rank correlation (Begg & Mazumdar)
    env <- new_env(s$setup)
    call <- sprintf("res <- rma(yi, vi, data=dat, %s); rk <- ranktest(res)", model_args[[mm]])
    r <- run(call, env)
    exp <- list(kendall_tau = num(env$rk$tau), pval = num(env$rk$pval))
    exp$warnings <- warn_of(r)
    bias_cases[[length(bias_cases) + 1L]] <- list(
      name = sprintf("%s_%s_ranktest", s$tag, tolower(mm)), dataset = s$dataset,
      setup = s$setup, call = call, input = inp,
      args = list(test = "ranktest", fit_method = mm),
      expected = drop_nulls(exp))
  }
  # trim and fill
  for (mm in c("FE", "DL")) for (est in c("L0", "R0")) {
    env <- new_env(s$setup)
    call <- sprintf("res <- rma(yi, vi, data=dat, %s); tf <- trimfill(res, estimator='%s')", model_args[[mm]], est)
    r <- run(call, env)
    tf <- env$tf
    exp <- list(
      k0 = as.integer(tf$k0), se_k0 = num(tf$se.k0), p_k0 = num(tf$p.k0), side = tf$side,
      estimate = num(tf$b), se = num(tf$se), zval = num(tf$zval), pval = num(tf$pval),
      ci_lb = num(tf$ci.lb), ci_ub = num(tf$ci.ub), tau2 = num(tf$tau2), i2 = num(tf$I2),
      h2 = num(tf$H2), qe = num(tf$QE), qep = num(tf$QEp), k = as.integer(tf$k),
      yi = A(as.numeric(tf$yi)), vi = A(as.numeric(tf$vi)), fill = A(as.logical(tf$fill))
    )
    exp$warnings <- warn_of(r)
    bias_cases[[length(bias_cases) + 1L]] <- list(
      name = sprintf("%s_%s_trimfill_%s", s$tag, tolower(mm), tolower(est)), dataset = s$dataset,
      setup = s$setup, call = call, input = inp,
      args = list(test = "trimfill", fit_method = mm, estimator = est, side = "auto", maxiter = 100L),
      expected = drop_nulls(exp))
  }
}
write_ref("bias.json", bias_cases)

# ===========================================================================
# 5. subgroups_sensitivity.json
# ===========================================================================
sub_cases <- list()
env0 <- new_env(bcg_setup); bcg_inp <- bcg_input(env0$dat)

for (mm in c("FE", "DL")) {
  env <- new_env(bcg_setup)
  call <- paste0(
    "groups <- unique(as.character(dat$alloc)); ",
    "fits <- lapply(groups, function(g) rma(yi, vi, data=dat, subset=(alloc == g), method='", mm, "')); ",
    "b <- sapply(fits, function(f) c(f$b)); se <- sapply(fits, function(f) f$se); ",
    "w <- 1/se^2; b_fe <- sum(w*b)/sum(w); Q_between <- sum(w*(b - b_fe)^2); ",
    "df_between <- length(groups) - 1; p_between <- pchisq(Q_between, df_between, lower.tail=FALSE); ",
    "i2_between <- max(0, (Q_between - df_between)/Q_between)*100")
  r <- run(call, env)
  subs <- lapply(seq_along(env$groups), function(j) {
    f <- env$fits[[j]]
    list(subgroup = env$groups[j], k = as.integer(f$k), estimate = num(f$b), se = num(f$se),
         zval = num(f$zval), pval = num(f$pval), ci_lb = num(f$ci.lb), ci_ub = num(f$ci.ub),
         tau2 = num(f$tau2), i2 = num(f$I2), h2 = num(f$H2), qe = num(f$QE), qep = num(f$QEp),
         df = as.integer(f$k - f$p), weights = A(as.numeric(weights(f))),
         study = A(as.character(f$slab)))
  })
  exp <- list(subgroups = subs, b_pooled_over_subgroups = env$b_fe, q_between = env$Q_between,
              df_between = as.integer(env$df_between), p_between = env$p_between,
              i2_between = env$i2_between)
  if (mm == "FE") {
    # cross-check: for inverse-variance FE, Q_between == Q_total - sum(Q_within)
    tot <- rma(yi, vi, data = env$dat, method = "FE")
    exp$q_total <- num(tot$QE)
    exp$q_within_sum <- sum(sapply(env$fits, function(f) f$QE))
  }
  exp$warnings <- warn_of(r)
  sub_cases[[length(sub_cases) + 1L]] <- list(
    name = sprintf("bcg_rr_alloc_subgroups_%s", tolower(mm)), dataset = "dat.bcg", setup = bcg_setup,
    call = call, input = bcg_inp,
    args = list(measure = "RR", method = mm, test = "z", subgroup_variable = "alloc",
                subgroup_test = "Q_between over subgroup estimates, w_j = 1/se_j^2, df = J-1"),
    expected = drop_nulls(exp))
}

seq_expected <- function(x, study_name) {
  stat <- if (!is.null(x$zval)) x$zval else x$tval
  pv <- if (!is.null(x$pval)) x$pval else x$pvals
  e <- list()
  e[[study_name]] <- A(as.character(x$slab))
  e$estimate <- A(as.numeric(x$estimate)); e$se <- A(as.numeric(x$se))
  if (!is.null(x$zval)) e$zval <- A(as.numeric(stat)) else e$tval <- A(as.numeric(stat))
  e$pval <- A(as.numeric(pv))
  e$ci_lb <- A(as.numeric(x$ci.lb)); e$ci_ub <- A(as.numeric(x$ci.ub))
  e$qe <- A(as.numeric(x$Q)); e$qep <- A(as.numeric(x$Qp))
  # FE fits: metafor's leave1out()/cumul() carry no tau2 component -> key omitted
  if (!is.null(x$tau2)) e$tau2 <- A(as.numeric(x$tau2))
  e$i2 <- A(as.numeric(x$I2)); e$h2 <- A(as.numeric(x$H2))
  e
}
for (fn in c("leave1out", "cumul")) for (mm in c("FE", "DL")) {
  env <- new_env(bcg_setup)
  call <- sprintf("res <- rma(yi, vi, data=dat, method='%s'); out <- %s(res)", mm, fn)
  r <- run(call, env)
  exp <- seq_expected(env$out, if (fn == "leave1out") "omitted" else "added")
  exp$warnings <- warn_of(r)
  sub_cases[[length(sub_cases) + 1L]] <- list(
    name = sprintf("bcg_rr_%s_%s", fn, tolower(mm)), dataset = "dat.bcg", setup = bcg_setup,
    call = call, input = bcg_inp,
    args = list(measure = "RR", method = mm, test = "z", level = 95, analysis = fn,
                order = if (fn == "cumul") "data order" else NULL),
    expected = drop_nulls(exp))
}
sub_cases <- lapply(sub_cases, function(cs) { cs$args <- drop_nulls(cs$args); cs })
write_ref("subgroups_sensitivity.json", sub_cases)

# ===========================================================================
# 6. edge_cases.json: one study, zero SDs, trim and fill that cannot estimate
# ===========================================================================
edge_cases <- list()
add_edge <- function(name, dataset, setup, call, input, args, expected) {
  edge_cases[[length(edge_cases) + 1L]] <<- list(
    name = name, dataset = dataset, setup = setup, call = call, input = input,
    args = drop_nulls(args), expected = drop_nulls(expected))
}
fit_expected <- function(res) {
  pr <- predict(res)
  list(estimate = num(res$b), se = num(res$se), zval = num(res$zval), pval = num(res$pval),
       ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub), tau2 = num(res$tau2), i2 = num(res$I2),
       h2 = num(res$H2), qe = num(res$QE), qep = num(res$QEp), k = as.integer(res$k),
       test = as.character(res$test), pi_lb = num(pr$pi.lb), pi_ub = num(pr$pi.ub))
}

# --- one study (k = 1): metafor sets tau2 = 0, I2 = 0, H2 = 1, QE = 0, QEp = 1, and
#     test = "z" (with a warning) when test = "knha" is asked for
one_setup <- paste0(bcg_setup, "; dat <- dat[1, ]")
env0 <- new_env(one_setup)
one_inp <- bcg_input(env0$dat)
for (m in c("FE", "DL", "REML", "PM")) for (t in tests) {
  env <- new_env(one_setup)
  call <- sprintf("res <- rma(yi, vi, data=dat, method='%s', test='%s')", m, t)
  r <- run(call, env)
  exp <- fit_expected(env$res); exp$warnings <- warn_of(r)
  add_edge(sprintf("bcg1_%s_%s", tolower(m), t), "dat.bcg (first study)", one_setup, call,
           one_inp, list(measure = "RR", method = m, test = t, level = 95), exp)
}
one_raw <- "dat <- dat.bcg[1, ]"
for (m in c("RR", "OR", "RD")) {
  env <- new_env(one_raw)
  call <- sprintf("res <- rma.mh(ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat, measure='%s')", m)
  r <- run(call, env)
  exp <- fit_expected(env$res); exp$warnings <- warn_of(r)
  add_edge(sprintf("bcg1_mh_%s", tolower(m)), "dat.bcg (first study)", one_raw, call,
           bcg_input(env$dat, with_yivi = FALSE), list(model = "MH", measure = m, level = 95), exp)
}
env <- new_env(one_raw)
call <- "res <- rma.peto(ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat)"
r <- run(call, env)
exp <- fit_expected(env$res); exp$warnings <- warn_of(r)
add_edge("bcg1_peto", "dat.bcg (first study)", one_raw, call, bcg_input(env$dat, with_yivi = FALSE),
         list(model = "PETO", measure = "PETO", level = 95), exp)

# --- zero standard deviations: escalc takes a zero SD as given
sd_setup <- paste0(
  "dat <- data.frame(study=c('A', 'B', 'C', 'D'), m1i=c(10, 12, 11, 9), ",
  "sd1i=c(0, 2, 3, 0), n1i=c(20, 25, 30, 15), m2i=c(9, 9.5, 10, 8), ",
  "sd2i=c(2, 2.5, 3, 0), n2i=c(20, 25, 30, 16))")
cont_args <- "m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=dat, slab=study"
env0 <- new_env(sd_setup)
sd_inp <- list(study = A(env0$dat$study), m1i = A(env0$dat$m1i), sd1i = A(env0$dat$sd1i),
               n1i = A(as.integer(env0$dat$n1i)), m2i = A(env0$dat$m2i),
               sd2i = A(env0$dat$sd2i), n2i = A(as.integer(env0$dat$n2i)))
for (m in c("MD", "SMD")) {
  env <- new_env(sd_setup)
  call <- sprintf("es <- escalc(measure='%s', %s)", m, cont_args)
  r <- run(call, env)
  exp <- list(yi = A(as.numeric(env$es$yi)), vi = A(as.numeric(env$es$vi)))
  exp$warnings <- warn_of(r)
  add_edge(sprintf("zero_sd_%s_escalc", tolower(m)), "constructed", sd_setup, call, sd_inp,
           list(measure = m), exp)
  # pooled: metafor drops an NA yi (SMD, both SDs 0) with a warning, and cannot weight
  # a zero vi (MD, both SDs 0: "Division by zero"), so study D is left out of the fit
  env <- new_env(sd_setup)
  call <- sprintf("es <- escalc(measure='%s', %s); res <- rma(yi, vi, data=es, subset=1:3, method='DL')", m, cont_args)
  r <- run(call, env)
  exp <- fit_expected(env$res); exp$weights <- A(as.numeric(weights(env$res)))
  exp$warnings <- warn_of(r)
  env2 <- new_env(sd_setup)
  err <- try_run(sprintf("es <- escalc(measure='%s', %s); res <- rma(yi, vi, data=es, method='DL')", m, cont_args), env2)
  exp$all_four_error <- attr(err, "error")
  add_edge(sprintf("zero_sd_%s_dl", tolower(m)), "constructed", sd_setup, call, sd_inp,
           list(measure = m, method = "DL", test = "z", level = 95), exp)
}

# --- trim and fill that cannot estimate: metafor stops with an R error
tf_setup <- "dat <- data.frame(yi=c(0.9, 0.7, 0.5, 0.6, 0.4, 0.3, 0.35, 0.2, 0.25, 0.2), vi=c(0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1))"
tf_inp <- list(yi = A(c(0.9, 0.7, 0.5, 0.6, 0.4, 0.3, 0.35, 0.2, 0.25, 0.2)),
               vi = A(c(0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1)))
for (cs in list(
  list(name = "trimfill_q0_undefined", call = "res <- rma(yi, vi, data=dat, method='FE'); tf <- trimfill(res, estimator='Q0')"),
  list(name = "trimfill_equal_vi", call = "res <- rma(yi, rep(0.2, 10), data=dat, method='FE'); tf <- trimfill(res)")
)) {
  env <- new_env(tf_setup)
  err <- try_run(cs$call, env)
  add_edge(cs$name, "constructed", tf_setup, cs$call, tf_inp, list(test = "trimfill"),
           list(error = attr(err, "error")))
}
# --- a likelihood with two maxima: the score is negative at tau2 = 0, then positive, and
#     the interior maximum is higher than the boundary; metafor's Fisher scoring finds it
bi_setup <- "dat <- data.frame(study=c('A', 'B', 'C'), yi=c(1, -1, 2), vi=c(0.5, 1, 0.03125))"
env0 <- new_env(bi_setup)
bi_inp <- list(study = A(env0$dat$study), yi = A(env0$dat$yi), vi = A(env0$dat$vi))
for (m in c("ML", "REML")) {
  env <- new_env(bi_setup)
  call <- sprintf("res <- rma(yi, vi, data=dat, method='%s', control=list(threshold=1e-12)); ll0 <- logLik(rma(yi, vi, data=dat, method='%s', tau2=0))", m, m)
  r <- run(call, env)
  exp <- fit_expected(env$res); exp$loglik <- num(logLik(env$res)); exp$loglik_at_0 <- num(env$ll0)
  exp$warnings <- warn_of(r)
  add_edge(sprintf("two_maxima_%s", tolower(m)), "constructed", bi_setup, call, bi_inp,
           list(method = m, test = "z", level = 95), exp)
}
write_ref("edge_cases.json", edge_cases)

# ===========================================================================
# 7. measures_pooled.json: the newer measures pooled and read back (predict with transf)
# ===========================================================================
pooled_cases <- list()
# the sections above leave a list named `exp` in the global environment, where the
# cases' calls are evaluated: remove it so that `transf=exp` finds base R's exp()
if (exists("exp", envir = globalenv(), inherits = FALSE)) rm("exp", envir = globalenv())
pool_sets <- list(
  list(tag = "normand_rom", dataset = "dat.normand1999", measure = "ROM", transf = "exp",
       setup = "dat <- escalc(measure='ROM', m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=dat.normand1999, slab=source)",
       input = function(d) normand_input(d)),
  list(tag = "normand_smdh", dataset = "dat.normand1999", measure = "SMDH", transf = NULL,
       setup = "dat <- escalc(measure='SMDH', m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=dat.normand1999, slab=source)",
       input = function(d) normand_input(d)),
  list(tag = "pritz_pr", dataset = "dat.pritz1997", measure = "PR", transf = NULL,
       setup = "dat <- escalc(measure='PR', xi=xi, ni=ni, data=dat.pritz1997, slab=authors)",
       input = function(d) list(study = A(as.character(d$authors)), xi = A(as.integer(d$xi)), ni = A(as.integer(d$ni)), yi = A(as.numeric(d$yi)), vi = A(as.numeric(d$vi)))),
  list(tag = "pritz_plo", dataset = "dat.pritz1997", measure = "PLO", transf = "transf.ilogit",
       setup = "dat <- escalc(measure='PLO', xi=xi, ni=ni, data=dat.pritz1997, slab=authors)",
       input = function(d) list(study = A(as.character(d$authors)), xi = A(as.integer(d$xi)), ni = A(as.integer(d$ni)), yi = A(as.numeric(d$yi)), vi = A(as.numeric(d$vi)))),
  list(tag = "pritz_pft", dataset = "dat.pritz1997", measure = "PFT", transf = "transf.ipft.hm",
       setup = "dat <- escalc(measure='PFT', xi=xi, ni=ni, data=dat.pritz1997, slab=authors)",
       input = function(d) list(study = A(as.character(d$authors)), xi = A(as.integer(d$xi)), ni = A(as.integer(d$ni)), yi = A(as.numeric(d$yi)), vi = A(as.numeric(d$vi)))),
  list(tag = "molloy_zcor", dataset = "dat.molloy2014", measure = "ZCOR", transf = "transf.ztor",
       setup = "dat <- escalc(measure='ZCOR', ri=ri, ni=ni, data=dat.molloy2014, slab=paste(authors, year))",
       input = function(d) list(study = A(paste(d$authors, d$year)), ri = A(d$ri), ni = A(as.integer(d$ni)), yi = A(as.numeric(d$yi)), vi = A(as.numeric(d$vi)))),
  list(tag = "hart_irr", dataset = "dat.hart1999", measure = "IRR", transf = "exp",
       setup = "dat <- escalc(measure='IRR', x1i=x1i, t1i=t1i, x2i=x2i, t2i=t2i, data=dat.hart1999, slab=study)",
       input = function(d) list(study = A(as.character(d$study)), x1i = A(as.integer(d$x1i)), t1i = A(as.numeric(d$t1i)), x2i = A(as.integer(d$x2i)), t2i = A(as.numeric(d$t2i)), yi = A(as.numeric(d$yi)), vi = A(as.numeric(d$vi))))
)
for (s in pool_sets) {
  env0 <- new_env(s$setup)
  inp <- s$input(env0$dat)
  for (m in c("DL", "REML")) {
    env <- new_env(s$setup)
    tr <- if (is.null(s$transf)) "" else if (s$transf == "transf.ipft.hm") ", transf=transf.ipft.hm, targs=list(ni=dat$ni)" else paste0(", transf=", s$transf)
    call <- sprintf("res <- rma(yi, vi, data=dat, method='%s'%s); pr <- predict(res%s)", m, tight_control[[m]], tr)
    r <- run(call, env)
    res <- env$res; pr <- env$pr
    # each study read back on its own scale: PFT with its own n (transf.ipft)
    study_t <- switch(if (is.null(s$transf)) "none" else s$transf,
                      none = res$yi, exp = exp(res$yi), transf.ilogit = transf.ilogit(res$yi),
                      transf.ztor = transf.ztor(res$yi),
                      transf.ipft.hm = transf.ipft(res$yi, env$dat$ni))
    # (not `exp`: the calls pass transf=exp, which must find the function)
    expd <- list(estimate = num(res$b), se = num(res$se), zval = num(res$zval), pval = num(res$pval),
                ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub), tau2 = num(res$tau2),
                i2 = num(res$I2), h2 = num(res$H2), qe = num(res$QE), k = as.integer(res$k),
                pred = num(pr$pred), pred_ci_lb = num(pr$ci.lb), pred_ci_ub = num(pr$ci.ub),
                pred_pi_lb = num(pr$pi.lb), pred_pi_ub = num(pr$pi.ub),
                yi_read = A(as.numeric(study_t)), weights = A(as.numeric(weights(res))))
    expd$warnings <- warn_of(r)
    pooled_cases[[length(pooled_cases) + 1L]] <- list(
      name = sprintf("%s_%s", s$tag, tolower(m)), dataset = s$dataset, setup = s$setup, call = call,
      input = inp, args = drop_nulls(list(measure = s$measure, method = m, test = "z", level = 95,
                                          transf = s$transf)),
      expected = drop_nulls(expd))
  }
}
write_ref("measures_pooled.json", pooled_cases)

# ===========================================================================
# 8. metareg.json: meta-regression, rma(yi, vi, mods = ~ ...)
# ===========================================================================
mr_cases <- list()
mat_rows <- function(m) A(as.numeric(t(m)))  # a matrix, row by row
metareg_expected <- function(res, pr) {
  knha <- identical(res$test, "knha")
  e <- list(coef_names = A(rownames(res$beta)), b = A(as.numeric(res$beta)), se = A(as.numeric(res$se)))
  if (knha) e$tval <- A(as.numeric(res$zval)) else e$zval <- A(as.numeric(res$zval))
  e$pval <- A(as.numeric(res$pval)); e$ci_lb <- A(as.numeric(res$ci.lb)); e$ci_ub <- A(as.numeric(res$ci.ub))
  e$vb <- mat_rows(res$vb)
  e$tau2 <- num(res$tau2); e$i2 <- num(res$I2); e$h2 <- num(res$H2)
  e$r2 <- if (is.null(res$R2)) NA else num(res$R2)
  e$qm <- num(res$QM); e$qm_df <- A(as.numeric(res$QMdf)); e$qmp <- num(res$QMp)
  e$btt <- A(as.integer(res$btt))
  e$qe <- num(res$QE); e$qep <- num(res$QEp)
  e$k <- as.integer(res$k); e$p <- as.integer(res$p)
  e$ddf <- if (knha) num(res$ddf) else NA
  e$s2w <- num(res$s2w)
  e$fitted <- A(as.numeric(fitted(res))); e$hat <- A(as.numeric(hatvalues(res)))
  e$weights <- A(as.numeric(weights(res)))
  e$ll <- num(logLik(res))
  if (!is.null(pr)) {
    e$pred <- A(as.numeric(pr$pred)); e$pred_se <- A(as.numeric(pr$se))
    e$pred_ci_lb <- A(as.numeric(pr$ci.lb)); e$pred_ci_ub <- A(as.numeric(pr$ci.ub))
    e$pred_pi_lb <- if (is.null(pr$pi.lb)) NA else A(as.numeric(pr$pi.lb))
    e$pred_pi_ub <- if (is.null(pr$pi.ub)) NA else A(as.numeric(pr$pi.ub))
  }
  e
}
bcg_mr_input <- function(d) { l <- bcg_input(d); l$mods <- list(ablat = A(as.numeric(d$ablat)), year = A(as.numeric(d$year)), alloc = A(as.character(d$alloc))); l }
molloy_mr_setup <- "dat <- escalc(measure='ZCOR', ri=ri, ni=ni, data=dat.molloy2014, slab=paste(authors, year))"
molloy_mr_input <- function(d) list(study = A(paste(d$authors, d$year)), yi = A(as.numeric(d$yi)), vi = A(as.numeric(d$vi)),
                                    mods = list(meanage = A(as.numeric(d$meanage)), controls = A(as.character(d$controls)),
                                                design = A(as.character(d$design))))
mr_specs <- list()
for (m in methods) for (t in tests)
  mr_specs[[length(mr_specs) + 1L]] <- list(tag = "bcg_ablat", setup = bcg_setup, dataset = "dat.bcg", mods = "~ ablat",
                                           method = m, test = t, newmods = "c(10, 30, 50)", input = bcg_mr_input)
for (t in tests) {
  mr_specs[[length(mr_specs) + 1L]] <- list(tag = "bcg_ablat_year", setup = bcg_setup, dataset = "dat.bcg", mods = "~ ablat + year",
                                           method = "REML", test = t, newmods = "rbind(c(10, 1970), c(40, 1950))", input = bcg_mr_input)
  mr_specs[[length(mr_specs) + 1L]] <- list(tag = "bcg_alloc", setup = bcg_setup, dataset = "dat.bcg", mods = "~ factor(alloc)",
                                           method = "REML", test = t, newmods = NULL, input = bcg_mr_input)
  mr_specs[[length(mr_specs) + 1L]] <- list(tag = "molloy_meanage_controls", setup = molloy_mr_setup, dataset = "dat.molloy2014",
                                           mods = "~ meanage + factor(controls)", method = "REML", test = t, newmods = NULL,
                                           input = molloy_mr_input)
}
mr_specs[[length(mr_specs) + 1L]] <- list(tag = "bcg_alloc_noint", setup = bcg_setup, dataset = "dat.bcg", mods = "~ factor(alloc) - 1",
                                         method = "REML", test = "z", newmods = NULL, input = bcg_mr_input)
mr_specs[[length(mr_specs) + 1L]] <- list(tag = "bcg_alloc_ref_random", setup = bcg_setup, dataset = "dat.bcg",
                                         mods = "~ relevel(factor(alloc), ref='random')", method = "REML", test = "z",
                                         newmods = NULL, input = bcg_mr_input)
mr_specs[[length(mr_specs) + 1L]] <- list(tag = "bcg_ablat_alloc", setup = bcg_setup, dataset = "dat.bcg", mods = "~ ablat + factor(alloc)",
                                         method = "ML", test = "z", newmods = NULL, input = bcg_mr_input)
mr_specs[[length(mr_specs) + 1L]] <- list(tag = "molloy_design", setup = molloy_mr_setup, dataset = "dat.molloy2014",
                                         mods = "~ design", method = "DL", test = "z", newmods = NULL, input = molloy_mr_input)
for (s in mr_specs) {
  env0 <- new_env(s$setup); inp <- s$input(env0$dat)
  env <- new_env(s$setup)
  call <- sprintf("res <- rma(yi, vi, mods = %s, data=dat, method='%s', test='%s'%s)", s$mods, s$method, s$test,
                  tight_control[[s$method]])
  if (!is.null(s$newmods)) call <- paste0(call, sprintf("; pr <- predict(res, newmods=%s)", s$newmods))
  r <- run(call, env)
  exp <- metareg_expected(env$res, if (is.null(s$newmods)) NULL else env$pr)
  exp$warnings <- warn_of(r)
  mr_cases[[length(mr_cases) + 1L]] <- list(
    name = sprintf("%s_%s_%s", s$tag, tolower(s$method), s$test), dataset = s$dataset, setup = s$setup,
    call = call, input = inp,
    args = drop_nulls(list(mods = s$mods, method = s$method, test = s$test, level = 95, newmods = s$newmods)),
    expected = drop_nulls(exp))
}
write_ref("metareg.json", mr_cases)

# ===========================================================================
# 9. influence.json: influence(res), metafor's case diagnostics
# ===========================================================================
inf_cases <- list()
inf_specs <- list(
  list(tag = "bcg_reml", setup = bcg_setup, dataset = "dat.bcg", fit = "rma(yi, vi, data=dat, method='REML', control=list(threshold=1e-12))", input = bcg_mr_input),
  list(tag = "bcg_dl", setup = bcg_setup, dataset = "dat.bcg", fit = "rma(yi, vi, data=dat, method='DL')", input = bcg_mr_input),
  list(tag = "bcg_fe", setup = bcg_setup, dataset = "dat.bcg", fit = "rma(yi, vi, data=dat, method='FE')", input = bcg_mr_input),
  list(tag = "bcg_reml_knha", setup = bcg_setup, dataset = "dat.bcg", fit = "rma(yi, vi, data=dat, method='REML', test='knha', control=list(threshold=1e-12))", input = bcg_mr_input),
  list(tag = "bcg_ablat_reml", setup = bcg_setup, dataset = "dat.bcg", fit = "rma(yi, vi, mods = ~ ablat, data=dat, method='REML', control=list(threshold=1e-12))", input = bcg_mr_input),
  list(tag = "molloy_reml", setup = molloy_mr_setup, dataset = "dat.molloy2014", fit = "rma(yi, vi, data=dat, method='REML', control=list(threshold=1e-12))", input = molloy_mr_input),
  list(tag = "normand_smd_pm", setup = normand_setup, dataset = "dat.normand1999", fit = "rma(yi, vi, data=dat, method='PM', control=list(tol=1e-12))", input = function(d) normand_input(d))
)
for (s in inf_specs) {
  env0 <- new_env(s$setup); inp <- s$input(env0$dat)
  env <- new_env(s$setup)
  call <- sprintf("res <- %s; inf <- influence(res)", s$fit)
  r <- run(call, env)
  x <- env$inf$inf
  exp <- list(rstudent = A(as.numeric(x$rstudent)), dffits = A(as.numeric(x$dffits)),
              cook_d = A(as.numeric(x$cook.d)), cov_r = A(as.numeric(x$cov.r)),
              tau2_del = A(as.numeric(x$tau2.del)), qe_del = A(as.numeric(x$QE.del)),
              hat = A(as.numeric(x$hat)), weight = A(as.numeric(x$weight)),
              inf = A(as.logical(env$inf$is.infl)),
              dfbs = local({
                d <- unclass(env$inf$dfbs)  # list.rma's own `[` would subset rows
                lapply(d[setdiff(names(d), c("slab", "digits"))], function(v) A(as.numeric(v)))
              }))
  exp$warnings <- warn_of(r)
  inf_cases[[length(inf_cases) + 1L]] <- list(
    name = s$tag, dataset = s$dataset, setup = s$setup, call = call, input = inp,
    args = list(analysis = "influence"), expected = drop_nulls(exp))
}
write_ref("influence.json", inf_cases)

cat("done\n")
