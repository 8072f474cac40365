import { describe, expect, it } from "vitest";
import { apiRequestOf } from "./kubernetes-requests.js";

describe("apiRequestOf", () => {
  it.each([
    ["GET", "https://k:6443/api/v1/namespaces/w/pods?labelSelector=a%3Db", "list", "pods"],
    ["GET", "https://k:6443/api/v1/namespaces/w/pods?watch=true&resourceVersion=5", "watch", "pods"],
    ["GET", "/api/v1/namespaces/w/pods?watch=1", "watch", "pods"],
    ["GET", "https://k:6443/api/v1/namespaces/w/pods/runfleet-wk-1", "get", "pods"],
    ["GET", "https://k:6443/api/v1/namespaces/w/pods/runfleet-wk-1/log?follow=true", "get", "pods/log"],
    ["POST", "https://k:6443/api/v1/namespaces/w/pods", "create", "pods"],
    ["POST", "https://k:6443/api/v1/namespaces/w/pods/p/exec?command=sh", "create", "pods/exec"],
    ["PUT", "https://k:6443/api/v1/namespaces/w/secrets/s", "update", "secrets"],
    ["PATCH", "https://k:6443/api/v1/namespaces/w/secrets/s", "patch", "secrets"],
    ["DELETE", "https://k:6443/api/v1/namespaces/w/pods/p", "delete", "pods"],
    ["DELETE", "https://k:6443/api/v1/namespaces/w/pods", "deletecollection", "pods"],
    ["GET", "https://k:6443/api/v1/nodes", "list", "nodes"],
    ["GET", "https://k:6443/api/v1/namespaces/w", "get", "namespaces"],
    ["GET", "https://k:6443/apis/apps/v1/namespaces/w/deployments/d/scale", "get", "deployments/scale"],
    ["GET", "https://k:6443/apis/coordination.k8s.io/v1/leases?watch=true", "watch", "leases"],
  ])("%s %s is %s %s", (method, url, verb, resource) => {
    expect(apiRequestOf(method, url)).toEqual({ verb, resource });
  });
});
