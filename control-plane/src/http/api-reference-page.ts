import { parse } from "yaml";

interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name?: string; in?: string; description?: string; required?: boolean; $ref?: string }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { description?: string; $ref?: string }>;
}

let cached: { source: string; html: string } | undefined;

/**
 * Renders the contract as one self-contained HTML page (no scripts or assets from elsewhere, so it works
 * on machines without Internet access): operations grouped by tag, then every schema with its fields.
 */
export function renderApiReference(source: string): string {
  if (cached?.source === source) {
    return cached.html;
  }
  const spec = parse(source) as {
    info: { title: string; version: string; description?: string };
    tags: { name: string; description?: string }[];
    paths: Record<string, Record<string, Operation | unknown>>;
    components: {
      parameters: Record<string, { name: string; in: string; description?: string; required?: boolean }>;
      schemas: Record<
        string,
        {
          description?: string;
          properties?: Record<string, { description?: string; type?: unknown; $ref?: string }>;
          required?: string[];
        }
      >;
    };
  };
  const sections: string[] = [];
  for (const tag of spec.tags) {
    const rows: string[] = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of ["get", "post", "put", "patch", "delete"]) {
        const op = item[method] as Operation | undefined;
        if (!op || (op.tags?.[0] ?? "system") !== tag.name) {
          continue;
        }
        const params = [...((item.parameters as Operation["parameters"]) ?? []), ...(op.parameters ?? [])].map((p) =>
          p.$ref ? spec.components.parameters[p.$ref.split("/").pop() as string] : p,
        );
        const body = op.requestBody
          ? Object.values(op.requestBody.content)[0]?.schema.$ref?.split("/").pop()
          : undefined;
        rows.push(`<div class="op" id="${esc(op.operationId)}">
  <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code> <small>${esc(op.operationId)}</small></h3>
  <p>${esc(op.summary ?? "")}</p>${op.description ? `<pre class="d">${esc(op.description)}</pre>` : ""}
  ${params.length ? `<table><tr><th>parameter</th><th>in</th><th>description</th></tr>${params.map((p) => `<tr><td><code>${esc(p?.name ?? "")}</code>${p?.required ? " *" : ""}</td><td>${esc(p?.in ?? "")}</td><td>${esc(p?.description ?? "")}</td></tr>`).join("")}</table>` : ""}
  ${body ? `<p>Body: <a href="#schema-${esc(body)}">${esc(body)}</a></p>` : ""}
  <p>Responses: ${Object.entries(op.responses)
    .map(([status, r]) => `<code>${esc(status)}</code> ${esc(r.description ?? r.$ref?.split("/").pop() ?? "")}`)
    .join(" · ")}</p>
</div>`);
      }
    }
    sections.push(
      `<h2 id="tag-${esc(tag.name)}">${esc(tag.name)}</h2><p>${esc(tag.description ?? "")}</p>${rows.join("\n")}`,
    );
  }
  const schemas = Object.entries(spec.components.schemas).map(([name, schema]) => {
    const props = Object.entries(schema.properties ?? {});
    return `<div class="op" id="schema-${esc(name)}"><h3>${esc(name)}</h3><p>${esc(schema.description ?? "")}</p>${
      props.length
        ? `<table><tr><th>field</th><th>type</th><th>description</th></tr>${props.map(([field, p]) => `<tr><td><code>${esc(field)}</code>${schema.required?.includes(field) ? " *" : ""}</td><td>${esc(p.$ref ? (p.$ref.split("/").pop() ?? "") : JSON.stringify(p.type ?? "any"))}</td><td>${esc(p.description ?? "")}</td></tr>`).join("")}</table>`
        : ""
    }</div>`;
  });
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(spec.info.title)} ${esc(spec.info.version)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
code{background:#f3f3f3;padding:0 .3em;border-radius:3px}.op{border:1px solid #ddd;border-radius:6px;padding:.5em 1em;margin:1em 0}
.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:.1em .4em}
.get{background:#2b7bb9}.post{background:#2e9d57}.patch{background:#c58b00}.delete{background:#c0392b}.put{background:#7d3c98}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;text-align:left;padding:.2em .5em;vertical-align:top}
pre.d{white-space:pre-wrap;font:inherit;color:#444}small{color:#888}</style></head>
<body><h1>${esc(spec.info.title)} <small>${esc(spec.info.version)}</small></h1>
<pre class="d">${esc(spec.info.description ?? "")}</pre>
<p>The machine-readable contract: <a href="/openapi.yaml">/openapi.yaml</a>. Sections: ${spec.tags.map((t) => `<a href="#tag-${esc(t.name)}">${esc(t.name)}</a>`).join(" · ")} · <a href="#schemas">schemas</a></p>
${sections.join("\n")}
<h2 id="schemas">schemas</h2>${schemas.join("\n")}
</body></html>`;
  cached = { source, html };
  return html;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
