// `npm run gpu:pack`: writes gpu-pack/ (git-ignored), everything needed to measure a real GPU on a bare
// Linux x86-64 machine with an NVIDIA driver and no Node, npm or network (docs/design/gpu-path.md#measuring-a-gpu-the-gpu-pack):
// this machine's Node binary, the measurements bundled into one file (esbuild) with tfjs's wasm binaries,
// Dawn's native addon (npm `webgpu`, linux-x64), the Vulkan loader from Debian's libvulkan1, the PyTorch
// reference, and run.sh. Large binaries are gzipped (gunzip is on every such machine); at most 60 MiB.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'gpu-pack');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'gpu-pack');
const LIMIT_BYTES = 60 * 1024 * 1024;
/** What a plain glibc system (any distribution with libstdc++) provides; Node may need nothing else. */
const PLAIN_GLIBC = /^(libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s|ld-linux-x86-64)\.so\.\d+$/;
const require = createRequire(import.meta.url);

/** @param {string} msg */
function fail(msg) {
  process.stderr.write(`gpu:pack: ${msg}\n`);
  process.exit(1);
}
/** @param {string} msg */
const log = (msg) => process.stderr.write(`gpu:pack: ${msg}\n`);

/** @param {string} cmd @param {string[]} args */
function tool(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error !== undefined || r.status !== 0)
    fail(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

/**
 * An ELF file is x86-64 and needs only what a plain glibc system has; returns what it needs.
 * @param {string} file
 */
function checkElf(file) {
  const head = readFileSync(file).subarray(0, 20);
  if (head.readUInt32BE(0) !== 0x7f454c46) fail(`${file} is not an ELF binary`);
  if (head.readUInt16LE(18) !== 0x3e)
    fail(`${file} is not x86-64 (ELF machine ${head.readUInt16LE(18)}); the GPU machines are x86-64`);
  const needed = [...tool('objdump', ['-p', file]).matchAll(/NEEDED\s+(\S+)/g)].map((m) => m[1]);
  const odd = needed.filter((n) => !PLAIN_GLIBC.test(n));
  if (odd.length > 0) fail(`${file} needs ${odd.join(', ')}, which a plain glibc system may lack`);
  const versions = tool('objdump', ['-T', file]);
  /** @param {string} prefix */
  const highest = (prefix) =>
    [...new Set([...versions.matchAll(new RegExp(`\\b${prefix}_([0-9.]+)\\b`, 'g'))].map((m) => m[1]))]
      .sort((x, y) => x.localeCompare(y, 'en', { numeric: true }))
      .at(-1) ?? null;
  return { needed, glibc: highest('GLIBC'), glibcxx: highest('GLIBCXX') };
}

/** @param {string} from @param {string} to */
function gzip(from, to) {
  writeFileSync(to, gzipSync(readFileSync(from), { level: 9 }));
}

/**
 * One library from a Debian package: the .deb downloaded with apt-get (cached), unpacked with dpkg -x, the
 * library copied to `dest` as one real file under its soname (symbolic links do not travel to the device
 * machine). Returns the package's file name.
 * @param {string} pkg @param {string} soname @param {string} dest
 */
function debianLibrary(pkg, soname, dest) {
  mkdirSync(CACHE, { recursive: true });
  const match = (/** @type {string} */ f) => f.startsWith(`${pkg}_`) && f.endsWith('_amd64.deb');
  let deb = readdirSync(CACHE).find(match);
  if (deb === undefined) {
    const r = spawnSync('apt-get', ['download', `${pkg}:amd64`], { cwd: CACHE, encoding: 'utf8' });
    deb = readdirSync(CACHE).find(match);
    if (deb === undefined)
      fail(
        `apt-get download ${pkg}:amd64 failed (${r.error?.message ?? r.stderr.trim()}); it needs Debian's apt and the network once`,
      );
  }
  const tmp = mkdtempSync(path.join(tmpdir(), `${pkg}-`));
  tool('dpkg', ['-x', path.join(CACHE, deb), tmp]);
  const dir = path.join(tmp, 'usr', 'lib', 'x86_64-linux-gnu');
  const real = readdirSync(dir).find((f) => f.startsWith(`${soname}.`) || f === soname);
  if (real === undefined) fail(`${deb} holds no ${soname}`);
  mkdirSync(dest, { recursive: true });
  copyFileSync(path.join(dir, real), path.join(dest, soname));
  checkElf(path.join(dest, soname));
  rmSync(tmp, { recursive: true });
  return deb.replace(/\.deb$/, '');
}

/** The C++ runtime Node runs with here, used there only if the machine's own is missing or too old. */
function fallbackRuntime() {
  mkdirSync(path.join(OUT, 'fallback'));
  const ldd = tool('ldd', [process.execPath]);
  for (const lib of ['libstdc++.so.6', 'libgcc_s.so.1']) {
    const m = ldd.match(new RegExp(`${lib.replace(/[.+]/g, '\\$&')} => (\\S+)`));
    if (m === null) fail(`ldd ${process.execPath} does not name ${lib}`);
    gzip(m[1], path.join(OUT, 'fallback', `${lib}.gz`));
  }
}

async function bundle() {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'bench', 'gpu-pack', 'measure.ts')],
    outfile: path.join(OUT, 'measure.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // tfjs and its wasm glue are CommonJS that call require() and read __dirname.
    banner: {
      js: "import { createRequire as __gpuPackRequire } from 'node:module'; import { dirname as __gpuPackDirname } from 'node:path'; import { fileURLToPath as __gpuPackPath } from 'node:url'; const require = __gpuPackRequire(import.meta.url); const __filename = __gpuPackPath(import.meta.url); const __dirname = __gpuPackDirname(__filename);",
    },
  });
}

