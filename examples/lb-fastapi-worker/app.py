"""A worker of a Runfleet load-balancing endpoint (type LOAD_BALANCER): its own FastAPI server.

Runfleet starts it with PORT (and PORT_HEALTH, the same port unless told otherwise), asks GET /ping to
know when it is ready (204 while the model loads, 200 once it serves) and proxies the requests sent to
/lb/<endpointId>/... to it. Run locally: PORT=8000 python app.py
"""

import asyncio
import json
import os
import threading
import time

import uvicorn
from fastapi import FastAPI, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

WORKER_ID = os.environ.get("RUNFLEET_WORKER_ID", "local")
MODEL_LOAD_SECONDS = float(os.environ.get("MODEL_LOAD_SECONDS", "0.5"))

app = FastAPI(title="lb-fastapi-worker")
state = {"loaded": False}


def load_model() -> None:
    """Stands for loading weights: /ping answers 204 (initializing) until it is done."""
    time.sleep(MODEL_LOAD_SECONDS)
    state["loaded"] = True


threading.Thread(target=load_model, daemon=True).start()


@app.get("/ping")
def ping() -> Response:
    """200 when ready, 204 while initializing; anything else takes the worker out of rotation."""
    if state["loaded"]:
        return Response(content='{"status":"healthy"}', media_type="application/json")
    return Response(status_code=204)


class GenerateRequest(BaseModel):
    prompt: str = ""


@app.post("/v1/generate")
def generate(request: GenerateRequest) -> dict:
    """A JSON route, as an inference API would have."""
    return {"workerId": WORKER_ID, "text": request.prompt[::-1], "tokens": len(request.prompt)}


@app.get("/v1/stream")
async def stream(prompt: str = "hello from a load-balancing worker", intervalMs: int = 100) -> StreamingResponse:
    """Server-sent events: each token is sent as soon as it is produced."""

    async def tokens():
        for word in prompt.split(" "):
            yield f"data: {json.dumps({'token': word, 'at': time.time()})}\n\n"
            await asyncio.sleep(intervalMs / 1000)
        yield "event: done\ndata: [DONE]\n\n"

    return StreamingResponse(tokens(), media_type="text/event-stream")


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8000"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info")
