import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, test } from 'node:test';
import { builderConfig, ELECTRON_BUILDER_DEB_DEPENDS } from '../../../build/electron-builder.config.ts';
import { RENDERER_ONLY_DEPENDENCIES } from '../../../build/renderer-only-packages.ts';

// The packaging configuration as electron-builder resolves it, with app-builder-lib's own
// functions, because packaging itself cannot run offline (it downloads the Electron runtime):
// its schema accepts the config, the deb's dependencies keep its defaults, the fuses it flips
// (on a stand-in binary carrying Electron's fuse sentinel) end with an ad-hoc re-signature on
// macOS, its asar keeps the native modules loadable, and its file filter leaves the renderer's
// libraries out of app.asar.

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'keyward-packaging-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Filter {
  (file: string, stat: { isDirectory(): boolean; moduleFullFilePath?: string }): boolean;
}
interface Matcher {
  patterns: string[];
  createFilter(): Filter;
}
const fileMatcher = require('app-builder-lib/out/fileMatcher.js') as {
  getFileMatchers(config: unknown, name: string, destination: string, options: object): Matcher[] | null;
  getNodeModuleFileMatcher(appDir: string, destination: string, expand: (s: string) => string, platform: object, packager: object): Matcher;
  FileMatcher: new (from: string, to: string, expand: (s: string) => string, patterns: string[]) => Matcher;
};
const expand = (s: string) => s;
const file = { isDirectory: () => false };

test("electron-builder's own validation accepts the packaging configuration", async () => {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration: (config: unknown, logger: { isEnabled: boolean; add: () => void }) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => { isEnabled: boolean; add: () => void } };
  await validateConfiguration(structuredClone(builderConfig), new DebugLogger(false));
});

test('installers are built for Linux (AppImage, deb), macOS (dmg) and Windows (nsis), all named Keyward', () => {
  assert.deepEqual(builderConfig.linux?.target, ['AppImage', 'deb']);
  assert.deepEqual(builderConfig.mac?.target, ['dmg']);
  assert.deepEqual(builderConfig.win?.target, ['nsis']);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { productName?: string };
  assert.equal(builderConfig.productName, 'Keyward');
  assert.equal(pkg.productName, 'Keyward', 'the packaged package.json names the app, so Electron calls it Keyward');
});

test("the .deb depends on everything electron-builder's default list holds (GTK 3, libxss, xdg-utils, at-spi, uuid, libsecret)", () => {
  const FpmTarget = (
    require('app-builder-lib/out/targets/FpmTarget.js') as { default: { prototype: { getDefaultDepends(t: string): string[] } } }
  ).default;
  const defaults = FpmTarget.prototype.getDefaultDepends('deb');
  assert.ok(defaults.includes('libgtk-3-0'), 'the app-builder-lib read here is the one that packages');
  const depends = builderConfig.deb?.depends ?? defaults;
  for (const dep of defaults) assert.ok(depends.includes(dep), `deb.depends dropped ${dep}`);
  assert.ok(depends.includes('libsecret-1-0'), 'keytar reaches the Secret Service through libsecret');
  assert.deepEqual(ELECTRON_BUILDER_DEB_DEPENDS, defaults);
});

test('the .deb also depends on what Chromium links against and GTK 3 does not pull in: GBM and ALSA under either package name', () => {
  const depends = builderConfig.deb?.depends ?? [];
  assert.ok(depends.includes('libgbm1'), 'without libgbm1 the GPU process cannot load and the window never opens');
  assert.ok(
    depends.includes('libasound2t64 | libasound2'),
    'ALSA is libasound2t64 on Debian 13 / Ubuntu 24.04 and libasound2 before; one name alone breaks the other',
  );
  for (const dep of depends)
    assert.match(dep, /^[a-z0-9.+-]+( \| [a-z0-9.+-]+)*$/, `${dep} is a valid Debian dependency (alternatives with " | ")`);
});

