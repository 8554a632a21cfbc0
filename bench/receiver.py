"""A webhook receiver in its own process (aiohttp), fast enough never to be the bottleneck.

POST /<name>?delay_ms=N answers 200 after N ms (delay_ms=-1 hangs until the sender gives up).
It counts requests per name and, when the body carries "sent_at", the seconds from
submission to receipt, and how many requests per name are in flight (the most at once).
GET /stats returns those figures, GET /in-flight the in-flight ones; POST /reset clears them.
"""

import argparse
import asyncio
import json
import time

from aiohttp import web

HANG_SECONDS = 3600


class Stats:
    def __init__(self):
        self.reset()

    def reset(self):
        self.by_name = {}
        self.in_flight = {}  # name → {"now": requests being answered, "max": the most at once}

    def enter(self, name):
        entry = self.in_flight.setdefault(name, {"now": 0, "max": 0})
        entry["now"] += 1
        entry["max"] = max(entry["max"], entry["now"])

    def leave(self, name):
        if name in self.in_flight:  # unless a reset came meanwhile
            self.in_flight[name]["now"] -= 1

    def record(self, name, body):
        now = time.time()
        entry = self.by_name.setdefault(name, {"count": 0, "first": now, "last": now, "latencies": []})
        entry["count"] += 1
        entry["last"] = now
        marker = body.find(b'"sent_at"')
        if marker != -1:
            sent_at = _sent_at(body)
            if sent_at is not None:
                entry["latencies"].append(now - sent_at)


def _sent_at(body):
    try:
        answers = json.loads(body)["data"]["submission"]["answers"]
        return float(answers["sent_at"])
    except (ValueError, KeyError, TypeError):
        return None


def build_app():
    stats = Stats()

    async def receive(request):
        name = request.match_info["name"]
        stats.enter(name)
        try:  # a sender that gives up closes the connection, which cancels this handler
            body = await request.read()
            delay_ms = int(request.query.get("delay_ms", "0"))
            if delay_ms < 0:
                await asyncio.sleep(HANG_SECONDS)
            elif delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            stats.record(name, body)
        finally:
            stats.leave(name)
        return web.Response(text="ok")

    async def show_stats(_request):
        return web.json_response(stats.by_name)

    async def show_in_flight(_request):
        return web.json_response(stats.in_flight)

    async def reset(_request):
        stats.reset()
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=2 * 1024 * 1024)
    app.router.add_get("/stats", show_stats)
    app.router.add_get("/in-flight", show_in_flight)
    app.router.add_post("/reset", reset)
    app.router.add_route("*", "/{name}", receive)
    return app


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    web.run_app(build_app(), host="127.0.0.1", port=args.port, access_log=None, print=None, backlog=1024,
                handler_cancellation=True)


if __name__ == "__main__":
    main()
