# Exercise 6: memory.oom.group = 1 makes one OOM kill end every process of the
# container, so a shell that would survive dd's kill dies with it (137, and
# "container killed"). The file is cgroup v2's: proved in the check-vm VM.
. solutions/lib.sh
. solutions/04-cgroups/vm.sh
holds_on_v2 'an_OOM_kill_ends_the_whole_container'
