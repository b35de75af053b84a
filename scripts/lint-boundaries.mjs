// The ESLint rule behind the layering in ARCHITECTURE.md: each boundary names modules and the
// only places that may import them. One rule with the whole list, because ESLint replaces (not
// merges) a rule's options when two config blocks match a file, which would let a file that
// one boundary allows slip past another.
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * A boundary:
 *   modules        module names; 'x' also covers 'x/sub', a trailing '/' is a scope ('@fastify/')
 *   files          where the boundary holds: folder prefixes ending in '/' or exact paths
 *   allowedIn      within those, where the modules may be imported (same forms)
 *   typeImports    true if `import type` is fine everywhere (types carry no behaviour)
 *   why            the sentence the error gives
 */
function covers(entries, path) {
  return entries.some((e) => (e.endsWith('/') ? path.startsWith(e) : path === e));
}

function names(modules, source) {
  return modules.some((m) => (m.endsWith('/') ? source.startsWith(m) : source === m || source.startsWith(`${m}/`)));
}

const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Each driver and I/O module is imported only where ARCHITECTURE.md says' },
    schema: false,
    messages: { outside: "'{{source}}' may not be imported in {{file}}: {{why}}" },
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/');
    const rules = (context.options[0] ?? []).filter((b) => covers(b.files, file) && !covers(b.allowedIn ?? [], file));
    if (rules.length === 0) return {};
    const check = (node, source, typeOnly) => {
      if (typeof source !== 'string') return;
      for (const b of rules) {
        if (typeOnly && b.typeImports) continue;
        if (names(b.modules, source)) context.report({ node, messageId: 'outside', data: { source, file, why: b.why } });
      }
    };
    const typeOnlyImport = (node) =>
      node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source.value, typeOnlyImport(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' && check(node, node.moduleReference.expression.value, node.importKind === 'type'),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value, false);
        }
      },
    };
  },
};

export const boundariesPlugin = { rules: { boundaries } };
