#!/usr/bin/env python3
"""Checks that keep the documentation true to the binary and to itself.

config: the flag table of docs/configuration.md and `stream-emulator --help` list the same flags, with the
        same short names, environment variables (STREAM_EMULATOR_<NAME>), defaults and ranges or word lists;
        the README's table of main flags agrees with --help on the flags it shows.
links:  every relative link of the README and of docs/*.md names a file that exists and, with a #fragment,
        a heading of that file; the README links every page of docs/.
"""
import argparse
import os
import re
import subprocess
import sys

CONFIG_HEADER = ["Flag", "Environment variable", "Default", "Values", "Meaning"]
README_HEADER = ["Flag", "Environment variable", "Default", "Meaning"]
ENV_PREFIX = "STREAM_EMULATOR_"

HELP_OPTION = re.compile(r"^  (?:-(?P<short>\w),)?(?P<long>--[a-z][a-z-]*)(?P<rest>.*)$")
HELP_DETAILS = re.compile(
    r"^ (?P<type>[A-Z]+)"
    r"(?::(?:\{(?P<set>[^}]*)\}|[A-Z]+ in \[(?P<lo>[^ \]]+) - (?P<hi>[^ \]]+)\]|NONNEGATIVE))?"
    r"(?:=(?P<default>\S+))?"
    r"(?: \(Env:(?P<env>[A-Za-z0-9_]+)\))?")


class Problems:
    def __init__(self):
        self.items = []

    def add(self, text):
        self.items.append(text)


def help_options(binary):
    """The options of `binary --help`: long name -> {short, default, values, env}."""
    text = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=10, check=True).stdout
    options = {}
    for line in text.splitlines():
        match = HELP_OPTION.match(line)
        if not match:
            continue
        option = {"short": match["short"], "default": None, "values": None, "env": None}
        details = HELP_DETAILS.match(match["rest"])
        if details:
            option["default"] = details["default"]
            option["env"] = details["env"]
            if details["set"] is not None:
                option["values"] = details["set"].split(",")
            elif details["lo"] is not None:
                option["values"] = [details["lo"], details["hi"]]
        options[match["long"]] = option
    if not options:
        raise SystemExit(f"no options found in the --help output of {binary}:\n{text}")
    return options


def split_row(line):
    """The cells of a markdown table row; `\\|` inside a cell is not a separator."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    return [cell.strip() for cell in cells[1:-1]]


def code_spans(cell):
    return re.findall(r"`([^`]*)`", cell)


def table_rows(path, header):
    """The rows (line number, cells) of the one table of `path` whose header is `header`."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("|") and split_row(line) == header]
    if len(starts) != 1:
        raise SystemExit(f"{path}: expected one table with the header {header}, found {len(starts)}")
    rows = []
    i = starts[0] + 2  # past the header and its |---| line
    while i < len(lines) and lines[i].startswith("|"):
        rows.append((i + 1, split_row(lines[i])))
        i += 1
    return rows


def check_row(where, cells, option, problems, with_values):
    flag = cells[0]
    spans = code_spans(flag)
    aliases = spans[1:]
    want_aliases = [f"-{option['short']}"] if option["short"] else []
    if aliases != want_aliases:
        problems.add(f"{where}: short names {aliases}, --help has {want_aliases}")
    env = code_spans(cells[1])
    want_env = [option["env"]] if option["env"] else []
    if env != want_env:
        problems.add(f"{where}: environment variable {env}, --help has {want_env}")
    if option["env"] and option["env"] != ENV_PREFIX + spans[0][2:].upper().replace("-", "_"):
        problems.add(f"{where}: --help names the variable {option['env']}, not {ENV_PREFIX}<NAME>")
    default = code_spans(cells[2])
    if option["default"] is None:
        if default or cells[2] not in ("", "none"):
            problems.add(f"{where}: default {cells[2]!r}, --help shows none")
    elif default[:1] != [option["default"]]:
        problems.add(f"{where}: default {cells[2]!r}, --help has {option['default']!r}")
    if with_values:
        values = code_spans(cells[3])
        want = option["values"] or []
        if values != want:
            problems.add(f"{where}: values {values}, --help has {want}")


def check_config(binary, root):
    problems = Problems()
    options = help_options(binary)
    for page, header, complete in (("docs/configuration.md", CONFIG_HEADER, True),
                                   ("README.md", README_HEADER, False)):
        path = os.path.join(root, page)
        documented = set()
        for number, cells in table_rows(path, header):
            where = f"{page}:{number}"
            if len(cells) != len(header):
                problems.add(f"{where}: {len(cells)} cells, the header has {len(header)}")
                continue
            spans = code_spans(cells[0])
            if not spans or not spans[0].startswith("--"):
                problems.add(f"{where}: the Flag cell {cells[0]!r} does not start with a `--flag`")
                continue
            flag = spans[0]
            if flag in documented:
                problems.add(f"{where}: {flag} is documented twice")
            documented.add(flag)
            if flag not in options:
                problems.add(f"{where}: {flag} is documented, --help does not list it")
                continue
            check_row(where, cells, options[flag], problems, with_values=complete)
        if complete:
            for flag in sorted(set(options) - documented):
                problems.add(f"{page}: {flag} is in --help, not in the table")
        print(f"{page}: {len(documented)} flags checked against --help ({len(options)} there)")
    return problems


def heading_anchors(text):
    """GitHub's anchors for the headings of a markdown text."""
    anchors = set()
    seen = {}
    for line in strip_code(text).splitlines():
        match = re.match(r"^#{1,6} +(.*?) *#*$", line)
        if not match:
            continue
        slug = re.sub(r"[^\w\- ]", "", match[1].lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def strip_code(text):
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def check_links(root):
    problems = Problems()
    docs = sorted(f for f in os.listdir(os.path.join(root, "docs")) if not f.startswith("."))
    pages = ["README.md"] + [f"docs/{f}" for f in docs if f.endswith(".md")]
    linked_from_readme = set()
    count = 0
    for page in pages:
        path = os.path.join(root, page)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for target in re.findall(r"\]\(([^)\s]+)\)", strip_code(text)):
            if re.match(r"^[a-z]+:", target):
                continue
            count += 1
            file_part, _, fragment = target.partition("#")
            target_path = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not os.path.exists(target_path):
                problems.add(f"{page}: link to {target}: no such file")
                continue
            if page == "README.md":
                linked_from_readme.add(os.path.relpath(target_path, root))
            if fragment:
                if not target_path.endswith(".md"):
                    problems.add(f"{page}: link to {target}: a fragment into a file that is not markdown")
                    continue
                with open(target_path, encoding="utf-8") as f:
                    if fragment not in heading_anchors(f.read()):
                        problems.add(f"{page}: link to {target}: no such heading")
    for doc in docs:
        if f"docs/{doc}" not in linked_from_readme:
            problems.add(f"README.md: does not link docs/{doc}")
    print(f"{len(pages)} pages, {count} relative links checked")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("check", choices=["config", "links"])
    parser.add_argument("--root", required=True, help="the repository root")
    parser.add_argument("--binary", help="the stream-emulator binary (config)")
    args = parser.parse_args()
    if args.check == "config":
        if not args.binary:
            parser.error("config needs --binary")
        problems = check_config(args.binary, args.root)
    else:
        problems = check_links(args.root)
    for item in problems.items:
        print(item)
    print(f"{len(problems.items)} problems")
    sys.exit(1 if problems.items else 0)


if __name__ == "__main__":
    main()
