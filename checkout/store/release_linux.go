package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// dropMapping tells the kernel the process no longer needs its mapping of
// the file's pages in the map that starts at addr: the pages stay in the
// page cache and are mapped again from it when read. The length is the
// map's own, from /proc/self/maps (bbolt does not say it, and the file can
// be shorter or longer than its map); nothing outside that map is touched.
func dropMapping(addr uintptr) error {
	n, err := mappingLen(addr)
	if err != nil {
		return err
	}
	if _, _, errno := unix.Syscall(unix.SYS_MADVISE, addr, n, unix.MADV_DONTNEED); errno != 0 {
		return fmt.Errorf("madvise: %w", errno)
	}
	return nil
}

// mappingLen is the length of the process's mapping that starts at addr.
func mappingLen(addr uintptr) (uintptr, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	want := strconv.FormatUint(uint64(addr), 16) + "-"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, want) {
			continue
		}
		rng, _, _ := strings.Cut(line, " ")
		_, endHex, _ := strings.Cut(rng, "-")
		end, err := strconv.ParseUint(endHex, 16, 64)
		if err != nil || uintptr(end) <= addr {
			return 0, fmt.Errorf("read the map's end from %q", line)
		}
		return uintptr(end) - addr, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no mapping starts at %#x", addr)
}
