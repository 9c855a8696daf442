// A long-lived forwarder process driven over IPC (bench): `{start: LinkSpec}` / `{stop: name}`,
// answering `{started}` / `{stopped, status}`. Like `warren forward`, it stays warm between links.
import { ForwardLink, type LinkSpec } from '@warren/forwarder';

const links = new Map<string, ForwardLink>();
process.on('message', (m: { start?: LinkSpec; stop?: string }) => {
  if (m.start) {
    const link = new ForwardLink(m.start);
    links.set(m.start.name, link);
    link.start();
    process.send?.({ started: m.start.name });
  } else if (m.stop) {
    const link = links.get(m.stop);
    links.delete(m.stop);
    void (link?.stop(2000) ?? Promise.resolve()).then(() =>
      process.send?.({ stopped: m.stop, status: link?.status() }),
    );
  }
});
// The parent went away (or asked us to end): exit normally, so --cpu-prof can write its profile.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
