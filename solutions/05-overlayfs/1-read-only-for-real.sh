# Exercise 1: --read-only, by an overlay without upper when there are two
# lowers or more, else by MS_RDONLY; the new property proves it.
. solutions/lib.sh
holds 'read-only:_nothing_inside'
