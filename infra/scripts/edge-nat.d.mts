// Types of edge-nat.mjs's pure part, for its unit test (e2e/tests/unit/edge-nat.test.ts).
export interface EdgePort { readonly name: string; readonly public: number; readonly a: number; readonly b: number }
export interface Edge { readonly instance: string; readonly live: 'a' | 'b'; readonly ports: readonly EdgePort[] }
export function edgeChain(instance: string): string;
export function parseEdge(text: string, where: string): Edge;
export function chainRules(edge: Edge): { nat: string[]; filter: string[] };
export function jumpEdits(parent: string, match: string, chain: string, installed: string): string[];
export function restoreScript(edge: Edge, installed: Record<string, string>): string;
