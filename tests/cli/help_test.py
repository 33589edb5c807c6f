#!/usr/bin/env python3
"""Every command and subcommand of `socle` answers --help and -h with its usage on stdout and
exit 0 (issue 7). The commands are discovered, not listed here: the words of `socle --help`'s
command list (with their `a|b|c` subcommands), then the `socle CMD SUB` lines of each command's
own usage. A new command or subcommand without --help therefore fails this test.

Usage: help_test.py SOCLE_BINARY
"""
import re
import subprocess
import sys


def run(binary, args):
    proc = subprocess.run([binary] + args, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=60)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), \
        proc.stderr.decode("utf-8", "replace")


def top_level_commands(usage):
    """{command: [subcommands]} from the `commands:` block of `socle --help`: each line is
    `  COMMAND [SUB|SUB...] [args]   description`; a subcommand follows the command after exactly
    one space (the description is further away)."""
    commands = {}
    in_block = False
    for line in usage.splitlines():
        if line.strip() == "commands:":
            in_block = True
            continue
        if in_block and not line.strip():
            break
        if not in_block:
            continue
        m = re.match(r"\s+([a-z][a-z-]*)(?: ([a-z][a-z-]*(?:\|[a-z][a-z-]*)*))?(?=\s|$)", line)
        if not m:
            continue
        subs = commands.setdefault(m.group(1), [])
        for sub in (m.group(2) or "").split("|"):
            if sub and sub not in subs:
                subs.append(sub)
    return commands


def subcommands_in(command, usage):
    """The SUB words of `socle COMMAND SUB` lines in a command's usage."""
    found = []
    for m in re.finditer(r"socle %s ([a-z][a-z-]*)" % re.escape(command), usage):
        if m.group(1) not in found:
            found.append(m.group(1))
    return found


def main():
    binary = sys.argv[1]
    failures = []
    checked = []

    def check(args):
        for flag in ("--help", "-h"):
            argv = args + [flag]
            code, out, err = run(binary, argv)
            checked.append(" ".join(argv))
            if code != 0 or "usage" not in out or err:
                failures.append("socle %s: exit %d, stdout %r, stderr %r" %
                                (" ".join(argv), code, out[:200], err[:200]))
        return run(binary, args + ["--help"])[1]

    top = check([])
    commands = top_level_commands(top)
    if len(commands) < 7:
        failures.append("socle --help lists %d commands: the command list was not found" %
                        len(commands))
    for command, subs in commands.items():
        usage = check([command])
        for sub in subs + [s for s in subcommands_in(command, usage) if s not in subs]:
            check([command, sub])
    code, out, _ = run(binary, ["help"])
    if code != 0 or "usage" not in out:
        failures.append("socle help: exit %d" % code)

    print("checked %d invocations:" % len(checked))
    for c in checked:
        print("  socle " + c)
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
