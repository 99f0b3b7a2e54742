# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/compare.py: what it counts as code, unsafe and KUnit in
Rust source, how it reads test results and benchmark output, and that it
fails when a benchmark figure is missing."""

import json
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / 'scripts'))

import compare  # noqa: E402
import unsafe_ops  # noqa: E402

RUST = '''// SPDX-License-Identifier: GPL-2.0
//! A module. unsafe { in a doc comment }
/* unsafe { in /* a nested */ block comment } */
fn f<'a>(x: &'a u8) -> char {
    let s = "unsafe { in a string \\" }";
    let r = r#"unsafe { in a raw "string" }"#;
    let c = '{';
    // SAFETY: the one real block.
    unsafe { g(x) }
}

// SAFETY: the one real impl.
unsafe impl Send for T {}

#[kunit_tests(sample)]
mod tests {
    fn inner() {
        // SAFETY: test code.
        unsafe { h() }
    }
}
'''


class StripTest(unittest.TestCase):
	def test_comments_and_literals_are_blanked_at_the_same_offsets(self):
		code = compare.strip_rust(RUST)
		self.assertEqual(len(code), len(RUST))
		self.assertEqual(code.count('\n'), RUST.count('\n'))
		self.assertNotIn('nested', code)
		self.assertNotIn('raw', code)
		self.assertIn("fn f<'a>(x: &'a u8)", code)
		self.assertEqual(code.count('unsafe {'), 2)

	def test_unsafe_counts_ignore_comments_and_strings(self):
		driver, kunit = compare.split_kunit(RUST)
		self.assertEqual(compare.unsafe_counts(driver),
				 {'blocks': 1, 'impls': 1, 'fns': 0, 'safety_comments': 2})
		self.assertEqual(compare.unsafe_counts(kunit),
				 {'blocks': 1, 'impls': 0, 'fns': 0, 'safety_comments': 1})

	def test_kunit_module_is_taken_out_whole(self):
		driver, kunit = compare.split_kunit(RUST)
		self.assertTrue(kunit.startswith('#[kunit_tests(sample)]\nmod tests {'))
		self.assertTrue(kunit.rstrip().endswith('}'))
		self.assertNotIn('kunit_tests', driver)
		self.assertIn('unsafe impl Send', driver)
		# Nothing lost: the two parts are the text, cut in two (plus a newline).
		self.assertEqual(sorted(driver + kunit), sorted(RUST + '\n'))


class UnsafeOpsTest(unittest.TestCase):
	def test_blocks_lose_their_unsafe_and_keep_their_lines(self):
		text = unsafe_ops.without_unsafe_blocks(RUST)
		self.assertEqual(text.count('\n'), RUST.count('\n'))
		self.assertEqual(len(text), len(RUST))
		self.assertIn('unsafe impl Send', text)
		self.assertIn('unsafe { in a doc comment }', text)
		self.assertNotIn('unsafe { g(x) }', text)
		self.assertNotIn('unsafe { h() }', text)

	def test_block_line_spans(self):
		self.assertEqual(unsafe_ops.blocks(RUST), [(9, 9), (19, 19)])
		self.assertEqual(unsafe_ops.blocks('fn f() {\n    unsafe {\n        g();\n    }\n}\n'),
				 [(2, 4)])

	def test_rustc_messages_name_the_capability(self):
		for message, name in (
			('call to unsafe function `bindings::misc_register` is unsafe and requires unsafe block',
			 'unsafe fn call'),
			('dereference of raw pointer is unsafe and requires unsafe block', 'raw pointer deref'),
			('use of extern static is unsafe and requires unsafe block', 'mutable or extern static'),
			('access to union field is unsafe and requires unsafe block', 'union field'),
			('initializing type with `rustc_layout_scalar_valid_range` attr is unsafe', 'other')):
			self.assertEqual(unsafe_ops.capability(message), name)


@unittest.skipUnless(shutil.which('cloc'), 'cloc is not installed (scripts/toolchain.sh)')
class ClocTest(unittest.TestCase):
	def test_code_comment_and_blank_lines(self):
		counts = compare.cloc([('a.c', '/* one */\n\nint x;\nint y;\n')])
		self.assertEqual(counts, {'code': 2, 'comment': 1, 'blank': 1})


class ResultsTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.results = Path(self.tmp.name)

	def tearDown(self):
		self.tmp.cleanup()

	def test_programs_counted_apart_from_the_module_own_cases(self):
		run = {'name': 'all', 'sub_groups': [
			{'name': 'rust_x', 'test_cases': [{'name': 'insmod', 'status': 'PASS'}],
			 'sub_groups': [
				{'name': 'abi', 'test_cases': [{'status': 'PASS'}, {'status': 'FAIL'}]},
				{'name': 'rust_x_kunit', 'test_cases': [{'status': 'PASS'}]}]},
			{'name': 'rust_x lifecycle', 'test_cases': [{'status': 'FAIL'}]}]}
		(self.results / 'default').mkdir()
		(self.results / 'default' / 'results.json').write_text(json.dumps(run))
		self.assertEqual(compare.test_counts(self.results, 'default', 'rust_x', {'abi'}),
				 {'programs': '1/2', 'other': '2/2'})
		self.assertIsNone(compare.test_counts(self.results, 'default', 'c_x', {'abi'}))
		self.assertIsNone(compare.test_counts(self.results, 'debug', 'rust_x', {'abi'}))

	def test_bench_figures_per_module(self):
		log = self.results / 'bench.log'
		log.write_text('### rust_pipe: pipe_bench\n'
			       '# rust-pipe vs pipe(2): capacity 65536 bytes each\n'
			       'metric (median of rounds)      rust-pipe     pipe(2)    ratio  spread\n'
			       'MiB/s, 64 KiB writes               120.0       100.0   1.200x  1.1-1.3 (+5.0%)\n'
			       '### c_pipe: pipe_bench\n'
			       'MiB/s, 64 KiB writes               110.0       100.0   1.100x  1.0-1.2 (+5.0%)\n'
			       '### rust_platform: sysfs_bench\n'
			       'metric (median of rounds)    rust_platform  spread\n'
			       'scratch read, calls/s            20431.5  20001.2-20500.0 (+2.4%)\n')
		self.assertEqual(compare.bench_figures(log),
				 {'rust_pipe': {'MiB/s, 64 KiB writes': (1.2, True)},
				  'c_pipe': {'MiB/s, 64 KiB writes': (1.1, True)},
				  'rust_platform': {'scratch read, calls/s': (20431.5, False)}})

	def test_bench_section_gives_the_ratio_under_each_clock(self):
		icount, wall = self.results / 'icount.log', self.results / 'wall.log'
		icount.write_text('### rust_pipe: pipe_bench\n'
				  'MiB/s, 64 B writes                 50.0       100.0   0.500x  0.4-0.6 (+5.0%)\n'
				  '### c_pipe: pipe_bench\n'
				  'MiB/s, 64 B writes                 40.0       100.0   0.400x  0.4-0.6 (+5.0%)\n')
		wall.write_text('### rust_pipe: pipe_bench\n'
				'MiB/s, 64 B writes                 30.0       100.0   0.300x  0.2-0.9 (+50.0%)\n'
				'### c_pipe: pipe_bench\n'
				'MiB/s, 64 B writes                 60.0       100.0   0.600x  0.2-0.9 (+50.0%)\n')
		lines = compare.bench_section('rust_pipe', 'c_pipe', [
			compare.clock_log(str(icount)), compare.clock_log(f'wall={wall}')])
		self.assertEqual(lines[0], '| measure (instruction count) | rust_pipe | c_pipe '
				 '| rust_pipe / c_pipe (instruction count) | rust_pipe / c_pipe (wall) |')
		self.assertEqual(lines[2], '| MiB/s, 64 B writes (against pipe(2)) | 0.500x | 0.400x '
				 '| 1.250x | 0.500x |')

	def test_bench_section_without_the_pair_says_so(self):
		log = self.results / 'icount.log'
		log.write_text('### rust_pipe: pipe_bench\n')
		self.assertEqual(compare.bench_section('rust_pipe', 'c_pipe', [('wall', log)]),
				 ['No benchmark of rust_pipe and c_pipe.'])


def bench_log(runs) -> str:
	"""`make bench` output of @runs ((module, benchmark, metrics)), one
	figure a metric in sysfs_bench's form."""
	return ''.join(f'### {module}: {bench}\n' + ''.join(f'{what}  100.0  99.0-101.0 (+2.0%)\n'
							    for what in metrics)
		       for module, bench, metrics in runs)


