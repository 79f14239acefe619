// 7-your-own-runtime.c: the cgroup part of step 4 in C, on its own.
//
//   7-your-own-runtime MEMORY_MIB CMD [ARG...]
//
// makes the cgroup runt/ID with a memory limit (v2: memory.max and
// memory.swap.max; v1: memory.limit_in_bytes and memory.memsw.limit_in_bytes),
// forks a child that waits on a pipe, joins it, lets it go, and in the child
// unshares the cgroup namespace before it execs CMD. Then it waits, says so
// when the OOM killer ended CMD, and removes the cgroup. No other namespace,
// no pivot_root: the rest of a runtime is steps 1 to 3.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CGROUP2_SUPER_MAGIC 0x63677270

static char dirs[2][256]; // v2: one directory; v1: memory, then pids
static int ndirs;

static void die(const char *what) {
	fprintf(stderr, "runtime: %s: %s\n", what, strerror(errno));
	exit(125);
}

static void writefile(const char *dir, const char *file, const char *value) {
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "w"); // cgroupfs files exist already: "w" creates nothing
	if (!f || fputs(value, f) < 0 || fclose(f) != 0)
		die(path);
}

// counter reads "NAME N" from a flat-keyed cgroup file; 0 if absent.
static long counter(const char *dir, const char *file, const char *name) {
	char path[512], key[64];
	long n, found = 0;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fscanf(f, "%63s %ld", key, &n) == 2)
		if (strcmp(key, name) == 0)
			found = n;
	fclose(f);
	return found;
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: %s MEMORY_MIB CMD [ARG...]\n", argv[0]);
		return 125;
	}
	long mib = atol(argv[1]);
	char bytes[32], id[32];
	snprintf(bytes, sizeof bytes, "%ld", mib << 20);
	snprintf(id, sizeof id, "c%ld%d", (long)time(NULL), getpid());

	// The cgroup and its limits exist before the child does.
	struct statfs st;
	if (statfs("/sys/fs/cgroup", &st) != 0)
		die("statfs /sys/fs/cgroup");
	int v2 = st.f_type == CGROUP2_SUPER_MAGIC;
	if (v2) {
		mkdir("/sys/fs/cgroup/runt", 0755); // may exist
		writefile("/sys/fs/cgroup", "cgroup.subtree_control", "+memory +pids");
		writefile("/sys/fs/cgroup/runt", "cgroup.subtree_control", "+memory +pids");
		snprintf(dirs[ndirs++], sizeof dirs[0], "/sys/fs/cgroup/runt/%s", id);
	} else {
		mkdir("/sys/fs/cgroup/memory/runt", 0755);
		mkdir("/sys/fs/cgroup/pids/runt", 0755);
		snprintf(dirs[ndirs++], sizeof dirs[0], "/sys/fs/cgroup/memory/runt/%s", id);
		snprintf(dirs[ndirs++], sizeof dirs[0], "/sys/fs/cgroup/pids/runt/%s", id);
	}
	for (int i = 0; i < ndirs; i++)
		if (mkdir(dirs[i], 0755) != 0)
			die(dirs[i]);
	char path[512];
	if (v2) {
		writefile(dirs[0], "memory.max", bytes);
		snprintf(path, sizeof path, "%s/memory.swap.max", dirs[0]);
		if (access(path, F_OK) == 0) // only with swap accounting
			writefile(dirs[0], "memory.swap.max", "0");
	} else {
		// memory first: v1 refuses a memory limit above memory+swap.
		writefile(dirs[0], "memory.limit_in_bytes", bytes);
		snprintf(path, sizeof path, "%s/memory.memsw.limit_in_bytes", dirs[0]);
		if (access(path, F_OK) == 0)
			writefile(dirs[0], "memory.memsw.limit_in_bytes", bytes);
	}

	// The child waits on the pipe before it runs anything of the user's.
	int go[2];
	if (pipe(go) != 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(125); // the runtime died or gave up: run nothing
		// Now in the cgroup: the new namespace's root is this cgroup.
		if (unshare(CLONE_NEWCGROUP) != 0)
			die("unshare(CLONE_NEWCGROUP)");
		execvp(argv[2], argv + 2);
		die(argv[2]);
	}
	close(go[0]);
	char procs[32];
	snprintf(procs, sizeof procs, "%d", pid);
	for (int i = 0; i < ndirs; i++)
		writefile(dirs[i], "cgroup.procs", procs);
	if (write(go[1], "g", 1) != 1)
		die("write to the child");
	close(go[1]);

	int ws, status;
	if (waitpid(pid, &ws, 0) != pid)
		die("waitpid");
	status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
	long kills = v2 ? counter(dirs[0], "memory.events", "oom_kill")
			: counter(dirs[0], "memory.oom_control", "oom_kill");
	if (kills > 0 && status == 128 + SIGKILL)
		fprintf(stderr, "runtime: container killed: out of memory (limit %ld MiB)\n", mib);

	// rmdir fails with EBUSY while a killed process is still leaving.
	for (int i = 0; i < ndirs; i++)
		for (int try = 0; rmdir(dirs[i]) != 0 && errno == EBUSY && try < 100; try++)
			usleep(10000);
	return status;
}
