# make install [PREFIX=~/.local]: a release build with the Swift runtime linked in, installed with
# its themes, manual page and shell completions (see scripts/install.sh). make uninstall removes it.
PREFIX ?= $(HOME)/.local

.PHONY: install uninstall

install:
	scripts/install.sh --prefix "$(PREFIX)"

uninstall:
	scripts/install.sh --prefix "$(PREFIX)" --uninstall
