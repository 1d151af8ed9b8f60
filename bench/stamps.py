"""Tee for ``tmux pipe-pane``: append what the program writes to LOG, and when each chunk came
(``time.monotonic()`` and its size, one line a chunk) to STAMPS, for the latency of each key."""

import os
import sys
import time


def main() -> None:
    log, stamps = sys.argv[1], sys.argv[2]
    with open(log, "ab", buffering=0) as out, open(stamps, "a", buffering=1) as when:
        while True:
            data = os.read(0, 65536)
            if not data:
                return
            out.write(data)
            when.write(f"{time.monotonic():.6f} {len(data)}\n")


if __name__ == "__main__":
    main()
