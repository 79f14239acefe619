# Exercise 5: --cpu-shares writes cpu.shares (v1) or cpu.weight (v2, scaled so
# that 1024 is 100); two busy containers pinned to one CPU share it 2:1.
. solutions/lib.sh
holds 'cpu-shares_divides_a_busy_CPU'
