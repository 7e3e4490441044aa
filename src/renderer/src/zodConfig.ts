// Zod in jitless mode, set before any schema is built: the app's CSP forbids eval, and zod's probe for it
// (new Function) otherwise reports a CSP violation on every load. Must be main.tsx's first import: zod decides per
// schema, when the schema is created, whether to compile a fast path.
import { z } from 'zod';

z.config({ jitless: true });
