#!/usr/bin/env bash
# hoteltv's two commands (Debian 12 / Ubuntu 22.04 or newer; other Linux without the apt steps):
#
#   ./run.sh [ARGS...]             install what is missing, then start hoteltv (ARGS go to the program)
#   ./run.sh test [PYTEST ARGS...] install the test tools, then run ruff, ruff format --check, mypy, pytest
#
# Environment:
#   HOTELTV_VENV    where the virtual environment lives (default: .venv in this folder)
#   HOTELTV_PYTHON  the Python (3.11 or newer) to make it with (default: the newest one found)
#   DEBIAN_FRONTEND passed to apt-get (default: noninteractive)
#
# System packages are installed only where missing, and only as root or with passwordless `sudo -n`;
# otherwise the exact apt-get command is printed. The Python packages are installed again only when
# setup.cfg changed since the last successful install (a stamp file inside the virtual environment).
set -euo pipefail

CALLER_DIR=$PWD
VENV=${HOTELTV_VENV:-}
case $VENV in "" | /*) ;; *) VENV=$CALLER_DIR/$VENV ;; esac # relative to where we were started
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
VPY=$VENV/bin/python
STAMP=$VENV/.hoteltv-installed
export DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-noninteractive}

# Qt's platform libraries. The GUI on X11/Wayland needs all of them; tests run offscreen and need fewer.
QT_LIBS_OFFSCREEN=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3)
QT_LIBS_GUI=("${QT_LIBS_OFFSCREEN[@]}" libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
	libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1
	libwayland-cursor0 libwayland-egl1) # the last two: Qt's Wayland plugin (a desktop has them already)
TEST_TOOLS=(poppler-utils zbar-tools chromium) # pdftoppm for the PDF tests, zbarimg to read printed QR codes
# back, Chromium to drive the phone-upload page in a real browser engine

say() { printf 'hoteltv: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	exit 1
}

# ---- apt ---------------------------------------------------------------------------------------------
SUDO=()
APT_UPDATED=
have_apt() { command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; }

may_root() {
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=()
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO=(sudo -n)
	else
		return 1
	fi
}

apt_run() { "${SUDO[@]}" env DEBIAN_FRONTEND="$DEBIAN_FRONTEND" apt-get "$@"; }

apt_update_once() {
	[ -n "$APT_UPDATED" ] && return 0
	say "updating the package lists (apt-get update)…"
	apt_run update -qq >&2 || say "warning: apt-get update failed; trying with the lists as they are"
	APT_UPDATED=1
}

# (No `| grep -q` in these: with pipefail, grep quitting early can fail the pipeline through SIGPIPE.)
dpkg_installed() { [[ $(dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null) == *" installed"* ]]; }

# Ubuntu 24.04 and Debian 13 renamed some libraries with a t64 suffix: either name will do.
installed_either() { dpkg_installed "$1" || dpkg_installed "${1}t64"; }

has_candidate() { [[ $(apt-cache policy "$1" 2>/dev/null) == *"Candidate: "[0-9]* ]]; }

# The name this system's package lists offer (NAME, else NAMEt64, else NAME to let apt-get explain).
available_name() {
	if ! has_candidate "$1" && has_candidate "${1}t64"; then echo "${1}t64"; else echo "$1"; fi
}

# Install those of the given packages that are missing. Returns 1 if some are missing and we may not.
ensure_system_packages() {
	have_apt || return 0
	local name missing=() names=()
	for name in "$@"; do
		installed_either "$name" || missing+=("$name")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if ! may_root; then
		say "missing system packages: ${missing[*]}"
		say "install them with:  sudo apt-get install -y ${missing[*]}"
		return 1
	fi
	apt_update_once
	for name in "${missing[@]}"; do names+=("$(available_name "$name")"); done
	say "installing system packages: ${names[*]}…"
	apt_run install -y -qq --no-install-recommends "${names[@]}" >/dev/null ||
		die "apt-get install ${names[*]} failed"
}

# ---- Python and the virtual environment --------------------------------------------------------------
py_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
py_can_venv() { "$1" -c 'import venv, ensurepip' >/dev/null 2>&1; }

# Every Python 3.11+ on PATH, newest first (a pyenv shim for a version not selected fails py_ok).
python_candidates() {
	local cand
	if [ -n "${HOTELTV_PYTHON:-}" ]; then
		py_ok "$HOTELTV_PYTHON" || die "HOTELTV_PYTHON=$HOTELTV_PYTHON is not a Python 3.11 or newer"
		command -v "$HOTELTV_PYTHON"
		return
	fi
	for cand in python3.13 python3.12 python3.11 python3; do
		if command -v "$cand" >/dev/null 2>&1 && py_ok "$cand"; then command -v "$cand"; fi
	done
}

# The Python to make the venv with: one that has venv and ensurepip, else one we can give them.
find_python() {
	local cand first='' system=''
	while read -r cand; do
		[ -n "$first" ] || first=$cand
		case $cand in /usr/bin/*) [ -n "$system" ] || system=$cand ;; esac
		if py_can_venv "$cand"; then
			echo "$cand"
			return
		fi
	done < <(python_candidates)

	if [ -z "$first" ]; then
		# No Python 3.11+ at all (Ubuntu 22.04's python3 is 3.10; a minimal image has none).
		have_apt || die "hoteltv needs Python 3.11 or newer; install it, or set HOTELTV_PYTHON"
		local ver pkg=
		if may_root; then
			apt_update_once
			for ver in 3.13 3.12 3.11; do
				if has_candidate "python$ver"; then
					pkg=python$ver
					break
				fi
			done
		fi
		[ -n "$pkg" ] || die "hoteltv needs Python 3.11 or newer: sudo apt-get install -y python3.11 python3.11-venv"
		ensure_system_packages "$pkg" "$pkg-venv"
		if ! py_can_venv "$pkg"; then die "installed $pkg, but it cannot make a virtual environment"; fi
		command -v "$pkg"
		return
	fi

	# Debian and Ubuntu ship venv/ensurepip separately, in python3.X-venv.
	if [ -z "$system" ] || ! have_apt; then
		die "$first has no venv/ensurepip module; install a complete Python 3.11+ (or python3-venv)"
	fi
	first=$system
	local minor venvpkg
	minor=$("$first" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	venvpkg=python$minor-venv
	if may_root; then
		apt_update_once
		has_candidate "$venvpkg" || venvpkg=python3-venv
	fi
	ensure_system_packages "$venvpkg" || die "Python cannot make a virtual environment without $venvpkg"
	py_can_venv "$first" || die "installed $venvpkg, but $first still cannot make a virtual environment"
	echo "$first"
}

venv_ok() { [ -x "$VPY" ] && py_ok "$VPY" && "$VPY" -c 'import pip' >/dev/null 2>&1; }

ensure_venv() {
	venv_ok && return 0
	if [ -e "$VENV" ]; then
		# A half-made venv (e.g. ensurepip was missing) or one whose Python is gone: make it again.
		[ -f "$VENV/pyvenv.cfg" ] || die "$VENV exists and is not a virtual environment; move it or set HOTELTV_VENV"
		say "the virtual environment in $VENV is broken; making it again…"
		rm -rf -- "$VENV"
	fi
	local py
	py=$(find_python)
	say "creating the virtual environment in $VENV ($("$py" -V 2>&1))…"
	"$py" -m venv "$VENV" || die "$py -m venv $VENV failed"
}

# ---- Python packages --------------------------------------------------------------------------------
stamp_for() { # stamp_for EXTRAS -> what the stamp file holds after installing .[EXTRAS]
	printf 'setup.cfg sha256 %s\nextras %s\nproject %s\n' \
		"$("$VPY" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' setup.cfg)" \
		"$1" "$ROOT"
}

ensure_python_packages() { # ensure_python_packages [dev]
	local extras=${1:-} want have=
	want=$(stamp_for "$extras")
	[ -f "$STAMP" ] && have=$(cat "$STAMP")
	# The dev install is a superset of the plain one.
	if [ "$have" = "$want" ] || { [ -z "$extras" ] && [ "$have" = "$(stamp_for dev)" ]; }; then
		return 0
	fi
	rm -f "$STAMP"
	say "installing Python packages${extras:+ with [$extras]} (the first time downloads Qt: a few minutes)…"
	"$VPY" -m pip install --disable-pip-version-check -q -e ".${extras:+[$extras]}" ||
		die "pip install failed (see above); run ./run.sh${extras:+ test} again once it is fixed"
	printf '%s\n' "$want" >"$STAMP"
}

# ---- the two commands -------------------------------------------------------------------------------
run_tests() {
	export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
	local failed=() rc=0
	say "ruff check"
	"$VPY" -m ruff check . || failed+=("ruff check")
	say "ruff format --check"
	"$VPY" -m ruff format --check . || failed+=("ruff format")
	say "mypy"
	"$VPY" -m mypy || failed+=("mypy")
	say "pytest"
	# Split over the CPUs (pytest-xdist, at most 4 workers); "-n 0" among the arguments runs in one process.
	"$VPY" -m pytest -n logical --maxprocesses=4 "$@" || rc=$?
	case $rc in
	0) ;;
	5) failed+=("pytest (no tests collected)") ;;
	*) failed+=("pytest (exit $rc)") ;;
	esac
	if [ ${#failed[@]} -gt 0 ]; then
		local msg
		msg=$(printf '%s, ' "${failed[@]}")
		say "FAILED: ${msg%, }"
		exit 1
	fi
	say "all checks passed"
}

if [ "${1:-}" = "test" ]; then
	shift
	ensure_system_packages "${QT_LIBS_OFFSCREEN[@]}" "${TEST_TOOLS[@]}" ||
		say "warning: continuing without them; tests that need them will fail"
	ensure_venv
	ensure_python_packages dev
	run_tests "$@"
else
	ensure_system_packages "${QT_LIBS_GUI[@]}" ||
		say "warning: continuing without them; the window may not open"
	ensure_venv
	ensure_python_packages
	cd "$CALLER_DIR" # so that relative paths in ARGS mean what the user meant
	exec "$VPY" "$ROOT/main.py" "$@"
fi
