# Sourced by package.sh and check-package.sh, from the repository root.
#
# toml_get SECTION KEY: a string or integer value from FyneApp.toml ("" for
# the top level). Enough for that file's flat keys; the binary and fyne use a
# real TOML parser, and check-package.sh compares what they print.
toml_get() {
	awk -v want="$1" -v key="$2" '
		/^[ \t]*\[/ { sec = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", sec); next }
		sec == want && $0 ~ "^[ \t]*" key "[ \t]*=" {
			v = $0; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t]*(#.*)?$/, "", v)
			gsub(/^"|"$/, "", v); print v; exit
		}' FyneApp.toml
}
