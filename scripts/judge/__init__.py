# SPDX-License-Identifier: GPL-2.0
"""The judge of a make check run: python3 -m judge ARGS, with scripts/ on
the path (scripts/verdict.sh runs it with the arguments scripts/check.sh
saved in the results folder's verdict.args).

scripts/guest/check.sh leaves, per module, the status and output of insmod,
the KUnit suites' debugfs results, the output and exit status of every
userspace test program, rmmod, the kernel log and the taint flags; then,
per lifecycle case (tests/<module>/lifecycle/*.sh), its output, exit
status, kernel log and taint before and after. The judge composes them
into one KTAP document, parses that with the kernel's own KTAP parser
(tools/testing/kunit), writes report.ktap, results.json and junit.xml, and
prints a summary table that ends with "N passed, N failed, N skipped".

What must have run comes from the run plan (RESULTS/plan), which
scripts/plan.py wrote from the source tree before the boot, not from what
the run left: a KUnit suite, program or lifecycle case of the plan that
left no status fails as "did not run".

Its target is a Run (run.py), passed as an argument; its modules:

  cli.py         the command line: a Run from the arguments, then the verdict
  run.py         Run: the results folder, modules, host tests, kernel
  kernel.py      Kernel: the kernel under test (--target FILE)
  expected.py    Expected: what the run must have run (its plan)
  compose.py     the whole run as one KTAP document
  boot.py        the VMs, and each one's boot as a block
  module.py      a module's run as a block
  lifecycle.py   a module's lifecycle cases as a block
  taint.py       the taint flags a step added
  kernel_log.py  the bug reports in a kernel log
  ktap.py        KTAP test cases and blocks
  raw.py         reading the raw results
  reports.py     the document parsed, and report.ktap, results.json, junit.xml
  outcome.py     the failed and skipped tests of the parsed document
  summary.py     what is printed: the table, failures, skips, the kernel
"""
