# make install [PREFIX=~/.local]: a release build with the Swift runtime linked in, installed with
# its themes, manual page and shell completions (see scripts/install.sh). make uninstall removes it.
# make dist [DIST=dist]: the release tarball, Debian package and SHA256SUMS (see scripts/release.sh).
PREFIX ?= $(HOME)/.local
DIST ?= dist

.PHONY: install uninstall dist

install:
	scripts/install.sh --prefix "$(PREFIX)"

uninstall:
	scripts/install.sh --prefix "$(PREFIX)" --uninstall

dist:
	scripts/release.sh --out "$(DIST)"
