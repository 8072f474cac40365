"""The tour of tour.py through the Python client that OpenAPI Generator (``-g python``) generates from
openapi.yaml: scripts/generate-clients.sh writes it (package ``runfleet_og_client``) where
OPENAPI_GENERATOR_PYTHON_OUT says, and this program runs with that directory on its PYTHONPATH::

    RUNFLEET_BASE_URL=http://127.0.0.1:8080 RUNFLEET_API_KEY=rf_... python tour_openapi_generator.py

It lists endpoints, creates a template and an endpoint, acts as the endpoint's worker through the worker
protocol, runs a job with runsync and one with run (polled to COMPLETED), and handles a 404 and a 400
problem, exiting non-zero at the first thing that does not go as documented.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import runfleet_og_client as rc
from runfleet_og_client.exceptions import BadRequestException, NotFoundException

# runsync waits up to a minute and a job-take is held about as long: the client must wait longer.
TIMEOUT = 120.0


def main() -> None:
    base_url = os.environ["RUNFLEET_BASE_URL"]
    admin = rc.ApiClient(rc.Configuration(host=base_url, access_token=os.environ["RUNFLEET_API_KEY"]))
    management, jobs = rc.ManagementApi(admin), rc.JobsApi(admin)
    suffix = str(time.time_ns())

    print(f"listed {len(management.list_endpoints())} endpoint(s)")
    template = management.create_template(
        rc.TemplateCreate(name=f"og-tour-{suffix}", command=["python3", "-c", "pass"])
    )
    try:
        # No worker is started by the control plane (workersMax 0): this program is the endpoint's worker.
        endpoint = management.create_endpoint(
            rc.EndpointCreate(
                name=f"og-tour-{suffix}",
                templateId=template.id,
                computeType=rc.ComputeType.CPU,
                workersMin=0,
                workersMax=0,
            )
        )
        try:
            print(f"created endpoint {endpoint.id} ({endpoint.compute_type.value}, {endpoint.scaler_type.value})")
            # A key just created carries its secret and the nullable fields of a key (lastUsedAt: null).
            key = management.create_api_key(rc.ApiKeyCreate(name=f"og-tour-{suffix}", scope=rc.ApiKeyScope.READ))
            assert key.key and key.last_used_at is None and key.revoked_at is None, key
            management.revoke_api_key(key.id)
            print(f"created and revoked key {key.id} (lastUsedAt {key.last_used_at})")
            run_jobs(management, jobs, base_url, endpoint.id)
            problems(management, template.id)
        finally:
            management.delete_endpoint(endpoint.id)
    finally:
        management.delete_template(template.id)
    print("openapi-generator python client tour: ok")


def run_jobs(management: rc.ManagementApi, jobs: rc.JobsApi, base_url: str, endpoint_id: str) -> None:
    registration = management.create_worker(endpoint_id, rc.WorkerCreate())
    worker_config = rc.Configuration(host=base_url, api_key={"workerToken": registration.token})
    worker_api = rc.WorkerApi(rc.ApiClient(worker_config))
    failures: list[BaseException] = []

    def serve() -> None:
        try:
            serve_jobs(worker_api, endpoint_id, registration.worker.id, 2)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    worker = threading.Thread(target=serve, daemon=True)
    worker.start()

    synced = jobs.run_job_sync(
        endpoint_id, rc.JobRequest(input={"message": "sync"}), wait=60000, _request_timeout=TIMEOUT
    )
    assert synced.status == rc.JobStatusValue.COMPLETED, synced
    print(f"runsync {synced.id}: {synced.status.value} {synced.output}")

    queued = jobs.run_job(endpoint_id, rc.JobRequest(input={"message": "async"}))
    final = poll_until_done(jobs, endpoint_id, queued.id)
    assert final.status == rc.JobStatusValue.COMPLETED, final
    print(f"run {final.id}: polled to {final.status.value} {final.output}")

    worker.join(timeout=60)
    if failures:
        raise failures[0]
    assert not worker.is_alive(), "the worker did not answer both jobs"


def serve_jobs(worker_api: rc.WorkerApi, endpoint_id: str, worker_id: str, count: int) -> None:
    """Acts as the endpoint's worker through the worker protocol: takes `count` jobs, answers each."""
    served = 0
    while served < count:
        taken = worker_api.take_job_with_http_info(endpoint_id, worker_id, _request_timeout=TIMEOUT)
        if taken.status_code == 204:
            continue
        job = taken.data
        assert isinstance(job, rc.WorkerJob), taken
        ack = worker_api.post_job_result(
            endpoint_id, worker_id, job.id, rc.JobResult(output={"echo": job.input}), is_stream=False
        )
        assert ack.ok, ack
        print(f"worker {worker_id} answered job {job.id}")
        served += 1


def poll_until_done(jobs: rc.JobsApi, endpoint_id: str, job_id: str) -> rc.JobStatus:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = jobs.get_job_status(endpoint_id, job_id)
        if status.status not in (rc.JobStatusValue.IN_QUEUE, rc.JobStatusValue.IN_PROGRESS):
            return status
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} did not end within 60 s")


def problems(management: rc.ManagementApi, template_id: str) -> None:
    try:
        management.get_endpoint("ep_does_not_exist")
        raise AssertionError("getEndpoint of a missing endpoint succeeded")
    except NotFoundException as error:
        problem = error.data
        assert isinstance(problem, rc.Problem) and problem.code == rc.ErrorCode.ENDPOINT_NOT_FOUND, error
        print(f"404 problem: {problem.code.value} ({problem.type})")
    try:
        management.create_endpoint(
            rc.EndpointCreate(name="og-tour-invalid", templateId=template_id, workersMin=5, workersMax=2)
        )
        raise AssertionError("createEndpoint with workersMin > workersMax succeeded")
    except BadRequestException as error:
        problem = error.data
        assert isinstance(problem, rc.Problem) and problem.errors, error
        # `field` would shadow pydantic's Field: OpenAPI Generator names the attribute `var_field`.
        print(f"400 problem: {problem.code.value} on {problem.errors[0].var_field}: {problem.errors[0].message}")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, TimeoutError) as error:
        print(f"FAILED: {error!r}", file=sys.stderr)
        sys.exit(1)
