#!/usr/bin/env node
// The public ports of an installation as iptables rules in chains it owns: nat REDIRECT of each
// public port to the live Traefik's internal port, and a filter rule dropping direct hits on the
// internal ports from other machines. Which Traefik is live is the edge file
// (<state>/run/edge.json, written by traefik-handover.sh); `install` converges the rules to it in
// one `iptables-restore --noflush` transaction, so a swap is atomic: a new connection goes to
// the old Traefik or to the new one, never nowhere. conntrack keeps every connection already
// made on the Traefik it was redirected to (in-flight requests and keep-alive finish there).
//   edge-nat.mjs install <edge.json>      converge (idempotent; also what brings the rules back)
//   edge-nat.mjs ensure <edge.json>       install only when a chain or a jump is missing
//   edge-nat.mjs watch <edge.json> [ms]   ensure every ms (default 2000) until SIGTERM
//   edge-nat.mjs remove <instance>        delete the jumps and chains (idempotent)
//   edge-nat.mjs show <instance>          print the installed rules
// Runs on the host (stack.sh, tests) and in the control-plane image (the watcher container:
// after a host reboot the kernel's tables start empty, and Docker brings Traefik back alone).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';

/** Same shortening as chainsFor() in control-plane/src/docker/egress-rules.ts (28-character limit). */
export function edgeChain(instance) {
  const id = instance.length <= 15 ? instance : `${instance.slice(0, 6)}-${createHash('sha256').update(instance).digest('hex').slice(0, 8)}`;
  return `BERTH-EDGE-${id}`;
}

const SLOTS = ['a', 'b'];

/** Validates an edge file's content; returns it or throws naming what is wrong. */
export function parseEdge(text, where) {
  let edge;
  try { edge = JSON.parse(text); } catch (e) { throw new Error(`${where}: not JSON (${e.message})`); }
  const problems = [];
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(String(edge.instance))) problems.push(`instance "${edge.instance}" is not an instance name`);
  if (!SLOTS.includes(edge.live)) problems.push(`live "${edge.live}" is not a or b`);
  if (!Array.isArray(edge.ports) || edge.ports.length === 0) problems.push('ports: expected a list of {name, public, a, b}');
  const port = (p) => Number.isInteger(p) && p > 0 && p < 65536;
  for (const p of Array.isArray(edge.ports) ? edge.ports : []) {
    if (!port(p.public) || !port(p.a) || !port(p.b)) problems.push(`ports.${p.name}: public, a and b must be TCP ports (got ${p.public}, ${p.a}, ${p.b})`);
  }
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
  return edge;
}

/** The rules the chains hold for an edge file: [nat rules, filter rules], without the jumps. */
export function chainRules(edge) {
  const chain = edgeChain(edge.instance);
  const nat = edge.ports.map((p) => `-A ${chain} -p tcp -m tcp --dport ${p.public} -j REDIRECT --to-ports ${p[edge.live]}`);
  // Internal ports are reached only through a REDIRECT (conntrack marks those flows DNAT);
  // loopback is the host itself.
  const internal = edge.ports.flatMap((p) => [p.a, p.b]).join(',');
  const filter = [`-A ${chain} ! -i lo -p tcp -m multiport --dports ${internal} -m conntrack ! --ctstate DNAT -j DROP`];
  return { nat, filter };
}

// Jumps at position 1: Docker's own nat chains match --dst-type LOCAL too, and must not see a
// public port first.
const JUMPS = [
  { table: 'nat', parent: 'PREROUTING', match: '-m addrtype --dst-type LOCAL' },
  { table: 'nat', parent: 'OUTPUT', match: '-m addrtype --dst-type LOCAL' },
  { table: 'filter', parent: 'INPUT', match: '' },
];

/** Keeps exactly one jump to `chain`, first in `parent`. `installed` is `iptables -S <parent>`. */
export function jumpEdits(parent, match, chain, installed) {
  const want = `-A ${parent}${match ? ` ${match}` : ''} -j ${chain}`;
  const rules = installed.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`-A ${parent} `));
  const ours = rules.filter((r) => r.split(/\s+/).includes(chain));
  if (rules[0] === want && ours.length === 1) return [];
  return [...ours.map((r) => r.replace(/^-A /, '-D ')), `-I ${parent} 1${match ? ` ${match}` : ''} -j ${chain}`];
}

