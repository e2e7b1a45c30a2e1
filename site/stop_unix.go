//go:build !windows

package site

import (
	"os"
	"syscall"
)

// stopHugo asks the embedded Hugo server to stop. It listens only for
// SIGINT/SIGTERM (it has no stop function), so the process signals itself;
// Hugo's own handler takes the signal, not Go's default fatal one.
func stopHugo() error {
	return syscall.Kill(os.Getpid(), syscall.SIGTERM)
}
