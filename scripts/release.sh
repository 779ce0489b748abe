#!/usr/bin/env bash
# Makes the release artefacts from one static release build (the one scripts/install.sh makes, in
# the same scratch folder: after an install or scripts/check-install.sh it is not built again):
#
#   psatop-VERSION-linux-x86_64.tar.gz   bin/psatop, share/ (themes, man page, completions),
#                                        LICENSE, README.md, CHANGELOG.md, THIRD-PARTY-LICENSES.txt
#   psatop_DEBVERSION-1_amd64.deb        the Debian package (dpkg-deb): /usr/bin/psatop,
#                                        /usr/share/psatop/themes, the man page and changelog
#                                        gzipped, completions in bash's, zsh's and fish's places
#   SHA256SUMS                           the two above
#
# VERSION is what the binary's --version says (scripts/version.sh): X.Y.Z when the checkout is the
# commit tagged vX.Y.Z, else X.Y.Z-dev+COMMIT[.dirty] (in the package's version: X.Y.Z~dev+COMMIT,
# which sorts before X.Y.Z). The bytes depend neither on the time nor on who builds: every date is
# SOURCE_DATE_EPOCH (default: the commit's time), entries are sorted, owners are root, modes fixed.
#
# The bytes of the tarball and the package follow from the binary and the commit. A rebuild of
# the binary itself (after a touched file or a new version text) differs in 36 bytes: the Swift
# compiler's module hash (.swift_modhash) and the build-id computed over it — so the check
# (scripts/check-release.sh) packages one binary twice, the second time with --no-build.
#
# Usage: scripts/release.sh [--out DIR] [--scratch-path DIR] [--no-build]   (default out: dist/)
#   --no-build   package what SCRATCH already holds (psatop and generate-manual, release build)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/dist"
scratch="$here/.build-release"
nobuild=0
die() { echo "release.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
    case "$1" in
        --out) [ $# -ge 2 ] || die "--out needs a directory"; out="$2"; shift 2 ;;
        --out=*) out="${1#--out=}"; shift ;;
        --scratch-path) [ $# -ge 2 ] || die "--scratch-path needs a directory"; scratch="$2"; shift 2 ;;
        --scratch-path=*) scratch="${1#--scratch-path=}"; shift ;;
        --no-build) nobuild=1; shift ;;
        -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (accepted: --out DIR, --scratch-path DIR, --no-build, --help)" ;;
    esac
done
for tool in swift strip tar gzip sha256sum dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH (dpkg-dev has dpkg-shlibdeps, binutils strip)"
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || true)}"
[ -n "$SOURCE_DATE_EPOCH" ] || die "set SOURCE_DATE_EPOCH (no git checkout to take the commit's time from)"
day="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)"
export TZ=UTC LC_ALL=C.UTF-8

# 1. The build: the same command and scratch folder as scripts/install.sh.
build=(swift build -c release --static-swift-stdlib --scratch-path "$scratch")
if [ "$nobuild" -eq 1 ]; then
    echo "== no build: packaging what $scratch holds"
else
    echo "== release build (${build[*]})"
fi
for product in psatop generate-manual; do
    [ "$nobuild" -eq 0 ] || continue
    set +e
    ( cd "$here" && "${build[@]}" --product "$product" ) > "$out/.build-$product.log" 2>&1
    rc=$?
    set -e
    grep -E "error:" "$out/.build-$product.log" >&2 || true
    [ "$rc" -eq 0 ] || die "the release build of $product failed (exit $rc; log: $out/.build-$product.log)"
    rm -f "$out/.build-$product.log"
done
bindir="$(cd "$here" && "${build[@]}" --show-bin-path)"
[ -x "$bindir/psatop" ] || die "the release build failed: no $bindir/psatop"
[ -x "$bindir/generate-manual" ] || die "swift-argument-parser's generate-manual did not build"

