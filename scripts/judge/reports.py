# SPDX-License-Identifier: GPL-2.0
"""The composed document parsed by the kernel's own KTAP parser
(tools/testing/kunit, on the path), and the reports written of it into the
results folder:

  report.ktap   the composed document
  results.json  KernelCI-style JSON (kunit_json)
  junit.xml     JUnit XML (kunit_junit)
"""

from pathlib import Path
from typing import List


def parse_and_write(results: Path, document: List[str]):
	"""Writes the reports of @document into @results; returns its test tree."""
	import kunit_json
	import kunit_junit
	import kunit_parser
	from kunit_printer import null_printer

	(results / 'report.ktap').write_text('\n'.join(document) + '\n')
	test = kunit_parser.parse_run_tests(document, null_printer)
	test.name = 'rust-kernel-modules'
	(results / 'results.json').write_text(
		kunit_json.get_json_result(test=test, metadata=kunit_json.Metadata(arch='x86_64')))
	kunit_junit.write_junit_result(test=test, filename=str(results / 'junit.xml'))
	return test
