"""An unmodified RunPod serverless worker: it imports only the `runpod` package from PyPI.

Runfleet starts it with the same environment RunPod's platform gives a worker (RUNPOD_WEBHOOK_GET_JOB,
RUNPOD_AI_API_KEY, ...), so the code below runs unchanged on RunPod and on Runfleet.

The SDK treats a handler as streaming only when the handler itself is a generator function, so the
streaming handler is its own function, chosen with WORKER_HANDLER=stream.

Input of the default handler:
  {"mode": "echo", ...}                 returns {"echo": input}
  {"mode": "progress"}                  sends a progress update, then returns {"done": true}
  {"mode": "fail", "message": "boom"}   raises an exception (reported as FAILED)
  {"mode": "error"}                     returns {"error": "..."} (also FAILED)
  {"mode": "sleep", "seconds": 2}       sleeps, then echoes
  {"mode": "env", "names": ["A", "B"]}  returns {"env": {"A": value or None, ...}} (what the worker was given)
"""

import os
import time

import runpod


def handler(job):
    job_input = job["input"] or {}
    mode = job_input.get("mode", "echo")
    if mode == "progress":
        runpod.serverless.progress_update(job, {"step": 1, "of": 2})
        time.sleep(0.5)
        return {"done": True}
    if mode == "fail":
        raise ValueError(job_input.get("message", "handler failed"))
    if mode == "error":
        return {"error": job_input.get("message", "handler returned an error")}
    if mode == "env":
        return {"env": {name: os.environ.get(name) for name in job_input.get("names", [])}}
    if mode == "sleep":
        time.sleep(float(job_input.get("seconds", 1)))
    return {"echo": job_input, "worker": job.get("id")}


def stream_handler(job):
    """A generator handler: input {"chunks": 3} yields {"chunk": 0}, {"chunk": 1}, {"chunk": 2}."""
    for i in range(int((job["input"] or {}).get("chunks", 3))):
        time.sleep(0.05)
        yield {"chunk": i}


if __name__ == "__main__":
    if os.environ.get("WORKER_HANDLER") == "stream":
        runpod.serverless.start({"handler": stream_handler, "return_aggregate_stream": True})
    else:
        runpod.serverless.start({"handler": handler})
