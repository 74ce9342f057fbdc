#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# the checks are functions run through tally:
# shellcheck disable=SC2317
#
# The Debian packages, built and installed without touching the host's
# /lib/modules, /var/lib/dkms or dpkg database:
#
# - copies the tree (tracked and new files, not build/) to build/pkg/src
#   and builds tcpfsm-dkms and tcpfsm there with dpkg-buildpackage -b: the
#   build writes nothing outside debian/, and debian/rules clean leaves the
#   copy as it was; lintian on the .changes and the .debs: no tag at all;
# - unpacks tcpfsm-dkms into a scratch root (dpkg-deb -x) and does there
#   what its maintainer scripts do (dh_dkms: dkms add, build and install on
#   configure, dkms remove --all on remove), with DKMS's trees in
#   build/pkg (--dkmstree, --sourcetree, --installtree, --no-depmod,
#   signing with a key of build/pkg), for Debian's 6.1 (dkms build and
#   install, as the postinst does) and 6.12 (dkms autoinstall, as for a
#   kernel installed later); that DKMS skips a 5.10 kernel;
# - boots each of the two kernels (scripts/vm.sh), puts the DKMS-built
#   module under the guest's /lib/modules/KVER/updates/dkms (an overlay in
#   the guest's memory), runs the packaged command, which must have the
#   kernel load the module on demand, checks /proc/net/tcpfsm, and the
#   packaged textfile-collector script (a .prom file written; removed when
#   tcpfsm fails);
# - removes the module with dkms, then the package's files: nothing is
#   left; make install and make uninstall under a DESTDIR likewise.
#
# Prints "ok - CHECK" or "not ok - CHECK" per check (scripts/check.sh
# counts them), then "N passed, N failed"; exits 1 if one failed.
#
# usage: scripts/package-test.sh
set -uo pipefail

top=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$top" || exit 1
pkg=$top/build/pkg
log=$pkg/log

