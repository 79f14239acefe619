# Exercise 2: past a page of options, each lower goes in its own fsconfig
# "lowerdir+" (Linux 6.8); the new property stacks forty long paths, and
# the property about a long RUNT_DATA still holds.
. solutions/lib.sh
holds 'lowers_whose_options_fill'
property "$BIN" 'overlay_options_too_long' || fail 'a long RUNT_DATA is no longer refused with one line that blames it'
