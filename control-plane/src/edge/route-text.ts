// The text of a route file, as a pure function of its document. Files hold JSON text: JSON is
// valid YAML, Traefik picks the parser by the .yml extension, and the reconciler reads its own
// files back with JSON.parse. The planner compares these texts to decide whether to write.
import type { RouteDocument } from '../tenants/route.js';

/** The exact text written for a document; comparing texts tells whether a write is needed. */
export function renderRoute(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

export function parseRoute(text: string): RouteDocument | null {
  try {
    return JSON.parse(text) as RouteDocument;
  } catch {
    return null;
  }
}
