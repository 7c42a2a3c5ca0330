import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { resolveApi } from './app/api.ts';

// Entry of the admin console: one API object (preload or browser bridge) for the whole app.
const api = resolveApi();
createRoot(document.getElementById('root')!).render(<App api={api} />);
