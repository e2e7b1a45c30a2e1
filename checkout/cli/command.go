package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// helpOr answers a command with subcommands when it is given nothing or
// asked for help: it prints usage and ends the command (done), with an
// error saying what to say when nothing was said.
func helpOr(args []string, out io.Writer, usage, missing string) (done bool, err error) {
	if len(args) > 0 && !isHelp(args[0]) {
		return false, nil
	}
	fmt.Fprint(out, usage)
	if len(args) == 0 {
		return true, errors.New(missing)
	}
	return true, nil
}

func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// newFlags is a quiet flag set with the flag every owner command has:
// -url, the sidecar's address (default $SHOP_ADMIN_URL).
func newFlags(name string) (fs *flag.FlagSet, adminURL *string) {
	fs = flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs, fs.String("url", os.Getenv("SHOP_ADMIN_URL"), "the sidecar's address")
}
