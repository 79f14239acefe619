# Exercise 1: the command dies with a runtime killed by SIGKILL (Pdeathsig),
# and the new property proves it.
. solutions/lib.sh
holds 'the_command_dies_with_a_runtime_killed_by_SIGKILL'
