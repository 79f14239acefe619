# Exercise 2: on a terminal the command gets a process group of its own and
# the terminal's foreground, so Ctrl-C reaches it from the terminal alone;
# the new property proves it on a pseudo-terminal.
. solutions/lib.sh
holds 'on_a_terminal_the_command_is_the_foreground_process_group'
