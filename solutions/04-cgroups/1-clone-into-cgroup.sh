# Exercise 1: on cgroup v2, clone3 with CLONE_INTO_CGROUP creates init in its
# cgroup and nothing writes cgroup.procs; on v1 the runtime still joins init.
# Here (v1) the step's own properties must keep passing; the new property is
# v2's, proved in the check-vm VM.
. solutions/lib.sh
. solutions/04-cgroups/vm.sh
property "$BIN" 'inside,_' || fail "the container's cgroup view changed on v1"
property "$BIN" 'a_fork_bomb_stops' || fail "--pids no longer holds on v1"
holds_on_v2 'clone3_creates_init_in_its_cgroup'
