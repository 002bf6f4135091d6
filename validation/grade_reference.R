# Reference values for sysreview's optimal information size (sysreview.grade.ois),
# written to tests/reference/grade/ois.json. Run from the repository root:
#   Rscript validation/grade_reference.R
# Needs base R only (stats::power.prop.test and stats::power.t.test) and jsonlite.
library(jsonlite)

cases <- list()
add <- function(name, call, value) {
  cases[[length(cases) + 1]] <<- list(name = name, call = call, n_per_group = value)
}

for (p1 in c(0.05, 0.1, 0.2, 0.3, 0.5)) {
  for (rrr in c(0.2, 0.25, 0.3)) {
    call <- sprintf("power.prop.test(p1 = %g, p2 = %g, sig.level = 0.05, power = 0.8, tol = 1e-12)",
                    p1, p1 * (1 - rrr))
    add(sprintf("prop_%g_rrr_%g", p1, rrr), call, eval(parse(text = call))$n)
  }
}
call <- "power.prop.test(p1 = 0.2, p2 = 0.15, sig.level = 0.01, power = 0.9, tol = 1e-12)"
add("prop_0.2_rrr_0.25_alpha_0.01_power_0.9", call, eval(parse(text = call))$n)

for (args in list(c(0.2, 1, 0.05, 0.8), c(0.5, 1, 0.05, 0.8), c(0.28, 1, 0.05, 0.8),
                  c(3, 6, 0.05, 0.8), c(0.2, 1, 0.01, 0.9), c(1.2, 1, 0.05, 0.8))) {
  call <- sprintf(
    "power.t.test(delta = %g, sd = %g, sig.level = %g, power = %g, tol = 1e-12)",
    args[1], args[2], args[3], args[4])
  add(sprintf("t_delta_%g_sd_%g_alpha_%g_power_%g", args[1], args[2], args[3], args[4]),
      call, eval(parse(text = call))$n)
}

out <- list(
  provenance = list(R = R.version.string, generated = format(Sys.Date()),
                    script = "validation/grade_reference.R"),
  cases = cases
)
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/grade/ois.json")
