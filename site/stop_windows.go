//go:build windows

package site

import "golang.org/x/sys/windows"

// stopHugo asks the embedded Hugo server to stop. On Windows its signal
// handler sees console control events as os.Interrupt, so the process sends a
// Ctrl+Break to its own console.
func stopHugo() error {
	return windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, 0)
}
