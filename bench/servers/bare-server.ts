import { createServer } from 'node:http';
import { onStopRequest, sendReady } from '../lib/child.ts';

// The baseline: a bare node:http server that reads the request and answers 200 with a small JSON
// body. Same process model as the Keyward server (its own child process, loopback, keep-alive).

const body = Buffer.from('{"allowed":true}');
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  sendReady({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
onStopRequest(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
