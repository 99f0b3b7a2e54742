# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the guest scripts (guest-check.sh, guest-bench.sh): a twin
# implementing another module's ABI runs that module's programs.
# tests/<module>/twin.env names it (TWIN_OF=<other>) and gives the programs'
# environment (KEY=VALUE lines; '#' starts a comment).

# twin_of MODULE: sets programs_of (the module whose tests/ and .build/
# folders hold the programs MODULE runs) and TWIN_ENV (KEY=VALUE words).
twin_of() {
	local file=$TOP/tests/$1/twin.env line
	programs_of=$1
	TWIN_ENV=()
	[ -f "$file" ] || return 0
	while IFS= read -r line; do
		case $line in
		'#'* | '') ;;
		TWIN_OF=*) programs_of=${line#TWIN_OF=} ;;
		*=*) TWIN_ENV+=("$line") ;;
		esac
	done <"$file"
}
