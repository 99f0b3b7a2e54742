# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/size_attribution.py (what a Rust module's code pays for)
and of the sizes make compare reports from it (scripts/compare.py)."""

import unittest

import compare
import size_attribution
from size_attribution import origin, subject

COMMON = {'miscdev', 'sysfs', 'compat'}


class OriginTest(unittest.TestCase):
	def test_subject_is_the_type_whose_method_it_is(self):
		self.assertEqual(subject('<rust_pipe::driver::Pipe>::read'), 'rust_pipe::driver::Pipe')
		self.assertEqual(subject('<kernel::sync::arc::Arc<rust_pipe::driver::Pipe> as '
					 'core::ops::drop::Drop>::drop'),
				 'kernel::sync::arc::Arc<rust_pipe::driver::Pipe>')
		self.assertEqual(subject('<&mut core::fmt::Formatter as core::fmt::Write>::write_str'),
				 'core::fmt::Formatter')
		self.assertEqual(subject('rust_pipe::driver::checked_capacity'),
				 'rust_pipe::driver::checked_capacity')
		# A type without a path: the trait's crate wrote the impl; core an
		# inherent method.
		self.assertEqual(subject('<u8 as rust_platform::sysfs::ParseInt>::from_digits'),
				 'rust_platform::sysfs::ParseInt')
		self.assertEqual(subject('<char>::to_digit'), 'core::char')

	def test_each_origin(self):
		cases = {
			'<rust_pipe::driver::Pipe>::read': 'driver',
			'<rust_pipe::driver::PipeFile as rust_pipe::miscdev::StreamMiscDevice>::ioctl': 'driver',
			'<rust_pipe::miscdev::MiscdeviceVTable<rust_pipe::driver::PipeFile>>::show_fdinfo':
				'modules/common',
			'<kernel::net::phy::Adapter<rust_phy::driver::Rv1000>>::probe_callback': 'kernel crates',
			'<pin_init::__internal::InitClosure<F, T, E>>::__init': 'kernel crates',
			'core::panicking::panic_const::panic_const_add_overflow': 'core/alloc',
			'core::ptr::drop_in_place::<rust_pipe::driver::Pipe>': 'compiler',
			'init_module': 'C ABI',
			'<u64 as rust_pipe::sysfs::ParseInt>::from_digits': 'modules/common',
			'<[u8]>::copy_from_slice': 'core/alloc',
			'rust_pipe::kunit::ring::kunit_rust_wrapper_new_ring_is_empty': 'KUnit suites',
			'rust_phy::driver::soft_reset::<rust_phy::kunit::rv1000::RegisterBank>': 'KUnit suites',
		}
		for name, expected in cases.items():
			crate = name.strip('<').split('::')[0]
			crate = crate if crate.startswith('rust_') else 'rust_pipe'
			self.assertEqual(origin(name, crate, COMMON), expected, name)

	def test_origins_are_listed_once_each(self):
		self.assertEqual(len(set(size_attribution.ORIGINS)), len(size_attribution.ORIGINS))


class RatioTest(unittest.TestCase):
	def test_ratio_or_not_measured(self):
		self.assertEqual(compare.ratio(8393, 4303), '1.95x')
		self.assertEqual(compare.ratio(None, 4303), 'not measured')
		self.assertEqual(compare.ratio(3440, None), 'not measured')


if __name__ == '__main__':
	unittest.main()