/** iptables-restore --noflush input converging both tables (pure). */
export function restoreScript(edge, installed) {
  const chain = edgeChain(edge.instance);
  const rules = chainRules(edge);
  const out = [];
  for (const table of ['nat', 'filter']) {
    out.push(`*${table}`, `:${chain} - [0:0]`, `-F ${chain}`, ...rules[table]);
    for (const j of JUMPS.filter((x) => x.table === table)) out.push(...jumpEdits(j.parent, j.match, chain, installed[`${table} ${j.parent}`]));
    out.push('COMMIT');
  }
  return `${out.join('\n')}\n`;
}

// -w: wait for the xtables lock instead of failing when Docker is editing rules at that moment.
const ipt = (...args) => execFileSync('iptables', ['-w', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const listed = (table, chain) => { try { return ipt('-t', table, '-S', chain); } catch { return null; } };

function readEdge(file) {
  return parseEdge(readFileSync(file, 'utf8'), file);
}

function install(edge) {
  const installed = {};
  for (const j of JUMPS) installed[`${j.table} ${j.parent}`] = listed(j.table, j.parent) ?? '';
  execFileSync('iptables-restore', ['-w', '--noflush'], { input: restoreScript(edge, installed), stdio: ['pipe', 'ignore', 'pipe'] });
}

/** True when both chains and all three jumps are there (whatever slot they point at). */
function present(edge) {
  const chain = edgeChain(edge.instance);
  if (listed('nat', chain) === null || listed('filter', chain) === null) return false;
  return JUMPS.every((j) => (listed(j.table, j.parent) ?? '').split('\n').some((l) => l.split(/\s+/).includes(chain)));
}

function remove(instance) {
  const chain = edgeChain(instance);
  // A watcher still running (the edge-nat container; a test that plays a reboot) may put the
  // jumps back between these deletes: the chain is then still referenced ("Device or resource
  // busy", seen in a CI run) or a rule is gone under us; the removal is then made again.
  for (let attempt = 1; ; attempt++) {
    try {
      removeOnce(chain);
      return;
    } catch (e) {
      if (attempt >= 5 || !/resource busy|matching rule exist|No chain/i.test(`${e.stderr ?? ''}${e.message}`)) throw e;
    }
  }
}

function removeOnce(chain) {
  for (const j of JUMPS) {
    for (const rule of (listed(j.table, j.parent) ?? '').split('\n')) {
      if (rule.startsWith('-A ') && rule.split(/\s+/).includes(chain)) ipt('-t', j.table, ...rule.replace(/^-A /, '-D ').split(/\s+/));
    }
  }
  for (const table of ['nat', 'filter']) {
    if (listed(table, chain) !== null) { ipt('-t', table, '-F', chain); ipt('-t', table, '-X', chain); }
  }
}

function show(instance) {
  const chain = edgeChain(instance);
  for (const table of ['nat', 'filter']) {
    const text = execFileSync('iptables-save', ['-t', table], { encoding: 'utf8' });
    for (const line of text.split('\n')) if (line.split(/\s+/).includes(chain) || line.startsWith(`:${chain} `)) console.log(`${table}: ${line}`);
  }
}

async function watch(file, everyMs, signal) {
  while (!signal.aborted) {
    // No edge file yet (before the first start): nothing to install.
    if (existsSync(file)) {
      try {
        const edge = readEdge(file);
        if (!present(edge)) { install(edge); console.log(`${new Date().toISOString()} installed ${edgeChain(edge.instance)} (live: ${edge.live})`); }
      } catch (e) { console.error(`${new Date().toISOString()} ${e.message}`); }
    }
    await new Promise((r) => { const t = setTimeout(r, everyMs); signal.addEventListener('abort', () => { clearTimeout(t); r(); }, { once: true }); });
  }
}

const usage = 'usage: edge-nat.mjs install|ensure|watch <edge.json> [ms] | remove|show <instance>';
if (import.meta.url === `file://${process.argv[1]}`) {
  const [cmd, arg, extra] = process.argv.slice(2);
  try {
    if (!arg) throw new Error(usage);
    switch (cmd) {
      case 'install': install(readEdge(arg)); break;
      case 'ensure': { const e = readEdge(arg); if (!present(e)) install(e); break; }
      case 'watch': {
        const ac = new AbortController();
        for (const s of ['SIGTERM', 'SIGINT']) process.once(s, () => ac.abort());
        const ms = Number(extra ?? 2000);
        if (!Number.isInteger(ms) || ms < 100) throw new Error(`watch: interval "${extra}" is not a number of milliseconds (>= 100)`);
        await watch(arg, ms, ac.signal);
        break;
      }
      case 'remove': remove(arg); break;
      case 'show': show(arg); break;
      default: throw new Error(usage);
    }
  } catch (e) {
    console.error(`edge-nat: ${e.stderr ? String(e.stderr).trim() || e.message : e.message}`);
    process.exit(1);
  }
}
