"""Load generators: wrk for intake, a paced submitter, and the plain httpx baseline loop."""

import asyncio
import re
import shutil
import subprocess
import tempfile
import time

import aiohttp
import httpx

WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = "name=Ana+Lima&email=ana%40example.com&sent_at=0"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""
BASELINE_BODY = b'{"type":"submission.created","data":{"answers":{"name":"Ana"}}}'


def wrk_available():
    return shutil.which("wrk") is not None


def multipart_script(body_path, boundary):
    """A wrk script POSTing the multipart body kept at body_path (read once per wrk thread)."""
    return (f'wrk.method = "POST"\nlocal f = io.open("{body_path}", "rb")\nwrk.body = f:read("*a")\nf:close()\n'
            f'wrk.headers["Content-Type"] = "multipart/form-data; boundary={boundary}"\n'
            'wrk.headers["Accept"] = "application/json"\n')


def run_wrk(url, seconds, connections=16, threads=2, script_text=WRK_SCRIPT):
    """Requests/s wrk reached POSTing the form at url, and the non-2xx/3xx count."""
    duration = f"{max(round(seconds), 1)}s"  # wrk reads whole seconds only ("8.0s" is a usage error)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(script_text)
        script.flush()
        output = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", duration, "-s", script.name, url],
            capture_output=True, text=True, check=True,
        ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(bad.group(1)) if bad else 0


def httpx_loop(url, count):
    """The baseline: one keep-alive httpx client POSTing count times in a loop; deliveries/s."""
    with httpx.Client(trust_env=False) as client:
        started = time.perf_counter()
        for _ in range(count):
            client.post(url, content=BASELINE_BODY, headers={"Content-Type": "application/json"}).raise_for_status()
        return count / (time.perf_counter() - started)


async def _paced_posts(urls, rate, seconds, headers):
    """Open loop: post number n is sent at start + n/rate whatever came back before it.

    Each latency runs from that planned moment to the last byte of the answer, so a slow
    answer that delays the sender is counted, not hidden (no coordinated omission).
    """
    interval = 1 / rate
    answers = []
    async with aiohttp.ClientSession() as session:

        async def post(url, planned):
            data = {"name": "Ana Lima", "email": "ana@example.com", "sent_at": repr(time.time())}
            async with session.post(url, data=data, headers=headers) as response:
                await response.read()
                answers.append((response.status, time.perf_counter() - planned))

        tasks = []
        started = time.perf_counter()
        for number in range(int(rate * seconds)):
            planned = started + number * interval
            delay = planned - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(urls[number % len(urls)], planned)))
        await asyncio.gather(*tasks)
    return answers


def paced_posts(urls, rate, seconds):
    """POST the hosted forms at urls round-robin, rate per second for seconds; return the statuses."""
    answers = asyncio.run(_paced_posts(urls, rate, seconds, {"Accept": "application/json"}))
    return [status for status, _latency in answers]


def steady_posts(url, rate, seconds):
    """POST the hosted form at url as a browser does (the thank-you page), rate per second; (status, seconds) each."""
    return asyncio.run(_paced_posts([url], rate, seconds, {"Accept": "text/html"}))
