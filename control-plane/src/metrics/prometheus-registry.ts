/** Label values of one series. */
export type Labels = Record<string, string>;

interface Family {
  help: string;
  type: "counter" | "gauge" | "histogram";
  series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number }>;
  bucketBounds?: readonly number[];
}

/** A counter series bound to its labels. */
export interface BoundCounter {
  inc(by?: number): void;
}

/** A histogram series bound to its labels. */
export interface BoundHistogram {
  observe(value: number): void;
}

/** Default histogram bounds in seconds: 1 ms to 10 min. */
export const SECONDS_BUCKETS = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600,
] as const;

/**
 * A small Prometheus registry: counters and histograms updated as things happen, gauges collected at
 * scrape time, rendered in the text exposition format (version 0.0.4).
 */
export class PrometheusRegistry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: (() => void)[] = [];

  /** Adds `by` to a counter. */
  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const series = this.series(name, help, "counter", labels);
    series.value += by;
  }

  /** Sets a gauge (usually from a collector run at scrape time). */
  set(name: string, help: string, labels: Labels, value: number): void {
    this.series(name, help, "gauge", labels).value = value;
  }

  /** Records one observation in a histogram. */
  observe(
    name: string,
    help: string,
    labels: Labels,
    value: number,
    bounds: readonly number[] = SECONDS_BUCKETS,
  ): void {
    const family = this.family(name, help, "histogram");
    family.bucketBounds ??= bounds;
    const series = this.series(name, help, "histogram", labels);
    series.buckets ??= new Array(family.bucketBounds.length).fill(0);
    series.sum = (series.sum ?? 0) + value;
    series.value++;
    family.bucketBounds.forEach((bound, i) => {
      if (value <= bound) {
        (series.buckets as number[])[i] = ((series.buckets as number[])[i] ?? 0) + 1;
      }
    });
  }

  /**
   * One counter series, bound to its labels once: hot paths (the router, per request) add to it without
   * formatting labels each time.
   */
  counter(name: string, help: string, labels: Labels): BoundCounter {
    const series = this.series(name, help, "counter", labels);
    return {
      inc: (by = 1) => {
        series.value += by;
      },
    };
  }

  /** One histogram series, bound to its labels once (see {@link counter}). */
  histogram(name: string, help: string, labels: Labels, bounds: readonly number[] = SECONDS_BUCKETS): BoundHistogram {
    const family = this.family(name, help, "histogram");
    family.bucketBounds ??= bounds;
    const familyBounds = family.bucketBounds;
    const series = this.series(name, help, "histogram", labels);
    series.buckets ??= new Array(familyBounds.length).fill(0);
    const buckets = series.buckets;
    return {
      observe: (value) => {
        series.sum = (series.sum ?? 0) + value;
        series.value++;
        for (let i = familyBounds.length - 1; i >= 0 && value <= (familyBounds[i] as number); i--) {
          buckets[i] = (buckets[i] ?? 0) + 1;
        }
      },
    };
  }

  /** Registers a function that sets gauges just before each scrape. */
  collect(collector: () => void): void {
    this.collectors.push(collector);
  }

  /** Drops every series of a gauge family (so removed endpoints disappear). */
  resetGauge(name: string): void {
    this.families.get(name)?.series.clear();
  }

  /** The exposition text. */
  render(): string {
    for (const collector of this.collectors) {
      collector();
    }
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      for (const series of family.series.values()) {
        if (family.type === "histogram") {
          const bounds = family.bucketBounds ?? [];
          bounds.forEach((bound, i) => {
            lines.push(`${name}_bucket${format({ ...series.labels, le: String(bound) })} ${series.buckets?.[i] ?? 0}`);
          });
          lines.push(`${name}_bucket${format({ ...series.labels, le: "+Inf" })} ${series.value}`);
          lines.push(`${name}_sum${format(series.labels)} ${series.sum ?? 0}`);
          lines.push(`${name}_count${format(series.labels)} ${series.value}`);
        } else {
          lines.push(`${name}${format(series.labels)} ${series.value}`);
        }
      }
    }
    return `${lines.join("\n")}\n`;
  }

  private family(name: string, help: string, type: Family["type"]): Family {
    let family = this.families.get(name);
    if (!family) {
      family = { help, type, series: new Map() };
      this.families.set(name, family);
    }
    return family;
  }

  private series(name: string, help: string, type: Family["type"], labels: Labels) {
    const family = this.family(name, help, type);
    const key = format(labels);
    let series = family.series.get(key);
    if (!series) {
      series = { labels, value: 0 };
      family.series.set(key, series);
    }
    return series;
  }
}

function format(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) {
    return "";
  }
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`).join(",")}}`;
}
