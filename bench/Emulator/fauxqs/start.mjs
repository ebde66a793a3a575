// Starts fauxqs through its exported buildApp() on 127.0.0.1 (its CLI binds 0.0.0.0). Usage: node start.mjs <port>
import { buildApp } from "fauxqs";

const port = Number(process.argv[2] ?? 4570);
const app = buildApp({ logger: false, host: `127.0.0.1:${port}` });
await app.listen({ host: "127.0.0.1", port });
console.log(`fauxqs listening on http://127.0.0.1:${port}`);
