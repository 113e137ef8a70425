#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where receive time goes (#15): CPU-seconds per item from a system-wide `perf record -a` of the receive phase.

Reads `perf script` of FILE and keeps only the samples of the receiving Orthanc (--orthanc PID) and of the
processes forked from it or from the mail stack's Dovecot (--dovecot PID; the fork events of the recording say
which), so the other work of a shared machine is left out. Each sample counts 1 / frequency seconds (cpu-clock);
the item is decided by the process and the sample's leaf (library and symbol). The pipeline's tools (curl, gpg,
tar) are the processes forked from --tools PID. `benchmark.py --perf-receive PREFIX` records and calls this.

  python3 Benchmarks/receive_profile.py FILE --orthanc PID [--dovecot PID] [--agent PID] [--tools PID]
"""
import argparse
import collections
import re
import subprocess
import sys

# (item, process kind, regex on "dso symbol" of the leaf); the first match wins.
ITEMS = [
    ("gpg: decrypt + verify (and the MDN's signature)", "gpg", r""),
    ("Orthanc's forked children before their exec (GPGME's fork of the whole process)", "forked", r""),
    ("gpg-agent (the receiver's)", "agent", r""),
    ("Dovecot: IMAP fetch, TLS", "dovecot", r""),
    ("plugin: TLS of the IMAP fetch (libssl/libcrypto)", "orthanc", r"libssl|libcrypto"),
    ("plugin: SHA-256 of the parts (libgcrypt)", "orthanc", r"libgcrypt"),
    ("plugin: MIME parse, de-armor, part files (own code)", "orthanc", r"libOrthancDicomMail"),
    ("plugin/Orthanc: curl", "orthanc", r"libcurl"),
    ("Orthanc: DICOM parse (DCMTK)", "orthanc", r"libdcm|libofstd|liboflog"),
    ("Orthanc: index (SQLite)", "orthanc", r"libsqlite"),
    ("Orthanc: own code (MD5, JSON, storage)", "orthanc", r"/Orthanc |Orthanc\b|libOrthanc|libjsoncpp|libboost"),
    ("libc: copies, allocation", "orthanc", r"libc\.so|libstdc\+\+|libm\.so"),
    # copy_folio_from_iter_atomic is the copy into the page cache of newer kernels; recently_deleted and
    # find_get_block_common are ext4 creating and removing (part) files.
    ("kernel: file writes (storage, part files, fetched mail)", "orthanc",
     r"kernel.*(ext4|xfs|btrfs|iomap|generic_perform_write|filemap|copy_page_from_iter|copy_folio_from_iter"
     r"|_copy_from_user|jbd2|recently_deleted|find_get_block|find_inode_bit|mpage_|__filemap)"),
    ("kernel: page faults, page clearing, fork page tables", "orthanc",
     r"kernel.*(clear_page|exc_page_fault|do_wp_page|copy_page_range|copy_mc_|handle_mm_fault|do_anonymous_page"
     r"|unmap_page_range|zap_|vm_normal_page|free_pages_and_swap_cache|folio_)"),
    ("kernel: scheduling and wake-ups (threads, waits on gpg's pipes)", "orthanc",
     r"kernel.*(finish_task_switch|_raw_spin_unlock_irq|__schedule|futex|try_to_wake_up)"),
    ("kernel: pipes, sockets, other", "orthanc", r"kernel|\[unknown\]|vdso"),
    ("Orthanc process: other", "orthanc", r""),
]


def read_samples(path):
    """Yields (pid, comm, leaf 'dso symbol') and fork events as ('fork', child, parent)."""
    process = subprocess.Popen(["perf", "script", "-i", path, "--show-task-events", "-F", "comm,pid,tid,ip,sym,dso"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, errors="replace")
    fork = re.compile(r"PERF_RECORD_FORK\((\d+):\d+\):\((\d+):\d+\)")
    head = re.compile(r"^\s*(\S.*?)\s+(\d+)/(\d+)\s+(.*)$")
    for line in process.stdout:
        f = fork.search(line)
        if f:
            if f.group(1) != f.group(2):   # a new process, not a new thread
                yield ("fork", int(f.group(1)), int(f.group(2)))
            continue
        m = head.match(line)
        if not m or "PERF_RECORD_" in line:
            continue
        comm, pid, rest = m.group(1), int(m.group(2)), m.group(4).strip()
        # rest: "ip sym+off (dso)", the leaf frame (recorded without call chains)
        dso = re.search(r"\(([^()]*)\)\s*$", rest)
        symbol = rest.split(" ", 1)[-1].rsplit("(", 1)[0].strip() if " " in rest else ""
        yield ("sample", pid, comm, (dso.group(1) if dso else "?") + " " + symbol)
    process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--orthanc", type=int, required=True, help="pid of the receiving Orthanc")
    parser.add_argument("--dovecot", type=int, default=0, help="pid of the mail stack's Dovecot master")
    parser.add_argument("--agent", type=int, default=0, help="pid of the receiver's gpg-agent")
    parser.add_argument("--tools", type=int, default=0, help="pid whose children are the pipeline's tools")
    parser.add_argument("--frequency", type=int, default=499)
    args = parser.parse_args()

    parent = {}
    samples = []
    for event in read_samples(args.file):
        if event[0] == "fork":
            parent[event[1]] = event[2]
        else:
            samples.append(event[1:])

    def root_of(pid):
        seen = set()
        while pid not in seen:
            if pid != 0 and pid in (args.orthanc, args.dovecot, args.agent, args.tools):
                return pid
            seen.add(pid)
            if pid not in parent:
                return None
            pid = parent[pid]
        return None

    seconds = collections.Counter()
    top = collections.defaultdict(collections.Counter)
    step = 1.0 / args.frequency
    for pid, comm, leaf in samples:
        root = root_of(pid)
        if root is None:
            continue
        if root == args.tools and pid != args.tools and comm not in ("Orthanc", "perf"):
            item = "pipeline: %s" % ("gpg (decrypt + verify)" if comm.startswith("gpg") else comm)
            seconds[item] += step
            top[item][leaf] += step
            continue
        if root == args.agent:
            kind = "agent"
        elif root == args.dovecot:
            kind = "dovecot"
        elif pid == args.orthanc:
            kind = "orthanc"
        elif comm.startswith("gpg"):
            kind = "gpg"
        elif root == args.orthanc and comm == "Orthanc":
            kind = "forked"
        else:
            continue   # gpgconf and the like: none while receiving
        for item, item_kind, pattern in ITEMS:
            if item_kind == kind and re.search(pattern, leaf):
                seconds[item] += step
                top[item][leaf] += step
                break
    spawned = collections.Counter()
    for child, parent_pid in parent.items():
        if parent_pid == args.orthanc:
            spawned["processes started by the receiving Orthanc"] += 1
    total = sum(seconds.values())
    print("| item | CPU-s | share |")
    print("|---|---|---|")
    names = [item for item, _, _ in ITEMS] + sorted(k for k in seconds if k.startswith("pipeline: "))
    for item in names:
        if seconds[item]:
            print("| %s | %.2f | %.0f %% |" % (item, seconds[item], 100 * seconds[item] / total))
    print("| total | %.2f | |" % total)
    for what, count in spawned.items():
        print("%s: %d" % (what, count))
    print()
    for item in names:
        if seconds[item]:
            leaves = ", ".join("%s %.2f" % (leaf[-60:], s) for leaf, s in top[item].most_common(4))
            print("%s: %s" % (item, leaves))
    return 0


if __name__ == "__main__":
    sys.exit(main())
