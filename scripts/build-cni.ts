/**
 * Builds the CNI plugin executable: esbuild bundles src/bin/vpcnet-cni.ts (and nothing it does not import)
 * into one minified CommonJS file, which becomes a Node.js single-executable application (SEA):
 *
 *   dist/vpcnet-cni.cjs  -> sea-config.json -> node --experimental-sea-config -> dist/vpcnet-cni.blob
 *   copy of this node    -> postject NODE_SEA_BLOB (sentinel fuse)             -> dist/vpcnet-cni
 *   dist/aws-cni         -> hard link to dist/vpcnet-cni (the name upstream's conflist uses)
 *
 * CommonJS because a Node 24 SEA runs its main script as CommonJS. The blob carries V8's code cache of the
 * bundle (`useCodeCache`), so the executable compiles nothing at start. Usage: `node scripts/build-cni.ts
 * [--out-dir dist] [--no-code-cache]`. It also answers to `buildCni()` for tests and benchmarks.
 */
import { execFile } from 'node:child_process';
import { copyFile, chmod, link, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The fuse postject flips so that node looks for the injected blob (documented in node's SEA page). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** What to build, where. */
export interface BuildCniOptions {
  /** Output directory (default `<repo>/dist`). */
  readonly outDir?: string;
  /** Embed V8's code cache of the bundle (default true). */
  readonly useCodeCache?: boolean;
  /** Node options the executable starts with (SEA `execArgv`), e.g. `["--no-warnings"]`. */
  readonly execArgv?: readonly string[];
  /** Name of the executable (default `vpcnet-cni`); `aws-cni` is linked next to it only for the default. */
  readonly name?: string;
}

/** What the build produced. */
export interface BuiltCni {
  readonly bundle: string;
  readonly executable: string;
  readonly bundleBytes: number;
  readonly executableBytes: number;
}

/** Bundles the plugin into `<outDir>/<name>.cjs`; returns its path. */
export async function bundleCni(outDir: string, name = 'vpcnet-cni'): Promise<string> {
  const outfile = join(outDir, `${name}.cjs`);
  await build({
    entryPoints: [join(ROOT, 'src/bin/vpcnet-cni.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

async function writeBlob(bundle: string, options: BuildCniOptions, blob: string): Promise<void> {
  const config = {
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: options.useCodeCache ?? true,
    ...(options.execArgv === undefined ? {} : { execArgv: options.execArgv }),
  };
  const configFile = `${blob}.sea-config.json`;
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
  await run(process.execPath, ['--experimental-sea-config', configFile], { cwd: ROOT });
}

async function inject(executable: string, blob: string): Promise<void> {
  const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  await run(process.execPath, [postject, executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
}

/** Builds `<outDir>/<name>` (a SEA of this very node binary) and, for the default name, `<outDir>/aws-cni`. */
export async function buildCni(options: BuildCniOptions = {}): Promise<BuiltCni> {
  const outDir = resolve(options.outDir ?? join(ROOT, 'dist'));
  const name = options.name ?? 'vpcnet-cni';
  await mkdir(outDir, { recursive: true });
  const bundle = await bundleCni(outDir, name);
  const blob = join(outDir, `${name}.blob`);
  await writeBlob(bundle, options, blob);
  const executable = join(outDir, name);
  await rm(executable, { force: true });
  await copyFile(process.execPath, executable);
  await chmod(executable, 0o755);
  await inject(executable, blob);
  if (options.name === undefined) {
    const alias = join(outDir, 'aws-cni');
    await rm(alias, { force: true });
    await link(executable, alias);
  }
  return { bundle, executable, bundleBytes: (await stat(bundle)).size, executableBytes: (await stat(executable)).size };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out-dir');
  const outDir = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const built = await buildCni({ ...(outDir === undefined ? {} : { outDir }), useCodeCache: !args.includes('--no-code-cache') });
  process.stdout.write(`bundle ${built.bundle} (${built.bundleBytes} bytes)\nexecutable ${built.executable} (${built.executableBytes} bytes, also aws-cni)\n`);
}
