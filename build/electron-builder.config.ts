import type { Configuration } from 'electron-builder';

// Packaging (electron-builder): AppImage and deb, dmg, NSIS. Native modules (keytar,
// better-sqlite3) are unpacked from the asar so they can be loaded. Fuses are flipped on the
// Electron binary: no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no --inspect, the app only from
// an integrity-checked app.asar, no extra file:// privileges.

export const builderConfig: Configuration = {
  appId: 'dev.keyward.desktop',
  productName: 'Keyward',
  copyright: 'Copyright © Keyward contributors',
  directories: { output: 'artifacts/packages', buildResources: 'build' },
  files: ['dist/electron/**', 'dist/renderer/**', '!dist/renderer/bench/**', 'dist/package.json', 'package.json'],
  extraMetadata: { main: 'dist/electron/main.js' },
  asar: true,
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
  },
  icon: 'build/icon.png',
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    icon: 'build/icon.png',
    maintainer: 'Keyward contributors <maintainers@keyward.invalid>',
    synopsis: 'Administer API roles and API credentials',
  },
  // keytar talks to the Secret Service through libsecret.
  deb: { depends: ['libsecret-1-0', 'libnotify4', 'libxtst6', 'libnss3'] },
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
