/** A point of a cost/delay chart. */
export interface ChartPoint {
  /** Short label shown next to frontier points. */
  label: string;
  /** p95 queue delay, seconds. */
  delaySeconds: number;
  /** Cost (currency) or billed GPU-seconds. */
  cost: number;
  /** Whether the point is on the Pareto frontier. */
  frontier: boolean;
}

/** What a chart shows. */
export interface ChartOptions {
  title: string;
  /** Y axis caption, e.g. "cost (USD)" or "billed GPU-seconds". */
  costLabel: string;
  /** @defaultValue 720 */
  width?: number;
  /** @defaultValue 440 */
  height?: number;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Round, readable tick values covering [0, max]. */
function ticks(max: number): number[] {
  if (!(max > 0)) {
    return [0, 1];
  }
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= rough) ?? rough;
  const values: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) {
    values.push(Number(v.toPrecision(6)));
  }
  return values;
}

function format(value: number): string {
  if (value === 0) {
    return "0";
  }
  if (Math.abs(value) >= 1000) {
    return `${(value / 1000).toPrecision(3).replace(/\.?0+$/, "")}k`;
  }
  return Number(value.toPrecision(3)).toString();
}

/**
 * Draws a scatter of configurations, cost against p95 queue delay, with the Pareto frontier joined and
 * labelled: a self-contained SVG (no script, no external font), readable on GitHub.
 */
export function paretoChartSvg(points: readonly ChartPoint[], options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  const margin = { left: 80, right: 24, top: 40, bottom: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xTicks = ticks(Math.max(0, ...points.map((p) => p.delaySeconds)));
  const yTicks = ticks(Math.max(0, ...points.map((p) => p.cost)));
  const xMax = xTicks.at(-1) ?? 1;
  const yMax = yTicks.at(-1) ?? 1;
  const px = (x: number) => margin.left + (xMax === 0 ? 0 : (x / xMax) * plotW);
  const py = (y: number) => margin.top + plotH - (yMax === 0 ? 0 : (y / yMax) * plotH);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const t of xTicks) {
    parts.push(
      `<line x1="${px(t)}" y1="${margin.top}" x2="${px(t)}" y2="${margin.top + plotH}" stroke="#e5e5e5"/>`,
      `<text x="${px(t)}" y="${margin.top + plotH + 18}" text-anchor="middle">${format(t)}</text>`,
    );
  }
  for (const t of yTicks) {
    parts.push(
      `<line x1="${margin.left}" y1="${py(t)}" x2="${margin.left + plotW}" y2="${py(t)}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 8}" y="${py(t) + 4}" text-anchor="end">${format(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle">p95 queue delay (s)</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.costLabel)}</text>`,
  );
  const frontier = points.filter((p) => p.frontier).sort((a, b) => a.delaySeconds - b.delaySeconds);
  if (frontier.length > 1) {
    const path = frontier.map(
      (p, i) => `${i === 0 ? "M" : "L"}${px(p.delaySeconds).toFixed(1)},${py(p.cost).toFixed(1)}`,
    );
    parts.push(`<path d="${path.join(" ")}" fill="none" stroke="#d9480f" stroke-width="2"/>`);
  }
  for (const p of points) {
    if (!p.frontier) {
      parts.push(
        `<circle cx="${px(p.delaySeconds).toFixed(1)}" cy="${py(p.cost).toFixed(1)}" r="3.5" fill="#adb5bd"><title>${escapeXml(p.label)}</title></circle>`,
      );
    }
  }
  for (const p of frontier) {
    const x = px(p.delaySeconds);
    const y = py(p.cost);
    parts.push(
      `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="5" fill="#d9480f"><title>${escapeXml(p.label)}</title></circle>`,
      `<text x="${(x + 8).toFixed(1)}" y="${(y - 8).toFixed(1)}" fill="#862e0a" font-size="11">${escapeXml(p.label)}</text>`,
    );
  }
  parts.push(
    `<circle cx="${margin.left + plotW - 150}" cy="${margin.top + 14}" r="5" fill="#d9480f"/>`,
    `<text x="${margin.left + plotW - 140}" y="${margin.top + 18}">Pareto frontier</text>`,
    `<circle cx="${margin.left + plotW - 150}" cy="${margin.top + 32}" r="3.5" fill="#adb5bd"/>`,
    `<text x="${margin.left + plotW - 140}" y="${margin.top + 36}">other configurations</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}