passed=0 failed=0
tally() { # name, command...
	local name=$1
	shift
	if "$@" >>"$log" 2>&1; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name (see $log)"
		failed=$((failed + 1))
	fi
}
finish() {
	trap - EXIT
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

# builds and guests beside other work: at a lower priority
renice -n 10 $$ >/dev/null
# a check of its own if the script stops before its end
trap 'echo "not ok - scripts/package-test.sh ran to its end"' EXIT
rm -rf "$pkg"
mkdir -p "$pkg"
: >"$log"
version=$(dpkg-parsechangelog -l debian/changelog -SVersion)
src=$pkg/src/tcpfsm-$version
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
	xargs -0 cp -a --parents -t "$src" 2>>"$log"
# every file of the copy and its checksum, outside debian/ and in it
manifest() {
	(cd "$src" && find . -type f ! -path './debian/*' -print0 | sort -z |
		xargs -0 sha256sum)
}
manifest >"$pkg/manifest.before"
(cd "$src" && find . -type f | sort) >"$pkg/files.before"

# --- build ---------------------------------------------------------------
build() {
	(cd "$src" && dpkg-buildpackage -b -us -uc) &&
		[ -f "$pkg/src/tcpfsm-dkms_${version}_all.deb" ] &&
		[ -f "$pkg/src/tcpfsm_${version}_amd64.deb" ]
}
tally "dpkg-buildpackage -b builds tcpfsm-dkms and tcpfsm $version" build
dkms_deb=$pkg/src/tcpfsm-dkms_${version}_all.deb
cmd_deb=$pkg/src/tcpfsm_${version}_amd64.deb
if [ ! -f "$dkms_deb" ] || [ ! -f "$cmd_deb" ]; then
	finish
fi

tally "the package build wrote nothing outside debian/" \
	cmp "$pkg/manifest.before" <(manifest)
clean() {
	(cd "$src" && debian/rules clean) &&
		cmp "$pkg/files.before" <(cd "$src" && find . -type f | sort)
}
tally "debian/rules clean leaves the tree as it was" clean

# lintian on the .changes (which names the .debs) and each .deb; as root
# it says so on stderr, which is not a tag
lint=$(lintian --pedantic -I -E "$pkg/src/tcpfsm_${version}_amd64.changes" \
	"$dkms_deb" "$cmd_deb" 2>&1 | grep -v 'running with root privileges')
echo "# lintian --pedantic -I -E on the .changes and the .debs: ${lint:-no tags}"
tally "lintian: no error, warning or tag at all" test -z "$lint"

# one version everywhere
versions() {
	local conf mod cmd
	conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
	mod=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' module/main.c)
	cmd=$(sed -n 's/^VERSION := //p' userspace/Makefile)
	echo "changelog $version, dkms.conf $conf, MODULE_VERSION $mod, command $cmd"
	[ "$conf" = "$version" ] && [ "$mod" = "$version" ] && [ "$cmd" = "$version" ]
}
tally "debian/changelog, dkms.conf, MODULE_VERSION and the command agree on $version" versions

root=$pkg/root
cmdroot=$pkg/cmdroot
mkdir -p "$root" "$cmdroot"
dpkg-deb -x "$dkms_deb" "$root"
dpkg-deb -e "$dkms_deb" "$pkg/control"
dpkg-deb -x "$cmd_deb" "$cmdroot"
dpkg-deb -c "$dkms_deb" | awk '{print $6}' | sed 's|^\./||' >"$pkg/dkms.files"

# what dh_dkms made the maintainer scripts do, which the steps below repeat
scripts_ok() {
	grep -q '^DKMS_NAME=tcpfsm$' "$pkg/control/postinst" &&
		grep -q "^DKMS_VERSION=$version\$" "$pkg/control/postinst" &&
		grep -q '/usr/lib/dkms/common.postinst' "$pkg/control/postinst" &&
		grep -q 'dkms remove -m $DKMS_NAME -v $DKMS_VERSION --all' \
			"$pkg/control/prerm" &&
		dpkg-deb -f "$dkms_deb" Depends | grep -q dkms
}
tally "tcpfsm-dkms: postinst runs DKMS's common.postinst for tcpfsm $version, prerm dkms remove --all, Depends: dkms" scripts_ok

cmd_ok() {
	"$cmdroot/usr/bin/tcpfsm" --version | grep -q "$version" &&
		man --warnings -l "$cmdroot/usr/share/man/man8/tcpfsm.8.gz" 2>&1 >/dev/null |
			{ ! grep .; } &&
		bash -n "$cmdroot/usr/share/bash-completion/completions/tcpfsm" &&
		if command -v systemd-analyze >/dev/null; then
			systemd-analyze verify --man=no \
				"$top/packaging/systemd/tcpfsm-textfile.timer" 2>&1 |
				{ ! grep -v 'tcpfsm-textfile is not executable'; }
		else
			echo "no systemd-analyze: units not verified"
		fi
}
tally "tcpfsm: the command runs, man page renders without warning, completion parses, units verify" cmd_ok

# --- DKMS, in trees of build/pkg -------------------------------------------
# Debian's 6.1 and 6.12 (or those of TCPFSM_KERNELS but the debug kernel)
mapfile -t kernels < <(scripts/kernels.sh --debian |
	grep -vx -- "$(scripts/debug-kernel.sh kver)")
dkms_tree=$pkg/dkms
mkdir -p "$dkms_tree"
# DKMS signs with a MOK key it creates in /var/lib/dkms unless told
export mok_signing_key=$pkg/mok.key mok_certificate=$pkg/mok.pub
trees=(--dkmstree "$dkms_tree" --sourcetree "$root/usr/src"
	--installtree "$root/lib/modules")
dkms_args=(-m tcpfsm -v "$version" "${trees[@]}")
touch "$pkg/stamp"
tally "dkms add (the postinst's first step)" dkms add "${dkms_args[@]}"
declare -A ko
for k in "${kernels[@]}"; do
	kdir=$(scripts/kpath.sh "$k" build) || continue
	mkdir -p "$root/lib/modules/$k"
	# the kernel's sign-file: DKMS looks for it in linux-kbuild-X.Y's
	# /usr/lib directory or in /lib/modules/KVER/build, which a host
	# without Debian's kernel packages does not have (then nothing is
	# signed); the cache holds the kernel's own
	export sign_file=$kdir/scripts/sign-file
	# the first kernel as the postinst builds for those installed, the
	# next as a kernel installed later is (/etc/kernel/postinst.d/dkms:
	# dkms autoinstall, for every module with AUTOINSTALL="yes")
	if [ "$k" = "${kernels[0]}" ]; then
		how="dkms build, dkms install"
		dkms_build() {
			dkms build "${dkms_args[@]}" -k "$1" --kernelsourcedir "$2" &&
				dkms install "${dkms_args[@]}" -k "$1" --no-depmod
		}
	else
		how="dkms autoinstall (a new kernel)"
		dkms_build() {
			dkms autoinstall "${trees[@]}" -k "$1" --kernelsourcedir "$2" \
				--no-depmod
		}
	fi
	echo "# $how for $k:"
	if dkms_build "$k" "$kdir" >"$pkg/dkms-$k.log" 2>&1; then
		echo "ok - $how: tcpfsm $version for $k"
		passed=$((passed + 1))
	else
		echo "not ok - $how: tcpfsm $version for $k"
		failed=$((failed + 1))
	fi
	grep -E '^(Building|make|Signing|  *- Installing)' "$pkg/dkms-$k.log" | sed 's/^/  | /'
	ko[$k]=$(find "$root/lib/modules/$k/updates/dkms" -name 'tcpfsm.ko*' 2>/dev/null)
	modinfo_ok() {
		local f=$1 k=$2
		[ -n "$f" ] &&
			[ "$(modinfo -F version "$f")" = "$version" ] &&
			[ "$(modinfo -F vermagic "$f" | cut -d' ' -f1)" = "$k" ] &&
			modinfo -F alias "$f" | grep -qx 'net-pf-16-proto-16-family-tcpfsm' &&
			[ "$(modinfo -F signer "$f")" = "DKMS module signing key" ]
	}
	tally "$k: ${ko[$k]#"$root"/}: version $version, vermagic, genl family alias, signed with DKMS's key" \
		modinfo_ok "${ko[$k]}" "$k"
done
# BUILD_EXCLUSIVE_KERNEL: DKMS skips an older kernel (exit 77) instead of
# failing on it
exclusive() {
	local rc=0
	mkdir -p "$root/lib/modules/5.10.0-99-amd64"
	dkms build "${dkms_args[@]}" -k 5.10.0-99-amd64 \
		--kernelsourcedir "$(scripts/kpath.sh "${kernels[0]}" build)" || rc=$?
	rmdir "$root/lib/modules/5.10.0-99-amd64"
	echo "dkms build for 5.10: exit $rc"
	[ "$rc" = 77 ]
}
tally "dkms skips a 5.10 kernel (BUILD_EXCLUSIVE_KERNEL, exit 77)" exclusive
# where DKMS would have written on the host
untouched() {
	local k new
	new=$(find /var/lib/dkms /etc/dkms -newer "$pkg/stamp" 2>/dev/null
		ls -d /usr/src/tcpfsm-* 2>/dev/null
		for k in "${kernels[@]}"; do
			find "/lib/modules/$k" -maxdepth 1 -name 'modules.*' \
				-newer "$pkg/stamp"
			find "/lib/modules/$k/" -name 'tcpfsm.ko*'
		done 2>/dev/null)
	echo "host files changed by dkms: ${new:-none}"
	[ -z "$new" ]
}
tally "the host's /var/lib/dkms, /usr/src and /lib/modules untouched by dkms" untouched

# --- the guests ----------------------------------------------------------
for k in "${kernels[@]}"; do
	[ -n "${ko[$k]:-}" ] || continue
	out=$pkg/vm/$k
	mkdir -p "$out"
	cat >"$out/guest.sh" <<'EOF'
# runs in the guest: KO CMDROOT
ko=$1 cmdroot=$2
k=$(uname -r)
cmd=$cmdroot/usr/bin/tcpfsm
check() { # name, command...
	local name=$1
	shift
	if "$@" >>/run/out/guest.log 2>&1; then
		echo "ok - $k: $name"
	else
		echo "not ok - $k: $name"
	fi
}
# the DKMS-built module where DKMS installs it, in an overlay of the
# guest's /lib/modules/KVER (the host's root is read-only here); the test
# bed's kernels live under a root of the project's cache (scripts/vm.sh's
# tcpfsm_modroot), where the guest's modprobe, the kernel's too, looks
# (or in a tmpfs over lib/modules if there is no such directory: tcpfsm
# depends on no other module)
modroot=$(sed -n 's/.* tcpfsm_modroot=\([^ ]*\).*/\1/p' /proc/cmdline)
install_module() {
	local dir=$modroot/lib/modules/$k

	if [ -d "$dir" ]; then
		mkdir -p /run/ml/upper /run/ml/work &&
		mount -t overlay overlay -o "lowerdir=$dir,upperdir=/run/ml/upper,workdir=/run/ml/work" "$dir"
	else
		mount -t tmpfs tmpfs "$modroot/lib/modules"
	fi &&
	mkdir -p "$dir/updates/dkms" &&
	cp "$ko" "$dir/updates/dkms/" &&
	depmod -b "${modroot:-/}" -a "$k" &&
	"$(cat /proc/sys/kernel/modprobe)" -n -v tcpfsm
}
check "DKMS-built module installed in updates/dkms, depmod" install_module
check "module not loaded before" sh -c '! grep -q "^tcpfsm " /proc/modules'
# the genetlink family alias: the kernel runs modprobe for the command
check "packaged tcpfsm stats loads the module on demand" "$cmd" stats
check "module loaded, version $(modinfo -F version "$ko")" sh -c \
	'grep -q "^tcpfsm " /proc/modules && [ "$(cat /sys/module/tcpfsm/version)" = "$1" ]' \
	- "$(modinfo -F version "$ko")"
check "/proc/net/tcpfsm/states exists" grep -q "^ESTABLISHED " /proc/net/tcpfsm/states
# a refused connection: CLOSE -> SYN_SENT -> CLOSE
bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' 2>/dev/null
check "tcpfsm stats counts a refused connection" sh -c \
	'"$1" stats | grep -qE "^SYN_SENT +-> CLOSE +[1-9]"' - "$cmd"
mkdir -p /run/prom
textfile() {
	TCPFSM=$cmd "$cmdroot/usr/libexec/tcpfsm/tcpfsm-textfile" /run/prom &&
	grep -q '^tcpfsm_sockets{state="listen"} ' /run/prom/tcpfsm.prom &&
	[ "$(stat -c %a /run/prom/tcpfsm.prom)" = 644 ] &&
	[ "$(ls -A /run/prom)" = tcpfsm.prom ]
}
check "tcpfsm-textfile writes tcpfsm.prom (0644, no temporary file left)" textfile
# /etc/default/tcpfsm's TCPFSM_STATS_ARGS=-A: every netns, labelled
textfile_all() {
	ip netns add pkgtest || return 1
	TCPFSM_STATS_ARGS=-A TCPFSM=$cmd "$cmdroot/usr/libexec/tcpfsm/tcpfsm-textfile" /run/prom &&
	grep -q '^tcpfsm_sockets{netns="pkgtest",state="listen"} ' /run/prom/tcpfsm.prom
	local rc=$?
	ip netns del pkgtest
	return $rc
}
check "tcpfsm-textfile with TCPFSM_STATS_ARGS=-A labels each netns" textfile_all
# the module gone for good (modules_disabled: no reload on demand)
check "rmmod tcpfsm" rmmod tcpfsm
echo 1 >/proc/sys/kernel/modules_disabled
check "tcpfsm without the module: exit 1, says modprobe tcpfsm" sh -c \
	'! "$1" stats 2>/run/out/err && grep -q "(modprobe tcpfsm)" /run/out/err' - "$cmd"
stale() {
	! TCPFSM=$cmd "$cmdroot/usr/libexec/tcpfsm/tcpfsm-textfile" /run/prom &&
	[ -z "$(ls -A /run/prom)" ]
}
check "tcpfsm-textfile removes tcpfsm.prom when tcpfsm fails" stale
EOF
	echo "# guest $k: the packages' smoke test ($(date -u +%T))"
	rc=0
	scripts/vm.sh "$k" "$out" "bash /run/out/guest.sh ${ko[$k]} $cmdroot" \
		>"$out/host.log" 2>&1 || rc=$?
	results=$(grep -a '^\(not \)\?ok - ' "$out/console" | tr -d '\r')
	printf '%s\n' "$results"
	passed=$((passed + $(grep -c '^ok - ' <<<"$results")))
	failed=$((failed + $(grep -c '^not ok - ' <<<"$results")))
	tally "$k: guest ran all 11 checks (vm.sh exit $rc)" \
		test "$(grep -c 'ok - ' <<<"$results")" = 11
	tally "$k: console free of kernel reports" \
		eval '! scripts/kernel-reports.sh "$out/console"'
done

# --- removal ---------------------------------------------------------------
tally "dkms remove --all (the prerm)" \
	dkms remove "${dkms_args[@]}" --all --no-depmod
removed() {
	# the package's own files, as dpkg --purge would remove them
	(cd "$root" && grep -v '/$' "$pkg/dkms.files" | xargs rm -f)
	# the directories it created, and those made for the install tree
	find "$root" -depth -type d -empty -delete
	local left
	left=$(find "$root" "$dkms_tree" -mindepth 1 2>/dev/null)
	echo "left behind: ${left:-nothing}"
	[ -z "$left" ]
}
tally "nothing left of tcpfsm-dkms (module, DKMS tree, source)" removed

# --- make install / uninstall ----------------------------------------------
k=${kernels[-1]}
make_install() {
	local staging=$pkg/staging
	make -C "$src" KVER="$k" KDIR="$(scripts/kpath.sh "$k" build)" \
		DESTDIR="$staging" PREFIX=/usr install &&
		(cd "$staging" && find . -type f | sort) &&
		[ -f "$staging/lib/modules/$k/updates/tcpfsm.ko" ] &&
		[ -x "$staging/usr/bin/tcpfsm" ] &&
		[ -f "$staging/usr/share/man/man8/tcpfsm.8" ] &&
		[ -f "$staging/usr/share/bash-completion/completions/tcpfsm" ] &&
		[ ! -e "$staging/lib/modules/$k/modules.dep" ] &&
		make -C "$src" KVER="$k" DESTDIR="$staging" PREFIX=/usr uninstall &&
		[ -z "$(find "$staging" -type f)" ]
}
tally "make install DESTDIR=... (no depmod), make uninstall leaves no file ($k)" \
	make_install

finish
