import Fastify from 'fastify';
import { onStopRequest, sendReady } from '../lib/child.ts';

// A second reference point: an empty fastify app answering 200 to any request, with the JSON
// body parser Keyward uses. Keyward's distance to it is Keyward's own work; its distance to bare
// node:http is the framework's share.

const app = Fastify({ logger: false });
app.all('/*', async () => ({ allowed: true }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
sendReady({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
onStopRequest(() => app.close());
