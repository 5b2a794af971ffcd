# Run inside Pyodide by tests/e2e/test_boundary.py: 10,000 calls mixing success,
# failure, duplicate answers and timeouts, then report what is still alive.
import asyncio
import gc
import weakref

import js
import pyodide_js

from bridge import BridgeTimeoutError, Outbound, OutboundError

modes = js.stubService.modes
modes.setDoNotCall = "fail"
modes.getCampaigns = "twice"
modes.cancelReschedule = "never"

outbound = Outbound()
refs = []
new_future = outbound._calls._new_future


def tracking_future():
    future = new_future()
    refs.append(weakref.ref(future))
    return future


async def one(i):
    kind = i % 4
    try:
        if kind == 0:
            assert (await outbound.get_call_result("1")).code == 6
        elif kind == 1:
            await outbound.set_do_not_call("1")
        elif kind == 2:
            await outbound.get_campaigns()
        else:
            await outbound.cancel_reschedule("1", timeout=0.02)
    except OutboundError:
        assert kind == 1
    except BridgeTimeoutError:
        assert kind == 3


async def batch(start, n):
    await asyncio.gather(*(one(i) for i in range(start, start + n)))


def counters():
    gc.collect()
    module = pyodide_js._module
    return [int(module.hiwire.num_keys()), int(module.pyproxy_alloc_map.size)]


async def main(total):
    await batch(0, 200)  # warm up every path
    await asyncio.sleep(0.05)
    before = counters()
    outbound._calls._new_future = tracking_future
    for start in range(0, total, 500):
        await batch(start, 500)
    outbound._calls._new_future = new_future
    await asyncio.sleep(0.05)  # let the duplicate answers arrive and be ignored
    js.stubService.calls.splice(0)  # the stub's own record of calls is not the bridge's memory
    after = counters()
    alive = sum(1 for r in refs if r() is not None)
    return {"before": before, "after": after, "futures": len(refs), "alive": alive,
            "pending": outbound._calls.pending}
