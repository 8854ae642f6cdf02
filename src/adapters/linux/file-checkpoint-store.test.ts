import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { FileCheckpointStore } from './file-checkpoint-store.ts';

let root = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'vpcnet-checkpoint-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshDirectory(name: string): Promise<string> {
  const directory = join(root, name);
  await mkdir(directory);
  return directory;
}

test('FileCheckpointStore.read() returns undefined when there is no file (fresh node)', async () => {
  const store = new FileCheckpointStore(join(root, 'missing', 'ipam.json'));
  assert.equal(await store.read(), undefined);
});

test('FileCheckpointStore.write() creates the directory 0755 and a 0600 file, and read() returns the text', async () => {
  const directory = join(root, 'created', 'aws-node');
  const store = new FileCheckpointStore(join(directory, 'ipam.json'));
  const text = '{"version":"vpc-cni-ipam/1","allocations":[]}\n';
  await store.write(text);
  assert.equal(await store.read(), text);
  assert.equal((await stat(directory)).mode & 0o777, 0o755);
  assert.equal((await stat(store.path)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(directory), ['ipam.json']);
});

test('FileCheckpointStore.write() replaces the whole text and leaves no temporary file', async () => {
  const directory = await freshDirectory('replace');
  const store = new FileCheckpointStore(join(directory, 'ipam.json'));
  await store.write('a much longer first version of the text\n');
  await store.write('short\n');
  assert.equal(await store.read(), 'short\n');
  assert.deepEqual(await readdir(directory), ['ipam.json']);
});

test('FileCheckpointStore a crash mid-write (stray temporary file) never corrupts the real file', async () => {
  const directory = await freshDirectory('crash');
  const store = new FileCheckpointStore(join(directory, 'ipam.json'));
  await store.write('old\n');
  // What a kill -9 between writing and renaming leaves: a partial temporary file next to the real one.
  await writeFile(join(directory, 'ipam.json.tmp0123456789abcdef'), '{"version":"vpc-cni-ip');
  assert.equal(await store.read(), 'old\n');
  await store.write('new\n');
  assert.equal(await store.read(), 'new\n');
  assert.equal(await readFile(join(directory, 'ipam.json.tmp0123456789abcdef'), 'utf8'), '{"version":"vpc-cni-ip');
});

test('FileCheckpointStore.write() that fails removes its temporary file and keeps the old text', async () => {
  const directory = await freshDirectory('fail');
  const path = join(directory, 'ipam.json');
  // A directory where the file should be: the rename fails (EISDIR), as a full or broken disk would.
  await mkdir(path);
  await writeFile(join(path, 'keep'), 'x');
  const store = new FileCheckpointStore(path);
  await assert.rejects(store.write('new\n'));
  assert.deepEqual((await readdir(directory)).sort(), ['ipam.json']);
  assert.equal(await readFile(join(path, 'keep'), 'utf8'), 'x');
});

test('FileCheckpointStore.removeStaleTemporaryFiles() deletes only this file\'s temporary files', async () => {
  const directory = await freshDirectory('stale');
  const store = new FileCheckpointStore(join(directory, 'ipam.json'));
  await store.write('kept\n');
  await writeFile(join(directory, 'ipam.json.tmp1'), 'partial');
  await writeFile(join(directory, 'ipam.json.tmp2'), 'partial');
  await writeFile(join(directory, 'ipam-nic-1.json.tmp3'), 'other card');
  const removed = await store.removeStaleTemporaryFiles();
  assert.deepEqual(removed.map((path) => path.slice(directory.length + 1)).sort(), ['ipam.json.tmp1', 'ipam.json.tmp2']);
  assert.deepEqual((await readdir(directory)).sort(), ['ipam-nic-1.json.tmp3', 'ipam.json']);
  assert.equal(await store.read(), 'kept\n');
  assert.deepEqual(await new FileCheckpointStore(join(root, 'nowhere', 'ipam.json')).removeStaleTemporaryFiles(), []);
});

test('FileCheckpointStore concurrent writes each land whole (random temporary names never clash)', async () => {
  const directory = await freshDirectory('concurrent');
  const store = new FileCheckpointStore(join(directory, 'ipam.json'));
  const texts = Array.from({ length: 20 }, (_, index) => `${String(index).repeat(1000)}\n`);
  await Promise.all(texts.map((text) => store.write(text)));
  assert.ok(texts.includes((await store.read()) ?? ''));
  assert.deepEqual(await readdir(directory), ['ipam.json']);
});

test('FileCheckpointStore a writer killed with SIGKILL leaves a whole checkpoint', async () => {
  const directory = await freshDirectory('sigkill');
  const path = join(directory, 'ipam.json');
  const moduleUrl = new URL('./file-checkpoint-store.ts', import.meta.url).href;
  // The child rewrites the checkpoint as fast as it can, each text a complete, self-checking line.
  const script = `
    const { FileCheckpointStore } = await import(${JSON.stringify(moduleUrl)});
    const store = new FileCheckpointStore(${JSON.stringify(path)});
    for (let i = 0; ; i += 1) await store.write('begin ' + String(i).repeat(5000) + ' end ' + i + '\\n');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  try {
    for (let waited = 0; waited < 5000 && (await new FileCheckpointStore(path).read()) === undefined; waited += 20) await delay(20);
    await delay(150);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  const text = await new FileCheckpointStore(path).read();
  const match = /^begin (\d+) end (\d+)\n$/.exec(text ?? '');
  assert.ok(match !== null, `checkpoint is not whole: ${JSON.stringify(text?.slice(0, 40))}...`);
  assert.equal(match[1], String(match[2]).repeat(5000));
});