class MissingBenchmarkTest(unittest.TestCase):
	"""A benchmark that did not run, for either module of a pair and under
	any clock, is a failure that names it."""

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.dir = Path(self.tmp.name)
		self.tests = self.dir / 'tests'
		(self.tests / 'rust_x' / 'bench').mkdir(parents=True)
		(self.tests / 'rust_x' / 'bench' / 'x_bench.c').write_text('')

	def tearDown(self):
		self.tmp.cleanup()

	def missing(self, text: str):
		log = self.dir / 'vm.log'
		log.write_text(text)
		return compare.missing_figures('rust_x', 'c_x', [('instruction count', log)], self.tests)

	def test_complete_output_lacks_nothing(self):
		self.assertEqual(self.missing(bench_log([('rust_x', 'x_bench', ['a', 'b']),
							 ('c_x', 'x_bench', ['a', 'b'])])), [])

	def test_empty_output_names_each_module(self):
		log = self.dir / 'vm.log'
		self.assertEqual(self.missing(''), [
			f"instruction count clock: rust_x's x_bench (no figures in {log})",
			f"instruction count clock: c_x's x_bench (no figures in {log})"])

	def test_a_twin_without_its_run_or_a_metric(self):
		self.assertEqual(self.missing(bench_log([('rust_x', 'x_bench', ['a'])])),
				 [f"instruction count clock: c_x's x_bench (no figures in {self.dir / 'vm.log'})"])
		self.assertEqual(self.missing(bench_log([('rust_x', 'x_bench', ['a', 'b']),
							 ('c_x', 'x_bench', ['a'])])),
				 ['instruction count clock: c_x\'s x_bench "b"'])

	def test_a_missing_log_and_a_module_without_benchmarks(self):
		absent = self.dir / 'absent.log'
		self.assertEqual(compare.missing_figures('rust_x', 'c_x', [('wall', absent)], self.tests),
				 [f'wall clock: no {absent}'])
		self.assertEqual(compare.missing_figures('rust_y', 'c_y', [('wall', absent)], self.tests),
				 [])

	def run_compare(self, icount: str, wall: str) -> subprocess.CompletedProcess:
		(self.dir / 'vm.log').write_text(icount)
		(self.dir / 'wall.log').write_text(wall)
		return subprocess.run([sys.executable, str(TOP / 'scripts' / 'compare.py'),
				       '--results', str(self.dir), '--bench', str(self.dir / 'vm.log'),
				       '--bench', f'wall={self.dir / "wall.log"}',
				       '--json', str(self.dir / 'compare.json')],
				      capture_output=True, text=True, check=False)

	def test_make_compare_fails_without_the_instruction_count_figures(self):
		"""compare.py on the project's pairs and benchmarks: given every
		figure it writes compare.json; given an empty instruction-count
		log (a VM run that printed nothing) it fails, in one line."""
		complete = bench_log([(module, path.stem, ['metric'])
				      for rust, twin in compare.pairs() for module in (rust, twin)
				      for path in sorted((TOP / 'tests' / rust / 'bench').glob('*.c'))])
		self.assertIn('### c_pipe: pipe_bench', complete)
		done = self.run_compare(complete, complete)
		self.assertEqual((done.returncode, done.stderr), (0, ''))
		self.assertTrue((self.dir / 'compare.json').exists())
		(self.dir / 'compare.json').unlink()

		failed = self.run_compare('', complete)
		self.assertEqual(failed.returncode, 1)
		self.assertEqual(len(failed.stderr.splitlines()), 1, failed.stderr)
		self.assertTrue(failed.stderr.startswith('compare.py: benchmark figures missing: '
							 'instruction count clock: '), failed.stderr)
		self.assertIn("c_pipe's pipe_bench", failed.stderr)
		self.assertNotIn('wall clock', failed.stderr)
		self.assertFalse((self.dir / 'compare.json').exists())


if __name__ == '__main__':
	unittest.main()
