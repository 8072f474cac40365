/** p50/p90/p99 of a sample set; nulls when there is no sample. */
export function percentiles(values: number[]): {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  count: number;
} {
  if (values.length === 0) {
    return { p50: null, p90: null, p99: null, count: 0 };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), count: sorted.length };
}
