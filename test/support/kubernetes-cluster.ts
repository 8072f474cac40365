import { CoreV1Api, KubeConfig, type V1Pod, type V1Secret } from "@kubernetes/client-node";
import { instanceSelector } from "@runfleet/control-plane";
import { requireService } from "./control-plane-process.js";
import { ECHO_IMAGE } from "./docker-engine.js";
import { eventually } from "./workers.js";

/**
 * The kubeconfig of the test cluster that scripts/kubernetes-cluster.sh brings up. Tests use this one only
 * (never `KUBECONFIG`), so that they cannot create pods in a cluster someone pointed their shell at.
 */
export const TEST_KUBECONFIG = `${process.env.RUNFLEET_KUBERNETES_DIR ?? "/var/lib/runfleet/kubernetes"}/admin.kubeconfig`;
/** The control-plane image scripts/control-plane-image.sh builds (and, with --import, puts in the cluster). */
export const CONTROL_PLANE_IMAGE = "runfleet/control-plane:dev";
/** The namespace the tests' workers run in. */
export const TEST_NAMESPACE = "runfleet-tests";

const WHAT =
  "the test Kubernetes cluster with the worker images (scripts/docker-engine.sh start && " +
  'eval "$(scripts/docker-engine.sh env)" && scripts/worker-images.sh && scripts/kubernetes-cluster.sh up)';

/** A client of the test cluster, for what tests check behind the driver's back. */
export function testCluster(): CoreV1Api {
  const config = new KubeConfig();
  config.loadFromFile(TEST_KUBECONFIG);
  return config.makeApiClient(CoreV1Api);
}

/** An image's name as the node's status lists it (`docker.io/library/...` for short names). */
function fullName(image: string): string {
  const first = image.split("/")[0] ?? "";
  const qualified = image.includes("/") ? image : `library/${image}`;
  return first.includes(".") || first.includes(":") || first === "localhost" ? image : `docker.io/${qualified}`;
}

/**
 * Whether the Kubernetes tests run: the test cluster answers, its node is Ready and has the images. In CI
 * they must; elsewhere they skip with a message that says what to start. Makes the tests' namespace.
 */
export async function requireKubernetesCluster(images: readonly string[] = [ECHO_IMAGE]): Promise<boolean> {
  let available = false;
  let missing: string[] = [];
  try {
    const core = testCluster();
    const nodes = await core.listNode();
    const present = new Set(nodes.items.flatMap((node) => node.status?.images?.flatMap((i) => i.names ?? []) ?? []));
    const ready = nodes.items.some((node) =>
      node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    missing = ready ? images.filter((image) => !present.has(fullName(image))) : [];
    available = ready && missing.length === 0;
    if (available) {
      await core.createNamespace({ body: { metadata: { name: TEST_NAMESPACE } } }).catch((error: { code?: number }) => {
        if (error.code !== 409) {
          throw error;
        }
      });
      // Pods are refused in a namespace until the controller manager has made its default service account.
      await eventually(
        () =>
          core.readNamespacedServiceAccount({ name: "default", namespace: TEST_NAMESPACE }).then(
            () => true,
            () => undefined,
          ),
        30_000,
        `the default service account of ${TEST_NAMESPACE}`,
      );
    }
  } catch {
    available = false;
  }
  // The control-plane image is built from the checkout, not by scripts/worker-images.sh: say how.
  const how = missing.map((image) =>
    image === CONTROL_PLANE_IMAGE ? `${image} (scripts/control-plane-image.sh --import)` : image,
  );
  return requireService(available, missing.length > 0 ? `${WHAT}, with the images ${how.join(", ")}` : WHAT);
}

/** The pods that carry a control-plane instance's labels, in the tests' namespace (or another). */
export async function podsOf(instanceId: string, namespace = TEST_NAMESPACE): Promise<V1Pod[]> {
  return (await testCluster().listNamespacedPod({ namespace, labelSelector: instanceSelector(instanceId) })).items;
}

/** The Secrets that carry a control-plane instance's labels, in the tests' namespace (or another). */
export async function secretsOf(instanceId: string, namespace = TEST_NAMESPACE): Promise<V1Secret[]> {
  return (await testCluster().listNamespacedSecret({ namespace, labelSelector: instanceSelector(instanceId) })).items;
}

/** Removes every pod and Secret of an instance at once: tests leave nothing behind, even when they fail. */
export async function removePodsOf(instanceId: string, namespace = TEST_NAMESPACE): Promise<void> {
  const core = testCluster();
  for (const pod of await podsOf(instanceId, namespace)) {
    await core
      .deleteNamespacedPod({ name: pod.metadata?.name ?? "", namespace, gracePeriodSeconds: 0 })
      .catch(() => undefined);
  }
  for (const secret of await secretsOf(instanceId, namespace)) {
    await core.deleteNamespacedSecret({ name: secret.metadata?.name ?? "", namespace }).catch(() => undefined);
  }
}
