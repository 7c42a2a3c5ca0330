import { build } from 'electron-builder';
import { builderConfig } from './electron-builder.config.ts';

// npm run package [-- --linux | --mac | --win]: installers for this platform (or the one named).
// Needs internet: electron-builder downloads the Electron runtime for the target.

const platform = process.argv.find((a) => ['--linux', '--mac', '--win'].includes(a));
const targets = platform === '--linux' ? { linux: [] } : platform === '--mac' ? { mac: [] } : platform === '--win' ? { win: [] } : {};
const files = await build({ config: builderConfig, publish: 'never', ...targets });
process.stdout.write(`${files.join('\n')}\n`);
