// 5-your-own-runtime.c: pivotRoot and detachOldRoot of step 3 in C, as the
// part of a runtime's init they are. Usage: pivot ROOTFS CMD [ARG...], as
// root; it makes a mount namespace of its own, so the host is not touched.
#define _GNU_SOURCE
#include <err.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	if (argc < 3)
		errx(125, "usage: %s ROOTFS CMD [ARG...]", argv[0]);
	if (unshare(CLONE_NEWNS) < 0)
		err(125, "unshare");
	// pivot_root refuses shared mounts: make the namespace's copies private.
	if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		err(125, "mount / private");
	// new_root must be a mount point: bind it onto itself.
	if (mount(argv[1], argv[1], NULL, MS_BIND | MS_REC, NULL) < 0)
		err(125, "bind mount %s", argv[1]);
	if (chdir(argv[1]) < 0)
		err(125, "chdir %s", argv[1]);
	// glibc has no wrapper. The old root is stacked on top of the new one.
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		err(125, "pivot_root");
	// "." is the new root, but umount2 looks up its target with
	// LOOKUP_MOUNTPOINT and goes on to the topmost mount there: the old root.
	if (umount2(".", MNT_DETACH) < 0)
		err(125, "umount2 old root");
	if (chdir("/") < 0)
		err(125, "chdir /");
	execvp(argv[2], argv + 2);
	err(127, "%s", argv[2]);
}
