#!/usr/bin/env python3
"""Where the allocations of a measured window come from (issue 15: "no heap allocation per
by-id request after warm-up"): reads the stacks bench/alloc_count.c writes with
ALLOC_COUNT_TRACE (bench/counts.sh ALLOC_TRACE=1), names their frames with addr2line and
prints the most frequent stacks, allocator layers left out.

    bench/alloc_sites.py TRACE_FILE [FRAMES=8]
"""
import collections
import re
import subprocess
import sys

path = sys.argv[1]
depth = int(sys.argv[2]) if len(sys.argv) > 2 else 8
frame_re = re.compile(r"^(?P<bin>[^(\[]+)\((?P<sym>[^)+]*)\+?(?P<off>0x[0-9a-f]+)?\) ?\[(?P<addr>0x[0-9a-f]+)\]")
stacks, sizes, cur, size = [], [], [], 0
for line in open(path, errors="replace"):
    line = line.strip()
    if line.startswith("size "):
        size = int(line[5:])
        continue
    if line == "--":
        stacks.append(cur)
        sizes.append(size)
        cur = []
        continue
    m = frame_re.match(line)
    if m:
        cur.append((m.group("bin"), m.group("sym"), m.group("off")))
# Name every (binary, offset) of a frame without a symbol, one addr2line per binary.
wanted = collections.defaultdict(set)
for st in stacks:
    for b, sym, off in st:
        if off and not sym:
            wanted[b].add(off)
names = {}
for b, offs in wanted.items():
    offs = sorted(offs)
    try:
        out = subprocess.run(["addr2line", "-f", "-C", "-e", b, *offs], capture_output=True,
                             text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        continue
    for i, off in enumerate(offs):
        names[(b, off)] = out[2 * i] if 2 * i < len(out) else "?"
skip = ("alloc_count", "libc.so", "operator new", "aligned_new", "thread_info_base::allocate",
        "recycling_allocator", "__libc_", "_M_allocate", "new_allocator", "allocate(")
counts = collections.Counter()
size_sets = collections.defaultdict(collections.Counter)
for st, sz in zip(stacks, sizes):
    frames = []
    for b, sym, off in st:
        name = names.get((b, off)) or sym or b.rsplit("/", 1)[-1]
        if any(s in name or s in b for s in skip) and not frames:
            continue
        frames.append(re.sub(r"\(.*", "", name)[:90])
        if len(frames) == depth:
            break
    key = " < ".join(frames)
    counts[key] += 1
    size_sets[key][sz] += 1
total = len(stacks)
print("%d allocations traced" % total)
for stack, n in counts.most_common(25):
    print("%6d  [bytes %s]  %s" % (n, ",".join(str(b) for b, _ in size_sets[stack].most_common(3)), stack))
