// The import graph of a package's src/, read with the TypeScript compiler's parser (no type
// checking): for each file, what it imports, and whether only types (erased at run time).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface Edge {
  /** A repository-relative .ts path for a local import, else the module name as written. */
  readonly to: string;
  readonly typeOnly: boolean;
}

export type ImportGraph = ReadonlyMap<string, readonly Edge[]>;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every .ts file under `srcDir` (repository-relative paths) with its imports. */
export function readImportGraph(root: string, srcDir: string): ImportGraph {
  const graph = new Map<string, Edge[]>();
  for (const abs of walk(join(root, srcDir))) {
    const from = relative(root, abs).split(sep).join('/');
    const source = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const edges: Edge[] = [];
    const add = (specifier: string, typeOnly: boolean) => {
      const to = specifier.startsWith('.')
        ? relative(root, resolve(dirname(abs), specifier.replace(/\.js$/, '.ts'))).split(sep).join('/')
        : specifier;
      edges.push({ to, typeOnly });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const named = clause?.namedBindings;
        const allTypes = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined
          && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
        add(node.moduleSpecifier.text, allTypes);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, node.isTypeOnly);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        add(node.arguments[0].text, false);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        add(node.argument.literal.text, true);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    graph.set(from, edges);
  }
  return graph;
}

/** Groups of files that import each other, directly or through others (Tarjan's algorithm); type imports count. */
export function findCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        connect(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    const selfImport = (graph.get(v) ?? []).some((e) => e.to === v);
    if (group.length > 1 || selfImport) cycles.push(group.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return cycles;
}

/** Every file and module `start` reaches through imports that exist at run time, with the path that reaches each. */
export function runtimeReach(graph: ImportGraph, start: string): Map<string, string[]> {
  const paths = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const { to, typeOnly } of graph.get(v) ?? []) {
      if (typeOnly || paths.has(to)) continue;
      paths.set(to, [...paths.get(v)!, to]);
      if (graph.has(to)) queue.push(to);
    }
  }
  return paths;
}