work="$(mktemp -d "${TMPDIR:-/tmp}/psatop-release.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT
strip -o "$work/psatop" "$bindir/psatop"
chmod 755 "$work/psatop"
version="$("$work/psatop" --version)"; version="${version#psatop }"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-dev\+[0-9a-f]+(\.dirty)?)?$ ]] || die "unexpected version '$version'"
if [ "$nobuild" -eq 1 ]; then
    checkout="$(sh "$here/scripts/version.sh" "$here")"
    [ "$version" = "$checkout" ] || die "--no-build: the binary in $scratch is $version, the checkout is $checkout (build first)"
fi
[[ "$version" == *-dev+* ]] && echo "note: not a release build (HEAD is not the commit tagged v${version%%-*}, or a file changed): $version"
debversion="${version/-dev+/~dev+}-1"
arch="$(dpkg --print-architecture)"
[ "$arch" = amd64 ] || die "built on $arch; the artefacts are named for x86_64/amd64"

# 2. What both artefacts carry: man page, completions, the dependencies' licences.
mkdir -p "$work/man"
"$bindir/generate-manual" "$work/psatop" --output-directory "$work/man" --date "$day" > "$work/man.log" 2>&1 \
    || { cat "$work/man.log" >&2; die "generate-manual failed"; }
sed -i 's/^$/.Pp/' "$work/man/psatop.1"   # as scripts/install.sh: mdoc's paragraph break
bash "$here/scripts/completions.sh" "$work/psatop" "$work/completions"
bash "$here/scripts/third-party-licenses.sh" "$scratch" > "$work/THIRD-PARTY-LICENSES.txt"
bash "$here/scripts/third-party-licenses.sh" --debian "$scratch" > "$work/third-party-debian.txt"