/** @param {string} dir @returns {number} */
function sizeOf(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (s, e) => s + (e.isDirectory() ? sizeOf(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size),
    0,
  );
}

const t0 = Date.now();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT);

const node = checkElf(process.execPath);
log(
  `node ${process.version} from ${process.execPath} (needs ${node.needed.join(', ')}; GLIBC ${node.glibc}, GLIBCXX ${node.glibcxx})`,
);
gzip(process.execPath, path.join(OUT, 'node.gz'));

const webgpuDir = path.dirname(require.resolve('webgpu/package.json'));
const dawnFile = path.join(webgpuDir, 'dist', 'linux-x64', 'dawn.node');
if (!existsSync(dawnFile)) fail(`${dawnFile} is missing: the npm package webgpu has no linux-x64 build here`);
const dawn = checkElf(dawnFile);
gzip(dawnFile, path.join(OUT, 'dawn.node.gz'));
mkdirSync(path.join(OUT, 'dawn'));
// The package's loader (it also unmaps buffers on device.destroy()), beside where run.sh unpacks dawn.node.
copyFileSync(path.join(webgpuDir, 'index.js'), path.join(OUT, 'dawn', 'index.mjs'));
copyFileSync(path.join(webgpuDir, 'LICENSE.md'), path.join(OUT, 'dawn', 'LICENSE.md'));

// The Vulkan loader, always the pack's; glvnd's dispatch library, which NVIDIA's libGLX_nvidia.so.0 (its
// Vulkan driver) links against, only where the machine lacks it (run.sh decides).
const libvulkan = debianLibrary('libvulkan1', 'libvulkan.so.1', path.join(OUT, 'lib'));
const libglvnd = debianLibrary('libglvnd0', 'libGLdispatch.so.0', path.join(OUT, 'glvnd'));
fallbackRuntime();
await bundle();
const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
mkdirSync(path.join(OUT, 'wasm'));
for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm')))
  copyFileSync(path.join(wasmDir, f), path.join(OUT, 'wasm', f));
copyFileSync(path.join(ROOT, 'bench', 'reference', 'torch_reference.py'), path.join(OUT, 'torch_reference.py'));
cpSync(path.join(ROOT, 'bench', 'gpu-pack', 'run.sh'), path.join(OUT, 'run.sh'));
chmodSync(path.join(OUT, 'run.sh'), 0o755);

const git = (/** @type {string[]} */ args) => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};
const manifest = {
  built: new Date().toISOString(),
  commit: git(['rev-parse', '--short', 'HEAD']),
  dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
  node: { version: process.version, ...node },
  dawn: { webgpu: JSON.parse(readFileSync(path.join(webgpuDir, 'package.json'), 'utf8')).version, ...dawn },
  tfjs: JSON.parse(readFileSync(require.resolve('@tensorflow/tfjs/package.json'), 'utf8')).version,
  libvulkan,
  libglvnd,
};
writeFileSync(path.join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
writeFileSync(
  path.join(OUT, 'README.txt'),
  'Built by `npm run gpu:pack` (scripts/gpu-pack.mjs); see docs/design/gpu-path.md#measuring-a-gpu-the-gpu-pack.\n' +
    'Run: bash gpu-pack/run.sh   (one JSON object on stdout, and $OUT/gpu-pack.json when OUT is set)\n',
);

const bytes = sizeOf(OUT);
if (bytes > LIMIT_BYTES) fail(`gpu-pack/ is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the 60 MiB limit`);
process.stdout.write(
  JSON.stringify({
    dir: OUT,
    bytes,
    mebibytes: Number((bytes / 2 ** 20).toFixed(1)),
    seconds: (Date.now() - t0) / 1000,
    ...manifest,
  }) + '\n',
);
