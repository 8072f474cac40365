import { useEffect, useRef } from "react";
import uPlot from "uplot";

/** One line of a chart. */
export interface ChartSeries {
  label: string;
  /** One value per x; null leaves a gap. */
  values: (number | null)[];
  color: string;
  /** Fill under the line (for counts that stack visually, e.g. workers). */
  fill?: boolean;
}

/** A mark on the time axis (a scaling event). */
export interface ChartMark {
  /** Epoch seconds. */
  at: number;
  label: string;
}

/** Props of {@link TimeChart}. */
export interface TimeChartProps {
  title: string;
  /** Epoch seconds, ascending. */
  x: number[];
  series: ChartSeries[];
  /** Scaling events, drawn as dashed vertical lines. */
  marks?: ChartMark[];
  /** The x range shown, epoch seconds (the selected window, even where it holds no data). */
  range: [number, number];
  /** Unit shown after values. */
  unit?: string;
  height?: number;
}

/** An axis label: durations in ms switch to seconds past 1000 so that labels stay short. */
function axisLabel(value: number, unit: string | undefined): string {
  if (unit === " ms" && Math.abs(value) >= 1000) {
    return `${Math.round(value / 100) / 10} s`;
  }
  return unit ? `${value}${unit}` : String(value);
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Draws the marks as dashed vertical lines across the plot. */
function marksPlugin(marks: () => ChartMark[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        const { top, height } = u.bbox;
        ctx.save();
        ctx.strokeStyle = cssVar("--mark", "#b45309");
        ctx.setLineDash([4, 4]);
        ctx.lineWidth = Math.max(1, devicePixelRatio);
        for (const mark of marks()) {
          const x = Math.round(u.valToPos(mark.at, "x", true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) {
            continue;
          }
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

/**
 * A time-series chart (uPlot, canvas): shared time axis, legend with live values on hover, scaling events
 * as marks. The figure has a text alternative listing the latest values for screen readers.
 */
export function TimeChart(props: TimeChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const marks = useRef<ChartMark[]>(props.marks ?? []);
  marks.current = props.marks ?? [];
  const range = useRef(props.range);
  range.current = props.range;
  const shape = props.series.map((s) => s.label).join("|");

  // biome-ignore lint/correctness/useExhaustiveDependencies: the plot is rebuilt only when its series change.
  useEffect(() => {
    const element = holder.current;
    if (!element) {
      return;
    }
    const axis = cssVar("--muted", "#666");
    const grid = cssVar("--grid", "#8882");
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: props.height ?? 180,
      scales: { x: { time: true, range: () => range.current } },
      axes: [
        { stroke: axis, grid: { stroke: grid } },
        {
          stroke: axis,
          grid: { stroke: grid },
          size: 64,
          values: (_u, values) => values.map((v) => axisLabel(v, props.unit)),
        },
      ],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: s.fill ? `${s.color}33` : undefined,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) =>
            v === null || v === undefined ? "–" : `${Math.round(v * 100) / 100}${props.unit ?? ""}`,
        })),
      ],
      legend: { live: true },
      plugins: [marksPlugin(() => marks.current)],
    };
    const created = new uPlot(options, [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, element);
    plot.current = created;
    const observer = new ResizeObserver(() =>
      created.setSize({ width: Math.max(200, element.clientWidth), height: props.height ?? 180 }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      created.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    const current = plot.current;
    if (current) {
      current.setData([props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, false);
      current.setScale("x", { min: props.range[0], max: props.range[1] });
    }
  });

  const latest = props.series
    .map((s) => {
      const value = [...s.values].reverse().find((v) => v !== null);
      return `${s.label} ${value === undefined || value === null ? "no data" : `${value}${props.unit ?? ""}`}`;
    })
    .join(", ");
  // The largest value of each series in the window, as data for tests and tools that read the page.
  const peaks = Object.fromEntries(
    props.series.map((s) => [s.label, s.values.reduce<number>((max, v) => (v !== null && v > max ? v : max), 0)]),
  );
  return (
    <figure className="chart" aria-label={props.title} data-peaks={JSON.stringify(peaks)}>
      <figcaption>{props.title}</figcaption>
      <div ref={holder} className="chart-canvas" role="img" aria-label={`${props.title}: latest ${latest}`} />
      <p className="sr-only" data-chart-latest={props.title}>
        {latest}
      </p>
    </figure>
  );
}
