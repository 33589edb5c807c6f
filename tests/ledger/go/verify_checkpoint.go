// verify_checkpoint checks socle's signed checkpoints with the reference implementation of the
// C2SP signed-note format, the Go checksum database's note package (golang.org/x/mod/sumdb/note,
// Debian's golang-golang-x-mod-dev), built offline in GOPATH mode (tests/ledger/go/run.cmake).
//
// Usage: verify_checkpoint VERIFIER_KEY_FILE ORIGIN_FILE GOOD_DIR BAD_DIR
//
// Every file of GOOD_DIR must open with the verifier key and hold a checkpoint of ORIGIN (origin
// line, decimal tree size, base64 of a 32-byte root hash, optional non-empty extension lines);
// every file of BAD_DIR must be rejected. Exit status 0 only when both hold.
package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

func readLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// check opens a signed checkpoint and parses its text (https://c2sp.org/tlog-checkpoint).
func check(msg []byte, verifier note.Verifier, origin string) error {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return errors.New("fewer than 3 lines")
	}
	if lines[0] != origin {
		return fmt.Errorf("origin %q, want %q", lines[0], origin)
	}
	if _, err := strconv.ParseUint(lines[1], 10, 64); err != nil || (len(lines[1]) > 1 && lines[1][0] == '0') {
		return fmt.Errorf("bad tree size %q", lines[1])
	}
	if root, err := base64.StdEncoding.DecodeString(lines[2]); err != nil || len(root) != 32 {
		return fmt.Errorf("bad root hash %q", lines[2])
	}
	for _, ext := range lines[3:] {
		if ext == "" {
			return errors.New("empty extension line")
		}
	}
	return nil
}

func files(dir string) []string {
	list, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(list) == 0 {
		fmt.Fprintf(os.Stderr, "no *.txt in %s\n", dir)
		os.Exit(2)
	}
	sort.Strings(list)
	return list
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: verify_checkpoint VERIFIER_KEY_FILE ORIGIN_FILE GOOD_DIR BAD_DIR")
		os.Exit(2)
	}
	verifier, err := note.NewVerifier(readLine(os.Args[1]))
	if err != nil {
		fmt.Fprintln(os.Stderr, "verifier key:", err)
		os.Exit(1)
	}
	origin := readLine(os.Args[2])
	failed := false
	for _, path := range files(os.Args[3]) {
		msg, _ := os.ReadFile(path)
		if err := check(msg, verifier, origin); err != nil {
			fmt.Printf("FAIL %s: rejected by Go's note package: %v\n", filepath.Base(path), err)
			failed = true
		} else {
			fmt.Printf("ok   %s verifies\n", filepath.Base(path))
		}
	}
	for _, path := range files(os.Args[4]) {
		msg, _ := os.ReadFile(path)
		if err := check(msg, verifier, origin); err == nil {
			fmt.Printf("FAIL %s: altered, yet accepted\n", filepath.Base(path))
			failed = true
		} else {
			fmt.Printf("ok   %s rejected (%v)\n", filepath.Base(path), err)
		}
	}
	if failed {
		os.Exit(1)
	}
}
