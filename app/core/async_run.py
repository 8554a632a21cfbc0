"""Running a coroutine to its end from synchronous code."""

import asyncio
import threading


def run_sync(make_coroutine):
    """asyncio.run(make_coroutine()) and its result; on a thread of its own when this thread already runs
    a loop (a browser driver, a notebook), where asyncio.run refuses to start."""
    if not loop_running():
        return asyncio.run(make_coroutine())
    outcome = {}

    def run():
        try:
            outcome["result"] = asyncio.run(make_coroutine())
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="formhook-async")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def loop_running():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
