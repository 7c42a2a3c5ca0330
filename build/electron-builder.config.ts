import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import { rendererOnlyPackageDirs } from './renderer-only-packages.ts';

// Packaging (electron-builder 26): AppImage and deb, dmg, NSIS, each an app that starts on a
// clean machine of its kind (docs/desktop.md "Packaging"). Native modules (keytar,
// better-sqlite3) are unpacked from the asar so they can be loaded. Fuses are flipped on the
// Electron binary: no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no --inspect, the app only from an
// integrity-checked app.asar, no extra file:// privileges.

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };

/**
 * electron-builder's own default `deb.depends` (app-builder-lib FpmTarget.getDefaultDepends):
 * a `depends` list replaces it, so it is repeated whole and only extended (GTK 3, libnotify,
 * NSS, libxss, libxtst, xdg-utils, at-spi and uuid are what Electron itself needs to start;
 * libsecret is keytar's way to the Secret Service).
 */
export const ELECTRON_BUILDER_DEB_DEPENDS = [
  'libgtk-3-0',
  'libnotify4',
  'libnss3',
  'libxss1',
  'libxtst6',
  'xdg-utils',
  'libatspi2.0-0',
  'libuuid1',
  'libsecret-1-0',
];

/**
 * What Chromium's own binary links against beyond that list's closure (Debian's chromium
 * package depends on both; GTK 3 pulls in neither): Mesa's GBM for the GPU process and ALSA.
 * ALSA is libasound2t64 since the 64-bit time_t transition (Debian 13, Ubuntu 24.04), libasound2
 * before it.
 */
export const CHROMIUM_RUNTIME_DEPENDS = ['libgbm1', 'libasound2t64 | libasound2'];

export const builderConfig: Configuration = {
  appId: 'dev.keyward.desktop',
  productName: 'Keyward',
  copyright: 'Copyright © Keyward contributors',
  directories: { output: 'artifacts/packages', buildResources: 'build' },
  files: [
    'dist/electron/**',
    'dist/renderer/**',
    '!dist/renderer/bench/**',
    'dist/package.json',
    'package.json',
    // The renderer is bundled into dist/renderer; its libraries stay out of app.asar.
    ...rendererOnlyPackageDirs(`${root}package-lock.json`, Object.keys(pkg.dependencies)).map((dir) => `!${dir}/**`),
  ],
  extraMetadata: { main: 'dist/electron/main.js' },
  asar: true,
  // Loaded with dlopen, which cannot read inside an archive; Electron redirects require() of an
  // unpacked file to app.asar.unpacked by itself.
  asarUnpack: ['**/node_modules/keytar/**', '**/node_modules/better-sqlite3/**'],
  npmRebuild: true,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
    // Flipping fuses breaks the binary's ad-hoc signature; an unsigned macOS build (no identity:
    // electron-builder then skips signing) would be refused on Apple Silicon. The fresh ad-hoc
    // signature is replaced by the real one when an identity is present (@electron/fuses README).
    resetAdHocDarwinSignature: true,
  },
  icon: 'build/icon.png',
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    icon: 'build/icon.png',
    maintainer: 'Keyward contributors <maintainers@keyward.invalid>',
    synopsis: 'Administer API roles and API credentials',
  },
  deb: {
    depends: [...ELECTRON_BUILDER_DEB_DEPENDS, ...CHROMIUM_RUNTIME_DEPENDS],
    // A Secret Service for keytar; without one the app says so and stores nothing.
    recommends: ['libappindicator3-1', 'gnome-keyring | kwalletmanager'],
  },
  // Ubuntu ≥ 23.10 forbids unprivileged user namespaces to unconfined programs, and an AppImage's
  // chrome-sandbox cannot be setuid root (electron#42510, electron-builder#8440). The AppImage's
  // AppRun adds --no-sandbox only where `unshare -Ur` fails; the desktop entry must not add it
  // everywhere (electron-builder's legacy default), so the sandbox stays on where it can. The
  // .deb installs an AppArmor profile (electron-builder's template) and keeps the sandbox on.
  appImage: { executableArgs: [] },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
  },
  dmg: { sign: false },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true, deleteAppDataOnUninstall: false },
};
