"""Calls pyportainer's stack list against a server, for `cargo xtask bench`.

Prints one JSON line: concurrency, calls, seconds (wall time of the measured
calls), median_ms (per call) and stacks (length of the last list decoded).
"""

import argparse
import asyncio
import json
import statistics
import sys
import time

from aiohttp import ClientSession, TCPConnector
from pyportainer import Portainer


async def run(url: str, api_key: str, concurrency: int, calls: int) -> dict:
    latencies: list[float] = []
    stacks = 0
    connector = TCPConnector(limit=concurrency)
    async with ClientSession(connector=connector) as session:
        client = Portainer(api_url=url, api_key=api_key, session=session)
        # Warm-up: open the connections.
        await asyncio.gather(*(client.get_stacks() for _ in range(concurrency)))

        remaining = calls

        async def worker() -> None:
            nonlocal remaining, stacks
            while remaining > 0:
                remaining -= 1
                t = time.perf_counter()
                result = await client.get_stacks()
                latencies.append(time.perf_counter() - t)
                stacks = len(result)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    return {
        "concurrency": concurrency,
        "calls": len(latencies),
        "seconds": seconds,
        "median_ms": statistics.median(latencies) * 1e3,
        "stacks": stacks,
    }


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--calls", type=int, default=50)
    a = p.parse_args()
    result = asyncio.run(run(a.url, a.api_key, a.concurrency, max(1, a.calls)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
