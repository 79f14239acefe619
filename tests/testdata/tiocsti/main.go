// Command tiocsti pushes its arguments and a newline into the input of the
// terminal on its stdin, as if typed there (the TIOCSTI ioctl), for the
// property that a container cannot type into the host's terminal.
package main

import (
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	for _, b := range []byte(strings.Join(os.Args[1:], " ") + "\n") {
		if _, _, errno := unix.Syscall(unix.SYS_IOCTL, 0, unix.TIOCSTI, uintptr(unsafe.Pointer(&b))); errno != 0 {
			fmt.Fprintln(os.Stderr, "tiocsti:", errno)
			os.Exit(1)
		}
	}
	fmt.Println("pushed")
}
