// Child-process runner for fault tests: `node --import tsx run-link.ts '<LinkSpec JSON>'`.
import { ForwardLink, type LinkSpec } from '@warren/forwarder';

const spec = JSON.parse(process.argv[2] ?? '{}') as LinkSpec;
const link = new ForwardLink(spec, { log: (m) => console.error(m) });
link.start();
setInterval(() => console.log(JSON.stringify(link.status())), 1000);
process.on('SIGTERM', () => {
  void link.stop(5000).then(() => process.exit(0));
});
