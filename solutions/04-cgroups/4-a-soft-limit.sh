# Exercise 4: --memory-reservation writes memory.high (v2) or
# memory.soft_limit_in_bytes (v1); a program past it runs to the end. The
# property runs here on v1; its v2 branch (the "high" counter of
# memory.events) was run in check-vm by hand (see 04-cgroups.md).
. solutions/lib.sh
holds 'memory-reservation_sets_a_soft_limit'
