package main

import (
	"fmt"
	"os"

	"github.com/gohugoio/hugo/commands"
)

func main() {
	if err := commands.Execute(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
