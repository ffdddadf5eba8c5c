/**
 * The google provider's argument schema, read from the code @cdktf/provider-google generated from it
 * (16.12.1 = hashicorp/google 6.50.0): there is no terraform binary or schema JSON offline, and that
 * package's interfaces carry each argument's Terraform name, whether it is required, and which
 * arguments are nested blocks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Argument {
  required: boolean;
  /** Set when the argument is a nested block (or nested object): its own arguments. */
  block?: Block;
}
export type Block = Map<string, Argument>;

export interface ProviderSchema {
  resource(type: string): Block | undefined;
  dataSource(type: string): Block | undefined;
}

const LIB = join(dirname(require.resolve('@cdktf/provider-google/package.json')), 'lib');

/** Parses one generated index.d.ts: every exported interface and its properties. */
function interfaces(dts: string): Map<string, { name: string; required: boolean; type: string }[]> {
  const found = new Map<string, { name: string; required: boolean; type: string }[]>();
  for (const [, iface, body] of dts.matchAll(/^export interface (\w+)[^{\n]*\{\n([\s\S]*?)^\}/gm)) {
    // Each property is a JSDoc whose registry link's anchor is the Terraform name, then `readonly x?: T;`.
    const props = body!.split('/**').flatMap((chunk) => {
      const anchor = /\{@link \S+#([^\s}]+) /.exec(chunk)?.[1];
      const prop = /\*\/\s*readonly \w+(\??): ([\s\S]*);\s*$/.exec(chunk);
      return anchor && prop ? [{ name: anchor, required: prop[1] !== '?', type: prop[2]! }] : [];
    });
    found.set(iface!, props);
  }
  return found;
}

function blockOf(all: ReturnType<typeof interfaces>, iface: string, seen: Set<string> = new Set()): Block {
  const block: Block = new Map();
  for (const { name, required, type } of all.get(iface) ?? []) {
    // A type naming another interface of the file (`X`, `X[] | cdktf.IResolvable`) is a nested block;
    // `seen` only guards against a self-referencing schema.
    const nested = [...type.matchAll(/\b\w+\b/g)].map(([w]) => w).find((w) => w !== iface && all.has(w));
    const arg: Argument = { required };
    if (nested && !seen.has(nested)) arg.block = blockOf(all, nested, new Set([...seen, iface]));
    block.set(name, arg);
  }
  return block;
}

let index: Map<string, { dir: string; className: string }> | undefined;

/** Terraform type → generated class, from each `<Class>.tfResourceType = "<type>";` (one scan, ~0.3 s). */
function typeIndex() {
  if (index) return index;
  index = new Map();
  for (const dir of readdirSync(LIB, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const js = readFileSync(join(LIB, dir.name, 'index.js'), 'utf8');
    for (const [, className, type] of js.matchAll(/^(\w+)\.tfResourceType = "([^"]+)";$/gm)) {
      const base = new RegExp(`^class ${className} extends cdktf\\.(\\w+)`, 'm').exec(js)?.[1];
      if (base === 'TerraformResource' || base === 'TerraformDataSource') {
        index.set(`${base === 'TerraformDataSource' ? 'data' : 'resource'}:${type}`, { dir: dir.name, className: className! });
      }
    }
  }
  return index;
}

const cache = new Map<string, Block | undefined>();

function lookup(key: string): Block | undefined {
  if (!cache.has(key)) {
    const entry = typeIndex().get(key);
    cache.set(key, entry && blockOf(interfaces(readFileSync(join(LIB, entry.dir, 'index.d.ts'), 'utf8')), `${entry.className}Config`));
  }
  return cache.get(key);
}

export const googleProviderSchema: ProviderSchema = {
  resource: (type) => lookup(`resource:${type}`),
  dataSource: (type) => lookup(`data:${type}`),
};

type Hcl = Record<string, unknown>;

/** Terraform's own arguments, allowed on every resource and data source. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const DYNAMIC_ARGUMENTS = new Set(['for_each', 'iterator', 'labels', 'content']);
/** hashicorp/archive (archive_file) is another provider, not in @cdktf/provider-google. */
const OTHER_PROVIDER = /^archive_/;

const bodies = (value: unknown): Hcl[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is Hcl => !!v && typeof v === 'object' && !Array.isArray(v));

/**
 * Errors (file, address, argument path) in one file parsed by @cdktf/hcl2json: unknown resource or
 * data source types, unknown arguments or blocks, missing required ones, at any depth. Blocks other
 * than resource and data (terraform, provider, variable, output, locals, module, ...) are not
 * provider schema; a module's own files are checked as files of their own.
 */
export function schemaErrors(file: string, tree: Hcl, schema: ProviderSchema = googleProviderSchema): string[] {
  const errors: string[] = [];
  const check = (body: Hcl, block: Block, where: string, path: string[]) => {
    const at = (name: string) => `${where}: ${[...path, name].join('.')}`;
    for (const [key, value] of Object.entries(body)) {
      if (path.length === 0 && META_ARGUMENTS.has(key)) continue;
      if (key === 'dynamic') {
        // dynamic "x" { for_each = ..., content { ... } } stands for blocks x: check content as x.
        for (const [name, dynamics] of Object.entries(value as Hcl)) {
          const nested = block.get(name)?.block;
          if (!nested) errors.push(`${at(name)}: unknown block (in dynamic "${name}")`);
          for (const dynamic of bodies(dynamics)) {
            for (const k of Object.keys(dynamic)) if (!DYNAMIC_ARGUMENTS.has(k)) errors.push(`${at(name)}: unknown argument ${k} of dynamic "${name}"`);
            if (nested) for (const content of bodies(dynamic.content)) check(content, nested, where, [...path, name]);
          }
        }
        continue;
      }
      const arg = block.get(key);
      if (!arg) errors.push(`${at(key)}: unknown argument or block`);
      else if (arg.block) for (const nested of bodies(value)) check(nested, arg.block, where, [...path, key]);
    }
    const dynamic = (body.dynamic ?? {}) as Hcl;
    for (const [name, arg] of block) {
      if (arg.required && !(name in body) && !(name in dynamic)) errors.push(`${at(name)}: missing required argument`);
    }
  };
  for (const [kind, lookup, prefix] of [
    ['resource', schema.resource, ''],
    ['data', schema.dataSource, 'data.'],
  ] as const) {
    for (const [type, instances] of Object.entries((tree[kind] ?? {}) as Hcl)) {
      if (OTHER_PROVIDER.test(type)) continue;
      const block = lookup(type);
      for (const [name, instance] of Object.entries(instances as Hcl)) {
        const where = `${file}: ${prefix}${type}.${name}`;
        if (!block) errors.push(`${where}: unknown ${kind === 'data' ? 'data source' : 'resource'} type ${type}`);
        else for (const body of bodies(instance)) check(body, block, where, []);
      }
    }
  }
  return errors;
}