# Every file 644 and folder 755 (the binary 755), every date SOURCE_DATE_EPOCH.
normalise() {
    find "$1" -type d -exec chmod 755 {} +
    find "$1" -type f -exec chmod 644 {} +
    [ -z "${2:-}" ] || chmod 755 "$2"
    find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# 3. The tarball: runs in place (bin/psatop finds ../share/psatop/themes) or copied under a prefix.
name="psatop-$version-linux-x86_64"
t="$work/$name"
install -d "$t/bin" "$t/share/psatop/themes" "$t/share/man/man1" "$t/share/bash-completion/completions" \
    "$t/share/zsh/site-functions" "$t/share/fish/vendor_completions.d"
cp "$work/psatop" "$t/bin/psatop"
cp "$here"/themes/*.toml "$t/share/psatop/themes/"
cp "$work/man/psatop.1" "$t/share/man/man1/psatop.1"
cp "$work/completions/psatop.bash" "$t/share/bash-completion/completions/psatop"
cp "$work/completions/_psatop" "$t/share/zsh/site-functions/_psatop"
cp "$work/completions/psatop.fish" "$t/share/fish/vendor_completions.d/psatop.fish"
cp "$here/LICENSE" "$here/README.md" "$here/CHANGELOG.md" "$work/THIRD-PARTY-LICENSES.txt" "$t/"
normalise "$t" "$t/bin/psatop"
tar --sort=name --format=gnu --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$work" -cf - "$name" | gzip -9n > "$out/$name.tar.gz"

# 4. The Debian package.
d="$work/deb"
doc="$d/usr/share/doc/psatop"
install -d "$d/DEBIAN" "$d/usr/bin" "$d/usr/share/psatop/themes" "$d/usr/share/man/man1" "$doc" \
    "$d/usr/share/bash-completion/completions" "$d/usr/share/zsh/vendor-completions" "$d/usr/share/fish/vendor_completions.d"
cp "$work/psatop" "$d/usr/bin/psatop"
cp "$here"/themes/*.toml "$d/usr/share/psatop/themes/"
gzip -9n < "$work/man/psatop.1" > "$d/usr/share/man/man1/psatop.1.gz"
cp "$work/completions/psatop.bash" "$d/usr/share/bash-completion/completions/psatop"
cp "$work/completions/_psatop" "$d/usr/share/zsh/vendor-completions/_psatop"
cp "$work/completions/psatop.fish" "$d/usr/share/fish/vendor_completions.d/psatop.fish"
gzip -9n < "$here/CHANGELOG.md" > "$doc/changelog.gz"
# zlib's code is in the binary through the Swift toolchain's static Foundation (the toolchain's
# zlib, beside the system's libz.so.1 that Foundation's networking also links): not ours to unbundle.
install -d "$d/usr/share/lintian/overrides"
echo "psatop: embedded-library zlib [usr/bin/psatop]" > "$d/usr/share/lintian/overrides/psatop"
# The package's maintainer: DEBFULLNAME and DEBEMAIL, else the git identity of the checkout.
mname="${DEBFULLNAME:-$(git -C "$here" config user.name 2>/dev/null || true)}"
memail="${DEBEMAIL:-$(git -C "$here" config user.email 2>/dev/null || true)}"
[ -n "$mname" ] && [ -n "$memail" ] || die "set DEBFULLNAME and DEBEMAIL (the package's maintainer), or git's user.name and user.email"
maintainer="$mname <$memail>"
printf 'psatop (%s) unstable; urgency=medium\n\n  * Upstream release %s; see changelog.gz.\n\n -- %s  %s\n' \
    "$debversion" "$version" "$maintainer" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")" | gzip -9n > "$doc/changelog.Debian.gz"
{
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: psatop"
    echo "Comment: psatop links the software below into its one binary (Swift packages built from"
    echo " source, toml++ inside TOMLKit, the Swift runtime and Foundation); each one's licence and"
    echo " NOTICE texts follow, as its package ships them."
    echo " ."
    sed -e 's/^[[:space:]]*$/./' -e 's/^/ /' "$work/third-party-debian.txt"
    cat <<'COPYRIGHT'

Files: *
Copyright: the psatop authors
License: Apache-2.0

License: Apache-2.0
 Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except
 in compliance with the License. You may obtain a copy of the License at
 http://www.apache.org/licenses/LICENSE-2.0
 .
 On Debian systems, the complete text of the Apache License, Version 2.0 can be found in
 "/usr/share/common-licenses/Apache-2.0".
COPYRIGHT
} > "$doc/copyright"
# Installed-Size (KiB): each file's size rounded up to a KiB, plus one for each folder — from
# the files alone, not du's blocks, which differ between file systems (tmpfs, overlay, ext4).
size="$(cd "$d" && find . -path ./DEBIAN -prune -o \( -type f -printf '%s\n' -o -type d -printf '1024\n' \) \
    | awk '{ kib += int(($1 + 1023) / 1024) } END { print kib }')"
mkdir -p "$work/shlib/debian"
printf 'Source: psatop\n\nPackage: psatop\nArchitecture: any\n' > "$work/shlib/debian/control"
depends="$(cd "$work/shlib" && dpkg-shlibdeps -O -e"$d/usr/bin/psatop" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || die "dpkg-shlibdeps found no runtime dependencies of the binary"
cat > "$d/DEBIAN/control" <<CONTROL
Package: psatop
Version: $debversion
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Recommends: ncurses-term
Section: utils
Priority: optional
Description: terminal dashboard for PSA and RMM service desks
 psatop shows an Autotask, Atera, HaloPSA or ConnectWise PSA tenant's API
 quota (with its latency tiers and a forecast), its tickets, and every
 request psatop sends through one rate-aware client. Headless commands print
 tickets, check the quota for monitoring (status) and serve it to Prometheus
 (serve-metrics); psatop --demo runs against a built-in simulator of each
 API.
CONTROL
( cd "$d" && find usr -type f | sort | xargs md5sum ) > "$d/DEBIAN/md5sums"
normalise "$d" "$d/usr/bin/psatop"
deb="psatop_${debversion}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$d" "$out/$deb" >/dev/null

# 5. The checksums.
( cd "$out" && sha256sum "$name.tar.gz" "$deb" > SHA256SUMS )
echo "released psatop $version in $out:"
( cd "$out" && ls -l "$name.tar.gz" "$deb" SHA256SUMS | awk '{ print "  " $5 "\t" $9 }' )
