// The browser host's public entry (npm run start:browser, the renderer's end-to-end tests).
export { startBrowserHost, type BrowserHost, type BrowserHostOptions } from './host.ts';
