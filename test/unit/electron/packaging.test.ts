import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { builderConfig } from '../../../build/electron-builder.config.ts';

// The packaging configuration is checked here because packaging itself cannot run offline
// (electron-builder downloads the Electron runtime): electron-builder's own schema accepts it,
// and the security-relevant settings are what DESIGN §5 asks for.

const require = createRequire(import.meta.url);

test("electron-builder's own validation accepts the packaging configuration", async () => {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration: (config: unknown, logger: { isEnabled: boolean; add: () => void }) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => { isEnabled: boolean; add: () => void } };
  await validateConfiguration(structuredClone(builderConfig), new DebugLogger(false));
});

test('installers are built for Linux (AppImage, deb), macOS (dmg) and Windows (nsis) with keytar unpacked from the asar', () => {
  assert.deepEqual(builderConfig.linux?.target, ['AppImage', 'deb']);
  assert.deepEqual(builderConfig.mac?.target, ['dmg']);
  assert.deepEqual(builderConfig.win?.target, ['nsis']);
  assert.ok((builderConfig.asarUnpack as string[]).some((p) => p.includes('node_modules/keytar')));
  assert.equal(builderConfig.asar, true);
});

test('the Electron fuses turn off run-as-node, NODE_OPTIONS and inspect arguments and load the app only from an integrity-checked asar', () => {
  assert.deepEqual(
    {
      runAsNode: builderConfig.electronFuses?.runAsNode,
      nodeOptions: builderConfig.electronFuses?.enableNodeOptionsEnvironmentVariable,
      inspect: builderConfig.electronFuses?.enableNodeCliInspectArguments,
      onlyAsar: builderConfig.electronFuses?.onlyLoadAppFromAsar,
      integrity: builderConfig.electronFuses?.enableEmbeddedAsarIntegrityValidation,
    },
    { runAsNode: false, nodeOptions: false, inspect: false, onlyAsar: true, integrity: true },
  );
});

test('the icon is a 512×512 PNG', () => {
  const png = readFileSync(new URL('../../../build/icon.png', import.meta.url));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.equal(png.readUInt32BE(16), 512);
  assert.equal(png.readUInt32BE(20), 512);
});