/** A stand-in Electron binary: Electron's fuse sentinel, wire version 1, eight fuses as Electron ships them. */
function standInBinary(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const { SENTINEL } = require('@electron/fuses/dist/constants.js') as { SENTINEL: string };
  writeFileSync(
    path,
    Buffer.concat([Buffer.from('\x7fELF…'), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001'), Buffer.from('…')]),
  );
}

const fusesAsElectronBuilderFlipsThem = async (platform: 'darwin' | 'win32', appOutDir: string) => {
  // From the package's entry point: loading platformPackager.js first breaks its import cycle.
  const { PlatformPackager } = require('app-builder-lib') as {
    PlatformPackager: {
      prototype: { generateFuseConfig(f: unknown): Promise<object>; addElectronFuses(c: object, f: object): Promise<void> };
    };
  };
  const fuses = await PlatformPackager.prototype.generateFuseConfig.call(null, builderConfig.electronFuses);
  await PlatformPackager.prototype.addElectronFuses.call(
    { appInfo: { productFilename: 'Keyward' } },
    { appOutDir, electronPlatformName: platform },
    fuses,
  );
};

test('the fuses electron-builder flips: no run-as-node, NODE_OPTIONS or --inspect, the app only from an integrity-checked asar', async () => {
  const appOutDir = join(dir, 'win-unpacked');
  standInBinary(join(appOutDir, 'Keyward.exe'));
  await fusesAsElectronBuilderFlipsThem('win32', appOutDir);
  const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as {
    getCurrentFuseWire(p: string): Promise<Record<number, number>>;
    FuseV1Options: Record<string, number>;
  };
  const wire = await getCurrentFuseWire(join(appOutDir, 'Keyward.exe'));
  const on = (name: string) => String.fromCharCode(wire[FuseV1Options[name]!]!) === '1';
  assert.deepEqual(
    Object.fromEntries(
      [
        'RunAsNode',
        'EnableCookieEncryption',
        'EnableNodeOptionsEnvironmentVariable',
        'EnableNodeCliInspectArguments',
        'EnableEmbeddedAsarIntegrityValidation',
        'OnlyLoadAppFromAsar',
        'GrantFileProtocolExtraPrivileges',
      ].map((name) => [name, on(name)]),
    ),
    {
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      GrantFileProtocolExtraPrivileges: false,
    },
  );
});

test('on macOS the flipped app gets a fresh ad-hoc signature, so an unsigned build still launches on Apple Silicon', async () => {
  const appOutDir = join(dir, 'mac-arm64');
  const app = join(appOutDir, 'Keyward.app');
  standInBinary(join(app, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework'));
  // A recording `codesign` first on PATH: the real one exists only on macOS.
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'codesign'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(join(dir, 'codesign.args'))}\n`);
  chmodSync(join(bin, 'codesign'), 0o755);
  const path = process.env['PATH'];
  process.env['PATH'] = `${bin}${delimiter}${path}`;
  try {
    await fusesAsElectronBuilderFlipsThem('darwin', appOutDir);
  } finally {
    process.env['PATH'] = path;
  }
  const args = readFileSync(join(dir, 'codesign.args'), 'utf8').trim().split('\n');
  assert.deepEqual(args.slice(0, 2), ['--sign', '-'], 'ad-hoc identity');
  assert.ok(args.includes('--force') && args.includes('--deep'));
  assert.equal(args.at(-1), app);
});

test('keytar and better-sqlite3 are unpacked from the asar (native modules cannot be loaded from inside it)', () => {
  assert.equal(builderConfig.asar, true);
  const appDir = join(dir, 'app');
  const [matcher] = fileMatcher.getFileMatchers(builderConfig, 'asarUnpack', join(dir, 'out'), {
    macroExpander: expand,
    customBuildOptions: {},
    globalOutDir: join(dir, 'out'),
    defaultSrc: appDir,
  })!;
  const unpacked = matcher!.createFilter();
  assert.equal(unpacked(join(appDir, 'node_modules/keytar/build/Release/keytar.node'), file), true);
  assert.equal(unpacked(join(appDir, 'node_modules/better-sqlite3/prebuilds/linux-x64.node'), file), true);
  assert.equal(unpacked(join(appDir, 'node_modules/better-sqlite3/lib/index.js'), file), true);
  assert.equal(unpacked(join(appDir, 'dist/electron/main.js'), file), false);
  assert.equal(unpacked(join(appDir, 'node_modules/fastify/fastify.js'), file), false);
});

test("the renderer's libraries stay out of app.asar; every package the main process and server load goes in", () => {
  const appDir = join(dir, 'app');
  const nodeModules = fileMatcher.getNodeModuleFileMatcher(
    appDir,
    join(dir, 'out'),
    expand,
    {},
    {
      config: builderConfig,
      debugLogger: { isEnabled: false },
    },
  );
  const packaged = (moduleDir: string, inner: string) =>
    new fileMatcher.FileMatcher(join(root, moduleDir), join(dir, 'out', moduleDir), expand, nodeModules.patterns).createFilter()(
      join(root, moduleDir, inner),
      { isDirectory: () => false, moduleFullFilePath: `${moduleDir}/${inner}` },
    );
  for (const name of [...RENDERER_ONLY_DEPENDENCIES, 'scheduler', '@mui/system']) {
    assert.equal(packaged(`node_modules/${name}`, 'package.json'), false, `${name} is packaged`);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  for (const name of RENDERER_ONLY_DEPENDENCIES) {
    assert.equal(pkg.dependencies[name], undefined, `${name} is a renderer library: it belongs in devDependencies`);
    assert.ok(pkg.devDependencies[name], `${name} is declared (devDependencies) for the renderer build`);
  }
  const runtime = Object.keys(pkg.dependencies).filter((d) => !(RENDERER_ONLY_DEPENDENCIES as readonly string[]).includes(d));
  assert.ok(runtime.includes('fastify') && runtime.includes('keytar'));
  for (const name of runtime) assert.equal(packaged(`node_modules/${name}`, 'package.json'), true, `${name} is left out`);
  assert.equal(packaged('node_modules/keytar', 'build/Release/keytar.node'), true);
});

test('the AppImage desktop entry does not turn the sandbox off everywhere (AppRun adds --no-sandbox only where user namespaces fail)', () => {
  assert.deepEqual(builderConfig.appImage?.executableArgs, []);
});

test('the icon is a 512×512 PNG', () => {
  const png = readFileSync(new URL('../../../build/icon.png', import.meta.url));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.equal(png.readUInt32BE(16), 512);
  assert.equal(png.readUInt32BE(20), 512);
});

test('the desktop workflow runs on Linux, macOS and Windows: npm ci, the runtime fetch, typecheck, the Electron suite under Xvfb, installers kept', async () => {
  const { parse } = await import('yaml');
  const workflow = parse(readFileSync(join(root, '.github', 'workflows', 'desktop.yml'), 'utf8')) as {
    jobs: { desktop: { strategy: { matrix: { os: string[] } }; steps: { run?: string; uses?: string; if?: string; env?: object }[] } };
  };
  const job = workflow.jobs.desktop;
  assert.deepEqual(
    job.strategy.matrix.os.map((os) => os.split('-')[0]),
    ['ubuntu', 'macos', 'windows'],
  );
  const runs = job.steps.map((s) => s.run ?? s.uses ?? '');
  const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
  const order = [/^npm ci\b/, /install-electron/, /^npm run typecheck$/, /^xvfb-run .*test\/run\.sh/, /^npm run package$/];
  const positions = order.map(at);
  assert.ok(
    positions.every((p) => p >= 0),
    `missing steps: ${order.filter((_, i) => positions[i]! < 0).join(', ')}`,
  );
  assert.deepEqual(
    [...positions].sort((a, b) => a - b),
    positions,
    'in this order',
  );
  const suite = job.steps[at(/^xvfb-run/)]!;
  assert.equal(suite.if, "runner.os == 'Linux'");
  assert.deepEqual(suite.env && 'KEYWARD_E2E_HOST' in suite.env && (suite.env as Record<string, string>)['KEYWARD_E2E_HOST'], 'electron');
  assert.ok(
    runs.slice(at(/^npm run package$/)).some((r) => r.startsWith('actions/upload-artifact@')),
    'the installers are uploaded',
  );
});
