import { useCallback, useEffect, useRef, useState } from "react";

/** The page the hash names: `#/endpoints/ep_1/metrics` → ["endpoints", "ep_1", "metrics"]. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const changed = () => setRoute(readRoute());
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}

function readRoute(): string[] {
  return window.location.hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((part) => part !== "")
    .map(decodeURIComponent);
}

/** The link to a page. */
export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join("/")}`;
}

/** What a loader has produced so far. */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  /** Loads again now. */
  reload: () => void;
}

/**
 * Runs `load` now and again every `intervalMs` (when given) while the page is shown, keeping the last
 * data through a failed refresh; a change of `key` starts afresh.
 */
export function useLoader<T>(load: (signal: AbortSignal) => Promise<T>, key: string, intervalMs?: number): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((n) => n + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what is loaded; `load` is read through a ref.
  useEffect(() => {
    setData(undefined);
    setError(undefined);
  }, [key]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` asks for a reload.
  useEffect(() => {
    const controller = new AbortController();
    let timer: number | undefined;
    const run = async () => {
      try {
        const value = await loadRef.current(controller.signal);
        if (!controller.signal.aborted) {
          setData(value);
          setError(undefined);
        }
      } catch (failure) {
        if (!controller.signal.aborted) {
          setError(failure);
        }
      }
      if (intervalMs !== undefined && !controller.signal.aborted) {
        timer = window.setTimeout(run, intervalMs);
      }
    };
    void run();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [key, tick, intervalMs]);
  return { data, error, reload };
}
